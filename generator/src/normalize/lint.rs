//! Schema-keyword lint: JSON Schema and OpenAPI 3.1 keywords the generator ignores or
//! approximates, each reported once with its pointer.
//!
//! It is schema semantics (which keywords the schema layer models), so it lives next to
//! `normalize::schema` rather than in the load layer; the loader calls it once, with the pointers
//! of every Schema Object it found, so the warnings come out with the other load warnings.

use crate::diag::Diagnostics;
use crate::json::{child, lookup_pointer};
use serde_json::Value;

/// Schema keywords the generator does not model: reported, then ignored.
const UNSUPPORTED_SCHEMA_KEYWORDS: &[(&str, &str)] = &[
    ("not", "`not` is not supported: the constraint is ignored"),
    ("if", "`if`/`then`/`else` are not supported (JSON Schema, not OpenAPI 3.0): ignored"),
    ("then", "`if`/`then`/`else` are not supported (JSON Schema, not OpenAPI 3.0): ignored"),
    ("else", "`if`/`then`/`else` are not supported (JSON Schema, not OpenAPI 3.0): ignored"),
    ("const", "`const` is not supported (OpenAPI 3.1): the value is not checked"),
    ("prefixItems", "`prefixItems` is not supported (OpenAPI 3.1): ignored"),
    ("patternProperties", "`patternProperties` is not supported (OpenAPI 3.1): ignored"),
    ("propertyNames", "`propertyNames` is not supported (OpenAPI 3.1): ignored"),
    ("unevaluatedProperties", "`unevaluatedProperties` is not supported (OpenAPI 3.1): ignored"),
    ("unevaluatedItems", "`unevaluatedItems` is not supported (OpenAPI 3.1): ignored"),
    ("dependentSchemas", "`dependentSchemas` is not supported (OpenAPI 3.1): ignored"),
    ("dependentRequired", "`dependentRequired` is not supported (OpenAPI 3.1): ignored"),
    ("contains", "`contains` is not supported: ignored"),
    ("$defs", "`$defs` is not supported (OpenAPI 3.1): put shared schemas under #/components/schemas"),
    ("$dynamicRef", "`$dynamicRef` is not supported (OpenAPI 3.1): ignored"),
    ("anyOf", "`anyOf` is read like `oneOf`: a value decodes as the first variant that fits"),
];

/// Warns about schema keywords the generator approximates or ignores, each with its pointer.
pub fn warn_unsupported_keywords(root: &Value, schema_ptrs: &[String], diags: &mut Diagnostics) {
    let mut stack: Vec<(&Value, String)> = Vec::new();
    for ptr in schema_ptrs {
        if let Some(v) = lookup_pointer(root, ptr.trim_start_matches('#')) {
            stack.push((v, ptr.clone()));
        }
    }
    let mut visited = 0usize;
    while let Some((v, ptr)) = stack.pop() {
        visited += 1;
        if visited > 1_000_000 {
            break;
        }
        let Value::Object(o) = v else { continue };
        if o.contains_key("$ref") {
            continue;
        }
        for (key, message) in UNSUPPORTED_SCHEMA_KEYWORDS {
            if o.contains_key(*key) {
                diags.warn(&child(&ptr, key), *message);
            }
        }
        for key in ["properties", "patternProperties", "$defs", "dependentSchemas"] {
            if let Some(Value::Object(props)) = o.get(key) {
                let base = child(&ptr, key);
                for (name, s) in props {
                    stack.push((s, child(&base, name)));
                }
            }
        }
        for key in ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"] {
            if let Some(s @ Value::Object(_)) = o.get(key) {
                stack.push((s, child(&ptr, key)));
            }
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(members)) = o.get(key) {
                let base = child(&ptr, key);
                for (i, s) in members.iter().enumerate() {
                    stack.push((s, child(&base, &i.to_string())));
                }
            }
        }
    }
}
