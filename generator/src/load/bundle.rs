//! Specs published as trees of files: every relative file `$ref` is read once and bundled into
//! the one JSON tree the later layers read, so nothing after the loader knows there were files.
//!
//! Why bundle here rather than resolve files lazily in `normalize`: every later layer (repair,
//! the skeleton check, the schema lint, normalize, naming) addresses the document by local JSON
//! pointer, and a bundled tree keeps them that way. What the bundle does:
//! - A `$ref` is found only where OpenAPI allows one (path items, parameters, request bodies,
//!   responses, headers, examples, links, security schemes, schemas and their subschemas,
//!   discriminator mappings), by a walk that knows each node's kind; a `$ref` key inside example
//!   data or an `x-` extension is data, never followed.
//! - A ref to another file (`./schemas/user.yaml`, `common.yaml#/components/schemas/Error`,
//!   `../shared/params.yaml#/X`) is resolved against the folder of the file it is written in;
//!   refs inside that file (local `#/...` ones too) are relative to *that* file.
//! - Each distinct target (file, pointer, kind) becomes one entry of its `components/*` section
//!   (`schemas`, `parameters`, `responses`, `requestBodies`, `headers`, `examples`, `links`,
//!   `securitySchemes`) and the ref becomes a local ref to it; path items, which OpenAPI 3.0 has
//!   no section for, are copied in place. Because targets are entries and refs stay refs,
//!   recursion across files (a user's group lists users) is a cycle of local refs that
//!   `normalize` already handles; nothing is ever copied into itself.
//! - Entry names come from the pointer's last token, or the file stem for a whole file
//!   (`schemas/user.yaml` -> `user`, so the type is `User`), and never replace a name the spec
//!   already has: on a clash `<stem>_<name>` and then `<name>_2`, `_3`… are tried. Names are given
//!   in the order of (path relative to the root spec's folder, pointer, kind), not of discovery,
//!   so they do not depend on which operation happened to mention a file first.
//! - A [`Provenance`] map records where each entry and copied path item came from, so a
//!   diagnostic on a bundled node names the original file and the pointer inside it.
//!
//! Decisions about files:
//! - **No network, ever.** A `$ref` with a URL scheme (`https://…`, `file:…`) is refused, naming
//!   the pointer; the user downloads the file and refers to it by a relative path.
//! - **Relative paths only.** An absolute path would make the output depend on the machine it ran
//!   on. `..` is fine (vendors share `../common/` folders between specs): the user asked us to
//!   read this spec, and the files it names are part of it. Symlinks are followed like any file,
//!   since the tree is the user's own; only regular files are read (no devices or FIFOs).
//! - A spec given as bytes (no folder) cannot have file refs: they are refused, with the hint to
//!   read it from its file.
//! - The input limit ([`MAX_INPUT_BYTES`]) applies to all files together, and each file goes
//!   through the same hostile-input guards as the root (node budget, depth).
//! - A file that is missing, unreadable or malformed, and a pointer that names nothing in its
//!   file, are refused naming the referencing file, the `$ref`'s pointer and its line, plus the
//!   path or pointer that is missing; all such problems are reported together.

use super::parse::parse_tree;
use super::{MAX_INPUT_BYTES, METHODS};
use crate::diag::{Diagnostic, Diagnostics, GenerateError, Provenance, Severity};
use crate::json::{child, lookup_pointer, percent_decode, unescape_token};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// Most files read for one spec (one vendor's published tree has 2,900).
const MAX_FILES: usize = 20_000;
/// Longest chain of path items that are only a `$ref` to the next one.
const MAX_PATH_ITEM_CHAIN: usize = 32;

/// What a `$ref` stands for, from where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Schema,
    Parameter,
    RequestBody,
    Response,
    Header,
    Example,
    Link,
    SecurityScheme,
    PathItem,
}

impl Kind {
    /// The `components` section its entries go to; `None` for path items (copied in place).
    fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::SecurityScheme => "securitySchemes",
            Kind::PathItem => return None,
        })
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Schema => "schema",
            Kind::Parameter => "parameter",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::Header => "header",
            Kind::Example => "example",
            Kind::Link => "link",
            Kind::SecurityScheme => "security scheme",
            Kind::PathItem => "path item",
        }
    }
}

/// Where the walk is: a node that may be a `$ref` of some kind, or a container that may not.
#[derive(Debug, Clone, Copy)]
enum Ctx {
    Document,
    Ref(Kind),
    Operation,
    MediaType,
    Encoding,
}

