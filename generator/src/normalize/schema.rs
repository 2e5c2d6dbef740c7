//! Schemas to a graph of shapes, one node per (schema place, direction).
//!
//! `allOf` is merged here, `$ref`s are followed (memoized per target and direction, so recursive
//! types terminate), readOnly/writeOnly properties are dropped per direction, and example-only
//! overlays are recognised and ignored. Deduplication happens afterwards on the finished graph
//! (see `dedup`), so this layer never has to decide whether two schemas are the same type.
//!
//! OpenAPI 3.1 schemas are JSON Schema 2020-12, and are read as such (3.2 too):
//! - `type` arrays: `"null"` makes the use nullable; several other types make an untagged union
//!   with one variant per type (integer tried before number).
//! - `const`: a string constant is a one-value (open) enum; other constants keep their type; the
//!   value is documented either way.
//! - `examples` (the array form) are tested like `example`.
//! - `$ref` with siblings: in 3.1 the siblings apply. Annotations (`description`, ...) describe
//!   the use (field docs), `nullable`/a `"null"` type make it nullable, and constraining siblings
//!   are merged with the target like an `allOf` of the two. In 3.0 siblings are ignored (warned).
//! - `$defs`: refs into them are ordinary JSON-pointer refs.
//! - Boolean schemas: `true` is any value; a `false` property can never be present, so it is no
//!   field; `items: false` (no items beyond `prefixItems`) is what makes a tuple exact.
//! - `prefixItems`: an exact tuple (`items: false` and `minItems` = length) is a Rust tuple;
//!   anything looser would reject valid arrays as a tuple, so it is a list (of the one item
//!   schema when all are equal, else of JSON values) with a warning.
//! - `contentEncoding`/`contentMediaType` stay strings, documented.
//!
//! Keywords that cannot be expressed are warned by `lint` and ignored, which only ever widens
//! what decodes.

use crate::diag::{child, Diagnostics};
use crate::json::kind_of;
// Moved to `crate::json`; re-exported here for existing callers.
pub use crate::json::lookup_pointer;
use crate::model::{Docs, IntKind};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Which way a schema's values travel; it decides which properties exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Client to server: readOnly properties are dropped.
    Request,
    /// Server to client: writeOnly properties are dropped.
    Response,
}

/// Index of a node in the graph.
pub type NodeId = usize;

/// A use of a node: the node, and whether `null` is allowed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    /// The node.
    pub node: NodeId,
    /// `nullable: true` at the use site or on the schema.
    pub nullable: bool,
}

/// Leaf types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    String,
    DateTime,
    Date,
    Int(IntKind),
    F32,
    F64,
    Bool,
    Any,
    JsonObject,
    Binary,
}

/// A node's shape; children are [`Use`]s.
#[derive(Debug, Clone)]
pub enum Shape {
    /// Being built (only seen while following a recursive `$ref`).
    Pending,
    Scalar(Scalar),
    Array(Use),
    Map(Use),
    Object { props: Vec<Prop>, additional: Option<Use> },
    Enum(Vec<String>),
    /// An exact `prefixItems` tuple.
    Tuple(Vec<Use>),
    Union { tag: Option<String>, variants: Vec<(Vec<String>, Use)> },
}

/// An object property.
#[derive(Debug, Clone)]
pub struct Prop {
    pub wire: String,
    pub ty: Use,
    pub required: bool,
    pub redacted: bool,
    /// Its schema gives a shape but never a `type` (`untyped_structured`): any JSON value is
    /// valid there, so one of another kind reads as absent.
    pub untyped: bool,
    pub docs: Docs,
}

/// Where a node's positional name comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// An operation's body or parameter: a complete name.
    Root(String),
    /// A component schema, by its key.
    Component(String),
    /// Inside another node: parent's name + suffix.
    Child { parent: NodeId, suffix: String },
    /// Shared leaf nodes.
    Leaf,
}

/// One schema, in one direction.
#[derive(Debug, Clone)]
pub struct Node {
    pub shape: Shape,
    pub dir: Direction,
    pub pointer: String,
    pub title: Option<String>,
    pub origin: Origin,
    pub docs: Docs,
}

/// Keywords that change a schema's shape. A schema with none of them is annotation-only
/// (description, example, nullable, validation bounds): inside `allOf` it adds no type or field.
const STRUCTURAL: &[&str] = &[
    "type", "properties", "items", "additionalProperties", "required", "enum", "allOf", "oneOf", "anyOf", "$ref", "not",
    "const", "prefixItems",
];
/// Rust tuples implement serde's traits up to 16 elements; longer `prefixItems` are lists.
const MAX_TUPLE: usize = 16;
/// Deeper than this is refused: it protects the stack from hostile nesting.
const MAX_DEPTH: usize = 400;
/// Longest chain of `allOf` members that are themselves `allOf`s through refs.
const MAX_ALLOF_CHAIN: usize = 128;

const KNOWN_FORMATS: &[&str] = &[
    "date-time", "date", "time", "int32", "int64", "uint32", "uint64", "int8", "int16", "uint8", "uint16", "float",
    "double", "byte", "binary", "password", "email", "uri", "uri-reference", "url", "uuid", "hostname", "ipv4",
    "ipv6", "duration", "string", "json", "integer", "number", "idn-email", "iri", "regex", "int", "decimal",
];

fn is_annotation_only(v: &Value) -> bool {
    match v {
        Value::Object(o) => !o.keys().any(|k| STRUCTURAL.contains(&k.as_str())),
        _ => false,
    }
}

