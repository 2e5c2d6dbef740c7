//! Structural deduplication of the schema graph, then materialization into named types.
//!
//! `dedup_structural` partitions nodes by shape with Moore-style refinement (like minimizing an
//! automaton): nodes start grouped by their local label (kind, property names and flags, enum
//! values), and groups split until every member's children fall into the same groups. This finds
//! every pair of structurally identical schemas, recursive ones included, whatever their titles
//! or where they sit. Docs and titles are not part of a shape. Names are decided in
//! `naming::types`; this module then materializes the named types and boxes recursive fields.

use super::schema::{Node, NodeId, Scalar, Shape, Use};
use crate::model::{Directions, EnumVariant, Field, TypeDef, TypeId, TypeKind, TypeRef, UnionVariant};
use crate::naming::{type_ident, value_ident, Scope};
use std::collections::HashMap;

use super::schema::Direction;

#[derive(Hash, PartialEq, Eq)]
enum Label<'n> {
    /// A node whose exact class is kept as it is (see `merge_response_variants`).
    Fixed(usize),
    Pending,
    Scalar(Scalar),
    Array(bool),
    Map(bool),
    Object { props: Vec<(&'n str, bool, bool, bool, bool)>, additional: Option<bool> },
    Enum(&'n [String]),
    Tuple(Vec<bool>),
    Union { tag: Option<&'n str>, variants: Vec<(&'n [String], bool)> },
}

/// `loose`: leave out which properties are required or nullable (see `merge_response_variants`).
fn label(n: &Node, loose: bool) -> Label<'_> {
    match &n.shape {
        Shape::Pending => Label::Pending,
        Shape::Scalar(s) => Label::Scalar(*s),
        Shape::Array(u) => Label::Array(u.nullable),
        Shape::Map(u) => Label::Map(u.nullable),
        Shape::Object { props, additional } => Label::Object {
            props: props.iter().map(|p| (p.wire.as_str(), p.required && !loose, p.ty.nullable && !loose, p.redacted, p.untyped)).collect(),
            additional: additional.map(|a| a.nullable),
        },
        Shape::Enum(v) => Label::Enum(v),
        Shape::Tuple(items) => Label::Tuple(items.iter().map(|u| u.nullable).collect()),
        Shape::Union { tag, variants } => Label::Union {
            tag: tag.as_deref(),
            variants: variants.iter().map(|(t, u)| (t.as_slice(), u.nullable)).collect(),
        },
    }
}

fn children(n: &Node) -> Vec<NodeId> {
    match &n.shape {
        Shape::Pending | Shape::Scalar(_) | Shape::Enum(_) => Vec::new(),
        Shape::Array(u) | Shape::Map(u) => vec![u.node],
        Shape::Object { props, additional } => props.iter().map(|p| p.ty.node).chain(additional.iter().map(|a| a.node)).collect(),
        Shape::Union { variants, .. } => variants.iter().map(|(_, u)| u.node).collect(),
        Shape::Tuple(items) => items.iter().map(|u| u.node).collect(),
    }
}

/// The class of every node: equal classes mean structurally identical schemas.
pub fn dedup_structural(nodes: &[Node]) -> Vec<usize> {
    let mut labels: HashMap<Label<'_>, usize> = HashMap::new();
    let class: Vec<usize> = nodes
        .iter()
        .map(|n| {
            let next = labels.len();
            *labels.entry(label(n, false)).or_insert(next)
        })
        .collect();
    let kids: Vec<Vec<NodeId>> = nodes.iter().map(children).collect();
    refine(class, labels.len(), &kids)
}

