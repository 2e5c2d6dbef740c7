//! The spec's response schemas as plain JSON Schema (draft 2020-12), for the conformance suite
//! to check the bodies Prism really sent with a validator of its own (`jsonschema`), instead of
//! trusting Prism's `sl-violations` header, which Prism cuts at 8 KB.
//!
//! The suite calls a check "Prism's" only when this validator rejects Prism's body at the place
//! the client's decoding failed. So the translation leans to admitting: where OpenAPI 3.0 is
//! read in more than one way, it takes the reading that accepts more, so that a too strict
//! translation never blames Prism for a failure of ours. The rules, for OpenAPI 3.0 documents:
//!
//! - `nullable: true` adds `null`: to `type` (`"string"` becomes `["string", "null"]`) and to
//!   `enum`; on a schema without `type` (an `allOf` of a `$ref`, say) it becomes
//!   `anyOf: [{"type": "null"}, <the rest>]`. (3.0.3 lets `nullable` act only beside `type`;
//!   tools and our generator read it on any schema, so the wider reading is taken.)
//! - `$ref`: 3.0 ignores its siblings, and so does the translation, except `nullable`, which
//!   gives `anyOf: [{"$ref": ...}, {"type": "null"}]` (the common way to say "this type, or null").
//!   References stay pointers into the same document: the translated document keeps the spec's
//!   layout (`#/components/schemas/X` still resolves), and the suite validates against it.
//! - `exclusiveMinimum`/`exclusiveMaximum` are booleans in 3.0, numbers in 2020-12: `minimum: 5,
//!   exclusiveMinimum: true` becomes `exclusiveMinimum: 5`.
//! - `format: int32`/`int64` bound the value as OpenAPI defines them (the client decodes into
//!   `i32`/`i64`); other formats are left to the validator (date-time, uuid, ...; unknown ones,
//!   such as `binary`, are annotations).
//! - Annotations are dropped: `example`, `xml`, `externalDocs`, `deprecated`, `x-*`. So is
//!   `discriminator`: it names no required property and selects nothing the validator needs;
//!   a `oneOf` it accompanies becomes `anyOf`, since the discriminator, not "exactly one
//!   matches", is what picks the member (members that overlap would otherwise fail).
//! - `readOnly`/`writeOnly`: these are responses, so a `writeOnly` property (the server never
//!   sends it) is not `required`; `readOnly` ones stay required.
//!
//! OpenAPI 3.1 schemas are JSON Schema 2020-12 already and are kept as they are.
//!
//! Outside schemas, `example`/`examples` are dropped (they can be large and validate nothing).
//! The output also maps each operation's documented responses to their schemas: `$ref`s to
//! `#/components/responses/...` are followed here, so the suite only picks by status and media
//! type.

use crate::model::{NormalizedModel, StatusMatch};
use serde_json::{json, Map, Value};

/// The translated document and, per operation (`fn_name`), per response key (`"200"`, `"4XX"`,
/// `"default"`), per media type, the JSON pointer (`#/...`) of its schema in that document:
/// `{"document": {...}, "operations": {"get_thing": {"200": {"application/json": "#/paths/..."}}}}`.
pub fn response_schemas(root: &Value, model: &NormalizedModel) -> Value {
    let v31 = root.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
    let mut document = if v31 { translate_document(root, &Value::clone) } else { translate_document(root, &|s| schema(s, root)) };
    if let Some(d) = document.as_object_mut() {
        // `$schema` says which dialect; the suite adds the `$ref` of each response it checks.
        d.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        for k in ["openapi", "info", "servers", "tags", "security", "webhooks", "jsonSchemaDialect"] {
            d.remove(k);
        }
    }
    let mut operations = Map::new();
    for op in &model.operations {
        // The model's pointers are fragments (`#/paths/...`).
        let op_at = op.pointer.strip_prefix('#').unwrap_or(&op.pointer);
        let Some(responses) = pointer(root, &format!("{op_at}/responses")).and_then(Value::as_object) else { continue };
        let mut by_status = Map::new();
        for case in &op.responses {
            let key = match case.status {
                StatusMatch::Code(c) => c.to_string(),
                StatusMatch::Range(h) => format!("{h}XX"),
                StatusMatch::Default => "default".into(),
            };
            let Some((spec_key, _)) = responses.iter().find(|(k, _)| k.eq_ignore_ascii_case(&key)) else { continue };
            let at = format!("{op_at}/responses/{}", escape(spec_key));
            let Some((at, response)) = follow(root, at) else { continue };
            let mut media = Map::new();
            for (ct, m) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
                if m.get("schema").is_some() {
                    media.insert(ct.to_ascii_lowercase(), json!(fragment(&format!("{at}/content/{}/schema", escape(ct)))));
                }
            }
            by_status.insert(key, Value::Object(media));
        }
        operations.insert(op.fn_name.clone(), Value::Object(by_status));
    }
    json!({"document": document, "operations": operations})
}

/// One reference token of a JSON pointer.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer as a URI fragment (`#/paths/~1a~1%7Bid%7D/...`): what a `$ref` holds. Path
/// templates hold `{` and `}`, which a URI must percent-encode.
fn fragment(pointer: &str) -> String {
    let mut out = String::from("#");
    for b in pointer.bytes() {
        let allowed = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b);
        if allowed {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `root` at a JSON pointer (`/a/b`; `#` prefixes are not part of it).
fn pointer<'a>(root: &'a Value, at: &str) -> Option<&'a Value> {
    root.pointer(at)
}

