//! Load layer: spec bytes (YAML or JSON, full document or documentation fragment) to a raw spec.
//!
//! serde_yaml is archived upstream, so it stays behind this module: the rest of the generator sees
//! a `serde_json::Value` tree (for JSON-pointer lookups of schemas) and the `openapiv3` skeleton.

use crate::diag::{child, Diagnostic, Diagnostics, GenerateError};
use serde_json::{Map, Value};

/// A parsed spec, before normalization.
#[derive(Debug)]
pub struct RawSpec {
    /// The file name used in diagnostics.
    pub file: String,
    /// The whole document as a JSON tree, after defaults were filled in.
    pub root: Value,
    /// The typed skeleton (paths, operations, parameters, responses, components).
    pub api: openapiv3::OpenAPI,
    /// What the loader defaulted or ignored.
    pub warnings: Vec<Diagnostic>,
}

/// Keys an operation object may carry besides `x-` extensions (OpenAPI 3.0).
const OPERATION_KEYS: &[&str] = &[
    "tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody",
    "responses", "callbacks", "deprecated", "security", "servers",
];
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Reads and parses a spec file.
pub fn load_file(path: &std::path::Path) -> Result<RawSpec, GenerateError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| GenerateError::io(&file, format!("cannot read the spec: {e}")))?;
    load_bytes(&file, &bytes)
}

/// Parses spec bytes; `file` only names the source in diagnostics. JSON or YAML is chosen by
/// content, not by extension.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<RawSpec, GenerateError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| GenerateError::single(file, "#", format!("the spec is not UTF-8 text: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(GenerateError::single(file, "#", "the spec file is empty"));
    }
    let mut root = parse_tree(file, text)?;
    let mut diags = Diagnostics::new(file);
    complete_fragment(&mut root, &mut diags)?;
    warn_unknown_operation_keys(&root, &mut diags);
    let api = deserialize_skeleton(file, &root)?;
    let warnings = diags.finish()?;
    Ok(RawSpec { file: file.to_string(), root, api, warnings })
}

fn parse_tree(file: &str, text: &str) -> Result<Value, GenerateError> {
    let looks_like_json = matches!(text.trim_start().chars().next(), Some('{') | Some('['));
    if looks_like_json {
        return serde_json::from_str(text).map_err(|e| {
            let mut err = GenerateError::single(file, "#", format!("invalid JSON: {e}"));
            err.diagnostics[0].location = Some((e.line(), e.column()));
            err
        });
    }
    // serde_yaml bounds alias expansion and nesting depth, so an alias bomb fails fast here.
    serde_yaml::from_str::<Value>(text).map_err(|e| {
        let mut err = GenerateError::single(file, "#", format!("invalid YAML: {e}"));
        err.diagnostics[0].location = e.location().map(|l| (l.line(), l.column()));
        err
    })
}

/// Documentation fragments (like a docs page's operation) lack `openapi:` and `info:`: fill them in.
fn complete_fragment(root: &mut Value, diags: &mut Diagnostics) -> Result<(), GenerateError> {
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
    match obj.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") => {}
        Some(Value::String(v)) if v.starts_with("3.") => {
            diags.warn("#/openapi", format!("OpenAPI {v} is read as 3.0: 3.1-only keywords are ignored"));
        }
        Some(Value::String(v)) => {
            return Err(GenerateError::single(&file, "#/openapi", format!("unsupported OpenAPI version {v:?}: expected 3.0.x")));
        }
        Some(other) => {
            return Err(GenerateError::single(&file, "#/openapi", format!("`openapi` must be a version string, found {}", kind_of(other))));
        }
        None => {
            if !obj.contains_key("paths") {
                return Err(GenerateError::single(
                    &file,
                    "#",
                    "not an OpenAPI document: it has neither an `openapi` version nor `paths`",
                ));
            }
            diags.warn("#", "no `openapi` version: read as a documentation fragment of OpenAPI 3.0.3");
            obj.insert("openapi".into(), Value::String("3.0.3".into()));
        }
    }
    if !obj.contains_key("info") {
        let stem = std::path::Path::new(&file).file_stem().and_then(|s| s.to_str()).unwrap_or("api").to_string();
        diags.warn("#", format!("no `info`: the API is titled {stem:?}, version 0.0.0"));
        let mut info = Map::new();
        info.insert("title".into(), Value::String(stem));
        info.insert("version".into(), Value::String("0.0.0".into()));
        obj.insert("info".into(), Value::Object(info));
    }
    if !obj.contains_key("paths") {
        obj.insert("paths".into(), Value::Object(Map::new()));
    }
    Ok(())
}

fn warn_unknown_operation_keys(root: &Value, diags: &mut Diagnostics) {
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

fn deserialize_skeleton(file: &str, root: &Value) -> Result<openapiv3::OpenAPI, GenerateError> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(root).map_err(|e| {
        let mut pointer = String::from("#");
        for seg in e.path().iter() {
            use serde_path_to_error::Segment;
            match seg {
                Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
                Segment::Map { key } => pointer = child(&pointer, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        GenerateError::single(file, pointer, format!("not a valid OpenAPI 3.0 node: {}", e.inner()))
    })
}

/// A short description of a JSON node's kind, for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}
