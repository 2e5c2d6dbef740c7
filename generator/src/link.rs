//! Many specs, one crate: links the normalized model of each spec (an API group) into one
//! [`CrateModel`], where a type that several groups share is defined once.
//!
//! Why it works this way:
//! - **Names are stable.** Each spec is normalized on its own, exactly as if it were generated
//!   alone, so every name a group shows its users (types, methods, error enums) depends on that
//!   spec only. Adding or removing another spec can never rename anything in a group.
//! - **Sharing is structural.** After normalization, types of all groups are partitioned with
//!   the same Moore refinement that deduplicates within a spec (see `normalize::dedup`), over
//!   their rendered shape: field and variant names, wire names, flags, and the classes of the
//!   types they refer to. Two groups share a type only when its Rust definition is identical in
//!   both (docs aside), so one definition serves every group that uses it.
//! - **Shared types live in `shared`, and each group re-exports them** under the name it gives
//!   them (`pub use crate::shared::Failure;`, or `... as LocalName` when the names differ).
//!   Users import types through their group, whose paths are stable; which module holds the
//!   definition is an implementation detail. A shared type is compiled when any group that uses
//!   it is enabled (`#[cfg(any(feature = ...))]`).
//! - The children of a shared type are shared too (their classes have members in the same
//!   groups), so a shared definition only ever refers to other shared types.

use crate::model::{NormalizedModel, TypeId, TypeKind, TypeRef};
use crate::naming::Scope;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Where a group's type is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// In the group's own `types` module.
    Local,
    /// In the crate's `shared` module, at this index of [`CrateModel::shared`].
    Shared(usize),
}

/// One API group: one spec, its module and its cargo feature.
#[derive(Debug, Clone)]
pub struct Group {
    /// Module name (`apikeys_v2`).
    pub module: String,
    /// Cargo feature (`apikeys-v2`).
    pub feature: String,
    /// The spec, as named in generated comments.
    pub label: String,
    /// The group's model, normalized alone.
    pub model: NormalizedModel,
    /// Per type of `model`, where it is defined.
    pub homes: Vec<Home>,
    /// The group's server is a per-tenant placeholder: users must give its base URL.
    pub base_url_required: bool,
}

/// A type defined once for several groups.
#[derive(Debug, Clone)]
pub struct SharedType {
    /// Its name in the `shared` module.
    pub name: String,
    /// The definition it is emitted from: a group index and that group's type.
    pub canonical: (usize, TypeId),
    /// The groups using it (indexes, ascending).
    pub groups: Vec<usize>,
}

/// Every group of a crate, linked.
#[derive(Debug, Clone)]
pub struct CrateModel {
    /// The groups, sorted by module name.
    pub groups: Vec<Group>,
    /// Types shared by two or more groups, in emission order.
    pub shared: Vec<SharedType>,
    /// `From<&source> for target` between shared types (see `shared_conversions`).
    pub shared_conversions: Vec<SharedConversion>,
}

/// A conversion between two shared types, emitted in the `shared` module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SharedConversion {
    /// The request type, an index of [`CrateModel::shared`].
    pub target: usize,
    /// The received type it is built from.
    pub source: usize,
    /// A group whose model has both, as `(group, target id, source id)`: the conversion is
    /// rendered from it.
    pub seen_in: (usize, TypeId, TypeId),
}

impl CrateModel {
    /// A readable, stable text form of the linking decisions (which group defines or shares
    /// which type, under which names), for snapshot tests and review.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for st in &self.shared {
            let users: Vec<&str> = st.groups.iter().map(|&g| self.groups[g].module.as_str()).collect();
            let _ = writeln!(out, "shared {} (from {}) used by {}", st.name, self.groups[st.canonical.0].module, users.join(", "));
        }
        for c in &self.shared_conversions {
            let _ = writeln!(out, "shared {} from &{}", self.shared[c.target].name, self.shared[c.source].name);
        }
        for g in &self.groups {
            let server = g.model.api.default_server.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "group {} feature {} ({}) server {server}{}",
                g.module,
                g.feature,
                g.label,
                if g.base_url_required { " [base URL required]" } else { "" }
            );
            for (t, home) in g.model.types.iter().zip(&g.homes) {
                match home {
                    Home::Local => {
                        let _ = writeln!(out, "  type {}", t.name);
                    }
                    Home::Shared(s) if self.shared[*s].name == t.name => {
                        let _ = writeln!(out, "  type {} = shared", t.name);
                    }
                    Home::Shared(s) => {
                        let _ = writeln!(out, "  type {} = shared {}", t.name, self.shared[*s].name);
                    }
                }
            }
            for op in &g.model.operations {
                let _ = writeln!(out, "  operation {} {} {}", op.fn_name, op.method.as_str(), op.path);
            }
        }
        out
    }
}