/// One type per resource on the response side: classes that are only ever received and whose
/// shapes differ only in which properties are required (or admit `null`) become one class.
///
/// Confluent-style specs (and many others) return one schema through `allOf` overlays that each
/// require a different subset of its fields: create returns the plain component, get requires
/// `api_version`/`kind`/`id`, list items require `id`/`metadata`. Exact deduplication makes each
/// of them a type of its own, named after its first use (`GetOrgV2EnvironmentResponse`,
/// `EnvironmentListDataItem`), with no conversion between them: five types for one service
/// account. Merged, a field is non-`Option` only where every response use requires it (the rule
/// the README states), so every value any of them accepted still decodes.
///
/// Only response-only classes merge, and only with each other: a class that is ever sent keeps
/// its exact required set, because loosening it would let a caller leave out a field the server
/// requires, and tightening it would demand fields the server does not. The merge is a second
/// Moore refinement over the exact classes, so nested objects (`spec.owner` required in one
/// overlay) merge the same way, and it only ever joins classes.
fn merge_response_variants(nodes: &[Node], exact: &[usize]) -> Vec<usize> {
    let classes = exact.iter().copied().max().map_or(0, |m| m + 1);
    let mut response_only = vec![true; classes];
    for (n, &c) in exact.iter().enumerate() {
        if nodes[n].dir != Direction::Response {
            response_only[c] = false;
        }
    }
    let mut labels: HashMap<Label<'_>, usize> = HashMap::new();
    let start: Vec<usize> = nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let l = if response_only[exact[n]] { label(node, true) } else { Label::Fixed(exact[n]) };
            let next = labels.len();
            *labels.entry(l).or_insert(next)
        })
        .collect();
    let kids: Vec<Vec<NodeId>> = nodes.iter().map(children).collect();
    refine(start, labels.len(), &kids)
}

/// Moore partition refinement: starting from `class` (with `count` distinct classes), splits
/// classes until every member's children (`kids`, indexes into the same nodes) fall into the same
/// classes. Equal results mean structurally identical nodes, cycles included. Also used across
/// API groups by `link`.
pub(crate) fn refine(mut class: Vec<usize>, mut count: usize, kids: &[Vec<usize>]) -> Vec<usize> {
    loop {
        let mut sigs: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
        let next: Vec<usize> = (0..class.len())
            .map(|i| {
                let sig = (class[i], kids[i].iter().map(|&c| class[c]).collect::<Vec<_>>());
                let n = sigs.len();
                *sigs.entry(sig).or_insert(n)
            })
            .collect();
        let new_count = sigs.len();
        class = next;
        if new_count == count {
            return class;
        }
        count = new_count;
    }
}

/// Named types and the mapping from graph nodes to type references.
pub struct TypeSpace {
    /// The named types, sorted by name.
    pub types: Vec<TypeDef>,
    class: Vec<usize>,
    class_type: HashMap<usize, TypeId>,
}

impl TypeSpace {
    /// The type reference for a use of a node (`nullable` is left to the caller, except inside
    /// arrays and maps).
    pub fn type_ref(&self, nodes: &[Node], node: NodeId) -> TypeRef {
        self.type_ref_chain(nodes, node, &mut Vec::new())
    }

    fn type_ref_chain(&self, nodes: &[Node], node: NodeId, chain: &mut Vec<NodeId>) -> TypeRef {
        if let Some(id) = self.class_type.get(&self.class[node]) {
            return TypeRef::Named(*id);
        }
        if chain.contains(&node) || chain.len() > 64 {
            // An array or map that contains itself with no object in between: there is no
            // finite Rust type for it, so the inner level is any JSON value.
            return TypeRef::Any;
        }
        chain.push(node);
        let t = self.type_ref_shape(nodes, node, chain);
        chain.pop();
        t
    }

    fn type_ref_shape(&self, nodes: &[Node], node: NodeId, chain: &mut Vec<NodeId>) -> TypeRef {
        let mut inner = |u: &Use| {
            let t = self.type_ref_chain(nodes, u.node, chain);
            if u.nullable {
                TypeRef::Nullable(Box::new(t))
            } else {
                t
            }
        };
        match &nodes[node].shape {
            Shape::Scalar(s) => scalar_ref(*s),
            Shape::Array(u) => TypeRef::Array(Box::new(inner(u))),
            Shape::Map(u) => TypeRef::Map(Box::new(inner(u))),
            Shape::Tuple(items) => TypeRef::Tuple(items.iter().map(inner).collect()),
            Shape::Pending | Shape::Object { .. } | Shape::Enum(_) | Shape::Union { .. } => TypeRef::Any,
        }
    }
}

