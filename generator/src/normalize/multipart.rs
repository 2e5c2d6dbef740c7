//! The plan of a `multipart/form-data` request body: which properties of the body schema are
//! files, which are plain fields (one part, or one part per item of an array of plain values),
//! and each part's content type and fixed headers from the media type's `encoding` object.
//!
//! Also here: the `encoding` entries of an `application/x-www-form-urlencoded` body
//! ([`form_fields`]), the other media type whose `encoding` object says how properties travel.
//!
//! Decided here, from the raw schema, as plain data ([`MultipartPlan`]); the emitter renders a
//! form struct from it and the runtime's `Multipart` writes the parts. A property is a file when
//! it is a string with `format: binary` (OpenAPI 3.0) or `contentMediaType` without
//! `contentEncoding` (3.1: raw bytes; with `contentEncoding: base64` it is text). Refs are
//! followed silently: the schema graph reports broken ones when it builds the same schema.

use crate::diag::{child, Diagnostics};
use crate::json::lookup_pointer;
use crate::model::{FormField, MultipartPlan, PartKind, PartPlan};
use serde_json::{Map, Value};

/// Follows `$ref`s (at most a few hops) to the schema object they name.
fn deref<'v>(root: &'v Value, v: &'v Value) -> Option<&'v Map<String, Value>> {
    let mut v = v;
    for _ in 0..16 {
        let o = v.as_object()?;
        match o.get("$ref").and_then(Value::as_str) {
            Some(r) => v = lookup_pointer(root, r.strip_prefix('#')?)?,
            None => return Some(o),
        }
    }
    None
}

/// The schema's `type`, ignoring `"null"` in a 3.1 type array.
fn type_of(o: &Map<String, Value>) -> Option<&str> {
    match o.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

fn is_file(o: &Map<String, Value>) -> bool {
    let stringish = matches!(type_of(o), None | Some("string"));
    stringish
        && (o.get("format").and_then(Value::as_str) == Some("binary")
            || (o.contains_key("contentMediaType") && !o.contains_key("contentEncoding")))
}

fn is_structured(o: &Map<String, Value>) -> bool {
    matches!(type_of(o), Some("object" | "array"))
        || o.contains_key("properties")
        || o.contains_key("allOf")
        || o.contains_key("oneOf")
        || o.contains_key("anyOf")
}

/// One concrete media type (no wildcard, no list), as a part's `Content-Type`.
fn concrete(ct: &str) -> Option<String> {
    let ct = ct.trim();
    (!ct.is_empty() && !ct.contains(',') && !ct.contains('*')).then(|| ct.to_string())
}

fn is_json(ct: &str) -> bool {
    let base = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    base == "application/json" || base.ends_with("+json")
}

/// The properties of an object schema, also through `allOf` members (each once, first wins).
fn properties<'v>(root: &'v Value, o: &'v Map<String, Value>, out: &mut Vec<(&'v String, &'v Value)>, depth: usize) {
    if depth > 32 {
        return;
    }
    for (k, v) in o.get("properties").and_then(Value::as_object).into_iter().flatten() {
        if !out.iter().any(|(n, _)| *n == k) {
            out.push((k, v));
        }
    }
    for member in o.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        if let Some(m) = deref(root, member) {
            properties(root, m, out, depth + 1);
        }
    }
}

