//! Bracket encodings of nested values: `deepObject` query parameters and nested
//! `application/x-www-form-urlencoded` bodies.
//!
//! OpenAPI's `deepObject` style writes an object parameter `filter` as
//! `filter[key]=value`. It does not say what nested objects and arrays become;
//! the APIs that use them (Stripe has hundreds of such parameters and bodies)
//! read `filter[a][b]=v` and `filter[list][0]=v`, the Rails/PHP convention, so
//! that is what these functions write. A form body uses the same brackets for
//! its nested properties, while its top-level arrays of plain values repeat the
//! key (`tag=a&tag=b`), OpenAPI's default `form` + `explode` encoding.
//!
//! The `encoding` object of a form body can ask for something else per property
//! ([`FormEncoding`]: JSON text, exploded or delimited arrays and objects); the generator passes
//! those to [`form_body_with`].
//!
//! Keys are sorted at every level, so the output never depends on the order
//! in which `serde_json` kept a map; `null` values are left out, as an absent
//! field would be.

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use super::error::EncodeError;

/// What `application/x-www-form-urlencoded` leaves as is (space becomes `+`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b' ');

/// The text of a plain value, or `None` for `null`, objects and arrays.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Appends `key=value` pairs for `value` under `key`, brackets for every level below.
fn flatten(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in entries {
                flatten(&format!("{key}[{k}]"), v, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{key}[{i}]"), item, out);
            }
        }
        other => {
            if let Some(text) = scalar(other) {
                out.push((key.to_owned(), text));
            }
        }
    }
}

/// The query pairs of a `deepObject` parameter `name`: `name[key]=value` for each
/// property of an object, `name[key][sub]=value` and `name[key][0]=value` below it.
/// A plain value is `name=value`.
///
/// # Errors
///
/// An [`EncodeError`] if `serde_json` cannot serialise `value`.
pub fn deep_object_pairs<T: serde::Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<Vec<(String, String)>, EncodeError> {
    let value = serde_json::to_value(value).map_err(EncodeError::json)?;
    let mut out = Vec::new();
    flatten(name, &value, &mut out);
    Ok(out)
}

/// The pairs of a form body: each property of the object `value` as `key=value`, a
/// top-level array of plain values as one pair per item, nested objects and arrays in brackets
/// (`address[city]=…`, `items[0][price]=…`).
///
/// # Errors
///
/// An [`EncodeError`] if `value` cannot be serialised or is not an object.
pub fn form_pairs<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, EncodeError> {
    form_pairs_with(value, &[])
}

/// A form body (see [`form_pairs`]), encoded as `application/x-www-form-urlencoded`.
///
/// # Errors
///
/// As [`form_pairs`].
pub fn form_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Bytes, EncodeError> {
    form_body_with(value, &[])
}

/// Pairs as `application/x-www-form-urlencoded` text.
fn encode_pairs(pairs: &[(String, String)]) -> Bytes {
    let encode = |s: &str| utf8_percent_encode(s, FORM).to_string().replace(' ', "+");
    let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    Bytes::from(text.join("&"))
}

/// How one property of a form body is written, from the media type's `encoding` object.
/// Properties without an entry use [`FormEncoding::Brackets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEncoding {
    /// The default (and `style: deepObject`): plain values as is, arrays of plain values as one
    /// pair per item, nested objects and arrays in brackets (`address[city]=…`).
    Brackets,
    /// `contentType: application/json`: the value as JSON text (`meta={"a":1}`).
    Json,
    /// `style: form, explode: true` given explicitly: an array as one pair per item, an object as
    /// one pair per property under the property's own name; nested values as JSON text.
    Explode,
    /// `explode: false`: an array's items joined by the separator (`,` for `form`, a space for
    /// `spaceDelimited`, `|` for `pipeDelimited`), an object as `key,value,…` pairs joined the
    /// same way; nested values as JSON text.
    Delimited(&'static str),
}

/// The text of a value inside an exploded or delimited property: plain values as is, anything
/// else as JSON text.
fn item_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Array(_) | Value::Object(_) => Some(value.to_string()),
        other => scalar(other),
    }
}

/// A form body whose properties named in `fields` are written as their [`FormEncoding`] says
/// and every other property as [`form_pairs`] writes it.
///
/// # Errors
///
/// As [`form_pairs`].
pub fn form_pairs_with<T: serde::Serialize + ?Sized>(
    value: &T,
    fields: &[(&str, FormEncoding)],
) -> Result<Vec<(String, String)>, EncodeError> {
    let value = serde_json::to_value(value)
        .map_err(|e| EncodeError::form("the value could not be serialised", Some(e)))?;
    let Value::Object(map) = &value else {
        return Err(EncodeError::form("a form body must be an object", None));
    };
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    for (key, value) in entries {
        let how = fields.iter().find(|(n, _)| *n == key.as_str()).map_or(FormEncoding::Brackets, |(_, h)| *h);
        match (how, value) {
            (_, Value::Null) => {}
            (FormEncoding::Brackets, Value::Array(items)) if items.iter().all(|i| scalar(i).is_some() || i.is_null()) => {
                out.extend(items.iter().filter_map(scalar).map(|text| (key.clone(), text)));
            }
            (FormEncoding::Brackets, other) => flatten(key, other, &mut out),
            (FormEncoding::Json, other) => out.push((key.clone(), other.to_string())),
            (FormEncoding::Explode, Value::Array(items)) => {
                out.extend(items.iter().filter_map(item_text).map(|text| (key.clone(), text)));
            }
            (FormEncoding::Explode, Value::Object(props)) => {
                let mut props: Vec<(&String, &Value)> = props.iter().collect();
                props.sort_by(|a, b| a.0.cmp(b.0));
                out.extend(props.into_iter().filter_map(|(k, v)| Some((k.clone(), item_text(v)?))));
            }
            (FormEncoding::Delimited(sep), Value::Array(items)) => {
                let texts: Vec<String> = items.iter().filter_map(item_text).collect();
                out.push((key.clone(), texts.join(sep)));
            }
            (FormEncoding::Delimited(sep), Value::Object(props)) => {
                let mut props: Vec<(&String, &Value)> = props.iter().collect();
                props.sort_by(|a, b| a.0.cmp(b.0));
                let texts: Vec<String> =
                    props.into_iter().filter_map(|(k, v)| Some(format!("{k}{sep}{}", item_text(v)?))).collect();
                out.push((key.clone(), texts.join(sep)));
            }
            (FormEncoding::Explode | FormEncoding::Delimited(_), other) => {
                if let Some(text) = item_text(other) {
                    out.push((key.clone(), text));
                }
            }
        }
    }
    Ok(out)
}

/// A form body (see [`form_pairs_with`]), encoded as `application/x-www-form-urlencoded`.
///
/// # Errors
///
/// As [`form_pairs`].
pub fn form_body_with<T: serde::Serialize + ?Sized>(
    value: &T,
    fields: &[(&str, FormEncoding)],
) -> Result<Bytes, EncodeError> {
    Ok(encode_pairs(&form_pairs_with(value, fields)?))
}
