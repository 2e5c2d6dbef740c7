//! Schema-keyword lint: JSON Schema and OpenAPI 3.1 keywords the generator ignores or
//! approximates, each reported once with its pointer.
//!
//! It is schema semantics (which keywords the schema layer models), so it lives next to
//! `normalize::schema` rather than in the load layer; the loader calls it once, with the pointers
//! of every Schema Object it found, so the warnings come out with the other load warnings.

use crate::diag::Diagnostics;
use crate::json::{child, lookup_pointer};
use serde_json::Value;

/// Schema keywords the generator does not model: reported, then ignored. Ignoring a constraint
/// is always the safe side: the generated types then accept every value the schema accepts (and
/// maybe more), never less. `const`, `prefixItems`, `$defs`, type arrays and boolean schemas are
/// read by `normalize::schema` (warned there only where they are approximated).
const UNSUPPORTED_SCHEMA_KEYWORDS: &[(&str, &str)] = &[
    ("not", "`not` cannot be expressed in Rust types: ignored, so values it would exclude are accepted"),
    ("if", "`if`/`then`/`else` cannot be expressed in Rust types: ignored (their properties are not fields; no value is rejected for them)"),
    ("then", "`if`/`then`/`else` cannot be expressed in Rust types: ignored (their properties are not fields; no value is rejected for them)"),
    ("else", "`if`/`then`/`else` cannot be expressed in Rust types: ignored (their properties are not fields; no value is rejected for them)"),
    ("patternProperties", "`patternProperties` is not modelled: properties matching the patterns are not fields (ignored on decode, not rejected)"),
    ("propertyNames", "`propertyNames` is not checked: any property name is accepted"),
    ("unevaluatedProperties", "`unevaluatedProperties` is not checked: extra properties are ignored on decode, not rejected"),
    ("unevaluatedItems", "`unevaluatedItems` is not checked: extra items are accepted"),
    ("dependentSchemas", "`dependentSchemas` is not modelled: the dependent constraints are ignored"),
    ("dependentRequired", "`dependentRequired` is not checked: the dependent fields stay optional"),
    ("contains", "`contains` is not checked: ignored"),
    ("$dynamicRef", "`$dynamicRef` is not supported: read as any JSON value"),
];

/// The JSON Schema dialects OpenAPI 3.1 and 3.2 define (their base vocabularies).
const OAS_DIALECT_PREFIXES: &[&str] = &["https://spec.openapis.org/oas/3.1/dialect/", "https://spec.openapis.org/oas/3.2/dialect/"];

/// Document-level constructs of OpenAPI 3.1 and 3.2 that the generator accepts but does not
/// model: a non-default `jsonSchemaDialect`, and what 3.2 adds (the `query` method,
/// `additionalOperations`, sequential media types through
/// `itemSchema`, `components/mediaTypes`, `$self`). Each is warned once with its pointer.
pub fn warn_document_features(root: &Value, diags: &mut Diagnostics) {
    let Some(obj) = root.as_object() else { return };
    if let Some(dialect) = obj.get("jsonSchemaDialect").and_then(Value::as_str) {
        if !OAS_DIALECT_PREFIXES.iter().any(|p| dialect.starts_with(p)) {
            diags.warn(
                "#/jsonSchemaDialect",
                format!("jsonSchemaDialect {dialect:?} is not the OpenAPI default dialect: schemas are still read as OpenAPI's JSON Schema dialect"),
            );
        }
    }
    if obj.contains_key("$self") {
        diags.warn("#/$self", "`$self` (OpenAPI 3.2) is not used: references resolve against the file itself");
    }
    if let Some(Value::Object(c)) = obj.get("components") {
        if c.contains_key("mediaTypes") {
            diags.warn("#/components/mediaTypes", "`components/mediaTypes` (OpenAPI 3.2) is not supported: media types that `$ref` them are read as having no schema");
        }
    }
    let mut items: Vec<(&Value, String)> = Vec::new();
    for key in ["paths", "webhooks"] {
        for (name, item) in obj.get(key).and_then(Value::as_object).into_iter().flatten() {
            items.push((item, child(&child("#", key), name)));
        }
    }
    for (name, item) in obj.get("components").and_then(|c| c.get("pathItems")).and_then(Value::as_object).into_iter().flatten() {
        items.push((item, child("#/components/pathItems", name)));
    }
    for (item, ptr) in items {
        let Some(item) = item.as_object() else { continue };
        if item.contains_key("query") {
            diags.warn(&child(&ptr, "query"), "the QUERY method (OpenAPI 3.2) is not supported: no client method is made for it");
        }
        if item.contains_key("additionalOperations") {
            diags.warn(&child(&ptr, "additionalOperations"), "`additionalOperations` (OpenAPI 3.2) are not supported: no client methods are made for them");
        }
        for (m, op) in item {
            for (code, r) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let rptr = child(&child(&child(&ptr, m), "responses"), code);
                warn_item_schema(r.get("content"), &child(&rptr, "content"), diags);
            }
            if let Some(b) = op.as_object().and_then(|o| o.get("requestBody")) {
                warn_item_schema(b.get("content"), &child(&child(&child(&ptr, m), "requestBody"), "content"), diags);
            }
        }
    }
}