fn flag(o: &Map<String, Value>, key: &str) -> bool {
    o.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Annotations seen through `$ref`s and `allOf` wrappers.
#[derive(Debug, Default, Clone)]
struct Annot {
    read_only: bool,
    write_only: bool,
    nullable: bool,
    redact: bool,
    format: Option<String>,
    docs: Docs,
}

/// The graph being built for one spec.
pub struct SchemaGraph<'a> {
    root: &'a Value,
    pub nodes: Vec<Node>,
    ref_memo: HashMap<(String, Direction), Use>,
    /// Component schemas still to build: (schema, pointer, direction, placeholder). Refs are
    /// built from this worklist rather than recursively, so the stack only ever holds one
    /// schema's own nesting, however long the chains of `$ref`s between components are.
    queue: Vec<(&'a Value, String, Direction, NodeId)>,
    /// Placeholders whose target turned out to be another node (a scalar, a passthrough
    /// `allOf`, another ref): they take that node's shape once the graph is complete.
    aliases: Vec<(NodeId, NodeId)>,
    /// Inline `allOf`s already built, by content and direction: merges re-create the same
    /// wrappers (an override that points back at its own type, shared overlays), and without
    /// this memo such recursion through inline schemas would never end.
    allof_memo: HashMap<(String, Direction), Use>,
    /// `resolve_for_merge` results per component: diamonds of shared `allOf` members are merged
    /// once, not once per path to them.
    merge_memo: HashMap<String, Option<Map<String, Value>>>,
    /// `annotations` of `$ref` targets, for the same reason.
    annot_memo: std::cell::RefCell<HashMap<String, Annot>>,
    leaf_memo: HashMap<Scalar, NodeId>,
    merging: Vec<String>,
    depth: usize,
    /// `example` values of response-direction schemas: (node, nullable, example, pointer).
    pub examples: Vec<(NodeId, bool, Value, String)>,
    /// Request body nodes, each with the verb of its operation (`Create`, `Update`): request
    /// types are named by that role (see `naming::types`).
    pub body_roles: Vec<(NodeId, String)>,
    /// The document is OpenAPI 3.1 or later: `$ref` siblings apply.
    oas31: bool,
    /// Set while the merge of a `$ref` and its 3.1 siblings is built: that merge is a variant of
    /// the target used in one place, named after that place, not after the target (which keeps
    /// its own name for its plain uses).
    sibling_merge: bool,
}

/// The result of merging an `allOf`.
enum Merged<'v> {
    /// Exactly one member shapes the value: use it as is (keeps `$ref` identity).
    One(&'v Value, String),
    /// Several members: their merge.
    Many(Value),
    /// Nothing structural: any value.
    Nothing,
}

impl<'a> SchemaGraph<'a> {
    /// An empty graph over the document `root`.
    pub fn new(root: &'a Value) -> Self {
        SchemaGraph {
            root,
            nodes: Vec::new(),
            ref_memo: HashMap::new(),
            queue: Vec::new(),
            aliases: Vec::new(),
            allof_memo: HashMap::new(),
            merge_memo: HashMap::new(),
            annot_memo: std::cell::RefCell::new(HashMap::new()),
            leaf_memo: HashMap::new(),
            body_roles: Vec::new(),
            merging: Vec::new(),
            depth: 0,
            examples: Vec::new(),
            sibling_merge: false,
            oas31: root.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.") && !v.starts_with("3.0")),
        }
    }

    fn leaf(&mut self, s: Scalar) -> NodeId {
        if let Some(&id) = self.leaf_memo.get(&s) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            shape: Shape::Scalar(s),
            dir: Direction::Response,
            pointer: String::new(),
            title: None,
            origin: Origin::Leaf,
            docs: Docs::default(),
        });
        self.leaf_memo.insert(s, id);
        id
    }

    fn any(&mut self) -> Use {
        Use { node: self.leaf(Scalar::Any), nullable: false }
    }

    fn alloc(&mut self, dir: Direction, pointer: &str, origin: Origin, obj: Option<&Map<String, Value>>) -> NodeId {
        let id = self.nodes.len();
        let (title, docs) = match obj {
            Some(o) => (o.get("title").and_then(Value::as_str).map(str::to_string), own_docs(o)),
            None => (None, Docs::default()),
        };
        self.nodes.push(Node { shape: Shape::Pending, dir, pointer: pointer.to_string(), title, origin, docs });
        id
    }

    /// Resolves a local `$ref` (following refs to refs) to its target and the target's pointer.
    pub fn resolve(&self, reference: &str, at: &str, d: &mut Diagnostics) -> Option<(&'a Value, String)> {
        let mut seen: Vec<String> = Vec::new();
        let mut current = reference.to_string();
        loop {
            let Some(fragment) = current.strip_prefix('#') else {
                d.error(at, format!("$ref {current:?} points outside this file; only local `#/...` references are supported"));
                return None;
            };
            if seen.contains(&current) {
                d.error(at, format!("$ref cycle with no schema in it: {}", seen.join(" -> ")));
                return None;
            }
            seen.push(current.clone());
            let Some(target) = lookup_pointer(self.root, fragment) else {
                d.error(at, format!("$ref {current:?} points to nothing"));
                return None;
            };
            match target.as_object().and_then(|o| o.get("$ref")) {
                Some(Value::String(next)) => current = next.clone(),
                Some(other) => {
                    d.error(&format!("#{fragment}"), format!("$ref must be a string, found {}", kind_of(other)));
                    return None;
                }
                None => return Some((target, format!("#{fragment}"))),
            }
        }
    }

    /// Builds the node for schema `v` at `ptr`, travelling in `dir`.
    pub fn build(&mut self, v: &Value, ptr: &str, dir: Direction, origin: Origin, d: &mut Diagnostics) -> Use {
        self.depth += 1;
        let u = if self.depth > MAX_DEPTH {
            d.error(ptr, format!("schemas nested deeper than {MAX_DEPTH} levels"));
            self.any()
        } else {
            self.build_inner(v, ptr, dir, origin, d)
        };
        self.depth -= 1;
        if dir == Direction::Response {
            if let Some(example) = v.get("example") {
                self.examples.push((u.node, u.nullable, example.clone(), child(ptr, "example")));
            }
            // JSON Schema's (3.1) `examples` is an array of values.
            if let Some(Value::Array(list)) = v.get("examples") {
                let base = child(ptr, "examples");
                for (i, example) in list.iter().enumerate() {
                    self.examples.push((u.node, u.nullable, example.clone(), child(&base, &i.to_string())));
                }
            }
        }
        u
    }

    fn build_inner(&mut self, v: &Value, ptr: &str, dir: Direction, origin: Origin, d: &mut Diagnostics) -> Use {
        let obj = match v {
            Value::Object(o) => o,
            Value::Bool(true) => return self.any(),
            Value::Bool(false) => {
                // Where it matters (properties, items) `false` is handled by the parent; alone it
                // would make a type with no values, which Rust cannot decode into usefully.
                d.warn(ptr, "the schema `false` admits no value: read as any JSON value");
                return self.any();
            }
            other => {
                d.error(ptr, format!("a schema must be a mapping, found {}", kind_of(other)));
                return self.any();
            }
        };
        let nullable = flag(obj, "nullable");
        if let Some(r) = obj.get("$ref") {
            let Some(r) = r.as_str() else {
                d.error(ptr, format!("$ref must be a string, found {}", kind_of(r)));
                return self.any();
            };
            let ignored: Vec<&str> =
                obj.keys().map(String::as_str).filter(|k| *k != "$ref" && STRUCTURAL.contains(k)).collect();
            if self.oas31 {
                let (overlay, null) = ref_sibling_overlay(obj);
                if let Some(merged) = overlay {
                    // 3.1: constraining siblings apply, like `allOf: [{$ref}, {siblings}]`.
                    self.sibling_merge = true;
                    let u = self.build_inner(&merged, ptr, dir, origin, d);
                    self.sibling_merge = false;
                    return Use { node: u.node, nullable: u.nullable || nullable || null };
                }
                let u = self.build_ref(r, ptr, dir, d);
                return Use { node: u.node, nullable: u.nullable || nullable || null };
            }
            if !ignored.is_empty() {
                d.warn(ptr, format!("keys beside $ref are ignored (OpenAPI 3.0): {}", ignored.join(", ")));
            }
            let u = self.build_ref(r, ptr, dir, d);
            return Use { node: u.node, nullable: u.nullable || nullable };
        }
        if obj.contains_key("allOf") {
            let key = (serde_json::to_string(obj).unwrap_or_default(), dir);
            if let Some(u) = self.allof_memo.get(&key) {
                return Use { node: u.node, nullable: u.nullable || nullable };
            }
            // The placeholder carries no title of its own: it stands for whatever the merge
            // turns out to be (possibly a shared component, which must keep its name).
            let placeholder = self.alloc(dir, ptr, origin.clone(), None);
            self.allof_memo.insert(key.clone(), Use { node: placeholder, nullable });
            let u = self.build_all_of(v, obj, ptr, dir, origin, nullable, d);
            if u.node != placeholder {
                self.aliases.push((placeholder, u.node));
                let (title, docs) = (self.nodes[u.node].title.clone(), self.nodes[u.node].docs.clone());
                let slot = &mut self.nodes[placeholder];
                slot.title = title;
                slot.docs = docs;
            }
            let u = Use { node: placeholder, nullable: u.nullable };
            self.allof_memo.insert(key, u);
            return u;
        }
        self.build_rest(obj, nullable, ptr, dir, origin, d)
    }

    #[allow(clippy::too_many_arguments)]
    fn build_all_of(
        &mut self,
        v: &Value,
        obj: &Map<String, Value>,
        ptr: &str,
        dir: Direction,
        origin: Origin,
        nullable: bool,
        d: &mut Diagnostics,
    ) -> Use {
        {
            let merged = self.merge_all_of(obj, ptr, d);
            match merged {
                Merged::One(member, mptr) => {
                    let u = self.build(member, &mptr, dir, origin, d);
                    // The wrapper's title names an inline member that has none of its own; a
                    // component keeps its own name (the wrapper only describes one use of it).
                    let inline = member.get("$ref").is_none();
                    if let Some(t) = obj.get("title").and_then(Value::as_str).filter(|_| inline) {
                        if self.nodes[u.node].title.is_none() && !matches!(self.nodes[u.node].origin, Origin::Leaf) {
                            self.nodes[u.node].title = Some(t.to_string());
                        }
                    }
                    Use { node: u.node, nullable: u.nullable || nullable || self.annotations(v, 0).nullable }
                }
                Merged::Many(value) => {
                    let u = self.build(&value, ptr, dir, origin, d);
                    Use { node: u.node, nullable: u.nullable || nullable }
                }
                Merged::Nothing => Use { node: self.leaf(Scalar::Any), nullable },
            }
        }
    }

    fn build_rest(&mut self, obj: &Map<String, Value>, nullable: bool, ptr: &str, dir: Direction, origin: Origin, d: &mut Diagnostics) -> Use {
        if let Some(merged) = obj.get("anyOf").filter(|_| !obj.contains_key("oneOf")).and_then(|list| self.merge_any_of(obj, list, ptr, d)) {
            let u = self.build(&merged, ptr, dir, origin, d);
            return Use { node: u.node, nullable: u.nullable || nullable };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(list) = obj.get(key) {
                let u = self.build_union(obj, key, list, ptr, dir, origin, d);
                return Use { node: u.node, nullable: u.nullable || nullable };
            }
        }
        let node = self.build_typed(obj, ptr, dir, origin, d);
        Use { node: node.node, nullable: node.nullable || nullable }
    }

    fn build_ref(&mut self, r: &str, ptr: &str, dir: Direction, d: &mut Diagnostics) -> Use {
        let Some((target, tptr)) = self.resolve(r, ptr, d) else { return self.any() };
        if let Some(u) = self.ref_memo.get(&(tptr.clone(), dir)) {
            return *u;
        }
        let name = tptr.rsplit('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~");
        // `$defs` (3.1) entries are named schemas like components, wherever they sit.
        let in_defs = tptr.rsplit('/').nth(1).is_some_and(|parent| parent == "$defs" || parent == "definitions");
        let origin = if tptr.starts_with("#/components/schemas/") || in_defs {
            Origin::Component(name)
        } else {
            Origin::Child { parent: self.leaf(Scalar::Any), suffix: crate::naming::camel_suffix(&name) }
        };
        // Reserve the memo slot now and build later (see `drain`): a type that contains itself
        // ends here, and deep chains of refs cost no stack.
        let placeholder = self.alloc(dir, &tptr, origin, target.as_object());
        let u = Use { node: placeholder, nullable: self.schema_nullable(target, 0) };
        self.ref_memo.insert((tptr.clone(), dir), u);
        self.queue.push((target, tptr, dir, placeholder));
        u
    }

    /// Builds every component schema reached so far (and those they reach), then resolves
    /// aliases. Call once all roots are built.
    pub fn drain(&mut self, d: &mut Diagnostics) {
        let mut next = 0;
        while next < self.queue.len() {
            let (target, tptr, dir, placeholder) = self.queue[next].clone();
            next += 1;
            let origin = self.nodes[placeholder].origin.clone();
            let u = self.build(target, &tptr, dir, origin, d);
            if u.node != placeholder {
                self.aliases.push((placeholder, u.node));
                let (title, docs) = (self.nodes[u.node].title.clone(), self.nodes[u.node].docs.clone());
                let slot = &mut self.nodes[placeholder];
                if slot.title.is_none() {
                    slot.title = title;
                }
                if slot.docs.description.is_none() {
                    slot.docs = docs;
                }
            }
        }
        self.queue.clear();
        let alias_of: HashMap<NodeId, NodeId> = self.aliases.iter().copied().collect();
        for &(placeholder, target) in &self.aliases {
            let mut end = target;
            let mut hops = 0;
            while let Some(&next) = alias_of.get(&end) {
                end = next;
                hops += 1;
                if hops > alias_of.len() {
                    break;
                }
            }
            if end != placeholder {
                self.nodes[placeholder].shape = self.nodes[end].shape.clone();
            }
        }
        self.aliases.clear();
    }

    /// Whether `v` admits `null` because it never says which JSON type it is: no `type`, `enum`,
    /// `const`, `oneOf` or `anyOf` on it or on anything it is made of (`$ref` targets, every
    /// `allOf` member), yet keywords that give it a shape (`properties`, `items`, `format`, ...).
    /// JSON Schema applies `properties` only to objects (and so on), so such a schema accepts
    /// `null` too; the type inferred from its keywords would reject it. `{}` (any value) is not
    /// meant: its Rust type, a JSON value, admits `null` already.
    fn untyped_structured(&self, v: &Value, depth: usize) -> bool {
        let Value::Object(o) = v else { return false };
        if depth > 16 || ["type", "enum", "x-extensible-enum", "const", "oneOf", "anyOf", "not"].iter().any(|k| o.contains_key(*k)) {
            return false;
        }
        let mut shaped = ["properties", "additionalProperties", "items", "prefixItems", "format"].iter().any(|k| o.contains_key(*k));
        if let Some(r) = o.get("$ref") {
            let target = r.as_str().and_then(|r| r.strip_prefix('#')).and_then(|f| lookup_pointer(self.root, f));
            match target {
                Some(t) if self.untyped_structured(t, depth + 1) => shaped = true,
                _ => return false,
            }
        }
        if let Some(members) = o.get("allOf") {
            let Value::Array(members) = members else { return false };
            for m in members.iter().filter(|m| !is_annotation_only(m)) {
                if !self.untyped_structured(m, depth + 1) {
                    return false;
                }
                shaped = true;
            }
        }
        shaped
    }

    /// Whether a schema admits `null`, looking through refs and composition (shallowly).
    fn schema_nullable(&self, v: &Value, depth: usize) -> bool {
        let Value::Object(o) = v else { return false };
        if flag(o, "nullable") || o.get("type").and_then(Value::as_str) == Some("null") {
            return true;
        }
        if let Some(Value::Array(types)) = o.get("type") {
            if types.iter().any(|t| t.as_str() == Some("null")) {
                return true;
            }
        }
        if let Some(Value::Array(values)) = o.get("enum").or_else(|| o.get("x-extensible-enum")) {
            if values.iter().any(Value::is_null) {
                return true;
            }
        }
        if depth > 16 {
            return false;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = o.get(key) {
                if members.iter().any(|m| m.get("type").and_then(Value::as_str) == Some("null") || self.schema_nullable(m, depth + 1)) {
                    return true;
                }
            }
        }
        if let Some(Value::Array(members)) = o.get("allOf") {
            if members.iter().any(|m| is_annotation_only(m) && flag(m.as_object().unwrap_or(&Map::new()), "nullable")) {
                return true;
            }
            let structural: Vec<&Value> = members.iter().filter(|m| !is_annotation_only(m)).collect();
            if let [one] = structural.as_slice() {
                return self.schema_nullable(one, depth + 1);
            }
        }
        if let Some(target) = o.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|f| lookup_pointer(self.root, f)) {
            return self.schema_nullable(target, depth + 1);
        }
        false
    }

    /// Merges `allOf` members (and the wrapper's own structural keys) into one schema.
    fn merge_all_of<'v>(&mut self, obj: &'v Map<String, Value>, ptr: &str, d: &mut Diagnostics) -> Merged<'v>
    where
        'a: 'v,
    {
        let sibling_merge = std::mem::take(&mut self.sibling_merge);
        let Some(Value::Array(members)) = obj.get("allOf") else {
            d.error(&child(ptr, "allOf"), "allOf must be a sequence of schemas");
            return Merged::Nothing;
        };
        let mut structural: Vec<(&'v Value, String)> = Vec::new();
        for (i, m) in members.iter().enumerate() {
            if !is_annotation_only(m) {
                structural.push((m, child(&child(ptr, "allOf"), &i.to_string())));
            }
        }
        let wrapper_has_shape = obj.keys().any(|k| k != "allOf" && STRUCTURAL.contains(&k.as_str()));
        if structural.len() == 1 && !wrapper_has_shape {
            let (m, p) = structural.remove(0);
            return Merged::One(m, p);
        }
        if structural.is_empty() && !wrapper_has_shape {
            return Merged::Nothing;
        }
        // The merge is named after its first component member when it has no title of its own:
        // `allOf: [$ref: iam.v2.ApiKey, {required: [...]}]` is still an ApiKey.
        let base_name = structural.iter().filter(|_| !sibling_merge).find_map(|(m, _)| {
            m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")).map(|n| n.replace("~1", "/").replace("~0", "~"))
        });
        let mut acc = Map::new();
        let mut wrapper = obj.clone();
        wrapper.remove("allOf");
        for (m, mptr) in structural {
            let Some(resolved) = self.resolve_for_merge(m, &mptr, d) else { continue };
            fold_into(&mut acc, &resolved);
        }
        fold_into(&mut acc, &wrapper);
        for m in members.iter().filter(|m| is_annotation_only(m)) {
            if let Value::Object(o) = m {
                for key in ["nullable", "readOnly", "writeOnly"] {
                    if flag(o, key) {
                        acc.insert(key.into(), Value::Bool(true));
                    }
                }
            }
        }
        if let Some(name) = base_name {
            acc.entry("title").or_insert(Value::String(name));
        }
        if acc.contains_key("properties") && (acc.contains_key("oneOf") || acc.contains_key("anyOf")) {
            // A struct cannot also be one of several shapes: keep the common properties, which
            // every alternative shares, and say what was dropped.
            acc.remove("oneOf");
            acc.remove("anyOf");
            acc.remove("discriminator");
            d.warn(ptr, "allOf combines properties with oneOf/anyOf: the shared properties are kept, the alternatives are not modelled");
        }
        if !acc.contains_key("type") && (acc.contains_key("properties") || acc.contains_key("additionalProperties")) {
            acc.insert("type".into(), Value::String("object".into()));
        }
        Merged::Many(Value::Object(acc))
    }

    /// `anyOf` whose branches are all objects, as one object schema: every branch's properties,
    /// required only when every branch requires them (or the wrapper does). `anyOf` means "valid
    /// against at least one", so a value may match several branches at once; a struct holding
    /// the union of their fields reads every such value whole, where picking one branch could
    /// drop the fields of another. `None` (read as a union) when a branch is not an object, or
    /// when two branches declare the same property differently (warned: a struct field cannot
    /// have two types).
    fn merge_any_of(&mut self, obj: &Map<String, Value>, list: &Value, ptr: &str, d: &mut Diagnostics) -> Option<Value> {
        let Value::Array(items) = list else { return None };
        let lptr = child(ptr, "anyOf");
        let mut null_branch = false;
        let mut mergeable = true;
        let mut objectish = 0;
        let mut branches: Vec<Map<String, Value>> = Vec::new();
        for (i, m) in items.iter().enumerate() {
            if m.get("type").and_then(Value::as_str) == Some("null") {
                null_branch = true;
                continue;
            }
            // A broken reference is reported once, by the union that is built instead.
            let target = match m.get("$ref").and_then(Value::as_str) {
                Some(r) => r.strip_prefix('#').and_then(|f| lookup_pointer(self.root, f)),
                None => Some(m),
            };
            if !target.is_some_and(Value::is_object) {
                return None;
            }
            let mptr = child(&lptr, &i.to_string());
            let Some(o) = self.resolve_for_merge(m, &mptr, d) else {
                mergeable = false;
                continue;
            };
            let object_like = matches!(o.get("type").and_then(Value::as_str), None | Some("object"))
                && o.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
                && !["oneOf", "anyOf", "discriminator", "enum", "items", "const", "prefixItems"].iter().any(|k| o.contains_key(*k));
            // Could hold an object: such branches can match the same value.
            if matches!(o.get("type").and_then(Value::as_str), None | Some("object")) && !o.contains_key("enum") && !o.contains_key("const") {
                objectish += 1;
            }
            mergeable &= object_like;
            branches.push(o);
        }
        if !mergeable {
            if objectish >= 2 {
                d.warn(ptr, "anyOf branches that are not all plain objects may match the same value: read as a union, a value decodes into the branch that explains most of its fields");
            }
            return None;
        }
        if branches.len() < 2 {
            return None;
        }
        let mut wrapper = obj.clone();
        wrapper.remove("anyOf");
        let mut props = wrapper.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let own: Vec<String> = props.keys().cloned().collect();
        for b in &branches {
            for (name, schema) in b.get("properties").and_then(Value::as_object).into_iter().flatten() {
                match props.get(name) {
                    None => {
                        props.insert(name.clone(), schema.clone());
                    }
                    // The wrapper's own declaration applies to every branch.
                    Some(_) if own.contains(name) => {}
                    Some(existing) if existing == schema => {}
                    Some(_) => {
                        d.warn(ptr, format!(
                            "anyOf branches declare property {name:?} differently: read as a union, a value decodes into the branch that explains most of its fields"
                        ));
                        return None;
                    }
                }
            }
        }
        let required_by = |b: &Map<String, Value>, n: &str| {
            b.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|x| x.as_str() == Some(n)))
        };
        let mut required: Vec<Value> = wrapper.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        for name in props.keys() {
            if branches.iter().all(|b| required_by(b, name)) && !required.iter().any(|r| r.as_str() == Some(name)) {
                required.push(Value::String(name.clone()));
            }
        }
        if !wrapper.contains_key("additionalProperties") {
            if let Some(extra) = branches.iter().find_map(|b| b.get("additionalProperties").filter(|a| **a != Value::Bool(false))) {
                wrapper.insert("additionalProperties".into(), extra.clone());
            }
        }
        wrapper.insert("type".into(), Value::String("object".into()));
        wrapper.insert("properties".into(), Value::Object(props));
        if required.is_empty() {
            wrapper.remove("required");
        } else {
            wrapper.insert("required".into(), Value::Array(required));
        }
        if null_branch {
            wrapper.insert("nullable".into(), Value::Bool(true));
        }
        Some(Value::Object(wrapper))
    }

    /// A member's schema with its top-level `$ref` followed and nested `allOf` merged.
    fn resolve_for_merge(&mut self, m: &Value, mptr: &str, d: &mut Diagnostics) -> Option<Map<String, Value>> {
        let (target, tptr): (&Value, String) = match m.as_object().and_then(|o| o.get("$ref")).and_then(Value::as_str) {
            Some(r) => {
                let (t, p) = self.resolve(r, mptr, d)?;
                (t, p)
            }
            None => (m, mptr.to_string()),
        };
        let Value::Object(o) = target else {
            d.error(&tptr, format!("an allOf member must be a mapping, found {}", kind_of(target)));
            return None;
        };
        if !o.contains_key("allOf") {
            return Some(o.clone());
        }
        if let Some(done) = self.merge_memo.get(&tptr) {
            return done.clone();
        }
        if self.merging.contains(&tptr) {
            d.warn(&tptr, "allOf includes itself; the recursive member is ignored");
            return None;
        }
        if self.merging.len() >= MAX_ALLOF_CHAIN {
            d.error(&tptr, format!("allOf chain longer than {MAX_ALLOF_CHAIN} schemas"));
            return None;
        }
        self.merging.push(tptr.clone());
        let merged = self.merge_all_of(o, &tptr, d);
        self.merging.pop();
        let result = match merged {
            Merged::One(inner, iptr) => self.resolve_for_merge(inner, &iptr, d).map(|mut m| {
                for (k, v) in o {
                    if k != "allOf" {
                        m.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                m
            }),
            Merged::Many(Value::Object(m)) => Some(m),
            Merged::Many(_) | Merged::Nothing => Some(Map::new()),
        };
        self.merge_memo.insert(tptr, result.clone());
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn build_union(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        list: &Value,
        ptr: &str,
        dir: Direction,
        origin: Origin,
        d: &mut Diagnostics,
    ) -> Use {
        let Value::Array(items) = list else {
            d.error(&child(ptr, key), format!("{key} must be a sequence of schemas"));
            return self.any();
        };
        let lptr = child(ptr, key);
        // `{type: object, nullable: true}`-style null members only say the value may be null.
        let mut nullable = false;
        let mut members: Vec<(usize, &Value)> = Vec::new();
        for (i, m) in items.iter().enumerate() {
            if m.get("type").and_then(Value::as_str) == Some("null") {
                nullable = true;
            } else {
                members.push((i, m));
            }
        }
        if members.len() == 1 {
            let (i, m) = members[0];
            let u = self.build(m, &child(&lptr, &i.to_string()), dir, origin, d);
            return Use { node: u.node, nullable: u.nullable || nullable };
        }
        if members.is_empty() {
            return Use { node: self.leaf(Scalar::Any), nullable: true };
        }
        let id = self.alloc(dir, ptr, origin, Some(obj));
        let disc = obj.get("discriminator").and_then(Value::as_object);
        let tag = disc.and_then(|o| o.get("propertyName")).and_then(Value::as_str).map(str::to_string);
        let mapping: Vec<(String, String)> = disc
            .and_then(|o| o.get("mapping"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    // A mapping value may be a bare schema name instead of a reference.
                    .map(|(k, v)| if v.starts_with('#') || v.contains('/') { (k, v) } else { (k, format!("#/components/schemas/{v}")) })
                    .collect()
            })
            .unwrap_or_default();
        let mut variants = Vec::new();
        let mut tagged = tag.is_some();
        for (i, m) in members {
            let mptr = child(&lptr, &i.to_string());
            let reference = m.get("$ref").and_then(Value::as_str);
            let mut tags: Vec<String> = Vec::new();
            if let Some(r) = reference {
                tags.extend(mapping.iter().filter(|(_, target)| target == r).map(|(k, _)| k.clone()));
                if tags.is_empty() && tag.is_some() {
                    // Without a mapping, the discriminator value is the schema's name.
                    tags.push(r.rsplit('/').next().unwrap_or(r).to_string());
                }
            } else if tag.is_some() {
                tagged = false;
            }
            let suffix = match reference {
                Some(r) => crate::naming::camel_suffix(r.rsplit('/').next().unwrap_or(r)),
                None => format!("Variant{}", i + 1),
            };
            let u = self.build(m, &mptr, dir, Origin::Child { parent: id, suffix }, d);
            variants.push((tags, u));
        }
        if tag.is_some() && !tagged {
            d.warn(ptr, "discriminator with inline variants: decoded by trying each variant in turn");
        }
        let tag = if tagged { tag } else { None };
        if tag.is_none() {
            for v in &mut variants {
                v.0.clear();
            }
        }
        self.nodes[id].shape = Shape::Union { tag, variants };
        Use { node: id, nullable }
    }

    fn build_typed(&mut self, obj: &Map<String, Value>, ptr: &str, dir: Direction, origin: Origin, d: &mut Diagnostics) -> Use {
        let mut nullable = false;
        let ty: Option<String> = match obj.get("type") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(list)) => {
                // OpenAPI 3.1 style `type: [string, "null"]`.
                nullable = list.iter().any(|t| t.as_str() == Some("null"));
                let mut types: Vec<&str> = Vec::new();
                for t in list.iter().filter_map(Value::as_str).filter(|t| *t != "null") {
                    if !types.contains(&t) {
                        types.push(t);
                    }
                }
                if types.len() > 1 {
                    let u = self.build_multi_type(obj, &types, ptr, dir, origin, d);
                    return Use { node: u.node, nullable: u.nullable || nullable };
                }
                types.first().map(|t| t.to_string())
            }
            Some(other) => {
                d.error(&child(ptr, "type"), format!("`type` must be a string, found {}", kind_of(other)));
                None
            }
        };
        let format = obj.get("format").and_then(Value::as_str);
        if let Some(f) = format {
            if !KNOWN_FORMATS.contains(&f) {
                d.warn(&child(ptr, "format"), format!("unknown format {f:?}: treated as its plain type"));
            }
        }
        // `x-extensible-enum` lists the values known today of an enum that may grow: all our
        // enums are open, so it is read exactly like `enum`.
        if let Some(values) = obj.get("enum").or_else(|| obj.get("x-extensible-enum")) {
            if let Some(u) = self.build_enum(obj, values, ty.as_deref(), ptr, dir, origin.clone(), d) {
                return Use { node: u.node, nullable: u.nullable || nullable };
            }
        }
        // `const` (3.1) is a one-value enum: a string constant becomes a one-variant enum, any
        // other keeps its type (inferred from the value when `type` is missing).
        let const_value = obj.get("const").filter(|_| !obj.contains_key("enum"));
        if const_value.is_some() && !self.oas31 {
            d.warn(&child(ptr, "const"), "`const` is an OpenAPI 3.1 keyword in a 3.0 document: read as in 3.1 (a one-value enum, or its type)");
        }
        let ty = match const_value {
            Some(Value::Null) => return Use { node: self.leaf(Scalar::Any), nullable: true },
            Some(c) => {
                let single = Value::Array(vec![c.clone()]);
                if let Some(u) = self.build_enum(obj, &single, ty.as_deref(), ptr, dir, origin.clone(), d) {
                    return Use { node: u.node, nullable: u.nullable || nullable };
                }
                ty.or_else(|| {
                    Some(
                        match c {
                            Value::Bool(_) => "boolean",
                            Value::Number(n) if n.is_f64() => "number",
                            Value::Number(_) => "integer",
                            Value::String(_) => "string",
                            Value::Array(_) => "array",
                            Value::Object(_) | Value::Null => "object",
                        }
                        .to_string(),
                    )
                })
            }
            None => ty,
        };
        let inferred = ty.clone().or_else(|| {
            if let Some(f) = format {
                // `{format: uuid}` without `type`: the format says what the value is.
                if matches!(f, "int32" | "int64" | "uint32" | "uint64" | "int8" | "int16" | "uint8" | "uint16") {
                    return Some("integer".into());
                }
                if matches!(f, "float" | "double") {
                    return Some("number".into());
                }
                if KNOWN_FORMATS.contains(&f) {
                    return Some("string".into());
                }
            }
            if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
                Some("object".into())
            } else if obj.contains_key("items") || obj.contains_key("prefixItems") {
                Some("array".into())
            } else {
                None
            }
        });
        let scalar = match inferred.as_deref() {
            None => Scalar::Any,
            Some("string") => match format {
                Some("date-time") => Scalar::DateTime,
                Some("date") => Scalar::Date,
                Some("binary") => Scalar::Binary,
                _ => Scalar::String,
            },
            Some("integer") => Scalar::Int(match format {
                Some("int32") | Some("int16") | Some("int8") => IntKind::I32,
                Some("uint32") | Some("uint16") | Some("uint8") => IntKind::U32,
                Some("uint64") => IntKind::U64,
                _ => IntKind::I64,
            }),
            Some("number") => match format {
                Some("float") => Scalar::F32,
                _ => Scalar::F64,
            },
            Some("boolean") => Scalar::Bool,
            Some("array") => {
                if let Some(prefix) = obj.get("prefixItems") {
                    return Use { node: self.build_prefix_items(obj, prefix, ptr, dir, origin, d), nullable };
                }
                let id = self.alloc(dir, ptr, origin, Some(obj));
                let item = match obj.get("items") {
                    // `items: false`: the array is always empty.
                    Some(Value::Bool(false)) => self.any(),
                    Some(items) => {
                        self.build(items, &child(ptr, "items"), dir, Origin::Child { parent: id, suffix: "Item".into() }, d)
                    }
                    None => self.any(),
                };
                self.nodes[id].shape = Shape::Array(item);
                return Use { node: id, nullable };
            }
            Some("object") => return Use { node: self.build_object(obj, ptr, dir, origin, d), nullable },
            Some("null") => return Use { node: self.leaf(Scalar::Any), nullable: true },
            Some(other) => {
                d.warn(&child(ptr, "type"), format!("unknown type {other:?}: treated as any JSON value"));
                Scalar::Any
            }
        };
        Use { node: self.leaf(scalar), nullable }
    }

    /// `type: [string, integer, ...]` (3.1): an untagged union with one variant per type, each
    /// the schema with that one type. Integer is tried before number (every integer is a number).
    #[allow(clippy::too_many_arguments)]
    fn build_multi_type(&mut self, obj: &Map<String, Value>, types: &[&str], ptr: &str, dir: Direction, origin: Origin, d: &mut Diagnostics) -> Use {
        let mut types: Vec<&str> = types.to_vec();
        types.sort_by_key(|t| *t == "number");
        let id = self.alloc(dir, ptr, origin, Some(obj));
        let mut variants = Vec::new();
        let mut nullable = false;
        for t in types {
            let mut one = obj.clone();
            one.insert("type".into(), Value::String(t.to_string()));
            for k in ["title", "description", "nullable", "example", "examples"] {
                one.remove(k);
            }
            let u = self.build_typed(&one, ptr, dir, Origin::Child { parent: id, suffix: crate::naming::camel_suffix(t) }, d);
            nullable |= u.nullable;
            variants.push((Vec::new(), Use { node: u.node, nullable: false }));
        }
        self.nodes[id].shape = Shape::Union { tag: None, variants };
        Use { node: id, nullable }
    }

    /// `prefixItems` (3.1): a Rust tuple when the array is exactly that long, else a list.
    fn build_prefix_items(&mut self, obj: &Map<String, Value>, prefix: &Value, ptr: &str, dir: Direction, origin: Origin, d: &mut Diagnostics) -> NodeId {
        let pptr = child(ptr, "prefixItems");
        let Value::Array(members) = prefix else {
            d.error(&pptr, format!("`prefixItems` must be a sequence of schemas, found {}", kind_of(prefix)));
            return self.leaf(Scalar::Any);
        };
        let n = members.len();
        let count = |k: &str| obj.get(k).and_then(Value::as_u64).and_then(|v| usize::try_from(v).ok());
        let closed = obj.get("items") == Some(&Value::Bool(false)) || count("maxItems") == Some(n);
        let exact = closed && count("minItems").is_some_and(|m| m >= n) && (1..=MAX_TUPLE).contains(&n);
        let id = self.alloc(dir, ptr, origin, Some(obj));
        if exact {
            let mut uses = Vec::new();
            for (i, m) in members.iter().enumerate() {
                let u = self.build(m, &child(&pptr, &i.to_string()), dir, Origin::Child { parent: id, suffix: format!("Item{}", i + 1) }, d);
                uses.push(u);
            }
            self.nodes[id].shape = Shape::Tuple(uses);
            return id;
        }
        // Not exact: a tuple would reject shorter or longer arrays the schema allows.
        let extra = match obj.get("items") {
            None | Some(Value::Bool(_)) => None,
            Some(items) => Some(items),
        };
        let first = members.first().or(extra);
        let same = first.is_some_and(|f| members.iter().chain(extra).all(|m| m == f) && obj.get("items") != Some(&Value::Bool(true)));
        let item = match first {
            Some(f) if same && (extra.is_some() || obj.get("items").is_none()) => {
                let at = if members.is_empty() { child(ptr, "items") } else { child(&pptr, "0") };
                self.build(f, &at, dir, Origin::Child { parent: id, suffix: "Item".into() }, d)
            }
            _ => {
                d.warn(
                    &pptr,
                    format!("`prefixItems` that is not an exact tuple (`items: false` and `minItems: {n}`, at most {MAX_TUPLE} items): read as a list of JSON values"),
                );
                self.any()
            }
        };
        self.nodes[id].shape = Shape::Array(item);
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn build_enum(
        &mut self,
        obj: &Map<String, Value>,
        values: &Value,
        ty: Option<&str>,
        ptr: &str,
        dir: Direction,
        origin: Origin,
        d: &mut Diagnostics,
    ) -> Option<Use> {
        let Value::Array(values) = values else {
            d.error(&child(ptr, "enum"), "enum must be a sequence");
            return None;
        };
        if !matches!(ty, None | Some("string")) {
            // Integer and boolean enums stay their plain type; the values go to the docs.
            return None;
        }
        let mut nullable = false;
        let mut strings: Vec<String> = Vec::new();
        for v in values {
            match v {
                Value::String(s) => {
                    if !strings.contains(s) {
                        strings.push(s.clone());
                    }
                }
                Value::Null => nullable = true,
                _ => return None,
            }
        }
        if strings.is_empty() {
            return None;
        }
        let id = self.alloc(dir, ptr, origin, Some(obj));
        self.nodes[id].shape = Shape::Enum(strings);
        Some(Use { node: id, nullable })
    }

    fn build_object(&mut self, obj: &Map<String, Value>, ptr: &str, dir: Direction, origin: Origin, d: &mut Diagnostics) -> NodeId {
        let required: Vec<&str> = match obj.get("required") {
            Some(Value::Array(r)) => r.iter().filter_map(Value::as_str).collect(),
            Some(other) => {
                d.error(&child(ptr, "required"), format!("`required` must be a sequence of names, found {}", kind_of(other)));
                Vec::new()
            }
            None => Vec::new(),
        };
        let props_value = obj.get("properties");
        let props_map = match props_value {
            Some(Value::Object(p)) => Some(p),
            Some(other) => {
                d.error(&child(ptr, "properties"), format!("`properties` must be a mapping, found {}", kind_of(other)));
                None
            }
            None => None,
        };
        let additional_schema = match obj.get("additionalProperties") {
            Some(v @ Value::Object(_)) => Some(v),
            _ => None,
        };
        let has_props = props_map.is_some_and(|p| !p.is_empty());
        if !has_props {
            return match additional_schema {
                Some(a) => {
                    let id = self.alloc(dir, ptr, origin, Some(obj));
                    let u = self.build(a, &child(ptr, "additionalProperties"), dir, Origin::Child { parent: id, suffix: "Value".into() }, d);
                    self.nodes[id].shape = Shape::Map(u);
                    id
                }
                None => self.leaf(Scalar::JsonObject),
            };
        }
        let id = self.alloc(dir, ptr, origin, Some(obj));
        let mut props = Vec::new();
        let pptr_base = child(ptr, "properties");
        for (name, pv) in props_map.into_iter().flatten() {
            if *pv == Value::Bool(false) {
                // A `false` property (3.1) can never be present: it is no field.
                continue;
            }
            let pptr = child(&pptr_base, name);
            let ann = self.annotations(pv, 0);
            if (dir == Direction::Request && ann.read_only) || (dir == Direction::Response && ann.write_only) {
                continue;
            }
            let u = self.build(pv, &pptr, dir, Origin::Child { parent: id, suffix: crate::naming::camel_suffix(name) }, d);
            let mut docs = ann.docs;
            if let Some(f) = ann.format.as_deref() {
                if matches!(f, "uri" | "uri-reference" | "url" | "uuid" | "email" | "byte" | "hostname" | "ipv4" | "ipv6") {
                    docs.notes.push(format!("Format `{f}`: kept as a string, not validated."));
                }
            }
            let is_required = required.contains(&name.as_str());
            // A required property whose schema has no `type` admits `null` (see
            // `untyped_structured`): Prism sends it, and so may a server; the field decodes it as
            // `None` instead of failing. Optional fields are `Option`s already.
            let untyped = self.untyped_structured(pv, 0);
            props.push(Prop {
                wire: name.clone(),
                ty: Use { node: u.node, nullable: u.nullable || ann.nullable || (untyped && is_required) },
                untyped,
                required: is_required,
                redacted: ann.redact || self.secret(pv),
                docs,
            });
        }
        let additional = additional_schema.map(|a| {
            self.build(a, &child(ptr, "additionalProperties"), dir, Origin::Child { parent: id, suffix: "Value".into() }, d)
        });
        self.nodes[id].shape = Shape::Object { props, additional };
        id
    }

    /// Whether values of schema `v` hold a secret that is not a field of a named type: `x-redact`
    /// or `format: password` on the schema itself (seen through `$ref` and `allOf`), or on the
    /// items of an array or the values of a map it is (a list of tokens, a map of passwords).
    pub fn secret(&self, v: &Value) -> bool {
        self.secret_at(v, 0)
    }

    fn secret_at(&self, v: &Value, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let Value::Object(o) = v else { return false };
        if self.redact_at(v, 0) {
            return true;
        }
        let target = o.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|f| lookup_pointer(self.root, f));
        let members = o.get("allOf").and_then(Value::as_array).into_iter().flatten();
        let inner = ["items", "additionalProperties"].into_iter().filter_map(|k| o.get(k));
        target.into_iter().chain(members).chain(inner).any(|c| self.secret_at(c, depth + 1))
    }

    /// `self.annotations(v, depth).redact`, without building the docs of every schema on the
    /// way (this runs for every body and field): the same walk, through `$ref` (the same memo,
    /// filled the same way) and `allOf`, cut at the same depth.
    fn redact_at(&self, v: &Value, depth: usize) -> bool {
        let Value::Object(o) = v else { return false };
        let mut redact = flag(o, "x-redact") || o.get("format").and_then(Value::as_str) == Some("password");
        if depth > 32 {
            return redact;
        }
        if let Some(r) = o.get("$ref").and_then(Value::as_str) {
            let cached = self.annot_memo.borrow().get(r).map(|a| a.redact);
            redact |= match cached {
                Some(cached) => cached,
                None => match r.strip_prefix('#').and_then(|f| lookup_pointer(self.root, f)) {
                    Some(t) => {
                        let a = self.annotations(t, depth + 1);
                        let target = a.redact;
                        self.annot_memo.borrow_mut().insert(r.to_string(), a);
                        target
                    }
                    None => false,
                },
            };
        }
        if let Some(Value::Array(members)) = o.get("allOf") {
            for m in members {
                redact |= self.redact_at(m, depth + 1);
            }
        }
        redact
    }

    /// Flags and docs of a property schema, seen through `$ref` and `allOf`.
    fn annotations(&self, v: &Value, depth: usize) -> Annot {
        let mut a = Annot::default();
        let Value::Object(o) = v else { return a };
        a.read_only = flag(o, "readOnly");
        a.write_only = flag(o, "writeOnly");
        a.nullable = flag(o, "nullable");
        a.redact = flag(o, "x-redact");
        a.format = o.get("format").and_then(Value::as_str).map(str::to_string);
        // Passwords are secrets too: never shown by `Debug`.
        a.redact |= a.format.as_deref() == Some("password");
        a.docs = own_docs(o);
        if depth > 32 {
            return a;
        }
        let mut inner: Vec<Annot> = Vec::new();
        if let Some(r) = o.get("$ref").and_then(Value::as_str) {
            let cached = self.annot_memo.borrow().get(r).cloned();
            match cached {
                Some(a) => inner.push(a),
                None => {
                    if let Some(t) = r.strip_prefix('#').and_then(|f| lookup_pointer(self.root, f)) {
                        let a = self.annotations(t, depth + 1);
                        self.annot_memo.borrow_mut().insert(r.to_string(), a.clone());
                        inner.push(a);
                    }
                }
            }
        }
        if let Some(Value::Array(members)) = o.get("allOf") {
            for m in members {
                inner.push(self.annotations(m, depth + 1));
            }
        }
        for i in inner {
            a.read_only |= i.read_only;
            a.write_only |= i.write_only;
            a.nullable |= i.nullable;
            a.redact |= i.redact;
            if a.format.is_none() {
                a.format = i.format;
            }
            a.docs.immutable |= i.docs.immutable;
            a.docs.deprecated |= i.docs.deprecated;
            if a.docs.description.is_none() {
                a.docs.description = i.docs.description;
            }
            if a.docs.lifecycle.is_none() {
                a.docs.lifecycle = i.docs.lifecycle;
            }
        }
        a
    }
}

