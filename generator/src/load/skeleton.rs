//! The typed `openapiv3` skeleton: the document without its schemas, and its validation.
//!
//! `openapiv3`'s schema type is an untagged enum that retries every variant at every level, so
//! the skeleton is read from the tree while every Schema Object in it is a stub (`{}`). When it
//! does not deserialize, each part is checked on its own (`check_*`) so that every problem gets
//! the pointer of the node at fault. Kept apart from parsing and repair because it is the one part tied to
//! `openapiv3` (and the part the design review expects to replace with views over the tree).
//!
//! `openapiv3` knows OpenAPI 3.0 only, so it checks 3.0 documents only: 3.1 and 3.2 documents get
//! `check_light`, a structural check of our own over the same stubbed tree, rather than being
//! forced through the 3.0 shape (which rejects or drops `webhooks`, `pathItems`, 3.2's methods).
//!
//! This check runs on every spec and almost always passes, so the passing case is the fast
//! one: a 3.0 document whose shape `accept::accepts` knows `openapiv3` to read is not
//! deserialized at all (see `accept.rs`); any other skeleton is first deserialized plainly, and
//! only a failure is read again with serde_path_to_error and the `check_*` pass to find the node
//! at fault. The schemas are put back with an exact-pointer lookup that copies no token (see
//! [`crate::json::lookup_pointer_mut`]).

use super::METHODS;
use crate::diag::{Diagnostics, GenerateError};
use crate::json::{child, kind_of};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Checks the structure of `root` outside its schemas, and returns the result and the pointers
/// of the Schema Objects, in document order; `root` is unchanged.
///
/// A 3.0 document that [`super::accept::accepts`] judges readable needs no typed check: only
/// its schema pointers are collected (by the same walk that would stub them). Every other
/// document, and so every diagnostic, takes [`with_skeleton`] and [`deserialize_skeleton`] as
/// before.
pub(super) fn check_skeleton(file: &str, root: &mut Value) -> (Result<(), GenerateError>, Vec<String>) {
    let version = root.get("openapi").and_then(Value::as_str).unwrap_or("3.0.3");
    if version.starts_with("3.0") && super::accept::accepts(root) {
        let mut pointers = SchemaPointers(Vec::new());
        stub_schemas(root, &mut pointers);
        return (Ok(()), pointers.0);
    }
    with_skeleton(root, |skeleton| deserialize_skeleton(file, skeleton).map(drop))
}

/// Runs `check` on the skeleton: the tree with every Schema Object replaced by `{}`. Schemas are
/// most of a spec, so they are taken out of `root` in place, `check` reads the stubbed tree
/// itself (no copy of the document is made), and they are put back. Returns what `check`
/// returned and the pointers of the schemas, in document order; `root` is unchanged.
pub(super) fn with_skeleton<R>(root: &mut Value, check: impl FnOnce(&Value) -> R) -> (R, Vec<String>) {
    let mut taken = Vec::new();
    stub_schemas(root, &mut taken);
    let checked = check(root);
    let mut schema_ptrs = Vec::with_capacity(taken.len());
    for Taken { pointer, value, schema } in taken.into_iter().rev() {
        if let Some(slot) = crate::json::lookup_pointer_mut(root, pointer.trim_start_matches('#')) {
            *slot = value;
        }
        if schema {
            schema_ptrs.push(pointer);
        }
    }
    schema_ptrs.reverse();
    (checked, schema_ptrs)
}

/// What the walk over the places of schemas ([`stub_schemas`]) does with each subtree it meets:
/// a Schema Object (`schema`), or a callback too deep to read.
trait Sink {
    fn take(&mut self, v: &mut Value, pointer: String, schema: bool);
}

/// Takes each subtree out, leaving `{}`.
impl Sink for Vec<Taken> {
    fn take(&mut self, v: &mut Value, pointer: String, schema: bool) {
        let value = std::mem::replace(v, Value::Object(Map::new()));
        self.push(Taken { pointer, value, schema });
    }
}

