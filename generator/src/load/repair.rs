//! Tree fix-ups: what documentation fragments and sloppy specs leave out, filled in with a warning.
//!
//! Runs on the parsed tree before the skeleton is read, so that a missing `openapi`, `info`,
//! `paths` or response `description` (common in real specs) is a warning here rather than a
//! deserialization error later. Documents that are not OpenAPI 3.0 at all are refused here.

use super::METHODS;
use crate::diag::{Diagnostics, GenerateError};
use crate::json::{child, kind_of};
use serde_json::{Map, Value};

/// Keys an operation object may carry besides `x-` extensions (OpenAPI 3.0).
const OPERATION_KEYS: &[&str] = &[
    "tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody",
    "responses", "callbacks", "deprecated", "security", "servers",
];

/// Documentation fragments (like a docs page's operation) lack `openapi:` and `info:`: fill them in.
pub(super) fn complete_fragment(root: &mut Value, diags: &mut Diagnostics) -> Result<(), GenerateError> {
    let file = diags.file().to_string();
    let Some(obj) = root.as_object_mut() else {
        return Err(GenerateError::single(
            &file,
            "#",
            format!("not an OpenAPI document: the top level is {}, not a mapping", kind_of(root)),
        ));
    };
    if obj.contains_key("swagger") {
        return Err(GenerateError::single(&file, "#/swagger", "Swagger 2.0 is not supported: convert the spec to OpenAPI 3.0 first"));
    }
    if let Some(Value::Number(n)) = obj.get("openapi") {
        // `openapi: 3.0` unquoted is a YAML number.
        let v = n.to_string();
        diags.warn("#/openapi", format!("`openapi` is the number {v}, read as the version string {v:?}"));
        obj.insert("openapi".into(), Value::String(v));
    }
    match obj.get("openapi") {
        // 3.0 and 3.1 are read as what they are; 3.2 as 3.1 plus warnings for what it adds
        // (see `normalize::lint::warn_document_features`).
        Some(Value::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => {}
        Some(Value::String(v)) if v.starts_with("3.2") => {
            diags.warn("#/openapi", format!("OpenAPI {v}: read as 3.1 plus the 3.2 features listed in the README; other 3.2 features are warned where they appear"));
        }
        Some(Value::String(v)) if v.starts_with("3.") => {
            diags.warn("#/openapi", format!("OpenAPI {v} is newer than 3.2: read as 3.2, and features the generator does not know are ignored"));
        }
        Some(Value::String(v)) => {
            return Err(GenerateError::single(&file, "#/openapi", format!("unsupported OpenAPI version {v:?}: expected 3.0.x, 3.1.x or 3.2.x")));
        }
        Some(other) => {
            return Err(GenerateError::single(&file, "#/openapi", format!("`openapi` must be a version string, found {}", kind_of(other))));
        }
        None => {
            if !obj.contains_key("paths") {
                let hint = if obj.contains_key("apiVersion") && obj.contains_key("kind") {
                    " (it looks like a Kubernetes manifest)"
                } else if obj.contains_key("asyncapi") {
                    " (it is an AsyncAPI document)"
                } else if obj.contains_key("$schema") {
                    " (it looks like a JSON Schema)"
                } else {
                    ""
                };
                return Err(GenerateError::single(
                    &file,
                    "#",
                    format!("not an OpenAPI document: it has neither an `openapi` version nor `paths`{hint}"),
                ));
            }
            diags.warn("#", "no `openapi` version: read as a documentation fragment of OpenAPI 3.0.3");
            obj.insert("openapi".into(), Value::String("3.0.3".into()));
        }
    }
    let stem = std::path::Path::new(&file).file_stem().and_then(|s| s.to_str()).unwrap_or("api").to_string();
    match obj.get_mut("info") {
        None => {
            diags.warn("#", format!("no `info`: the API is titled {stem:?}, version 0.0.0"));
            let mut info = Map::new();
            info.insert("title".into(), Value::String(stem));
            info.insert("version".into(), Value::String("0.0.0".into()));
            obj.insert("info".into(), Value::Object(info));
        }
        Some(Value::Object(info)) => {
            for (key, default) in [("title", stem.as_str()), ("version", "0.0.0")] {
                let ptr = child("#/info", key);
                match info.get(key) {
                    None | Some(Value::Null) => {
                        diags.warn(&ptr, format!("no `info.{key}`: {default:?} is used"));
                        info.insert(key.into(), Value::String(default.to_string()));
                    }
                    Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                        // `version: 1.0` unquoted is a YAML number.
                        let text = v.to_string();
                        diags.warn(&ptr, format!("`info.{key}` is {}, read as the string {text:?}", kind_of(v)));
                        info.insert(key.into(), Value::String(text));
                    }
                    Some(_) => {}
                }
            }
        }
        Some(_) => {}
    }
    match obj.get("paths") {
        None | Some(Value::Null) => {
            obj.insert("paths".into(), Value::Object(Map::new()));
        }
        _ => {}
    }
    default_response_descriptions(obj, diags);
    Ok(())
}

