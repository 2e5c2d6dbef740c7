//! Description of one HTTP request, built by generated operation code.

use std::borrow::Cow;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;

use super::error::EncodeError;
use super::auth::BoxError;

/// Characters percent-encoded by [`encode_path_segment`]: everything except the
/// RFC 3986 "unreserved" characters `A-Z a-z 0-9 - . _ ~`.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `s` for use as a single path segment.
///
/// Everything except the unreserved characters `A-Z a-z 0-9 - . _ ~` is
/// encoded (as UTF-8), so `"a/b?c"` becomes `"a%2Fb%3Fc"` and stays one
/// segment. Note that `"."` and `".."` are not encoded (they consist of
/// unreserved characters); [`Client::execute`](super::Client::execute) refuses
/// to send a path containing such segments instead of letting URL
/// normalisation silently turn `/keys/..` into `/`.
pub fn encode_path_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// A request body together with its content type.
#[derive(Clone)]
pub(super) struct Body {
    pub(super) content_type: Cow<'static, str>,
    /// The body; empty when it is [`stream`](Self::stream)ed.
    pub(super) bytes: Bytes,
    /// A body produced while it is sent (a multipart body with a streamed file): taken by the
    /// first attempt, so such a request is never retried.
    pub(super) stream: Option<OneShot>,
}

impl Body {
    fn bytes(content_type: impl Into<Cow<'static, str>>, bytes: Bytes) -> Self {
        Body { content_type: content_type.into(), bytes, stream: None }
    }
}

/// A body produced while it is sent (see [`OneShot`]).
pub(super) type ByteStream = Pin<Box<dyn futures::Stream<Item = Result<Bytes, BoxError>> + Send + 'static>>;

/// A body stream that can be taken once; clones share it.
#[derive(Clone)]
pub(super) struct OneShot(pub(super) Arc<Mutex<Option<ByteStream>>>);

impl OneShot {
    /// The stream, unless an earlier attempt took it.
    pub(super) fn take(&self) -> Option<ByteStream> {
        self.0.lock().map(|mut s| s.take()).unwrap_or(None)
    }
}

/// One HTTP request, as built by generated code and sent by
/// [`Client::execute`](super::Client::execute).
///
/// The body is kept as [`Bytes`] so that it can be re-sent cheaply when the
/// request is retried. Requests are [authenticated](Self::authenticated) by
/// default.
#[derive(Clone)]
#[must_use = "a RequestSpec does nothing until passed to Client::execute"]
pub struct RequestSpec {
    pub(super) method: Method,
    pub(super) path_template: &'static str,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Option<Body>,
    pub(super) authenticated: bool,
    pub(super) sensitive: bool,
    pub(super) timeout: Option<Duration>,
}

impl RequestSpec {
    /// Starts a request.
    ///
    /// * `path_template` is the OpenAPI path (e.g. `/iam/v2/api-keys/{id}`); it is
    ///   used for tracing and error messages, and to check that no path
    ///   parameter was substituted by an empty string.
    /// * `path` is the concrete path with every parameter already encoded with
    ///   [`encode_path_segment`]; it is appended to the client's base URL.
    pub fn new(method: Method, path_template: &'static str, path: String) -> Self {
        Self::with_path(method, path_template, path)
    }

    /// Starts a request to `path_template` (e.g. `/keys/{id}/versions/{version}`) with its
    /// `{…}` placeholders filled, in order, by `segments`, each encoded as one path segment
    /// ([`encode_path_segment`]). Placeholders beyond the last segment stay as written.
    pub fn at(method: Method, path_template: &'static str, segments: &[&str]) -> Self {
        let mut path = String::with_capacity(path_template.len() + segments.iter().map(|s| s.len()).sum::<usize>());
        let mut rest = path_template;
        let mut segments = segments.iter();
        while let Some(open) = rest.find('{') {
            let Some(len) = rest[open..].find('}') else { break };
            let Some(segment) = segments.next() else { break };
            path.push_str(&rest[..open]);
            path.extend(utf8_percent_encode(segment, PATH_SEGMENT));
            rest = &rest[open + len + 1..];
        }
        path.push_str(rest);
        Self::with_path(method, path_template, path)
    }

    fn with_path(method: Method, path_template: &'static str, path: String) -> Self {
        RequestSpec {
            method,
            path_template,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            authenticated: true,
            sensitive: false,
            timeout: None,
        }
    }

    /// The query parameter `name` set to `value` alone: every earlier value of it is removed,
    /// and `None` leaves it unset. A walk over pages sends the same request with each page's
    /// token this way.
    pub fn set_query(self, name: &str, value: Option<String>) -> Self {
        let mut spec = self.remove_query(name);
        if let Some(value) = value {
            spec.query.push((name.to_owned(), value));
        }
        spec
    }