/// Only notes the pointers of the schemas, in the order the walk meets them (the order
/// [`with_skeleton`] returns them in).
struct SchemaPointers(Vec<String>);

impl Sink for SchemaPointers {
    fn take(&mut self, _: &mut Value, pointer: String, schema: bool) {
        if schema {
            self.0.push(pointer);
        }
    }
}

/// A subtree taken out of the document while the skeleton is checked.
struct Taken {
    pointer: String,
    value: Value,
    /// A Schema Object (scanned for unsupported keywords), not a skipped callback.
    schema: bool,
}

/// Hands every Schema Object the skeleton would parse to `out` (which stubs it, or notes where
/// it is).
fn stub_schemas(root: &mut Value, out: &mut impl Sink) {
    let Value::Object(obj) = root else { return };
    // `webhooks` (3.1) hold path items too: their schemas are schemas like any other.
    for key in ["paths", "webhooks"] {
        if let Some(Value::Object(paths)) = obj.get_mut(key) {
            let base = child("#", key);
            for (path, item) in paths.iter_mut() {
                stub_path_item(item, &child(&base, path), 0, out);
            }
        }
    }
    let Some(Value::Object(comps)) = obj.get_mut("components") else { return };
    for (section, entries) in comps.iter_mut() {
        let Value::Object(entries) = entries else { continue };
        let base = child("#/components", section);
        for (name, entry) in entries.iter_mut() {
            let ptr = child(&base, name);
            match section.as_str() {
                "schemas" => stub(entry, ptr, out),
                "parameters" | "headers" => stub_parameter(entry, &ptr, out),
                "requestBodies" => stub_in(entry, "content", |c| stub_content(c, &child(&ptr, "content"), out)),
                "responses" => stub_response(entry, &ptr, out),
                "callbacks" => stub_callback(entry, &ptr, 0, out),
                "pathItems" => stub_path_item(entry, &ptr, 0, out),
                _ => {}
            }
        }
    }
}

fn stub(v: &mut Value, ptr: String, out: &mut impl Sink) {
    out.take(v, ptr, true);
}

fn stub_in(v: &mut Value, key: &str, f: impl FnOnce(&mut Value)) {
    if let Some(inner) = v.as_object_mut().and_then(|o| o.get_mut(key)) {
        f(inner);
    }
}

fn stub_path_item(item: &mut Value, ptr: &str, depth: usize, out: &mut impl Sink) {
    let Value::Object(item) = item else { return };
    if let Some(Value::Array(params)) = item.get_mut("parameters") {
        for (i, p) in params.iter_mut().enumerate() {
            stub_parameter(p, &child(&child(ptr, "parameters"), &i.to_string()), out);
        }
    }
    for method in METHODS {
        let Some(Value::Object(op)) = item.get_mut(*method) else { continue };
        let op_ptr = child(ptr, method);
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                stub_parameter(p, &child(&child(&op_ptr, "parameters"), &i.to_string()), out);
            }
        }
        if let Some(body) = op.get_mut("requestBody") {
            let bptr = child(&op_ptr, "requestBody");
            stub_in(body, "content", |c| stub_content(c, &child(&bptr, "content"), out));
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (code, r) in responses.iter_mut() {
                stub_response(r, &child(&child(&op_ptr, "responses"), code), out);
            }
        }
        if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
            for (name, cb) in callbacks.iter_mut() {
                stub_callback(cb, &child(&child(&op_ptr, "callbacks"), name), depth + 1, out);
            }
        }
    }
}

fn stub_callback(cb: &mut Value, ptr: &str, depth: usize, out: &mut impl Sink) {
    if depth > 8 {
        // Callbacks are not generated; deeply nested ones are not worth reading at all.
        out.take(cb, ptr.to_string(), false);
        return;
    }
    let Value::Object(cb) = cb else { return };
    for (expr, item) in cb.iter_mut() {
        stub_path_item(item, &child(ptr, expr), depth, out);
    }
}