fn scalar_ref(s: Scalar) -> TypeRef {
    match s {
        Scalar::String => TypeRef::String,
        Scalar::DateTime => TypeRef::DateTime,
        Scalar::Date => TypeRef::Date,
        Scalar::Int(k) => TypeRef::Integer(k),
        Scalar::F32 => TypeRef::F32,
        Scalar::F64 => TypeRef::F64,
        Scalar::Bool => TypeRef::Boolean,
        Scalar::Any => TypeRef::Any,
        Scalar::JsonObject => TypeRef::JsonObject,
        Scalar::Binary => TypeRef::Binary,
    }
}

fn is_named_shape(s: &Shape) -> bool {
    matches!(s, Shape::Object { .. } | Shape::Enum(_) | Shape::Union { .. })
}

/// Turns the deduplicated graph into named types.
pub fn materialize(nodes: &[Node], body_roles: &[(NodeId, String)]) -> TypeSpace {
    let class = merge_response_variants(nodes, &dedup_structural(nodes));
    let mut members: HashMap<usize, Vec<NodeId>> = HashMap::new();
    for (n, &c) in class.iter().enumerate() {
        if is_named_shape(&nodes[n].shape) {
            members.entry(c).or_default().push(n);
        }
    }
    // A type's representative (its docs, and the parent its positional name derives from) is
    // its first response-side occurrence when it has one: shared types read as responses.
    let rep: HashMap<usize, NodeId> = members
        .iter()
        .map(|(&c, m)| (c, m.iter().copied().find(|&n| nodes[n].dir == Direction::Response).unwrap_or(m[0])))
        .collect();
    let (order, names) = crate::naming::types::name_types(nodes, &class, &rep, &members, body_roles);
    // Types are emitted sorted by name, so ids follow that order.
    let mut by_name: Vec<(String, usize)> = order.iter().map(|c| (names[c].clone(), *c)).collect();
    by_name.sort();
    let class_type: HashMap<usize, TypeId> = by_name.iter().enumerate().map(|(i, (_, c))| (*c, TypeId(i))).collect();
    let mut space = TypeSpace { types: Vec::new(), class: class.clone(), class_type };
    let mut types = Vec::with_capacity(by_name.len());
    for (name, c) in &by_name {
        let r = rep[c];
        let node = &nodes[r];
        let mut directions = Directions::default();
        let mut origins: Vec<String> = Vec::new();
        for &m in &members[c] {
            match nodes[m].dir {
                Direction::Request => directions.request = true,
                Direction::Response => directions.response = true,
            }
            origins.push(nodes[m].pointer.clone());
        }
        origins.sort();
        origins.dedup();
        let mut docs = node.docs.clone();
        if docs.description.is_none() {
            docs.description = members[c].iter().find_map(|&m| nodes[m].docs.description.clone());
        }
        let kind = match &node.shape {
            Shape::Object { props, additional } => {
                let mut scope = Scope::with_reserved(if additional.is_some() { &["additional_properties"] } else { &[] });
                let fields = props
                    .iter()
                    .enumerate()
                    .map(|(i, p)| Field {
                        name: scope.claim(value_ident(&p.wire, "field")),
                        wire_name: p.wire.clone(),
                        ty: space.type_ref(nodes, p.ty.node),
                        // Merged response variants (`merge_response_variants`): required only
                        // where every one of them requires it.
                        required: members[c].iter().all(|&m| match &nodes[m].shape {
                            Shape::Object { props, .. } => props.get(i).is_none_or(|q| q.required),
                            _ => true,
                        }),
                        // ... and nullable where any of them admits `null`.
                        nullable: members[c].iter().any(|&m| match &nodes[m].shape {
                            Shape::Object { props, .. } => props.get(i).is_some_and(|q| q.ty.nullable),
                            _ => false,
                        }),
                        boxed: false,
                        redacted: p.redacted,
                        untyped: p.untyped,
                        // Only a type that is never received can use the three-state field:
                        // responses keep `Option`, which reads both absent and `null` as `None`.
                        patch: directions.request && !directions.response && !p.required && p.ty.nullable,
                        docs: p.docs.clone(),
                    })
                    .collect();
                let additional = additional.map(|a| {
                    let t = space.type_ref(nodes, a.node);
                    if a.nullable {
                        TypeRef::Nullable(Box::new(t))
                    } else {
                        t
                    }
                });
                TypeKind::Struct { fields, additional }
            }
            Shape::Enum(values) => {
                let mut scope = Scope::with_reserved(&["Unknown"]);
                let variants = values
                    .iter()
                    .map(|v| {
                        let base = if v.is_empty() { "Empty".to_string() } else { type_ident(v, "V") };
                        EnumVariant { name: scope.claim(base), wire: v.clone() }
                    })
                    .collect();
                TypeKind::Enum { variants }
            }
            Shape::Union { tag, variants } => {
                let mut scope = Scope::with_reserved(&["Unknown"]);
                let variants = variants
                    .iter()
                    .map(|(tags, u)| {
                        let mut ty = space.type_ref(nodes, u.node);
                        if u.nullable {
                            ty = TypeRef::Nullable(Box::new(ty));
                        }
                        let base = match (&ty, tags.first()) {
                            (_, Some(t)) => type_ident(t, "V"),
                            (TypeRef::Named(id), None) => by_name[id.0].0.clone(),
                            (other, None) => type_ident(&variant_word(other), "V"),
                        };
                        UnionVariant { name: scope.claim(base), tags: tags.clone(), ty, boxed: false }
                    })
                    .collect();
                TypeKind::Union { tag: tag.clone(), variants }
            }
            Shape::Pending | Shape::Scalar(_) | Shape::Array(_) | Shape::Map(_) | Shape::Tuple(_) => TypeKind::Struct { fields: Vec::new(), additional: None },
        };
        let resource = crate::naming::types::resource_of(nodes, &members[c]);
        types.push(TypeDef { name: name.clone(), docs, kind, directions, origins, resource, converts_from: Vec::new() });
    }
    mark_boxed(&mut types);
    super::convert::plan(&mut types);
    space.types = types;
    space
}