    /// The query parameter `name=value` alone: every earlier value of it is removed first. An
    /// optional parameter's setter sends it this way, so that calling the setter again
    /// replaces the value.
    pub fn replace_query(self, name: &str, value: impl fmt::Display) -> Self {
        self.remove_query(name).query(name, value)
    }

    /// The request without any value of the query parameter `name`.
    pub fn remove_query(mut self, name: &str) -> Self {
        self.query.retain(|(n, _)| n != name);
        self
    }

    /// The header `name: value` alone: every earlier value of it (in any case) is removed
    /// first, as [`replace_query`](Self::replace_query) does for a query parameter.
    pub fn replace_header(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.header(name, value)
    }

    /// The first value of the query parameter `name`, if the request has it.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Appends the query parameter `name=value` (form-encoded when sent;
    /// repeated names are kept in order).
    pub fn query(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Appends `name=value` if `value` is `Some`; does nothing otherwise.
    pub fn query_opt<T: fmt::Display>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Appends `name=value` once per value (the OpenAPI `form`, `explode: true`
    /// style for arrays).
    pub fn query_each<T: fmt::Display>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        for value in values {
            self = self.query(name, value);
        }
        self
    }

    /// Appends a query parameter whose value is any serialisable value, encoded
    /// the way OpenAPI's default `style: form, explode: true` does:
    ///
    /// * an object becomes one `key=value` pair per property (the parameter
    ///   name itself is not sent), an array property one pair per element;
    /// * an array becomes one `name=element` pair per element;
    /// * a string, number or boolean becomes `name=value`;
    /// * `null` (and `null` properties or elements) are skipped;
    /// * values nested deeper (an object inside a property) are sent as
    ///   compact JSON text.
    ///
    /// # Errors
    ///
    /// An [`EncodeError`] if `serde_json` cannot serialise `value`.
    pub fn query_json<T: serde::Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
    ) -> Result<Self, EncodeError> {
        use serde_json::Value;

        let value = serde_json::to_value(value).map_err(EncodeError::json)?;
        let mut push = |name: &str, value: &Value| {
            if let Some(text) = scalar_text(value, true) {
                self.query.push((name.to_owned(), text));
            }
        };
        match &value {
            Value::Object(map) => {
                // Sorted by name, so the query is the same whichever map order serde_json
                // was built with (its `preserve_order` feature is unified across a build).
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, value) in entries {
                    match value {
                        Value::Array(items) => items.iter().for_each(|item| push(key, item)),
                        other => push(key, other),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| push(name, item)),
            other => push(name, other),
        }
        Ok(self)
    }

    /// Sets a request header. The header replaces any default the client would
    /// send under the same name (`Accept`, `User-Agent`, `Authorization`, ...);
    /// calling it twice with the same name sends both values.
    ///
    /// An invalid name or value (e.g. containing a line break) is reported by
    /// [`Client::execute`](super::Client::execute) as
    /// [`TransportErrorKind::InvalidRequest`](super::TransportErrorKind::InvalidRequest)
    /// without sending anything.
    pub fn header(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Sets a request header if `value` is `Some`; does nothing otherwise.
    pub fn header_opt<T: fmt::Display>(self, name: &'static str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// Sets the `Accept` header: the media types of the operation's documented responses.
    /// Generated code calls it when those are not plain JSON.
    pub fn accept(self, media_types: &'static str) -> Self {
        self.header("Accept", media_types)
    }

    /// Serialises `body` as JSON and sends it with `Content-Type: application/json`.
    ///
    /// # Errors
    ///
    /// An [`EncodeError`] if `serde_json` cannot serialise `body` (e.g. a map
    /// with non-string keys, or a failing `Serialize` implementation).
    pub fn json<T: serde::Serialize + ?Sized>(self, body: &T) -> Result<Self, EncodeError> {
        self.json_as(body, "application/json")
    }

    /// Serialises `body` as JSON and sends it with the JSON media type the operation
    /// documents (`application/vnd.example.v1+json`, `application/merge-patch+json`).
    ///
    /// # Errors
    ///
    /// As [`json`](Self::json).
    pub fn json_as<T: serde::Serialize + ?Sized>(mut self, body: &T, content_type: &'static str) -> Result<Self, EncodeError> {
        let bytes = serde_json::to_vec(body).map_err(EncodeError::json)?;
        self.body = Some(Body::bytes(content_type, Bytes::from(bytes)));
        Ok(self)
    }

    /// [`json`](Self::json) for an optional body: `None` sends no body.
    ///
    /// # Errors
    ///
    /// As [`json`](Self::json).
    pub fn json_opt<T: serde::Serialize + ?Sized>(self, body: Option<&T>) -> Result<Self, EncodeError> {
        match body {
            Some(body) => self.json(body),
            None => Ok(self),
        }
    }

    /// Serialises `body` as `application/x-www-form-urlencoded`.
    ///
    /// `body` must serialise to a JSON-like object whose values are strings,
    /// numbers, booleans, `null` (skipped) or arrays of those (one pair per
    /// element). Nested objects are rejected with an [`EncodeError`]. The pairs
    /// are sent in the order `serde_json` produces them (alphabetical unless
    /// `serde_json`'s `preserve_order` feature is enabled).
    ///
    /// # Errors
    ///
    /// An [`EncodeError`] if `body` cannot be serialised or is not a flat object.
    pub fn form<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self, EncodeError> {
        let value = serde_json::to_value(body)
            .map_err(|e| EncodeError::form("the value could not be serialised", Some(e)))?;
        let encoded = encode_form(&value)?;
        self.body = Some(Body::bytes("application/x-www-form-urlencoded", Bytes::from(encoded)));
        Ok(self)
    }

    /// Sends `body` as is with the given `Content-Type` (a media type the spec names, or one
    /// the caller gives, such as a multipart body's with its boundary).
    pub fn bytes(mut self, content_type: impl Into<Cow<'static, str>>, body: Bytes) -> Self {
        self.body = Some(Body::bytes(content_type, body));
        self
    }

    /// Whether the request can be sent again: false when its body is streamed.
    pub fn is_replayable(&self) -> bool {
        self.body.as_ref().and_then(|b| b.stream.as_ref()).is_none()
    }

    /// Whether to send the client's credentials (default `true`). Operations
    /// that the API description marks as needing no security use `false`.
    pub fn authenticated(mut self, yes: bool) -> Self {
        self.authenticated = yes;
        self
    }

    /// Whether the operation's request or responses may carry secrets
    /// (default `false`), e.g. an operation that creates or returns API keys.
    ///
    /// The flag is copied into the [`RawResponse`](super::RawResponse) that
    /// [`Client::execute`](super::Client::execute) returns, and every error
    /// built from that response then withholds the body: no body snippet in
    /// [`Error::UnexpectedStatus`](super::Error::UnexpectedStatus) or
    /// [`Error::Decode`](super::Error::Decode), and no decoder message that
    /// could quote a value.
    pub fn sensitive(mut self, yes: bool) -> Self {
        self.sensitive = yes;
        self
    }

    /// Overrides the client's per-attempt timeout for this request (each
    /// attempt gets the full timeout, but never more than is left of the
    /// client's [deadline](super::ClientBuilder::deadline)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template, e.g. `/iam/v2/api-keys/{id}`.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The concrete, already-encoded path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, in order, not yet encoded.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The request body, if any (empty when it is streamed: see
    /// [`is_replayable`](Self::is_replayable)).
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref().map(|b| &b.bytes)
    }

    /// The `Content-Type` of the request body, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.body.as_ref().map(|b| b.content_type.as_ref())
    }

    /// Whether the client's credentials will be sent.
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// Whether the request or its responses may carry secrets (see
    /// [`sensitive`](Self::sensitive)).
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }
}

