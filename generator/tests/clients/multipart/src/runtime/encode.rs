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
/// top-level array of plain values as one pair per item, nested objects and arrays
/// in brackets (`address[city]=…`, `items[0][price]=…`).
///
/// # Errors
///
/// An [`EncodeError`] if `value` cannot be serialised or is not an object.
pub fn form_pairs<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, EncodeError> {
    let value = serde_json::to_value(value)
        .map_err(|e| EncodeError::form("the value could not be serialised", Some(e)))?;
    let Value::Object(map) = &value else {
        return Err(EncodeError::form("a form body must be an object", None));
    };
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    for (key, value) in entries {
        match value {
            Value::Array(items) if items.iter().all(|i| scalar(i).is_some() || i.is_null()) => {
                out.extend(items.iter().filter_map(scalar).map(|text| (key.clone(), text)));
            }
            other => flatten(key, other, &mut out),
        }
    }
    Ok(out)
}

/// A form body (see [`form_pairs`]), encoded as `application/x-www-form-urlencoded`.
///
/// # Errors
///
/// As [`form_pairs`].
pub fn form_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Bytes, EncodeError> {
    let encode = |s: &str| utf8_percent_encode(s, FORM).to_string().replace(' ', "+");
    let pairs = form_pairs(value)?;
    let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    Ok(Bytes::from(text.join("&")))
}