fn warn_item_schema(content: Option<&Value>, ptr: &str, diags: &mut Diagnostics) {
    for (mt, media) in content.and_then(Value::as_object).into_iter().flatten() {
        if media.get("itemSchema").is_some() && media.get("schema").is_none() {
            diags.warn(
                &child(&child(ptr, mt), "itemSchema"),
                "`itemSchema` (OpenAPI 3.2 sequential media types) is not supported: the body is read as if it had no schema",
            );
        }
    }
}

/// Warns about schema keywords the generator approximates or ignores, each with its pointer.
/// Also runs [`warn_document_features`] (the loader calls this one function).
///
/// Every schema node of the document is visited, so the walk is kept cheap: a node's keys are
/// read once to see whether any keyword this lint cares about is there at all (most nodes are
/// leaves with none: `type`, `format`, `description`), and pointers are only written out for
/// a warning; until then a node is an index into `path` (its parent and its token).
pub fn warn_unsupported_keywords(root: &Value, schema_ptrs: &[String], diags: &mut Diagnostics) {
    warn_document_features(root, diags);
    let mut path: Vec<(usize, Token<'_>)> = Vec::new();
    let mut stack: Vec<(&Value, usize)> = Vec::new();
    for ptr in schema_ptrs {
        if let Some(v) = lookup_pointer(root, ptr.trim_start_matches('#')) {
            path.push((usize::MAX, Token::Root(ptr)));
            stack.push((v, path.len() - 1));
        }
    }
    let mut visited = 0usize;
    while let Some((v, at)) = stack.pop() {
        visited += 1;
        if visited > 1_000_000 {
            break;
        }
        let Value::Object(o) = v else { continue };
        if !o.keys().any(|k| is_linted_key(k)) || o.contains_key("$ref") {
            continue;
        }
        for (key, message) in UNSUPPORTED_SCHEMA_KEYWORDS {
            if o.contains_key(*key) {
                diags.warn(&child(&pointer_of(&path, at), key), *message);
            }
        }
        for key in ["properties", "patternProperties", "$defs", "dependentSchemas"] {
            if let Some(Value::Object(props)) = o.get(key) {
                path.push((at, Token::Key(key)));
                let base = path.len() - 1;
                for (name, s) in props {
                    path.push((base, Token::Key(name)));
                    stack.push((s, path.len() - 1));
                }
            }
        }
        for key in ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"] {
            if let Some(s @ Value::Object(_)) = o.get(key) {
                path.push((at, Token::Key(key)));
                stack.push((s, path.len() - 1));
            }
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(members)) = o.get(key) {
                path.push((at, Token::Key(key)));
                let base = path.len() - 1;
                for (i, s) in members.iter().enumerate() {
                    path.push((base, Token::Index(i)));
                    stack.push((s, path.len() - 1));
                }
            }
        }
    }
}

/// One step of a pointer in [`warn_unsupported_keywords`]'s walk.
#[derive(Clone, Copy)]
enum Token<'a> {
    /// A schema pointer the loader found (with its `#`).
    Root(&'a str),
    Key(&'a str),
    Index(usize),
}

/// The pointer of node `at` of `path`, written out.
fn pointer_of(path: &[(usize, Token<'_>)], mut at: usize) -> String {
    let mut tokens = Vec::new();
    while let Some(&(parent, token)) = path.get(at) {
        tokens.push(token);
        at = parent;
    }
    let mut out = String::new();
    for token in tokens.into_iter().rev() {
        match token {
            Token::Root(p) => out.push_str(p),
            Token::Key(k) => out = child(&out, k),
            Token::Index(i) => out = child(&out, &i.to_string()),
        }
    }
    out
}

/// Whether `key` is one the lint warns about or descends through (or `$ref`, which stops it).
fn is_linted_key(key: &str) -> bool {
    matches!(
        key,
        "$ref"
            | "properties"
            | "patternProperties"
            | "$defs"
            | "dependentSchemas"
            | "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "allOf"
            | "oneOf"
            | "anyOf"
            | "prefixItems"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "dependentRequired"
            | "$dynamicRef"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_the_walk_reads_is_a_linted_key() {
        for (key, _) in UNSUPPORTED_SCHEMA_KEYWORDS {
            assert!(is_linted_key(key), "{key}");
        }
        for key in ["properties", "patternProperties", "$defs", "dependentSchemas", "items", "additionalProperties", "allOf", "oneOf", "anyOf", "prefixItems", "$ref"] {
            assert!(is_linted_key(key), "{key}");
        }
        assert!(!is_linted_key("type") && !is_linted_key("description"));
    }

    #[test]
    fn warnings_name_the_nested_node() {
        let root = serde_json::json!({"components": {"schemas": {"A": {
            "properties": {"a/b": {"allOf": [{"type": "string"}, {"items": {"not": {}}}]}, "c": {"$ref": "#/x", "not": {}}}
        }}}});
        let mut d = Diagnostics::new("t.yaml");
        warn_unsupported_keywords(&root, &["#/components/schemas/A".to_string()], &mut d);
        let warnings = d.finish().unwrap_or_else(|e| panic!("{e}"));
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(pointers, ["#/components/schemas/A/properties/a~1b/allOf/1/items/not"]);
    }
}