impl fmt::Debug for RequestSpec {
    // Header values and the body may hold secrets: show names and sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.query.iter().map(|(k, _)| k.as_str()).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(k, _)| *k).collect();
        f.debug_struct("RequestSpec")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("path", &self.path)
            .field("query_names", &query)
            .field("header_names", &headers)
            .field("content_type", &self.content_type())
            .field("body_len", &self.body.as_ref().map(|b| b.bytes.len()))
            .field("authenticated", &self.authenticated)
            .field("sensitive", &self.sensitive)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Checks a concrete path against its template before sending, returning why
/// it is unsafe to send.
///
/// * A `.` or `..` segment (also percent-encoded) would be removed by URL
///   normalisation and address another resource.
/// * When the template has the same number of segments, a segment that is a
///   single `{param}` in the template must not be empty (`/keys/` instead of
///   `/keys/{id}` usually names the collection).
pub(super) fn check_path(template: &str, path: &str) -> Result<(), String> {
    // One pass over the bytes (`/`, `?` and `#` are ASCII, so every piece is still UTF-8):
    // this runs on every request. Most segments are rejected as dot segments by their first
    // byte, and the template is only read when the path has an empty segment.
    let path = before_query(path.as_bytes());
    let mut has_empty = false;
    for (i, segment) in path.split(|&b| b == b'/').enumerate() {
        match segment.first() {
            // The empty piece before a leading `/` is the template's too (not a parameter).
            None => has_empty |= i > 0 || !template.starts_with('/'),
            Some(b'.' | b'%') if segment.len() <= 6 && is_dot_segment(segment) => {
                return Err(format!(
                    "the path `{template}` would contain a `{}` segment",
                    String::from_utf8_lossy(segment)
                ));
            }
            Some(_) => {}
        }
    }
    if !has_empty {
        return Ok(());
    }
    let bare = before_query(template.as_bytes());
    let slashes = |s: &[u8]| s.iter().filter(|&&b| b == b'/').count();
    // Only a template with a placeholder can have an empty parameter.
    if bare.contains(&b'{') && slashes(bare) == slashes(path) {
        for (t, p) in bare.split(|&b| b == b'/').zip(path.split(|&b| b == b'/')) {
            if p.is_empty() && t.len() > 2 && t.starts_with(b"{") && t.ends_with(b"}") {
                return Err(format!(
                    "the path parameter `{}` of `{}` is empty",
                    String::from_utf8_lossy(t),
                    String::from_utf8_lossy(bare)
                ));
            }
        }
    }
    Ok(())
}

/// `s` up to its first `?` or `#`.
fn before_query(s: &[u8]) -> &[u8] {
    s.iter().position(|&b| b == b'?' || b == b'#').map_or(s, |end| &s[..end])
}

/// `.` or `..`, literally or percent-encoded (`%2e`, `%2E`), checked without allocating
/// (this runs on every request).
fn is_dot_segment(bytes: &[u8]) -> bool {
    let mut dots = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'.' {
            i += 1;
        } else if bytes[i] == b'%' && bytes.get(i + 1) == Some(&b'2') && matches!(bytes.get(i + 2), Some(b'e' | b'E')) {
            i += 3;
        } else {
            return false;
        }
        dots += 1;
        if dots > 2 {
            return false;
        }
    }
    dots == 1 || dots == 2
}

