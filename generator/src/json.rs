//! JSON-tree helpers: RFC 6901 pointers (escape, unescape, join, look up) and node kinds for
//! messages.
//!
//! Every layer addresses the document by JSON pointer, so these sit below all of them and depend
//! on nothing else in the crate: `load`, `normalize` and `diag` use them without importing one
//! another (they used to live in those modules, which made `load` and `normalize::schema` import
//! each other).

use serde_json::Value;
use std::borrow::Cow;

/// Escapes one reference token per RFC 6901 (`~` to `~0`, `/` to `~1`).
pub fn escape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_escaped(&mut out, token);
    out
}

/// Appends `token` escaped per RFC 6901. Pointers are built for every node the normalizer
/// visits, so this copies in one pass and allocates nothing of its own.
fn push_escaped(out: &mut String, token: &str) {
    let mut rest = token;
    while let Some(at) = rest.find(['~', '/']) {
        out.push_str(&rest[..at]);
        out.push_str(if rest.as_bytes()[at] == b'~' { "~0" } else { "~1" });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Unescapes one reference token per RFC 6901 (`~1` to `/`, then `~0` to `~`); borrows when
/// there is nothing to unescape.
pub fn unescape_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Joins a child token onto a pointer.
pub fn child(pointer: &str, token: &str) -> String {
    let mut s = String::with_capacity(pointer.len() + token.len() + 1);
    s.push_str(pointer);
    s.push('/');
    push_escaped(&mut s, token);
    s
}

/// Looks up an RFC 6901 pointer (without the leading `#`).
pub fn lookup_pointer<'v>(root: &'v Value, fragment: &str) -> Option<&'v Value> {
    if fragment.is_empty() {
        return Some(root);
    }
    let rest = fragment.strip_prefix('/')?;
    let mut cur = root;
    for raw in rest.split('/') {
        // Most tokens need no unescaping: only allocate for the ones that do.
        let decoded: Cow<'_, str> = if raw.contains('%') { Cow::Owned(percent_decode(raw)) } else { Cow::Borrowed(raw) };
        let token = unescape_token(&decoded);
        cur = match cur {
            Value::Object(m) => m.get(token.as_ref())?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The node at an RFC 6901 pointer (without the leading `#`) as built by [`child`], for writing:
/// no percent-decoding (that is for `$ref`s, see [`lookup_pointer`]), and unlike serde_json's
/// `pointer_mut` no copy of each token unless it has an escape (the loader puts every schema
/// back this way after the skeleton check, thousands per spec).
pub fn lookup_pointer_mut<'v>(root: &'v mut Value, fragment: &str) -> Option<&'v mut Value> {
    if fragment.is_empty() {
        return Some(root);
    }
    let rest = fragment.strip_prefix('/')?;
    let mut cur = root;
    for raw in rest.split('/') {
        let token = unescape_token(raw);
        cur = match cur {
            Value::Object(m) => m.get_mut(token.as_ref())?,
            Value::Array(a) => a.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// `$ref`s are URIs, so `%7B` may stand for `{` (rare, but legal).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit() {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_pointers_resolve() {
        for token in ["a", "a/b", "~", "~1", "a~0/b"] {
            assert_eq!(unescape_token(&escape_token(token)), token);
        }
        assert_eq!(escape_token("a~0/b/"), "a~00~1b~1");
        assert_eq!(child("#/paths", "/x~y"), "#/paths/~1x~0y");
        let root = serde_json::json!({"paths": {"/a/{id}": {"get": [1, {"x~y": true}]}}});
        let ptr = child(&child(&child(&child("", "paths"), "/a/{id}"), "get"), "1");
        assert_eq!(lookup_pointer(&root, &child(&ptr, "x~y")), Some(&Value::Bool(true)));
        // `$ref`s may percent-encode: `%7B` is `{`.
        assert_eq!(lookup_pointer(&root, "/paths/~1a~1%7Bid}/get/0"), Some(&serde_json::json!(1)));
        assert_eq!(lookup_pointer(&root, ""), Some(&root));
        assert_eq!(lookup_pointer(&root, "/paths/nope"), None);
        let mut copy = root.clone();
        let slot = lookup_pointer_mut(&mut copy, &child(&ptr, "x~y"));
        assert_eq!(slot.map(|v| std::mem::replace(v, Value::Null)), Some(Value::Bool(true)));
        assert_eq!(copy.pointer("/paths/~1a~1{id}/get/1/x~0y"), Some(&Value::Null));
        // Exact pointers: no percent-decoding, which is for `$ref`s only.
        assert!(lookup_pointer_mut(&mut copy, "/paths/~1a~1%7Bid}/get/0").is_none());
        assert_eq!(kind_of(&root), "a mapping");
    }
}