/// What the linker needs of each group.
pub struct GroupInput {
    /// Module name.
    pub module: String,
    /// Cargo feature.
    pub feature: String,
    /// Label for comments.
    pub label: String,
    /// The normalized spec.
    pub model: NormalizedModel,
}

/// Links groups into one crate model. Groups are ordered by module name, so the result does not
/// depend on the order the specs were given in.
pub fn link(mut inputs: Vec<GroupInput>) -> CrateModel {
    inputs.sort_by(|a, b| a.module.cmp(&b.module));
    // Nodes: every (group, type).
    let mut nodes: Vec<(usize, TypeId)> = Vec::new();
    let mut index: HashMap<(usize, TypeId), usize> = HashMap::new();
    for (g, input) in inputs.iter().enumerate() {
        for i in 0..input.model.types.len() {
            index.insert((g, TypeId(i)), nodes.len());
            nodes.push((g, TypeId(i)));
        }
    }
    let mut labels: HashMap<String, usize> = HashMap::new();
    let mut kids: Vec<Vec<usize>> = Vec::with_capacity(nodes.len());
    let mut class: Vec<usize> = Vec::with_capacity(nodes.len());
    for &(g, id) in &nodes {
        let (label, children) = shape_label(&inputs[g].model, id);
        let next = labels.len();
        class.push(*labels.entry(label).or_insert(next));
        kids.push(children.iter().filter_map(|c| index.get(&(g, *c)).copied()).collect());
    }
    // The same Moore refinement that deduplicates within a spec.
    let class = crate::normalize::dedup::refine(class, labels.len(), &kids);
    // Classes with members in two or more groups become shared types.
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (n, &c) in class.iter().enumerate() {
        members.entry(c).or_default().push(n);
    }
    let mut shared_classes: Vec<(usize, Vec<usize>)> = members
        .into_iter()
        .filter_map(|(c, ms)| {
            let mut groups: Vec<usize> = ms.iter().map(|&n| nodes[n].0).collect();
            groups.sort_unstable();
            groups.dedup();
            (groups.len() > 1).then_some((c, ms))
        })
        .collect();
    // Emission order and names: by the first member (lowest group, then its type order).
    shared_classes.sort_by_key(|(_, ms)| ms.iter().copied().min().unwrap_or(0));
    let mut homes: Vec<Vec<Home>> = inputs.iter().map(|i| vec![Home::Local; i.model.types.len()]).collect();
    let mut scope = Scope::default();
    let mut shared = Vec::with_capacity(shared_classes.len());
    for (s, (_, ms)) in shared_classes.iter().enumerate() {
        let first = ms.iter().copied().min().unwrap_or(0);
        let (g0, id0) = nodes[first];
        let name = scope.claim(inputs[g0].model.ty(id0).name.clone());
        let mut groups: Vec<usize> = ms.iter().map(|&n| nodes[n].0).collect();
        groups.sort_unstable();
        groups.dedup();
        for &n in ms {
            let (g, id) = nodes[n];
            homes[g][id.0] = Home::Shared(s);
        }
        shared.push(SharedType { name, canonical: (g0, id0), groups });
    }
    let groups: Vec<Group> = inputs
        .into_iter()
        .zip(homes)
        .map(|(input, homes)| {
            let base_url_required = input.model.api.default_server.as_deref().is_some_and(is_placeholder_server);
            Group { module: input.module, feature: input.feature, label: input.label, model: input.model, homes, base_url_required }
        })
        .collect();
    let shared_conversions = shared_conversions(&groups);
    CrateModel { groups, shared, shared_conversions }
}

/// The rendered shape of a type with the types it refers to abstracted (`#`), and those types
/// in order. Docs are left out: they do not change the Rust definition's meaning.
fn shape_label(model: &NormalizedModel, id: TypeId) -> (String, Vec<TypeId>) {
    let mut out = String::new();
    let mut children = Vec::new();
    match &model.ty(id).kind {
        TypeKind::Struct { fields, additional } => {
            out.push_str("struct{");
            for f in fields {
                let _ = write!(out, "{}:{:?}:{}{}{}{}{}{}:", f.name, f.wire_name, f.required, f.nullable, f.boxed, f.redacted, f.optional(), f.patch);
                ref_label(&f.ty, &mut out, &mut children);
                out.push(';');
            }
            if let Some(a) = additional {
                out.push_str("..");
                ref_label(a, &mut out, &mut children);
            }
            out.push('}');
        }
        TypeKind::Enum { variants } => {
            out.push_str("enum{");
            for v in variants {
                let _ = write!(out, "{}={:?};", v.name, v.wire);
            }
            out.push('}');
        }
        TypeKind::Union { tag, variants } => {
            let _ = write!(out, "union{tag:?}{{");
            for v in variants {
                let _ = write!(out, "{}:{:?}:{}:", v.name, v.tags, v.boxed);
                ref_label(&v.ty, &mut out, &mut children);
                out.push(';');
            }
            out.push('}');
        }
    }
    (out, children)
}