/// The text of a scalar JSON value: `None` for `null`; for arrays and objects,
/// their compact JSON text if `nested_as_json`, else `None`.
fn scalar_text(value: &serde_json::Value, nested_as_json: bool) -> Option<String> {
    use serde_json::Value;

    match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) if nested_as_json => Some(value.to_string()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// Encodes a JSON object as `application/x-www-form-urlencoded`.
fn encode_form(value: &serde_json::Value) -> Result<String, EncodeError> {
    use serde_json::Value;

    let Value::Object(map) = value else {
        return Err(EncodeError::form(
            "the body must serialise to an object of fields",
            None,
        ));
    };
    let mut out = String::new();
    let mut push = |name: &str, value: &Value| -> Result<(), EncodeError> {
        let text = match value {
            Value::Null => return Ok(()),
            Value::Array(_) | Value::Object(_) => {
                return Err(EncodeError::form(
                    format!("the field `{name}` is a nested object or array"),
                    None,
                ))
            }
            scalar => scalar_text(scalar, false).unwrap_or_default(),
        };
        if !out.is_empty() {
            out.push('&');
        }
        form_component(&mut out, name);
        out.push('=');
        form_component(&mut out, &text);
        Ok(())
    };
    for (name, value) in map {
        match value {
            Value::Array(items) => {
                for item in items {
                    push(name, item)?;
                }
            }
            other => push(name, other)?,
        }
    }
    Ok(out)
}

/// Appends `s` encoded with the `application/x-www-form-urlencoded` byte
/// serializer: `A-Z a-z 0-9 * - . _` kept, space as `+`, everything else `%XX`.
fn form_component(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
    }
}

/// The texts of `items` joined by `separator`: an array parameter in the `form` (not exploded),
/// `spaceDelimited`, `pipeDelimited` or path `simple` style.
pub fn joined<T: fmt::Display>(items: impl IntoIterator<Item = T>, separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&item.to_string());
    }
    out
}

/// A parameter value as text: strings as they are, anything else (numbers, booleans, arrays,
/// objects) as JSON. For header and path parameters whose schema is not a plain scalar.
///
/// # Errors
///
/// An [`EncodeError`] if `serde_json` cannot serialise the value.
pub fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, EncodeError> {
    match serde_json::to_value(value).map_err(EncodeError::json)? {
        serde_json::Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

/// A parameter value as JSON text, for parameters declared with `content: application/json`.
///
/// # Errors
///
/// An [`EncodeError`] if `serde_json` cannot serialise the value.
pub fn param_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, EncodeError> {
    serde_json::to_string(value).map_err(EncodeError::json)
}