/// Docs carried by one schema mapping itself.
fn own_docs(o: &Map<String, Value>) -> Docs {
    Docs {
        title: o.get("title").and_then(Value::as_str).map(str::to_string),
        description: o.get("description").and_then(Value::as_str).map(str::to_string),
        immutable: flag(o, "x-immutable"),
        lifecycle: o.get("x-lifecycle-stage").and_then(Value::as_str).map(str::to_string),
        deprecated: flag(o, "deprecated"),
        notes: keyword_notes(o),
    }
}

/// Notes for 3.1 keywords that are kept in docs rather than types.
fn keyword_notes(o: &Map<String, Value>) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(c) = o.get("const") {
        let text = serde_json::to_string(c).unwrap_or_default();
        if text.len() <= 200 {
            notes.push(format!("Always `{}` (`const`).", text.replace('`', "'")));
        } else {
            notes.push("A constant (`const`): see the spec for its value.".into());
        }
    }
    let word = |k: &str| o.get(k).and_then(Value::as_str).filter(|v| v.len() <= 100).map(|v| v.replace('`', "'"));
    match (word("contentEncoding"), word("contentMediaType")) {
        (Some(e), Some(m)) => notes.push(format!("Content: `{m}`, encoded as `{e}`; kept as the encoded string.")),
        (Some(e), None) => notes.push(format!("Encoded as `{e}` (`contentEncoding`); kept as the encoded string.")),
        (None, Some(m)) => notes.push(format!("Content: `{m}` (`contentMediaType`).")),
        (None, None) => {}
    }
    notes
}