fn variant_word(t: &TypeRef) -> String {
    match t {
        TypeRef::Array(_) => "List".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Tuple(_) => "Tuple".into(),
        TypeRef::Nullable(i) => variant_word(i),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        other => format!("{other:?}"),
    }
}

/// Direct (not through `Vec` or a map) type references: these need a `Box` on a cycle.
fn direct_targets(t: &TypeRef, out: &mut Vec<TypeId>) {
    match t {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Nullable(i) => direct_targets(i, out),
        _ => {}
    }
}

/// Boxes every field whose type can contain the field's own struct without a `Vec` or map in
/// between (Tarjan's strongly connected components over direct containment).
fn mark_boxed(types: &mut [TypeDef]) {
    let n = types.len();
    let mut edges: Vec<Vec<TypeId>> = vec![Vec::new(); n];
    for (i, t) in types.iter().enumerate() {
        match &t.kind {
            TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| direct_targets(&f.ty, &mut edges[i])),
            TypeKind::Union { variants, .. } => variants.iter().for_each(|v| direct_targets(&v.ty, &mut edges[i])),
            TypeKind::Enum { .. } => {}
        }
    }
    let comp = scc(&edges);
    let on_cycle = |ty: &TypeRef, i: usize| {
        let mut targets = Vec::new();
        direct_targets(ty, &mut targets);
        targets.iter().any(|id| comp[id.0] == comp[i])
    };
    for (i, t) in types.iter_mut().enumerate() {
        match &mut t.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| f.boxed = on_cycle(&f.ty, i)),
            TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| v.boxed = on_cycle(&v.ty, i)),
            TypeKind::Enum { .. } => {}
        }
    }
}

/// Component index of every vertex (iterative Tarjan, so deep graphs cannot overflow the stack).
fn scc(edges: &[Vec<TypeId>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_comp = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(w) = edges[v].get(*ei).map(|t| t.0) {
                *ei += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = next_comp;
                    if w == v {
                        break;
                    }
                }
                next_comp += 1;
            }
        }
    }
    comp
}