fn ref_label(t: &TypeRef, out: &mut String, children: &mut Vec<TypeId>) {
    match t {
        TypeRef::Named(id) => {
            out.push('#');
            children.push(*id);
        }
        TypeRef::Array(i) => {
            out.push('[');
            ref_label(i, out, children);
            out.push(']');
        }
        TypeRef::Map(i) => {
            out.push('{');
            ref_label(i, out, children);
            out.push('}');
        }
        TypeRef::Nullable(i) => {
            ref_label(i, out, children);
            out.push('?');
        }
        TypeRef::Tuple(items) => {
            out.push('(');
            for i in items {
                ref_label(i, out, children);
                out.push(',');
            }
            out.push(')');
        }
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

/// Words that name a placeholder rather than a real host in a server URL.
const PLACEHOLDER_WORDS: &[&str] = &["region", "provider", "tenant", "example", "your", "instance", "cluster", "account", "placeholder"];

/// Whether a server URL is a placeholder for a per-tenant endpoint that users must name
/// themselves: it still holds a `{variable}`, a host label is one of `PLACEHOLDER_WORDS` or is
/// made of zeros after a prefix (`pkc-00000`), or the host is under `example.com`/`.org`/`.net`
/// (reserved for documentation by RFC 2606).
pub fn is_placeholder_server(url: &str) -> bool {
    if url.contains('{') {
        return true;
    }
    let host = url.split("://").nth(1).unwrap_or(url).split(['/', ':', '?', '#']).next().unwrap_or("").to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() >= 2 && matches!(labels[labels.len() - 2..], ["example", "com" | "org" | "net"]) {
        return true;
    }
    labels.iter().any(|l| {
        PLACEHOLDER_WORDS.contains(l)
            || l.rsplit('-').next().is_some_and(|tail| tail.len() >= 3 && tail.bytes().all(|b| b == b'0'))
            || (l.len() >= 3 && l.bytes().all(|b| b == b'x'))
    })
}

/// Conversions between shared types. A group decides its own (`TypeDef::converts_from`); where
/// both types of a pair are shared, the impl must live once in `shared`, not in each group
/// (two enabled groups would define it twice). A pair is kept only while every nested pair its
/// fields need is kept too (a shared type only refers to shared types, so those pairs are
/// shared ones), the same greatest fixpoint as `normalize::convert`.
fn shared_conversions(groups: &[Group]) -> Vec<SharedConversion> {
    use std::collections::BTreeMap;
    let mut pairs: BTreeMap<(usize, usize), (usize, TypeId, TypeId)> = BTreeMap::new();
    for (g, group) in groups.iter().enumerate() {
        for (q, t) in group.model.types.iter().enumerate() {
            let Home::Shared(sq) = group.homes[q] else { continue };
            for p in &t.converts_from {
                if let Home::Shared(sp) = group.homes[p.0] {
                    pairs.entry((sp, sq)).or_insert((g, TypeId(q), *p));
                }
            }
        }
    }
    loop {
        let before = pairs.len();
        let snapshot: Vec<(usize, usize)> = pairs.keys().copied().collect();
        pairs.retain(|_, &mut (g, q, p)| {
            let model = &groups[g].model;
            let homes = &groups[g].homes;
            let (TypeKind::Struct { fields: qf, .. }, TypeKind::Struct { fields: pf, .. }) = (&model.ty(q).kind, &model.ty(p).kind) else { return false };
            qf.iter().all(|f| {
                let Some(from) = pf.iter().find(|x| x.wire_name == f.wire_name) else { return true };
                match (&from.ty, &f.ty) {
                    (TypeRef::Named(a), TypeRef::Named(b)) if a != b => match (homes[a.0], homes[b.0]) {
                        (Home::Shared(sa), Home::Shared(sb)) => snapshot.contains(&(sa, sb)),
                        _ => false,
                    },
                    _ => true,
                }
            })
        });
        if pairs.len() == before {
            break;
        }
    }
    pairs.into_iter().map(|((source, target), seen_in)| SharedConversion { target, source, seen_in }).collect()
}

#[cfg(test)]
mod tests {
    use super::is_placeholder_server;

    #[test]
    fn placeholder_servers() {
        for url in [
            "https://psrc-00000.region.provider.confluent.cloud",
            "https://flink.region.provider.confluent.cloud",
            "https://pkc-00000.us-west-2.aws.confluent.cloud",
            "https://{cluster}.api.io",
            "https://api.example.com",
            "https://xxxx.service.io",
        ] {
            assert!(is_placeholder_server(url), "{url}");
        }
        for url in ["https://api.confluent.cloud", "https://api.github.com", "http://localhost/v1", "https://api.stripe.com:443/v1"] {
            assert!(!is_placeholder_server(url), "{url}");
        }
    }
}