/// The `allOf`-like schema a 3.1 `$ref` with constraining siblings stands for, if it has any,
/// and whether the siblings allow `null` (`type: "null"` or a type array with `"null"`).
/// Annotation siblings (`description`, `nullable`, `example`, ...) leave the reference alone:
/// they describe the use, and the use site reads them. A `type` sibling only restates the
/// target's type, except for its `"null"`.
fn ref_sibling_overlay(obj: &Map<String, Value>) -> (Option<Value>, bool) {
    let null = match obj.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(list)) => list.iter().any(|t| t.as_str() == Some("null")),
        _ => false,
    };
    let constraining = obj.keys().any(|k| k != "$ref" && k != "type" && STRUCTURAL.contains(&k.as_str()));
    if !constraining {
        return (None, null);
    }
    let mut overlay = Map::new();
    let mut wrapper = Map::new();
    for (k, v) in obj {
        match k.as_str() {
            "$ref" => {}
            "type" => {
                let kept: Vec<Value> = match v {
                    Value::Array(list) => list.iter().filter(|t| t.as_str() != Some("null")).cloned().collect(),
                    Value::String(t) if t != "null" => vec![v.clone()],
                    _ => Vec::new(),
                };
                if let [one] = kept.as_slice() {
                    overlay.insert("type".into(), one.clone());
                }
            }
            k2 if STRUCTURAL.contains(&k2) => {
                overlay.insert(k.clone(), v.clone());
            }
            _ => {
                wrapper.insert(k.clone(), v.clone());
            }
        }
    }
    let mut reference = Map::new();
    reference.insert("$ref".into(), obj.get("$ref").cloned().unwrap_or(Value::Null));
    wrapper.insert("allOf".into(), Value::Array(vec![Value::Object(reference), Value::Object(overlay)]));
    (Some(Value::Object(wrapper)), null)
}