/// A `$ref` found by the walk: the pointer of the object holding it (or of the discriminator
/// mapping value), relative to the walked value.
#[derive(Debug)]
struct Found {
    at: String,
    reference: String,
    kind: Kind,
    /// A discriminator mapping value (a string), not a `$ref` key.
    mapping: bool,
}

/// The keywords whose values are schemas, in the order [`find_refs`] pushes them: the first
/// [`SINGLE_SCHEMA_KEYWORDS`] hold one schema (or a list of them), the others a list or a
/// mapping of schemas.
const SCHEMA_KEYWORDS: [&str; 20] = [
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "else",
    "then",
    "if",
    "not",
    "additionalItems",
    "additionalProperties",
    "items",
    "dependentSchemas",
    "definitions",
    "$defs",
    "prefixItems",
    "oneOf",
    "anyOf",
    "allOf",
    "patternProperties",
    "properties",
];
const SINGLE_SCHEMA_KEYWORDS: usize = 11;

/// The position of `key` in [`SCHEMA_KEYWORDS`].
fn schema_keyword(key: &str) -> Option<usize> {
    SCHEMA_KEYWORDS.iter().position(|k| *k == key)
}

/// Every `$ref` in `v` (of context `ctx`) where OpenAPI allows one. Iterative: schemas nest up
/// to the loader's depth limit.
fn find_refs<'v>(v: &'v Value, ctx: Ctx, out: &mut Vec<Found>) {
    let mut stack: Vec<(&'v Value, String, Ctx)> = vec![(v, String::new(), ctx)];
    while let Some((v, at, ctx)) = stack.pop() {
        let Some(obj) = v.as_object() else { continue };
        let push = |key: &str, c: Ctx, stack: &mut Vec<(&'v Value, String, Ctx)>| {
            if let Some(x) = obj.get(key) {
                stack.push((x, child(&at, key), c));
            }
        };
        let each_value = |key: &str, c: Ctx, stack: &mut Vec<(&'v Value, String, Ctx)>| {
            match obj.get(key) {
                Some(Value::Object(m)) => {
                    let base = child(&at, key);
                    for (k, x) in m.iter().rev() {
                        stack.push((x, child(&base, k), c));
                    }
                }
                Some(Value::Array(a)) => {
                    let base = child(&at, key);
                    for (i, x) in a.iter().enumerate().rev() {
                        stack.push((x, child(&base, &i.to_string()), c));
                    }
                }
                _ => {}
            }
        };
        if let Ctx::Ref(kind) = ctx {
            if let Some(Value::String(r)) = obj.get("$ref") {
                out.push(Found { at, reference: r.clone(), kind, mapping: false });
                continue;
            }
        }
        // Children are pushed in reverse so that refs come out in document order.
        match ctx {
            Ctx::Document => {
                if let Some(Value::Object(comps)) = obj.get("components") {
                    let cptr = child(&at, "components");
                    for (section, entries) in comps.iter().rev() {
                        let kind = match section.as_str() {
                            "schemas" => Kind::Schema,
                            "parameters" => Kind::Parameter,
                            "requestBodies" => Kind::RequestBody,
                            "responses" => Kind::Response,
                            "headers" => Kind::Header,
                            "examples" => Kind::Example,
                            "links" => Kind::Link,
                            "securitySchemes" => Kind::SecurityScheme,
                            "pathItems" => Kind::PathItem,
                            // Callbacks are not generated (the loader drops them).
                            _ => continue,
                        };
                        let sptr = child(&cptr, section);
                        for (name, e) in entries.as_object().into_iter().flatten().rev() {
                            stack.push((e, child(&sptr, name), Ctx::Ref(kind)));
                        }
                    }
                }
                each_value("paths", Ctx::Ref(Kind::PathItem), &mut stack);
            }
            Ctx::Ref(Kind::PathItem) => {
                for m in METHODS.iter().rev() {
                    push(m, Ctx::Operation, &mut stack);
                }
                each_value("parameters", Ctx::Ref(Kind::Parameter), &mut stack);
            }
            Ctx::Operation => {
                each_value("responses", Ctx::Ref(Kind::Response), &mut stack);
                push("requestBody", Ctx::Ref(Kind::RequestBody), &mut stack);
                each_value("parameters", Ctx::Ref(Kind::Parameter), &mut stack);
            }
            Ctx::Ref(Kind::Parameter | Kind::Header) => {
                each_value("examples", Ctx::Ref(Kind::Example), &mut stack);
                each_value("content", Ctx::MediaType, &mut stack);
                push("schema", Ctx::Ref(Kind::Schema), &mut stack);
            }
            Ctx::Ref(Kind::RequestBody) => each_value("content", Ctx::MediaType, &mut stack),
            Ctx::Ref(Kind::Response) => {
                each_value("links", Ctx::Ref(Kind::Link), &mut stack);
                each_value("headers", Ctx::Ref(Kind::Header), &mut stack);
                each_value("content", Ctx::MediaType, &mut stack);
            }
            Ctx::MediaType => {
                each_value("encoding", Ctx::Encoding, &mut stack);
                each_value("examples", Ctx::Ref(Kind::Example), &mut stack);
                push("schema", Ctx::Ref(Kind::Schema), &mut stack);
            }
            Ctx::Encoding => each_value("headers", Ctx::Ref(Kind::Header), &mut stack),
            Ctx::Ref(Kind::Schema) => {
                // Most of the tree is schemas, and most schemas have a few keys: one pass over
                // them finds the keywords that hold schemas, instead of a hashed lookup for each
                // of the twenty. They are pushed in the order of `SCHEMA_KEYWORDS` whatever the
                // order of the keys, so refs come out in the same order as ever.
                let s = Ctx::Ref(Kind::Schema);
                let mut held: [Option<&'v Value>; SCHEMA_KEYWORDS.len()] = [None; SCHEMA_KEYWORDS.len()];
                let mut discriminator = None;
                for (k, x) in obj {
                    match schema_keyword(k) {
                        Some(i) => held[i] = Some(x),
                        None if k == "discriminator" => discriminator = Some(x),
                        None => {}
                    }
                }
                for (i, key) in SCHEMA_KEYWORDS.iter().enumerate() {
                    match held[i] {
                        // A keyword of one schema (`items`) may hold a list of them (draft 4).
                        Some(Value::Array(a)) => {
                            let base = child(&at, key);
                            for (n, x) in a.iter().enumerate().rev() {
                                stack.push((x, child(&base, &n.to_string()), s));
                            }
                        }
                        Some(Value::Object(m)) if i >= SINGLE_SCHEMA_KEYWORDS => {
                            let base = child(&at, key);
                            for (k, x) in m.iter().rev() {
                                stack.push((x, child(&base, k), s));
                            }
                        }
                        Some(x) if i < SINGLE_SCHEMA_KEYWORDS => stack.push((x, child(&at, key), s)),
                        _ => {}
                    }
                }
                // `mapping: {dog: ./dog.yaml}`: a value with a `/` or `#` is a reference, a bare
                // name is a schema name of the root document (left as it is).
                if let Some(Value::Object(mapping)) = discriminator.and_then(|d| d.get("mapping")) {
                    let mptr = child(&child(&at, "discriminator"), "mapping");
                    for (k, m) in mapping {
                        if let Some(r) = m.as_str().filter(|r| r.contains(['/', '#'])) {
                            out.push(Found { at: child(&mptr, k), reference: r.to_string(), kind: Kind::Schema, mapping: true });
                        }
                    }
                }
            }
            Ctx::Ref(Kind::Example | Kind::Link | Kind::SecurityScheme) => {}
        }
    }
}

/// One file of the tree.
struct Source {
    /// As diagnostics name it: the root spec's path as given, joined with the relative paths.
    display: String,
    /// Its path relative to the root spec's folder (for names and their order).
    rel: PathBuf,
    /// The folder its relative refs are resolved against.
    dir: PathBuf,
    text: String,
    tree: Value,
}

/// A bundled entry: what a ref names, and what it becomes.
struct Target {
    file: usize,
    fragment: String,
    kind: Kind,
    name: String,
}

/// What one `$ref` (in one file, of one kind) resolves to.
#[derive(Clone)]
enum Resolved {
    /// A pointer into the root document: kept as it is.
    Local(String),
    Target(usize),
    /// Refused (the error is recorded).
    Failed,
}

struct Bundler {
    files: Vec<Source>,
    by_path: HashMap<PathBuf, usize>,
    targets: Vec<Target>,
    by_target: HashMap<(usize, String, Kind), usize>,
    resolved: HashMap<(usize, String, Kind), Resolved>,
    /// The root spec was read from a file (else file refs cannot be resolved).
    has_folder: bool,
    bytes_read: usize,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    provenance: Provenance,
}

/// The bundled tree, where its parts came from, and what was found on the way.
pub(super) struct Bundled {
    pub root: Value,
    pub provenance: Provenance,
    pub warnings: Vec<Diagnostic>,
    /// The other files read, as paths joined onto the root spec's (in the order first read).
    pub files: Vec<PathBuf>,
}

/// Bundles every file `root` refers to into it. `path` is where the root spec was read from
/// (`None` for bytes: then file refs are refused).
pub(super) fn bundle(file: &str, text: &str, root: Value, path: Option<&Path>) -> Result<Bundled, GenerateError> {
    let mut found = Vec::new();
    find_refs(&root, Ctx::Document, &mut found);
    if found.iter().all(|f| f.reference.starts_with('#')) {
        // The common case: one self-contained file, nothing to do.
        return Ok(Bundled { root, provenance: Provenance::new(file), warnings: Vec::new(), files: Vec::new() });
    }
    let dir = path.and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
    let mut b = Bundler {
        files: vec![Source { display: file.to_string(), rel: path.and_then(Path::file_name).map(PathBuf::from).unwrap_or_default(), dir, text: text.to_string(), tree: root }],
        by_path: HashMap::new(),
        targets: Vec::new(),
        by_target: HashMap::new(),
        resolved: HashMap::new(),
        has_folder: path.is_some(),
        bytes_read: text.len(),
        errors: Vec::new(),
        warnings: Vec::new(),
        provenance: Provenance::new(file),
    };
    if let Some(p) = path.and_then(|p| std::fs::canonicalize(p).ok()) {
        b.by_path.insert(p, 0);
    }
    // Discovery: targets are walked as they are found, breadth first.
    for f in &found {
        b.resolve(0, &f.at, &f.reference, f.kind);
    }
    let mut next = 0;
    while next < b.targets.len() {
        let (file, fragment, kind) = (b.targets[next].file, b.targets[next].fragment.clone(), b.targets[next].kind);
        next += 1;
        let mut found = Vec::new();
        if let Some(v) = lookup_pointer(&b.files[file].tree, &fragment) {
            find_refs(v, Ctx::Ref(kind), &mut found);
        }
        for f in found {
            b.resolve(file, &format!("{fragment}{}", f.at), &f.reference, f.kind);
        }
    }
    b.check_ref_cycles();
    if !b.errors.is_empty() {
        let mut diagnostics = b.errors;
        diagnostics.extend(b.warnings);
        return Err(GenerateError { diagnostics });
    }
    b.name_targets();
    b.assemble()
}

impl Bundler {
    /// Resolves `reference`, written at `at` (a pointer without `#`) in file `file`, as a `kind`;
    /// reads the file it names if it is new and records the target. Memoized.
    fn resolve(&mut self, file: usize, at: &str, reference: &str, kind: Kind) -> Resolved {
        let key = (file, reference.to_string(), kind);
        if let Some(r) = self.resolved.get(&key) {
            return r.clone();
        }
        let r = self.resolve_new(file, at, reference, kind);
        self.resolved.insert(key, r.clone());
        r
    }

    fn resolve_new(&mut self, file: usize, at: &str, reference: &str, kind: Kind) -> Resolved {
        let (path_part, fragment) = match reference.split_once('#') {
            Some((p, f)) => (p, f),
            None => (reference, ""),
        };
        let target_file = if path_part.is_empty() {
            file
        } else {
            match self.open(file, at, reference, path_part) {
                Some(i) => i,
                None => return Resolved::Failed,
            }
        };
        let fragment = percent_decode(fragment);
        if target_file == 0 {
            return Resolved::Local(format!("#{fragment}"));
        }
        let Some(target_kind) = lookup_pointer(&self.files[target_file].tree, &fragment).map(|t| (t.is_object(), t.is_boolean(), crate::json::kind_of(t))) else {
            let hint = if fragment.starts_with('/') || fragment.is_empty() { "" } else { " (only JSON pointer fragments, `#/...`, are supported)" };
            let msg = format!(
                "$ref {reference:?} points to nothing: {} has no #{fragment} (expected a {}){hint}",
                self.files[target_file].display,
                kind.what()
            );
            self.error(file, at, reference, msg);
            return Resolved::Failed;
        };
        // A response that is a request body entry (or the reverse) has usable content: fine, but
        // say so; the entry is bundled into the section its use asks for.
        if let Some(section) = fragment.strip_prefix("/components/").and_then(|r| r.split('/').next()) {
            let expected = kind.section().unwrap_or("pathItems");
            let known = ["schemas", "parameters", "requestBodies", "responses", "headers", "examples", "links", "securitySchemes", "pathItems"];
            if section != expected && known.contains(&section) && target_kind.0 {
                let msg = format!("$ref {reference:?} is used as a {} but names a `components/{section}` entry: its content is used as a {}", kind.what(), kind.what());
                self.warn(file, at, msg);
            }
        }
        let (is_object, is_bool, _) = target_kind;
        if !(is_object || kind == Kind::Schema && is_bool) {
            let msg = format!(
                "$ref {reference:?} names {} in {}, not a {}",
                target_kind.2,
                self.files[target_file].display,
                kind.what()
            );
            self.error(file, at, reference, msg);
            return Resolved::Failed;
        }
        let key = (target_file, fragment.clone(), kind);
        if let Some(&i) = self.by_target.get(&key) {
            return Resolved::Target(i);
        }
        self.targets.push(Target { file: target_file, fragment: fragment.clone(), kind, name: String::new() });
        let i = self.targets.len() - 1;
        self.by_target.insert(key, i);
        Resolved::Target(i)
    }

    /// The index of the file `path_part` names (relative to `file`'s folder), reading it the
    /// first time; `None` (with the error recorded) when it cannot be read.
    fn open(&mut self, file: usize, at: &str, reference: &str, path_part: &str) -> Option<usize> {
        let scheme = path_part.split_once(':').is_some_and(|(s, _)| {
            s.len() > 1 && s.starts_with(|c: char| c.is_ascii_alphabetic()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if scheme {
            self.error(file, at, reference, format!("$ref {reference:?} is a URL: openapi-forge never fetches specs over the network; download the file and refer to it by a relative path"));
            return None;
        }
        let decoded = percent_decode(path_part);
        let rel_path = Path::new(&decoded);
        if rel_path.has_root() || rel_path.components().any(|c| matches!(c, Component::Prefix(_))) {
            self.error(file, at, reference, format!("$ref {reference:?} is an absolute path: refer to other files by a path relative to the file the $ref is in"));
            return None;
        }
        if !self.has_folder {
            self.error(file, at, reference, format!("$ref {reference:?} names another file, but this spec was given as bytes with no folder to read it from: read the spec from its file (Input::from_file, --spec)"));
            return None;
        }
        let from = &self.files[file];
        let full = normalize_lexically(&from.dir.join(rel_path));
        let rel = normalize_lexically(&from.rel.parent().unwrap_or(Path::new("")).join(rel_path));
        let display = full.display().to_string();
        let canonical = match std::fs::canonicalize(&full) {
            Ok(c) => c,
            Err(e) => {
                self.error(file, at, reference, format!("$ref {reference:?}: cannot read {display}: {}", io_reason(&e)));
                return None;
            }
        };
        if let Some(&i) = self.by_path.get(&canonical) {
            return Some(i);
        }
        if self.files.len() >= MAX_FILES {
            self.error(file, at, reference, format!("more than {MAX_FILES} files are referenced: not read"));
            return None;
        }
        let meta = match std::fs::metadata(&canonical) {
            Ok(m) => m,
            Err(e) => {
                self.error(file, at, reference, format!("$ref {reference:?}: cannot read {display}: {}", io_reason(&e)));
                return None;
            }
        };
        if !meta.is_file() {
            self.error(file, at, reference, format!("$ref {reference:?}: {display} is not a regular file"));
            return None;
        }
        let left = MAX_INPUT_BYTES.saturating_sub(self.bytes_read);
        if meta.len() > left as u64 {
            self.error(file, at, reference, format!("$ref {reference:?}: reading {display} would take the spec's files past the {} MiB limit", MAX_INPUT_BYTES >> 20));
            return None;
        }
        let bytes = match read_at_most(&canonical, left) {
            Ok(b) => b,
            Err(e) => {
                self.error(file, at, reference, format!("$ref {reference:?}: cannot read {display}: {e}"));
                return None;
            }
        };
        self.bytes_read += bytes.len();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                self.error(file, at, reference, format!("$ref {reference:?}: {display} is not UTF-8 text: {}", e.utf8_error()));
                return None;
            }
        };
        let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
        let mut diags = Diagnostics::new(&display);
        let tree = if text.trim().is_empty() {
            self.error(file, at, reference, format!("$ref {reference:?}: {display} is empty"));
            return None;
        } else {
            match parse_tree(&display, &text, &mut diags) {
                Ok(t) => t,
                Err(e) => {
                    self.errors.extend(e.diagnostics);
                    return None;
                }
            }
        };
        self.warnings.extend(diags.items().iter().cloned());
        let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
        self.files.push(Source { display, rel, dir, text, tree });
        let i = self.files.len() - 1;
        self.by_path.insert(canonical, i);
        Some(i)
    }

    /// Records an error at the `$ref` (at `at` in `file`), with the line it is on.
    fn error(&mut self, file: usize, at: &str, reference: &str, message: String) {
        let src = &self.files[file];
        let d = Diagnostic {
            severity: Severity::Error,
            file: src.display.clone(),
            pointer: format!("#{at}"),
            location: line_of_ref(&src.text, reference),
            message,
        };
        if !self.errors.contains(&d) {
            self.errors.push(d);
        }
    }

    fn warn(&mut self, file: usize, at: &str, message: String) {
        let d = Diagnostic { severity: Severity::Warning, file: self.files[file].display.clone(), pointer: format!("#{at}"), location: None, message };
        if !self.warnings.contains(&d) {
            self.warnings.push(d);
        }
    }

    /// Refuses entries that are only a `$ref` to one another in a ring (`a.yaml` is
    /// `$ref: b.yaml`, which is `$ref: a.yaml`): there is nothing to generate. Reported once per
    /// ring, at its first entry, with the files in order. (Schemas that refer to each other from
    /// inside properties are recursion, and fine.)
    fn check_ref_cycles(&mut self) {
        let next_of = |b: &Self, t: usize| -> Option<usize> {
            let target = &b.targets[t];
            let r = lookup_pointer(&b.files[target.file].tree, &target.fragment)?.get("$ref")?.as_str()?;
            match b.resolved.get(&(target.file, r.to_string(), target.kind))? {
                Resolved::Target(u) => Some(*u),
                _ => None,
            }
        };
        let mut reported: BTreeSet<usize> = BTreeSet::new();
        for start in 0..self.targets.len() {
            let mut ring = vec![start];
            let mut at = start;
            while let Some(n) = next_of(self, at) {
                if let Some(pos) = ring.iter().position(|&x| x == n) {
                    let members = &ring[pos..];
                    let first = members.iter().copied().min().unwrap_or(n);
                    if first == start && reported.insert(first) {
                        let names: Vec<String> = members
                            .iter()
                            .chain(std::iter::once(&members[0]))
                            .map(|&m| format!("{}#{}", self.files[self.targets[m].file].display, self.targets[m].fragment))
                            .collect();
                        let t = &self.targets[start];
                        let (file, fragment) = (t.file, t.fragment.clone());
                        let reference = lookup_pointer(&self.files[file].tree, &fragment)
                            .and_then(|v| v.get("$ref"))
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string();
                        let msg = format!("$ref cycle with no {} in it: {}", t.kind.what(), names.join(" -> "));
                        self.error(file, &fragment, &reference, msg);
                    }
                    break;
                }
                if ring.len() > self.targets.len() {
                    break;
                }
                ring.push(n);
                at = n;
            }
        }
    }

    /// Gives every entry its name in its section: names the root document already uses are
    /// kept, and entries are named in (relative path, pointer, kind) order.
    fn name_targets(&mut self) {
        let mut taken: HashMap<&'static str, BTreeSet<String>> = HashMap::new();
        if let Some(comps) = self.files[0].tree.get("components").and_then(Value::as_object) {
            for (section, entries) in comps {
                if let Some(kind_section) = [Kind::Schema, Kind::Parameter, Kind::RequestBody, Kind::Response, Kind::Header, Kind::Example, Kind::Link, Kind::SecurityScheme]
                    .iter()
                    .filter_map(|k| k.section())
                    .find(|s| s == section)
                {
                    taken.entry(kind_section).or_default().extend(entries.as_object().into_iter().flat_map(|m| m.keys().cloned()));
                }
            }
        }
        let mut order: Vec<usize> = (0..self.targets.len()).collect();
        order.sort_by(|&a, &b| {
            let (ta, tb) = (&self.targets[a], &self.targets[b]);
            (&self.files[ta.file].rel, &ta.fragment, ta.kind).cmp(&(&self.files[tb.file].rel, &tb.fragment, tb.kind))
        });
        for i in order {
            let t = &self.targets[i];
            let Some(section) = t.kind.section() else { continue };
            let stem = sanitize(&self.files[t.file].rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            let last = t.fragment.rsplit('/').next().map(|s| sanitize(&unescape_token(s))).unwrap_or_default();
            let base = if t.fragment.is_empty() || last.is_empty() { stem.clone() } else { last };
            let base = if base.is_empty() { "bundled".to_string() } else { base };
            let used = taken.entry(section).or_default();
            let mut candidates = vec![base.clone()];
            if stem != base && !stem.is_empty() {
                candidates.push(format!("{stem}_{base}"));
            }
            let name = candidates.into_iter().find(|c| !used.contains(c)).unwrap_or_else(|| {
                (2..).map(|n| format!("{base}_{n}")).find(|c| !used.contains(c)).unwrap_or_default()
            });
            used.insert(name.clone());
            self.targets[i].name = name;
        }
    }

    /// Builds the bundled tree: the root with its file refs made local, path items copied in,
    /// and every entry added to its section.
    fn assemble(mut self) -> Result<Bundled, GenerateError> {
        let mut root = std::mem::take(&mut self.files[0].tree);
        self.rewrite(&mut root, 0, "", Ctx::Document, "#", &mut Vec::new());
        let mut entries: Vec<(&'static str, String, Value)> = Vec::new();
        for i in 0..self.targets.len() {
            let (file, fragment, kind) = (self.targets[i].file, self.targets[i].fragment.clone(), self.targets[i].kind);
            let Some(section) = kind.section() else { continue };
            let mut content = lookup_pointer(&self.files[file].tree, &fragment).cloned().unwrap_or(Value::Null);
            let bundled = child(&child("#/components", section), &self.targets[i].name);
            self.rewrite(&mut content, file, &fragment, Ctx::Ref(kind), &bundled, &mut Vec::new());
            self.provenance.record(&bundled, &self.files[file].display, &format!("#{fragment}"));
            entries.push((section, self.targets[i].name.clone(), content));
        }
        if let Value::Object(obj) = &mut root {
            let comps = obj.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(comps) = comps {
                for (section, name, content) in entries {
                    if let Value::Object(s) = comps.entry(section).or_insert_with(|| Value::Object(Map::new())) {
                        s.insert(name, content);
                    }
                }
            }
        }
        if !self.errors.is_empty() {
            let mut diagnostics = self.errors;
            diagnostics.extend(self.warnings);
            return Err(GenerateError { diagnostics });
        }
        let files = self.files.iter().skip(1).map(|f| PathBuf::from(&f.display)).collect();
        Ok(Bundled { root, provenance: self.provenance, warnings: self.warnings, files })
    }

    /// Makes the file refs in `v` (a copy of `fragment` in `file`, of context `ctx`, which will
    /// sit at `bundled` in the result) local, copying path items in. `chain` holds the path items
    /// being copied, against cycles.
    fn rewrite(&mut self, v: &mut Value, file: usize, fragment: &str, ctx: Ctx, bundled: &str, chain: &mut Vec<usize>) {
        let mut found = Vec::new();
        find_refs(v, ctx, &mut found);
        for f in found {
            let in_file = format!("{fragment}{}", f.at);
            let local = match self.resolve(file, &in_file, &f.reference, f.kind) {
                Resolved::Failed => continue,
                // Already local to the root: nothing to change.
                Resolved::Local(_) if file == 0 => continue,
                Resolved::Local(p) => p,
                Resolved::Target(t) if self.targets[t].kind == Kind::PathItem => {
                    if chain.contains(&t) || chain.len() >= MAX_PATH_ITEM_CHAIN {
                        let reference = f.reference.clone();
                        self.error(file, &in_file, &reference, format!("$ref {reference:?}: path items refer to each other in a cycle"));
                        continue;
                    }
                    let (tfile, tfrag) = (self.targets[t].file, self.targets[t].fragment.clone());
                    let mut item = lookup_pointer(&self.files[tfile].tree, &tfrag).cloned().unwrap_or(Value::Null);
                    let here = format!("{bundled}{}", f.at);
                    // A path item that is only a `$ref` to another is recorded by that one.
                    if item.get("$ref").is_none() {
                        self.provenance.record(&here, &self.files[tfile].display, &format!("#{tfrag}"));
                    }
                    chain.push(t);
                    self.rewrite(&mut item, tfile, &tfrag, Ctx::Ref(Kind::PathItem), &here, chain);
                    chain.pop();
                    if let Some(slot) = v.pointer_mut(&f.at) {
                        *slot = item;
                    }
                    continue;
                }
                Resolved::Target(t) => match self.targets[t].kind.section() {
                    Some(section) => child(&child("#/components", section), &self.targets[t].name),
                    None => continue,
                },
            };
            let slot = if f.mapping { v.pointer_mut(&f.at) } else { v.pointer_mut(&f.at).and_then(|o| o.get_mut("$ref")) };
            if let Some(slot) = slot {
                *slot = Value::String(local);
            }
        }
    }
}

/// `a/./b/../c` -> `a/c`, without touching the file system (a leading `..` stays).
fn normalize_lexically(p: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// A component name from file or pointer text: letters, digits, `.`, `-` and `_` (what OpenAPI
/// allows in component keys).
fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn read_at_most(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    std::fs::File::open(path)?.take(limit as u64 + 1).read_to_end(&mut out)?;
    if out.len() > limit {
        return Err(std::io::Error::other(format!("larger than the {} MiB the spec's files may take together", MAX_INPUT_BYTES >> 20)));
    }
    Ok(out)
}

/// The line and column of the first `$ref` to `reference` in `text` (the one a message is
/// about: every `$ref` with the same text in one file names the same target).
fn line_of_ref(text: &str, reference: &str) -> Option<(usize, usize)> {
    let mut fallback = None;
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(reference).map(|p| p + from) {
            if let Some(r) = line[..pos].rfind("$ref") {
                return Some((i + 1, r + 1));
            }
            fallback = fallback.or(Some((i + 1, pos + 1)));
            from = pos + reference.len().max(1);
        }
    }
    fallback
}

/// Removes `callbacks` (of operations and `components`): they are not generated, and a callback
/// given as a Reference Object is valid OpenAPI that must not make a spec fail. One warning each.
pub(super) fn drop_callbacks(root: &mut Value, diags: &mut Diagnostics) {
    let Some(obj) = root.as_object_mut() else { return };
    if let Some(Value::Object(comps)) = obj.get_mut("components") {
        if let Some(Value::Object(cbs)) = comps.remove("callbacks") {
            for name in cbs.keys() {
                diags.warn(&child("#/components/callbacks", name), "callbacks are not generated: ignored");
            }
        }
        if let Some(Value::Object(items)) = comps.get_mut("pathItems") {
            for (name, item) in items.iter_mut() {
                drop_operation_callbacks(item, &child("#/components/pathItems", name), diags);
            }
        }
    }
    if let Some(Value::Object(paths)) = obj.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            drop_operation_callbacks(item, &child("#/paths", path), diags);
        }
    }
}

fn drop_operation_callbacks(item: &mut Value, ptr: &str, diags: &mut Diagnostics) {
    for m in METHODS {
        let Some(Value::Object(op)) = item.get_mut(*m) else { continue };
        if let Some(Value::Object(cbs)) = op.remove("callbacks") {
            let cptr = child(&child(ptr, m), "callbacks");
            for name in cbs.keys() {
                diags.warn(&child(&cptr, name), "callbacks are not generated: ignored");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_without_the_file_system() {
        assert_eq!(normalize_lexically(Path::new("a/./b/../c.yaml")), PathBuf::from("a/c.yaml"));
        assert_eq!(normalize_lexically(Path::new("../shared/x.yaml")), PathBuf::from("../shared/x.yaml"));
        assert_eq!(normalize_lexically(Path::new("a/../../x.yaml")), PathBuf::from("../x.yaml"));
    }

    #[test]
    fn refs_are_found_only_where_openapi_allows_them() {
        let doc = serde_json::json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "p.yaml"}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"properties": {"x": {"$ref": "s.yaml"}}, "discriminator": {"mapping": {"d": "./d.yaml", "e": "E"}}},
                    "example": {"$ref": "data, not a reference"}
                }}}}
            }}},
            "x-ext": {"$ref": "ignored.yaml"}
        });
        let mut out = Vec::new();
        find_refs(&doc, Ctx::Document, &mut out);
        let mut got: Vec<(&str, Kind, bool)> = out.iter().map(|f| (f.reference.as_str(), f.kind, f.mapping)).collect();
        got.sort();
        assert_eq!(got, vec![("./d.yaml", Kind::Schema, true), ("p.yaml", Kind::Parameter, false), ("s.yaml", Kind::Schema, false)]);
    }

    #[test]
    fn ref_lines_are_found() {
        let text = "a: 1\nb:\n  $ref: 'x.yaml#/Y'\n";
        assert_eq!(line_of_ref(text, "x.yaml#/Y"), Some((3, 3)));
    }
}