fn stub_parameter(p: &mut Value, ptr: &str, out: &mut impl Sink) {
    let Value::Object(p) = p else { return };
    if let Some(s) = p.get_mut("schema") {
        stub(s, child(ptr, "schema"), out);
    }
    if let Some(c) = p.get_mut("content") {
        stub_content(c, &child(ptr, "content"), out);
    }
}

fn stub_response(r: &mut Value, ptr: &str, out: &mut impl Sink) {
    let Value::Object(r) = r else { return };
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for (name, h) in headers.iter_mut() {
            stub_parameter(h, &child(&child(ptr, "headers"), name), out);
        }
    }
    if let Some(c) = r.get_mut("content") {
        stub_content(c, &child(ptr, "content"), out);
    }
}

fn stub_content(content: &mut Value, ptr: &str, out: &mut impl Sink) {
    let Value::Object(content) = content else { return };
    for (mt, media) in content.iter_mut() {
        let Value::Object(media) = media else { continue };
        let mptr = child(ptr, mt);
        if let Some(s) = media.get_mut("schema") {
            stub(s, child(&mptr, "schema"), out);
        }
        if let Some(Value::Object(encodings)) = media.get_mut("encoding") {
            for (prop, enc) in encodings.iter_mut() {
                let eptr = child(&child(&mptr, "encoding"), prop);
                if let Some(Value::Object(headers)) = enc.as_object_mut().and_then(|e| e.get_mut("headers")) {
                    for (name, h) in headers.iter_mut() {
                        stub_parameter(h, &child(&child(&eptr, "headers"), name), out);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The skeleton, and precise pointers when it does not deserialize.

// The skeleton is read on a big stack (`crate::stack`): serde's buffering of flattened structs
// (`openapiv3` flattens extensions into every object) takes about 2 KiB of stack per nesting
// level in debug builds, and extension values and examples may nest up to
// `MAX_DOCUMENT_DEPTH` levels.

/// Deserializes the skeleton (on a big-stack worker thread); on failure, every problem is
/// reported with the pointer of the node at fault.
///
/// `openapiv3` knows OpenAPI 3.0 only. A 3.1 or 3.2 document is not squeezed through the 3.0
/// shape (its `webhooks`, `pathItems`, `license.identifier`, optional `paths` and 3.2's extra
/// methods would be rejected or silently lost): it gets [`check_light`] instead, a structural
/// check of its own that only asks what the normalizer relies on (mappings where mappings
/// belong, strings where names belong), and returns `None`.
pub(super) fn deserialize_skeleton(file: &str, skeleton: &Value) -> Result<Option<openapiv3::OpenAPI>, GenerateError> {
    let version = skeleton.get("openapi").and_then(Value::as_str).unwrap_or("3.0.3");
    if version.starts_with("3.0") {
        return crate::stack::on_big_stack("skeleton", || deserialize_skeleton_here(file, skeleton)).map(Some);
    }
    let mut problems = Vec::new();
    check_light(skeleton, &mut problems);
    let mut d = Diagnostics::new(file);
    let label = if version.starts_with("3.1") { "3.1" } else { "3.2" };
    for (ptr, msg) in problems {
        d.error(&ptr, format!("not a valid OpenAPI {label} node: {msg}"));
    }
    d.finish().map(|_| None)
}

fn deserialize_skeleton_here(file: &str, skeleton: &Value) -> Result<openapiv3::OpenAPI, GenerateError> {
    // Nearly every document deserializes: that is done without serde_path_to_error, whose path
    // tracking copies every mapping key (it was most of this check's time on the corpus). Only
    // a document that fails is read again with it, to name the node at fault; a deserializer
    // run is deterministic, so the second run fails where the first did.
    use serde::Deserialize;
    if let Ok(api) = openapiv3::OpenAPI::deserialize(skeleton) {
        return Ok(api);
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(skeleton) {
        Ok(api) => Ok(api),
        Err(e) => {
            let mut problems = Vec::new();
            check_root(skeleton, &mut problems);
            if problems.is_empty() {
                problems.push((extend_pointer("#", e.path()), e.inner().to_string()));
            }
            let mut d = Diagnostics::new(file);
            for (ptr, msg) in problems {
                d.error(&ptr, format!("not a valid OpenAPI 3.0 node: {msg}"));
            }
            match d.finish() {
                Err(err) => Err(err),
                Ok(_) => Err(GenerateError::single(file, "#", format!("not a valid OpenAPI 3.0 document: {}", e.inner()))),
            }
        }
    }
}

fn extend_pointer(base: &str, path: &serde_path_to_error::Path) -> String {
    let mut pointer = base.to_string();
    for seg in path.iter() {
        use serde_path_to_error::Segment;
        match seg {
            Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = child(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

type Problems = Vec<(String, String)>;

/// Deserializes `v` as `T`; on failure records the deepest pointer serde can tell.
fn check<T: DeserializeOwned>(v: &Value, ptr: &str, out: &mut Problems) -> bool {
    match serde_path_to_error::deserialize::<_, T>(v) {
        Ok(_) => true,
        Err(e) => {
            out.push((extend_pointer(ptr, e.path()), e.inner().to_string()));
            false
        }
    }
}

/// `ReferenceOr<T>` is untagged, which hides the real error: check the form that applies.
fn check_ref_or<T: DeserializeOwned>(v: &Value, ptr: &str, out: &mut Problems) {
    match v.get("$ref") {
        Some(Value::String(_)) => {}
        Some(other) => out.push((child(ptr, "$ref"), format!("`$ref` must be a string, found {}", kind_of(other)))),
        None => {
            check::<T>(v, ptr, out);
        }
    }
}

fn expect_mapping<'v>(v: &'v Value, ptr: &str, what: &str, out: &mut Problems) -> Option<&'v Map<String, Value>> {
    match v {
        Value::Object(o) => Some(o),
        other => {
            out.push((ptr.to_string(), format!("{what} must be a mapping, found {}", kind_of(other))));
            None
        }
    }
}

fn check_each_in_map<T: DeserializeOwned>(v: &Value, ptr: &str, what: &str, out: &mut Problems) {
    let Some(m) = expect_mapping(v, ptr, what, out) else { return };
    for (k, item) in m {
        if k.starts_with("x-") {
            continue;
        }
        check_ref_or::<T>(item, &child(ptr, k), out);
    }
}

fn check_root(root: &Value, out: &mut Problems) {
    let Some(obj) = expect_mapping(root, "#", "the document", out) else { return };
    for (key, v) in obj {
        let ptr = child("#", key);
        match key.as_str() {
            "openapi" => {
                check::<String>(v, &ptr, out);
            }
            "info" => {
                check::<openapiv3::Info>(v, &ptr, out);
            }
            "servers" => {
                check::<Vec<openapiv3::Server>>(v, &ptr, out);
            }
            "security" => {
                check::<Vec<openapiv3::SecurityRequirement>>(v, &ptr, out);
            }
            "tags" => {
                check::<Vec<openapiv3::Tag>>(v, &ptr, out);
            }
            "externalDocs" => {
                check::<openapiv3::ExternalDocumentation>(v, &ptr, out);
            }
            "paths" => {
                let Some(paths) = expect_mapping(v, &ptr, "`paths`", out) else { continue };
                for (path, item) in paths {
                    if !path.starts_with("x-") {
                        check_path_item(item, &child(&ptr, path), 0, out);
                    }
                }
            }
            "components" => check_components(v, &ptr, out),
            _ => {}
        }
    }
}

fn check_path_item(item: &Value, ptr: &str, depth: usize, out: &mut Problems) {
    if depth > 8 {
        return;
    }
    let Some(obj) = expect_mapping(item, ptr, "a path item", out) else { return };
    if obj.contains_key("$ref") {
        check_ref_or::<openapiv3::PathItem>(item, ptr, out);
        return;
    }
    for (key, v) in obj {
        let kptr = child(ptr, key);
        match key.as_str() {
            "summary" | "description" => {
                check::<String>(v, &kptr, out);
            }
            "servers" => {
                check::<Vec<openapiv3::Server>>(v, &kptr, out);
            }
            "parameters" => check_parameters(v, &kptr, out),
            m if METHODS.contains(&m) => check_operation(v, &kptr, depth, out),
            _ => {}
        }
    }
}

fn check_parameters(v: &Value, ptr: &str, out: &mut Problems) {
    let Value::Array(list) = v else {
        out.push((ptr.to_string(), format!("`parameters` must be a sequence, found {}", kind_of(v))));
        return;
    };
    for (i, p) in list.iter().enumerate() {
        check_ref_or::<openapiv3::Parameter>(p, &child(ptr, &i.to_string()), out);
    }
}

fn check_operation(op: &Value, ptr: &str, depth: usize, out: &mut Problems) {
    let Some(obj) = expect_mapping(op, ptr, "an operation", out) else { return };
    for (key, v) in obj {
        let kptr = child(ptr, key);
        match key.as_str() {
            "tags" => {
                check::<Vec<String>>(v, &kptr, out);
            }
            "summary" | "description" | "operationId" => {
                check::<String>(v, &kptr, out);
            }
            "externalDocs" => {
                check::<openapiv3::ExternalDocumentation>(v, &kptr, out);
            }
            "parameters" => check_parameters(v, &kptr, out),
            "requestBody" => check_ref_or::<openapiv3::RequestBody>(v, &kptr, out),
            "responses" => {
                let Some(responses) = expect_mapping(v, &kptr, "`responses`", out) else { continue };
                for (code, r) in responses {
                    let rptr = child(&kptr, code);
                    if code.starts_with("x-") {
                        continue;
                    }
                    if code != "default" && serde_json::from_value::<openapiv3::StatusCode>(Value::String(code.clone())).is_err() {
                        out.push((rptr.clone(), format!("{code:?} is not a status code: expected 100 to 999, `2XX`-style ranges or `default`")));
                        continue;
                    }
                    check_ref_or::<openapiv3::Response>(r, &rptr, out);
                }
            }
            "callbacks" => {
                let Some(callbacks) = expect_mapping(v, &kptr, "`callbacks`", out) else { continue };
                for (name, cb) in callbacks {
                    let cptr = child(&kptr, name);
                    let Some(cb) = expect_mapping(cb, &cptr, "a callback", out) else { continue };
                    for (expr, item) in cb {
                        check_path_item(item, &child(&cptr, expr), depth + 1, out);
                    }
                }
            }
            "deprecated" => {
                check::<bool>(v, &kptr, out);
            }
            "security" => {
                check::<Vec<openapiv3::SecurityRequirement>>(v, &kptr, out);
            }
            "servers" => {
                check::<Vec<openapiv3::Server>>(v, &kptr, out);
            }
            _ => {}
        }
    }
}

fn check_components(v: &Value, ptr: &str, out: &mut Problems) {
    let Some(obj) = expect_mapping(v, ptr, "`components`", out) else { return };
    for (section, entries) in obj {
        let sptr = child(ptr, section);
        match section.as_str() {
            "schemas" => {
                expect_mapping(entries, &sptr, "`components/schemas`", out);
            }
            "responses" => check_each_in_map::<openapiv3::Response>(entries, &sptr, "`components/responses`", out),
            "parameters" => check_each_in_map::<openapiv3::Parameter>(entries, &sptr, "`components/parameters`", out),
            "examples" => check_each_in_map::<openapiv3::Example>(entries, &sptr, "`components/examples`", out),
            "requestBodies" => check_each_in_map::<openapiv3::RequestBody>(entries, &sptr, "`components/requestBodies`", out),
            "headers" => check_each_in_map::<openapiv3::Header>(entries, &sptr, "`components/headers`", out),
            "securitySchemes" => check_each_in_map::<openapiv3::SecurityScheme>(entries, &sptr, "`components/securitySchemes`", out),
            "links" => check_each_in_map::<openapiv3::Link>(entries, &sptr, "`components/links`", out),
            "callbacks" => {
                let Some(callbacks) = expect_mapping(entries, &sptr, "`components/callbacks`", out) else { continue };
                for (name, cb) in callbacks {
                    let cptr = child(&sptr, name);
                    let Some(cb) = expect_mapping(cb, &cptr, "a callback", out) else { continue };
                    for (expr, item) in cb {
                        check_path_item(item, &child(&cptr, expr), 1, out);
                    }
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The light structural check for OpenAPI 3.1 and 3.2 (no `openapiv3`).

/// The methods of a 3.1/3.2 Path Item (3.2 adds `query`, which is warned about and not generated).
const LIGHT_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

fn expect_string(v: &Value, ptr: &str, what: &str, out: &mut Problems) {
    if !v.is_string() {
        out.push((ptr.to_string(), format!("{what} must be a string, found {}", kind_of(v))));
    }
}

/// A `$ref` object (its `$ref` must be a string; siblings such as `summary` are allowed in 3.1),
/// or `false` when `v` is not one.
fn light_ref(v: &Map<String, Value>, ptr: &str, out: &mut Problems) -> bool {
    match v.get("$ref") {
        Some(r) => {
            expect_string(r, &child(ptr, "$ref"), "`$ref`", out);
            true
        }
        None => false,
    }
}

fn check_light(root: &Value, out: &mut Problems) {
    let Some(obj) = expect_mapping(root, "#", "the document", out) else { return };
    for (key, v) in obj {
        let ptr = child("#", key);
        match key.as_str() {
            "openapi" | "jsonSchemaDialect" | "$self" => expect_string(v, &ptr, &format!("`{key}`"), out),
            "info" => {
                let Some(info) = expect_mapping(v, &ptr, "`info`", out) else { continue };
                for k in ["title", "version", "summary", "description"] {
                    if let Some(t) = info.get(k) {
                        expect_string(t, &child(&ptr, k), &format!("`info.{k}`"), out);
                    }
                }
            }
            "servers" => light_servers(v, &ptr, out),
            "paths" | "webhooks" => {
                let Some(items) = expect_mapping(v, &ptr, &format!("`{key}`"), out) else { continue };
                for (name, item) in items {
                    if !name.starts_with("x-") {
                        light_path_item(item, &child(&ptr, name), 0, out);
                    }
                }
            }
            "components" => light_components(v, &ptr, out),
            "security" | "tags" => {
                if let Some(list) = v.as_array() {
                    for (i, e) in list.iter().enumerate() {
                        expect_mapping(e, &child(&ptr, &i.to_string()), "an entry", out);
                    }
                } else {
                    out.push((ptr, format!("`{key}` must be a sequence, found {}", kind_of(v))));
                }
            }
            _ => {}
        }
    }
}

fn light_servers(v: &Value, ptr: &str, out: &mut Problems) {
    let Value::Array(list) = v else {
        out.push((ptr.to_string(), format!("`servers` must be a sequence, found {}", kind_of(v))));
        return;
    };
    for (i, s) in list.iter().enumerate() {
        let sptr = child(ptr, &i.to_string());
        if let Some(s) = expect_mapping(s, &sptr, "a server", out) {
            match s.get("url") {
                Some(u) => expect_string(u, &child(&sptr, "url"), "`url`", out),
                None => out.push((sptr, "a server needs a `url`".into())),
            }
        }
    }
}

fn light_path_item(item: &Value, ptr: &str, depth: usize, out: &mut Problems) {
    if depth > 8 {
        return;
    }
    let Some(obj) = expect_mapping(item, ptr, "a path item", out) else { return };
    light_ref(obj, ptr, out);
    for (key, v) in obj {
        let kptr = child(ptr, key);
        match key.as_str() {
            "summary" | "description" => expect_string(v, &kptr, &format!("`{key}`"), out),
            "servers" => light_servers(v, &kptr, out),
            "parameters" => light_parameters(v, &kptr, out),
            "additionalOperations" => {
                let Some(ops) = expect_mapping(v, &kptr, "`additionalOperations`", out) else { continue };
                for (m, op) in ops {
                    light_operation(op, &child(&kptr, m), depth, out);
                }
            }
            m if LIGHT_METHODS.contains(&m) => light_operation(v, &kptr, depth, out),
            _ => {}
        }
    }
}

fn light_parameters(v: &Value, ptr: &str, out: &mut Problems) {
    let Value::Array(list) = v else {
        out.push((ptr.to_string(), format!("`parameters` must be a sequence, found {}", kind_of(v))));
        return;
    };
    for (i, p) in list.iter().enumerate() {
        light_parameter(p, &child(ptr, &i.to_string()), true, out);
    }
}

/// A Parameter Object (`named`) or a Header Object (no `name`/`in`).
fn light_parameter(p: &Value, ptr: &str, named: bool, out: &mut Problems) {
    let Some(obj) = expect_mapping(p, ptr, if named { "a parameter" } else { "a header" }, out) else { return };
    if light_ref(obj, ptr, out) || !named {
        return;
    }
    for k in ["name", "in"] {
        match obj.get(k) {
            Some(v) => expect_string(v, &child(ptr, k), &format!("`{k}`"), out),
            None => out.push((ptr.to_string(), format!("a parameter needs `{k}`"))),
        }
    }
}

fn light_content(v: &Value, ptr: &str, out: &mut Problems) {
    let Some(content) = expect_mapping(v, ptr, "`content`", out) else { return };
    for (mt, media) in content {
        expect_mapping(media, &child(ptr, mt), "a media type", out);
    }
}

fn light_body_or_response(v: &Value, ptr: &str, what: &str, out: &mut Problems) {
    let Some(obj) = expect_mapping(v, ptr, what, out) else { return };
    if light_ref(obj, ptr, out) {
        return;
    }
    if let Some(c) = obj.get("content") {
        light_content(c, &child(ptr, "content"), out);
    }
    if let Some(h) = obj.get("headers") {
        let hptr = child(ptr, "headers");
        if let Some(headers) = expect_mapping(h, &hptr, "`headers`", out) {
            for (name, h) in headers {
                light_parameter(h, &child(&hptr, name), false, out);
            }
        }
    }
}

fn light_operation(op: &Value, ptr: &str, depth: usize, out: &mut Problems) {
    let Some(obj) = expect_mapping(op, ptr, "an operation", out) else { return };
    for (key, v) in obj {
        let kptr = child(ptr, key);
        match key.as_str() {
            "summary" | "description" | "operationId" => expect_string(v, &kptr, &format!("`{key}`"), out),
            "parameters" => light_parameters(v, &kptr, out),
            "requestBody" => light_body_or_response(v, &kptr, "a request body", out),
            "responses" => {
                let Some(responses) = expect_mapping(v, &kptr, "`responses`", out) else { continue };
                for (code, r) in responses {
                    if code.starts_with("x-") {
                        continue;
                    }
                    let rptr = child(&kptr, code);
                    if code != "default" && serde_json::from_value::<openapiv3::StatusCode>(Value::String(code.clone())).is_err() {
                        out.push((rptr, format!("{code:?} is not a status code: expected 100 to 999, `2XX`-style ranges or `default`")));
                        continue;
                    }
                    light_body_or_response(r, &rptr, "a response", out);
                }
            }
            "callbacks" => {
                let Some(callbacks) = expect_mapping(v, &kptr, "`callbacks`", out) else { continue };
                for (name, cb) in callbacks {
                    let cptr = child(&kptr, name);
                    let Some(cb) = expect_mapping(cb, &cptr, "a callback", out) else { continue };
                    for (expr, item) in cb {
                        light_path_item(item, &child(&cptr, expr), depth + 1, out);
                    }
                }
            }
            "servers" => light_servers(v, &kptr, out),
            _ => {}
        }
    }
}

fn light_components(v: &Value, ptr: &str, out: &mut Problems) {
    let Some(obj) = expect_mapping(v, ptr, "`components`", out) else { return };
    for (section, entries) in obj {
        if section.starts_with("x-") {
            continue;
        }
        let sptr = child(ptr, section);
        let Some(entries) = expect_mapping(entries, &sptr, &format!("`components/{section}`"), out) else { continue };
        for (name, e) in entries {
            let eptr = child(&sptr, name);
            match section.as_str() {
                "parameters" => light_parameter(e, &eptr, true, out),
                "headers" => light_parameter(e, &eptr, false, out),
                "responses" => light_body_or_response(e, &eptr, "a response", out),
                "requestBodies" => light_body_or_response(e, &eptr, "a request body", out),
                "pathItems" => light_path_item(e, &eptr, 0, out),
                // Schemas may be booleans in 3.1; the normalizer checks them.
                "schemas" => {}
                _ => {
                    expect_mapping(e, &eptr, "a component", out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::GenerateError;
    use crate::load::RawSpec;
    use serde_json::Value;

    fn load(text: &str) -> Result<RawSpec, GenerateError> {
        crate::load::load_bytes("t.yaml", text.as_bytes())
    }

    #[test]
    fn schemas_survive_the_skeleton() {
        // Schemas are taken out of the tree while the skeleton is cloned, then put back.
        let raw = load("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{name: q, in: query, schema: {type: integer}}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(raw.root.pointer("/components/schemas/A/properties/x/type"), Some(&Value::String("string".into())));
        assert_eq!(raw.root.pointer("/paths/~1a/get/parameters/0/schema/type"), Some(&Value::String("integer".into())));
        assert!(raw.root.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref").is_some());
    }

    #[test]
    fn wrong_kinds_get_precise_pointers_and_all_are_reported() {
        let e = load(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: id\n      responses: {}\n  /b:\n    post:\n      requestBody: 3\n      responses:\n        '200': {description: ok}\n        'abc': {description: no}\n",
        )
        .err()
        .unwrap_or_else(|| panic!("accepted"));
        let ptrs: Vec<&str> = e.diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert!(ptrs.contains(&"#/paths/~1a/get/parameters"), "{e}");
        assert!(ptrs.contains(&"#/paths/~1b/post/requestBody"), "{e}");
        assert!(ptrs.contains(&"#/paths/~1b/post/responses/abc"), "{e}");
    }
}

#[cfg(test)]
mod light_tests {
    use crate::load::load_bytes;

    #[test]
    fn a_31_document_is_not_read_through_the_30_shape() {
        // `webhooks` only, `license.identifier`, `pathItems`: valid 3.1 that openapiv3 does not know.
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1', license: {name: MIT, identifier: MIT}}\nwebhooks:\n  hook: {$ref: '#/components/pathItems/H'}\ncomponents:\n  pathItems:\n    H:\n      post:\n        requestBody: {content: {application/json: {schema: {type: object}}}}\n        responses: {'200': {description: ok}}\n";
        load_bytes("t.yaml", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn the_light_check_points_at_the_node_at_fault() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{in: query}]\n      responses: {'abc': {description: no}}\nwebhooks: 3\n";
        let e = load_bytes("t.yaml", text.as_bytes()).err().unwrap_or_else(|| panic!("accepted"));
        let ptrs: Vec<&str> = e.diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert!(ptrs.contains(&"#/paths/~1a/get/parameters/0"), "{e}");
        assert!(ptrs.contains(&"#/paths/~1a/get/responses/abc"), "{e}");
        assert!(ptrs.contains(&"#/webhooks"), "{e}");
        assert!(e.diagnostics.iter().all(|d| d.message.contains("OpenAPI 3.1")), "{e}");
    }

    #[test]
    fn a_foreign_dialect_is_warned() {
        let text = "openapi: 3.1.0\njsonSchemaDialect: https://json-schema.org/draft/2020-12/schema\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let raw = load_bytes("t.yaml", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert!(raw.warnings.iter().any(|w| w.pointer == "#/jsonSchemaDialect"), "{:?}", raw.warnings);
    }
}