/// Folds one allOf member into the accumulated merge.
fn fold_into(acc: &mut Map<String, Value>, member: &Map<String, Value>) {
    for (k, v) in member {
        match k.as_str() {
            "properties" => {
                let Value::Object(props) = v else { continue };
                // Names this member itself requires.
                let required: Vec<&str> =
                    member.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                let entry = acc.entry("properties").or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(acc_props) = entry else { continue };
                for (name, schema) in props {
                    match acc_props.get_mut(name) {
                        // The same member reached twice (a diamond of allOfs) adds nothing.
                        Some(existing) if existing == schema => {}
                        Some(existing) => {
                            if is_annotation_only(schema) {
                                // An overlay that only adds examples or docs changes nothing, but
                                // `nullable`/`readOnly` on it still count.
                                let mut extra: Map<String, Value> = ["nullable", "readOnly", "writeOnly"]
                                    .iter()
                                    .filter(|k| schema.get(**k).and_then(Value::as_bool) == Some(true))
                                    .map(|k| (k.to_string(), Value::Bool(true)))
                                    .collect();
                                // Its example still has to decode into the field's type (tested).
                                for key in ["example", "examples"] {
                                    if let Some(example) = schema.get(key) {
                                        extra.insert(key.into(), example.clone());
                                    }
                                }
                                if !extra.is_empty() {
                                    let mut wrapped = extra;
                                    wrapped.insert("allOf".into(), Value::Array(vec![existing.clone()]));
                                    *existing = Value::Object(wrapped);
                                }
                            } else {
                                // Flattened and deduplicated, so that merging the same members
                                // again (a type whose property overrides extend the type itself)
                                // yields the same schema, which the allOf memo then recognises.
                                let mut members: Vec<Value> = Vec::new();
                                for v in [&*existing, schema] {
                                    flatten_all_of(v, &mut members);
                                }
                                let mut wrapped = Map::new();
                                wrapped.insert("allOf".into(), Value::Array(members));
                                *existing = Value::Object(wrapped);
                            }
                        }
                        None => {
                            // An example-only property in an overlay never creates a field,
                            // unless the overlay also requires it: then servers do too.
                            if !is_annotation_only(schema) || required.contains(&name.as_str()) {
                                acc_props.insert(name.clone(), schema.clone());
                            }
                        }
                    }
                }
            }
            "required" => {
                let Value::Array(names) = v else { continue };
                let entry = acc.entry("required").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = entry {
                    for n in names {
                        if !list.contains(n) {
                            list.push(n.clone());
                        }
                    }
                }
            }
            "nullable" | "readOnly" | "writeOnly" | "x-redact" | "x-immutable" | "deprecated" => {
                if v.as_bool() == Some(true) {
                    acc.insert(k.clone(), Value::Bool(true));
                }
            }
            "allOf" => {}
            _ => {
                acc.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
}

/// Appends the members of a pure `{allOf: [...]}` wrapper (recursively), or the schema itself,
/// skipping members already present.
fn flatten_all_of(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(o) if o.len() == 1 => {
            if let Some(Value::Array(members)) = o.get("allOf") {
                for m in members {
                    flatten_all_of(m, out);
                }
                return;
            }
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        _ => {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
    }
}

impl<'a> SchemaGraph<'a> {
    /// The document the graph reads schemas from.
    pub fn root(&self) -> &'a Value {
        self.root
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{TypeKind, TypeRef};

    fn model(yaml: &str) -> crate::NormalizedModel {
        let raw = crate::load::load_bytes("t.yaml", yaml.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        crate::normalize::normalize(&raw).unwrap_or_else(|e| panic!("{e}"))
    }

    fn spec(version: &str, prop: &str) -> String {
        format!(
            "openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{p: {prop}}}}}}}}}}}\ncomponents:\n  schemas:\n    C: {{type: object, required: [x], properties: {{x: {{type: string}}, y: {{type: string}}}}}}\n"
        )
    }

    fn field_of(m: &crate::NormalizedModel) -> crate::model::Field {
        let root = m.types.iter().find(|t| t.name == "AResponse").unwrap_or_else(|| panic!("{}", m.to_text()));
        match &root.kind {
            TypeKind::Struct { fields, .. } => fields[0].clone(),
            _ => panic!("{}", m.to_text()),
        }
    }

    #[test]
    fn ref_siblings_apply_in_31_and_are_ignored_in_30() {
        let sib = "{$ref: '#/components/schemas/C', required: [x, y]}";
        let m31 = model(&spec("3.1.0", sib));
        let TypeRef::Named(id) = field_of(&m31).ty else { panic!("{}", m31.to_text()) };
        let TypeKind::Struct { fields, .. } = &m31.ty(id).kind else { panic!() };
        assert!(fields.iter().all(|f| f.required), "3.1 siblings apply:\n{}", m31.to_text());
        let m30 = model(&spec("3.0.3", sib));
        let TypeRef::Named(id) = field_of(&m30).ty else { panic!() };
        let TypeKind::Struct { fields, .. } = &m30.ty(id).kind else { panic!() };
        assert!(!fields.iter().all(|f| f.required), "3.0 siblings are ignored:\n{}", m30.to_text());
        assert!(m30.warnings.iter().any(|w| w.message.contains("beside $ref are ignored")), "{:?}", m30.warnings);
    }

    #[test]
    fn annotation_and_null_siblings_keep_the_reference() {
        let m = model(&spec("3.1.0", "{$ref: '#/components/schemas/C', type: [object, 'null'], description: mine}"));
        let f = field_of(&m);
        assert!(f.nullable, "{}", m.to_text());
        assert_eq!(f.docs.description.as_deref(), Some("mine"));
        assert!(matches!(f.ty, TypeRef::Named(id) if m.ty(id).name == "C"), "{}", m.to_text());
    }

    #[test]
    fn type_arrays_make_unions_with_integer_before_number() {
        let m = model(&spec("3.1.0", "{type: [number, 'null', integer, string]}"));
        let f = field_of(&m);
        assert!(f.nullable);
        let TypeRef::Named(id) = f.ty else { panic!("{}", m.to_text()) };
        let TypeKind::Union { tag: None, variants } = &m.ty(id).kind else { panic!("{}", m.to_text()) };
        let tys: Vec<&TypeRef> = variants.iter().map(|v| &v.ty).collect();
        assert_eq!(tys, [&TypeRef::Integer(crate::model::IntKind::I64), &TypeRef::String, &TypeRef::F64]);
    }

    #[test]
    fn prefix_items_are_tuples_only_when_exact() {
        let exact = model(&spec("3.1.0", "{type: array, prefixItems: [{type: string}, {type: boolean}], items: false, minItems: 2}"));
        assert_eq!(field_of(&exact).ty, TypeRef::Tuple(vec![TypeRef::String, TypeRef::Boolean]));
        // Shorter arrays are valid without minItems: a tuple would reject them.
        let open = model(&spec("3.1.0", "{type: array, prefixItems: [{type: string}, {type: boolean}], items: false}"));
        assert_eq!(field_of(&open).ty, TypeRef::Array(Box::new(TypeRef::Any)));
        assert!(open.warnings.iter().any(|w| w.pointer.ends_with("/properties/p/prefixItems")), "{:?}", open.warnings);
    }

    #[test]
    fn false_properties_are_no_fields_and_const_is_documented() {
        let m = model("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {gone: false, n: {const: 3}}}}}}\n");
        let root = m.types.iter().find(|t| t.name == "AResponse").unwrap_or_else(|| panic!("{}", m.to_text()));
        let TypeKind::Struct { fields, .. } = &root.kind else { panic!() };
        assert_eq!(fields.len(), 1, "{}", m.to_text());
        assert_eq!(fields[0].ty, TypeRef::Integer(crate::model::IntKind::I64));
        assert!(fields[0].docs.notes.iter().any(|n| n.contains("Always `3`")), "{:?}", fields[0].docs);
    }
}