/// The plan of a multipart body with `schema` (at `sptr`) in the media type object `media` (at
/// `mptr`); `None` when the schema lists no properties (the caller then encodes the body).
pub(super) fn plan(root: &Value, schema: Option<&Value>, media: &Map<String, Value>, mptr: &str, d: &mut Diagnostics) -> Option<MultipartPlan> {
    let o = deref(root, schema?)?;
    let mut props = Vec::new();
    properties(root, o, &mut props, 0);
    if props.is_empty() {
        return None;
    }
    let encoding = media.get("encoding").and_then(Value::as_object);
    let mut parts = Vec::new();
    for (name, prop) in props {
        let Some(p) = deref(root, prop) else { continue };
        if p.get("readOnly").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let enc = encoding.and_then(|e| e.get(name)).and_then(Value::as_object);
        let eptr = child(&child(mptr, "encoding"), name);
        let declared = enc.and_then(|e| e.get("contentType")).and_then(Value::as_str);
        let items = (type_of(p) == Some("array")).then(|| p.get("items").and_then(|i| deref(root, i))).flatten();
        let kind = match items {
            Some(i) if is_file(i) => PartKind::Files,
            // An array of plain values is sent as one part per item (what form servers read),
            // unless its encoding says the array travels as one JSON document.
            Some(i) if !is_structured(i) && !declared.is_some_and(is_json) => PartKind::EachItem,
            _ if is_file(p) => PartKind::File,
            _ => PartKind::Field,
        };
        let own = match kind {
            PartKind::File => p.get("contentMediaType").and_then(Value::as_str),
            PartKind::Files => items.and_then(|i| i.get("contentMediaType")).and_then(Value::as_str),
            PartKind::Field | PartKind::EachItem => None,
        };
        let content_type = declared.or(own).and_then(concrete);
        if let Some(ct) = declared.filter(|ct| concrete(ct).is_none()) {
            d.warn(&child(&eptr, "contentType"), format!("part content type {ct:?} is a list or a wildcard: the part is sent with its default content type"));
        }
        let mut headers = Vec::new();
        for (hname, h) in enc.and_then(|e| e.get("headers")).and_then(Value::as_object).into_iter().flatten() {
            let hptr = child(&child(&eptr, "headers"), hname);
            // RFC 7578 parts carry their type in `Content-Type` above; OpenAPI says to ignore it here.
            if hname.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let hs = deref(root, h).and_then(|h| h.get("schema")).and_then(|s| deref(root, s));
            let fixed = hs.and_then(|s| {
                s.get("const")
                    .or_else(|| s.get("enum").and_then(Value::as_array).filter(|e| e.len() == 1).and_then(|e| e.first()))
                    .or_else(|| s.get("default"))
            });
            let text = match fixed {
                Some(Value::String(s)) => Some(s.clone()),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => Some(v.to_string()),
                _ => None,
            };
            match text {
                Some(v) => headers.push((hname.clone(), v)),
                None => d.warn(&hptr, format!("part header {hname:?} has no fixed value (`const`, one `enum` value or `default`): it is not sent")),
            }
        }
        if enc.is_some_and(|e| e.contains_key("style") || e.contains_key("explode")) {
            d.warn(&eptr, "`style`/`explode` in a multipart encoding are not honoured: arrays of plain values are sent as one part per item");
        }
        parts.push(PartPlan { wire_name: name.clone(), kind, content_type, headers });
    }
    Some(MultipartPlan { parts })
}

/// The properties of a form body (media type object `media` at `mptr`) whose `encoding` entry
/// asks for something other than the default bracket style, sorted by name.
pub(super) fn form_fields(media: &Map<String, Value>, mptr: &str, d: &mut Diagnostics) -> Vec<(String, FormField)> {
    let mut out = Vec::new();
    for (name, enc) in media.get("encoding").and_then(Value::as_object).into_iter().flatten() {
        let Some(enc) = enc.as_object() else { continue };
        let eptr = child(&child(mptr, "encoding"), name);
        let explode = enc.get("explode").and_then(Value::as_bool);
        if enc.get("allowReserved").and_then(Value::as_bool) == Some(true) {
            d.warn(&child(&eptr, "allowReserved"), "`allowReserved` is not honoured: reserved characters are sent percent-encoded");
        }
        if enc.contains_key("headers") {
            d.warn(&child(&eptr, "headers"), "`headers` apply to multipart parts only: ignored in a form body");
        }
        let ct = enc.get("contentType").and_then(Value::as_str);
        let how = match (ct, enc.get("style").and_then(Value::as_str)) {
            (Some(ct), _) if is_json(ct) => Some(FormField::Json),
            (ct, style) => {
                if let Some(ct) = ct.filter(|ct| !ct.trim().to_ascii_lowercase().starts_with("text/plain")) {
                    d.warn(&child(&eptr, "contentType"), format!("content type {ct:?} of a form property is not applied: the value is sent as form text"));
                }
                let delimited = |sep| if explode == Some(false) { FormField::Delimited(sep) } else { FormField::Explode };
                match style {
                    None if explode.is_none() => None,
                    None | Some("form") => Some(delimited(',')),
                    Some("spaceDelimited") => Some(delimited(' ')),
                    Some("pipeDelimited") => Some(delimited('|')),
                    Some("deepObject") => Some(FormField::Brackets),
                    Some(other) => {
                        d.warn(&child(&eptr, "style"), format!("style {other:?} is not a form style: the property is sent in the bracket style"));
                        None
                    }
                }
            }
        };
        if let Some(how) = how {
            out.push((name.clone(), how));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
