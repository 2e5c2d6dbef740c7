//! Type names: which name each deduplicated shape gets. The ranking is the README's:
//! a shape's `title` (or component name) in its short form (`iam.v2.ApiKey` -> `ApiKey`), with
//! `Request` appended for a request-only shape when the short name is taken; then the name of the
//! place it is used (`CreateIamV2ApiKeyResponse`); then the full title (`IamV2ApiKey`); last a
//! numeric suffix. Types seen by responses pick first, so a request-only variant of a title is the
//! one renamed. Untitled shapes are named by their place: parent type plus property, operation
//! plus role.
//!
//! A request-only type that is the body of operations sharing one verb, whose short name a
//! response type already has, is named by that role: `CreateEnvironmentRequest` and
//! `UpdateEnvironmentRequest` beside the `Environment` they create and update. That is what a
//! user guesses from `create_org_v2_environment`; the alternatives were `EnvironmentRequest`
//! (which of the two?) and the full dotted title `OrgV2Environment` (which says nothing). The
//! verb is the first word of the operation's type prefix (its `operationId`, or method and path).

use super::{short_title, type_ident, Scope};
use crate::normalize::schema::{Direction, Node, NodeId, Origin};
use std::collections::HashMap;

/// Longest positional type name (parent name + property) before it is shortened.
const MAX_POSITIONAL_NAME: usize = 64;

struct Namer<'g> {
    nodes: &'g [Node],
    /// Per class, the verbs of the operations it is the request body of.
    body_verbs: HashMap<usize, Vec<String>>,
    class: &'g [usize],
    rep: HashMap<usize, NodeId>,
    members: HashMap<usize, Vec<NodeId>>,
    names: HashMap<usize, String>,
    in_progress: Vec<usize>,
    scope: Scope,
}

impl Namer<'_> {
    fn request_only(&self, class: usize) -> bool {
        self.members[&class].iter().all(|&n| self.nodes[n].dir == Direction::Request)
    }

    fn name_of(&mut self, class: usize) -> String {
        if let Some(n) = self.names.get(&class) {
            return n.clone();
        }
        if self.in_progress.contains(&class) {
            return "Recursive".into();
        }
        self.in_progress.push(class);
        let rep = self.rep[&class];
        let members = self.members[&class].clone();
        let title = resource_of(self.nodes, &members);
        let request_only = self.request_only(class);
        // Title-based names first; the positional name is only worked out when they are all
        // taken, because working it out names the parent types (and would let them claim names
        // before types that rank higher).
        let mut titled = Vec::new();
        if let Some(t) = &title {
            let short = type_ident(short_title(t), "Type");
            // A spec type may not take a name the crate root exports (`types::Error` beside the
            // crate's `Error` would be two different things under one name).
            if super::is_reserved_type_name(&short) {
                titled.push(format!("{short}Body"));
            }
            titled.push(short.clone());
            if request_only {
                if let Some([verb]) = self.body_verbs.get(&class).map(Vec::as_slice) {
                    titled.push(type_ident(&format!("{verb}{short}Request"), "Type"));
                }
                titled.push(format!("{short}Request"));
            }
        }
        let chosen = match titled.into_iter().find(|c| self.scope.is_free(c)) {
            Some(c) => {
                self.scope.take(&c);
                c
            }
            None => {
                // Another shape already has the short name: where it is used says more than the
                // title's namespace (`CreateIamV2ApiKeyResponse` over `IamV2ApiKey`).
                let positional = self.positional(rep);
                let full = title.as_deref().map(|t| type_ident(t, "Type"));
                match [Some(positional.clone()), full].into_iter().flatten().find(|c| self.scope.is_free(c)) {
                    Some(c) => {
                        self.scope.take(&c);
                        c
                    }
                    None => self.scope.claim(positional),
                }
            }
        };
        self.in_progress.retain(|c| *c != class);
        self.names.insert(class, chosen.clone());
        chosen
    }

    fn node_name(&mut self, node: NodeId) -> String {
        let class = self.class[node];
        if self.rep.contains_key(&class) {
            self.name_of(class)
        } else {
            self.positional(node)
        }
    }

    /// The outermost ancestor of an inline schema (an operation's body or a component).
    fn outermost(&self, mut node: NodeId) -> NodeId {
        let mut hops = 0;
        while let Origin::Child { parent, .. } = &self.nodes[node].origin {
            node = *parent;
            hops += 1;
            if hops > self.nodes.len() {
                break;
            }
        }
        node
    }

    fn positional(&mut self, node: NodeId) -> String {
        match self.nodes[node].origin.clone() {
            Origin::Root(n) => n,
            Origin::Component(c) => {
                let name = type_ident(short_title(&c), "Type");
                if super::is_reserved_type_name(&name) {
                    format!("{name}Body")
                } else {
                    name
                }
            }
            Origin::Child { parent, suffix } => {
                let base = self.node_name(parent);
                let name = type_ident(&format!("{base}{suffix}"), "Type");
                if name.len() <= MAX_POSITIONAL_NAME {
                    return name;
                }
                // Deeply nested inline schemas would get names that grow with depth
                // (`…Level0Level1…Level70`): past the limit a type is named after the outermost
                // named type it sits in and its own property, so names stay short at any depth.
                let root = self.outermost(parent);
                type_ident(&format!("{}{suffix}", self.node_name(root)), "Type")
            }
            Origin::Leaf => "Value".into(),
        }
    }
}