/// The value at `at`, through local `$ref`s (at most 32: a cycle ends the walk); returns where
/// it finally is.
fn follow(root: &Value, mut at: String) -> Option<(String, &Value)> {
    for _ in 0..32 {
        let v = pointer(root, &at)?;
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => at = r.strip_prefix('#')?.to_string(),
            None => return Some((at, v)),
        }
    }
    None
}

/// A copy of the document without examples outside schemas, each schema passed through
/// `translate`: those under a `schema` key, and those of `components.schemas`, which are named,
/// not under such a key.
fn translate_document(root: &Value, translate: &dyn Fn(&Value) -> Value) -> Value {
    let mut doc = walk(root, &mut |key, s| (key == "schema").then(|| translate(s)));
    let named = root.pointer("/components/schemas").and_then(Value::as_object);
    if let (Some(named), Some(c)) = (named, doc.get_mut("components").and_then(Value::as_object_mut)) {
        c.insert("schemas".into(), Value::Object(named.iter().map(|(k, s)| (k.clone(), translate(s))).collect()));
    }
    doc
}

/// Copies the non-schema structure of a document, dropping examples, and hands each value under
/// a key for which `at_schema` returns something to it instead.
fn walk(v: &Value, at_schema: &mut impl FnMut(&str, &Value) -> Option<Value>) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| k.as_str() != "example" && k.as_str() != "examples")
                .map(|(k, x)| {
                    let out = at_schema(k, x).unwrap_or_else(|| walk(x, at_schema));
                    (k.clone(), out)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, at_schema)).collect()),
        other => other.clone(),
    }
}

/// One OpenAPI 3.0 Schema Object as JSON Schema 2020-12 (see the module head).
pub fn schema(s: &Value, root: &Value) -> Value {
    let Some(o) = s.as_object() else { return s.clone() };
    let nullable = o.get("nullable").and_then(Value::as_bool) == Some(true);
    if let Some(r) = o.get("$ref") {
        let reference = json!({"$ref": r});
        return if nullable { json!({"anyOf": [reference, {"type": "null"}]}) } else { reference };
    }
    let mut out = Map::new();
    let has_discriminator = o.contains_key("discriminator");
    for (k, v) in o {
        let k = k.as_str();
        if k.starts_with("x-") {
            continue;
        }
        let translated = match k {
            "example" | "xml" | "externalDocs" | "deprecated" | "discriminator" | "nullable" => continue,
            // Handled below, with `minimum`/`maximum`.
            "exclusiveMinimum" | "exclusiveMaximum" if v.is_boolean() => continue,
            "properties" | "patternProperties" => match v.as_object() {
                Some(props) => Value::Object(props.iter().map(|(n, p)| (n.clone(), schema(p, root))).collect()),
                None => v.clone(),
            },
            "items" | "additionalProperties" | "not" | "additionalItems" => schema(v, root),
            "allOf" | "anyOf" | "oneOf" => match v.as_array() {
                Some(members) => Value::Array(members.iter().map(|m| schema(m, root)).collect()),
                None => v.clone(),
            },
            "required" => match v.as_array() {
                Some(names) => Value::Array(names.iter().filter(|n| !write_only(o, n, root)).cloned().collect()),
                None => v.clone(),
            },
            _ => v.clone(),
        };
        let k = if k == "oneOf" && has_discriminator { "anyOf" } else { k };
        out.insert(k.to_string(), translated);
    }
    for (flag, bound, exclusive) in [("exclusiveMinimum", "minimum", "exclusiveMinimum"), ("exclusiveMaximum", "maximum", "exclusiveMaximum")] {
        if o.get(flag).and_then(Value::as_bool) == Some(true) {
            if let Some(b) = out.remove(bound) {
                out.insert(exclusive.into(), b);
            }
        }
    }
    let bounds = match o.get("format").and_then(Value::as_str) {
        Some("int32") => Some(json!({"minimum": i32::MIN, "maximum": i32::MAX})),
        Some("int64") => Some(json!({"minimum": i64::MIN, "maximum": i64::MAX})),
        _ => None,
    };
    if let Some(b) = bounds {
        match out.get_mut("allOf").and_then(Value::as_array_mut) {
            Some(all) => all.push(b),
            None => {
                out.insert("allOf".into(), json!([b]));
            }
        }
    }
    if nullable {
        if let Some(e) = out.get_mut("enum").and_then(Value::as_array_mut) {
            if !e.contains(&Value::Null) {
                e.push(Value::Null);
            }
        }
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(mut ts)) => {
                if !ts.contains(&json!("null")) {
                    ts.push(json!("null"));
                }
                out.insert("type".into(), Value::Array(ts));
            }
            _ => return json!({"anyOf": [{"type": "null"}, Value::Object(out)]}),
        }
    }
    Value::Object(out)
}

/// Whether property `name` of schema `o` is `writeOnly` (directly or through `$ref`s).
fn write_only(o: &Map<String, Value>, name: &Value, root: &Value) -> bool {
    let Some(name) = name.as_str() else { return false };
    let mut p = o.get("properties").and_then(|ps| ps.get(name));
    for _ in 0..32 {
        let Some(s) = p else { return false };
        if s.get("writeOnly").and_then(Value::as_bool) == Some(true) {
            return true;
        }
        match s.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(r) => p = root.pointer(r),
            None => return false,
        }
    }
    false
}