/// `description` is required on a Response Object, and often missing: default it to "".
fn default_response_descriptions(obj: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let fix = |resp: &mut Value, ptr: String, diags: &mut Diagnostics| {
        if let Value::Object(r) = resp {
            if !r.contains_key("$ref") && !r.contains_key("description") {
                diags.warn(&ptr, "response without a `description`");
                r.insert("description".into(), Value::String(String::new()));
            }
        }
    };
    if let Some(Value::Object(paths)) = obj.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for method in METHODS {
                let Some(Value::Object(op)) = item.get_mut(*method) else { continue };
                if !op.contains_key("responses") {
                    diags.warn(&child(&child("#/paths", path), method), "operation without `responses`: it returns no body");
                    op.insert("responses".into(), Value::Object(Map::new()));
                }
                let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
                for (code, resp) in responses.iter_mut() {
                    if code.starts_with("x-") {
                        continue;
                    }
                    let ptr = child(&child(&child(&child("#/paths", path), method), "responses"), code);
                    fix(resp, ptr, diags);
                }
            }
        }
    }
    if let Some(Value::Object(comps)) = obj.get_mut("components") {
        if let Some(Value::Object(responses)) = comps.get_mut("responses") {
            for (name, resp) in responses.iter_mut() {
                fix(resp, child("#/components/responses", name), diags);
            }
        }
    }
}

/// Warns about operation keys OpenAPI 3.0 does not define (they are ignored).
/// Webhooks (OpenAPI 3.1) describe requests the API sends, not ones the client makes: no client
/// method is made for them, and they are never dropped silently. The normalizer still generates
/// the types of their request bodies, so a receiver can decode the payloads.
pub(super) fn warn_webhooks(root: &Value, diags: &mut Diagnostics) {
    match root.get("webhooks") {
        Some(Value::Object(hooks)) if !hooks.is_empty() => {
            let names: Vec<&str> = hooks.keys().map(String::as_str).take(5).collect();
            let more = if hooks.len() > names.len() { format!(" and {} more", hooks.len() - names.len()) } else { String::new() };
            diags.warn(
                "#/webhooks",
                format!(
                    "{} webhook(s) ({}{more}): no client methods are made for them (the API sends these requests); their request body types are generated so received payloads can be decoded",
                    hooks.len(),
                    names.join(", ")
                ),
            );
        }
        _ => {}
    }
}

pub(super) fn warn_unknown_operation_keys(root: &Value, diags: &mut Diagnostics) {
    let Some(paths) = root.get("paths").and_then(Value::as_object) else { return };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for method in METHODS {
            let Some(Value::Object(op)) = item.get(*method) else { continue };
            for key in op.keys() {
                if !key.starts_with("x-") && !OPERATION_KEYS.contains(&key.as_str()) {
                    let ptr = child(&child(&child("#/paths", path), method), key);
                    diags.warn(&ptr, format!("unknown operation key `{key}` ignored"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::GenerateError;
    use crate::load::RawSpec;

    fn load(text: &str) -> Result<RawSpec, GenerateError> {
        crate::load::load_bytes("t.yaml", text.as_bytes())
    }

    #[test]
    fn numbers_where_strings_belong_are_read_as_strings() {
        let raw = load("openapi: 3.0\ninfo: {title: 7, version: 1.0}\npaths: {}\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(raw.root.pointer("/info/version"), Some(&serde_json::Value::String("1.0".into())));
        assert_eq!(raw.root.pointer("/openapi"), Some(&serde_json::Value::String("3.0".into())));
        assert!(raw.warnings.iter().any(|w| w.pointer == "#/info/version"));
    }
}