/// The schema a class of nodes stands for: the first `title` among them, else the first component
/// key. Names derive from it, and the model records it (`TypeDef::resource`).
pub(crate) fn resource_of(nodes: &[Node], members: &[NodeId]) -> Option<String> {
    members.iter().find_map(|&m| nodes[m].title.clone()).or_else(|| {
        members.iter().find_map(|&m| match &nodes[m].origin {
            Origin::Component(c) => Some(c.clone()),
            _ => None,
        })
    })
}

/// The verb an operation's type prefix starts with (`UpdateIamV2ApiKey` -> `Update`): its first
/// word in UpperCamelCase.
pub(crate) fn verb_of(type_prefix: &str) -> String {
    let mut end = type_prefix.len();
    for (i, c) in type_prefix.char_indices().skip(1) {
        if c.is_ascii_uppercase() || c.is_ascii_digit() {
            end = i;
            break;
        }
    }
    type_prefix[..end].to_string()
}

/// Names every class of named shapes (`members`: its nodes; `rep`: its representative;
/// `body_roles`: request body nodes with the verb of their operation). Returns the classes in
/// naming order and the name of each.
pub(crate) fn name_types(
    nodes: &[Node],
    class: &[usize],
    rep: &HashMap<usize, NodeId>,
    members: &HashMap<usize, Vec<NodeId>>,
    body_roles: &[(NodeId, String)],
) -> (Vec<usize>, HashMap<usize, String>) {
    let mut order: Vec<usize> = members.keys().copied().collect();
    let mut body_verbs: HashMap<usize, Vec<String>> = HashMap::new();
    for (node, verb) in body_roles {
        let verbs = body_verbs.entry(class[*node]).or_default();
        if !verbs.contains(verb) {
            verbs.push(verb.clone());
        }
    }
    let mut namer = Namer { nodes, body_verbs, class, rep: rep.clone(), members: members.clone(), names: HashMap::new(), in_progress: Vec::new(), scope: Scope::with_reserved(&[super::CRATE_ROOT_NAMES, super::PRELUDE_TYPE_NAMES].concat()) };
    // Types seen by responses pick names first, so a request-only variant of the same title is the one renamed.
    order.sort_by_key(|c| (namer.request_only(*c), members[c][0]));
    for &c in &order {
        namer.name_of(c);
    }
    (order, namer.names)
}
