//! Responses: the raw final response of a request, and the typed success value.

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, LOCATION};
use serde::de::DeserializeOwned;

use super::error::{BODY_SNIPPET_LIMIT, WITHHELD_SNIPPET};
use super::error::{body_snippet, ApiError, ResponseHeaders, DecodeError, DecodeErrorKind, Error, ResponseContext};

/// Name of the response header carrying the server's request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// [`REQUEST_ID_HEADER`] as a ready `HeaderName`: a lookup by `&str` parses (and lowercases)
/// the name on every call, and the request id is read on every response.
pub(crate) static REQUEST_ID_NAME: HeaderName = HeaderName::from_static(REQUEST_ID_HEADER);

/// The final response of a request (after any retries), with the body fully read.
#[derive(Clone)]
pub struct RawResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The complete response body.
    pub body: Bytes,
    /// How many attempts were made to get this response (1 if not retried).
    pub attempts: u32,
    /// Whether the request or its responses may carry secrets (copied from
    /// [`RequestSpec::sensitive`](super::RequestSpec::sensitive)). Every error
    /// built from a sensitive response withholds the body: see
    /// [`context`](Self::context) and [`json`](Self::json).
    pub sensitive: bool,
}

impl RawResponse {
    /// The `X-Request-Id` response header, if present and valid text.
    pub fn request_id(&self) -> Option<String> {
        // Read on every success: a scan of the few response headers is cheaper than hashing.
        self.header_str(REQUEST_ID_HEADER).map(str::to_owned)
    }

    /// The value of the header `name` as text, if present and visible ASCII.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.find_header(name).and_then(|v| v.to_str().ok())
    }

    /// The first value of the header `name`, in any ASCII case. Found by comparing the
    /// (lowercase) names the map holds instead of `HeaderMap::get(&str)`, which copies and
    /// lowercases `name` and checks it against the standard names on every call: generated
    /// header structs look up their documented headers by the spec's spelling
    /// (`X-RateLimit-Limit`) on every response, and a response has few headers, most of
    /// which differ in length.
    fn find_header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|(key, _)| key.as_str().len() == name.len() && key.as_str().eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The header `name` parsed as `T`.
    ///
    /// Lenient: a missing header gives `None`, and so does a value that is not
    /// text or does not parse (a warning is traced with the header name and the
    /// expected type, not the value).
    pub fn header<T: FromStr>(&self, name: &str) -> Option<T> {
        let value = self.find_header(name)?;
        let parsed = value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse::<T>().ok());
        if parsed.is_none() {
            tracing::warn!(
                header = name,
                expected = std::any::type_name::<T>(),
                status = self.status,
                "ignoring response header that does not parse"
            );
        }
        parsed
    }

    /// The `Content-Type` response header, if present and valid text.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Status, request id, content type, the `Location` of a 3xx and a
    /// bounded snippet of the body, for error reporting.
    ///
    /// If the response is [`sensitive`](Self::sensitive), the snippet is
    /// `"[withheld: the response may hold secrets]"` (the body length is kept)
    /// and no location is given.
    pub fn context(&self) -> ResponseContext {
        let (location, body_snippet) = if self.sensitive {
            (None, WITHHELD_SNIPPET.to_owned())
        } else {
            let location = if (300..400).contains(&self.status) {
                self.header_str(LOCATION.as_str()).map(strip_query)
            } else {
                None
            };
            (location, body_snippet(&self.body, BODY_SNIPPET_LIMIT))
        };
        ResponseContext {
            status: self.status,
            request_id: self.request_id(),
            content_type: self.content_type().map(str::to_owned),
            location,
            body_snippet,
            body_len: self.body.len(),
            headers: ResponseHeaders(self.headers.clone()),
        }
    }

    /// Decodes the body as JSON into `T`.
    ///
    /// # Errors
    ///
    /// A (boxed) [`DecodeError`] of kind
    /// * [`DecodeErrorKind::Empty`] if the body is empty or whitespace;
    /// * [`DecodeErrorKind::NotJson`] if the `Content-Type` is present and is
    ///   not JSON (`application/json`, `text/json` or `*/*+json`), or is absent
    ///   and the body does not start like a JSON value;
    /// * [`DecodeErrorKind::Malformed`] if the JSON is invalid, truncated, has
    ///   trailing data, or does not match `T`, with the path where it failed.
    ///
    /// On a [`sensitive`](Self::sensitive) response the error is scrubbed as
    /// [`json_sensitive`](Self::json_sensitive) describes.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Box<DecodeError>> {
        if self.sensitive {
            self.decode_unscrubbed().map_err(scrub)
        } else {
            self.decode_unscrubbed()
        }
    }

    fn decode_unscrubbed<T: DeserializeOwned>(&self) -> Result<T, Box<DecodeError>> {
        let fail = |kind| {
            Box::new(DecodeError {
                kind,
                response: self.context(),
            })
        };
        let Some(first) = self.body.iter().position(|b| !b.is_ascii_whitespace()) else {
            return Err(fail(DecodeErrorKind::Empty));
        };
        match self.content_type() {
            Some(ct) if !is_json_content_type(ct) => return Err(fail(DecodeErrorKind::NotJson)),
            Some(_) => {}
            None => {
                if !matches!(
                    self.body[first],
                    b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
                ) {
                    return Err(fail(DecodeErrorKind::NotJson));
                }
            }
        }
        // Fast path: plain serde_json. Only when that fails is the body decoded a second time
        // with serde_path_to_error, to say where it failed (tracking the path costs on every
        // value, and a failure is the rare case).
        if let Ok(value) = serde_json::from_slice::<T>(&self.body) {
            return Ok(value);
        }
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            fail(DecodeErrorKind::Malformed {
                path: e.path().to_string(),
                message: e.inner().to_string(),
            })
        })?;
        de.end().map_err(|e| {
            fail(DecodeErrorKind::Malformed {
                path: ".".to_owned(),
                message: e.to_string(),
            })
        })?;
        Ok(value)
    }

    /// Decodes the body as JSON into `T`, as [`decode`](Self::decode)
    /// does, with the error wrapped as [`Error::Decode`].
    ///
    /// `E` cannot be inferred through `?`; call it as `raw.json::<T, OpError>()?`.
    ///
    /// On a [`sensitive`](Self::sensitive) response this is
    /// [`json_sensitive`](Self::json_sensitive).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] as described for [`decode`](Self::decode).
    pub fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        self.decode().map_err(Error::Decode)
    }

    /// Like [`json`](Self::json), for bodies that carry secrets (fields marked `x-redact` or
    /// `format: password`): a decode error keeps the status, request id and the path where
    /// decoding failed, but neither a body snippet nor the decoder's message (which may quote
    /// a value).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] as described for [`decode`](Self::decode), scrubbed.
    pub fn json_sensitive<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        self.decode_unscrubbed()
            .map_err(|e| Error::Decode(scrub(e)))
    }

    /// Wraps a documented error response with this response's status and request id.
    pub fn api_error<E>(&self, error: E) -> Error<E> {
        Error::Api(Box::new(ApiError {
            status: self.status,
            request_id: self.request_id(),
            error,
            headers: ResponseHeaders(self.headers.clone()),
        }))
    }

    /// The error for a status the API description does not document:
    /// [`Error::UnexpectedStatus`] with status, request id, content type, the
    /// `Location` of a redirect that was not followed, and a body snippet
    /// (withheld if the response is [`sensitive`](Self::sensitive)).
    pub fn unexpected<E>(&self) -> Error<E> {
        Error::UnexpectedStatus(Box::new(self.context()))
    }

    /// The success result of a generated operation: `body` and `headers` with this response's
    /// status and request id. Generated code calls it as `raw.ok(raw.decode()?, raw.typed())`,
    /// every type parameter inferred from the operation's signature.
    ///
    /// Takes `&mut self` because the header map moves into [`Response::raw_headers`] instead
    /// of being copied (a success is the last use of the response, and copying the map cost
    /// allocations on every request): afterwards `self.headers` is empty.
    #[allow(clippy::unnecessary_wraps)]
    pub fn ok<T, H, E>(&mut self, body: T, headers: H) -> Result<Response<T, H>, Error<E>> {
        Ok(Response {
            status: self.status,
            body,
            headers,
            request_id: self.request_id(),
            raw_headers: ResponseHeaders(std::mem::take(&mut self.headers)),
        })
    }

    /// The error result of a generated operation for a documented error status:
    /// [`api_error`](Self::api_error) as an `Err`.
    pub fn fail<T, E>(&self, error: E) -> Result<T, Error<E>> {
        Err(self.api_error(error))
    }

    /// The error result for a status the operation does not document:
    /// [`unexpected`](Self::unexpected) as an `Err`.
    pub fn fail_unexpected<T, E>(&self) -> Result<T, Error<E>> {
        Err(self.unexpected())
    }

    /// The error result of a generated operation for any status that is not one of its
    /// successes: the documented variant of `E` it decodes into ([`Error::Api`]), or
    /// [`Error::UnexpectedStatus`] / [`Error::Decode`] as [`ErrorResponses::from_response`] says.
    pub fn fail_documented<T, E: ErrorResponses>(&self) -> Result<T, Error<E>> {
        match E::from_response(self) {
            Ok(documented) => self.fail(documented),
            Err(e) => Err(e),
        }
    }

    /// `Ok(())` when the response has the operation's one documented success `status`; for any
    /// other status, the error [`fail_documented`](Self::fail_documented) gives. Generated code
    /// for an operation with a single success calls it before decoding that success.
    ///
    /// # Errors
    ///
    /// As [`fail_documented`](Self::fail_documented) for every other status.
    pub fn require_status<E: ErrorResponses>(&self, status: u16) -> Result<(), Error<E>> {
        if self.status == status {
            Ok(())
        } else {
            self.fail_documented()
        }
    }

    /// A documented response's decoded `body` with its documented headers, as a generated
    /// error (or success) variant holds them.
    pub fn reply<B, H: FromHeaders>(&self, body: B) -> Reply<B, H> {
        Reply {
            body,
            headers: self.typed(),
        }
    }

    /// A documented error response whose body is JSON, as the error enum's `variant` holds it:
    /// the body decoded and the documented headers, in a [`Reply`]. Generated code calls it as
    /// `404 => raw.decoded(Self::NotFound)`, every type inferred from the variant: one generic
    /// call per documented status instead of `Ok(Self::NotFound(raw.reply(raw.decode()?)))`,
    /// which was three and a `?` for the compiler to check in every generated crate.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body does not decode into the variant's body type.
    pub fn decoded<T: DeserializeOwned, H: FromHeaders, V, E>(&self, variant: fn(Reply<T, H>) -> V) -> Result<V, Error<E>> {
        match self.decode() {
            Ok(body) => Ok(variant(Reply { body, headers: self.typed() })),
            Err(e) => Err(Error::from(e)),
        }
    }

    /// The documented headers of this response, decoded into `H` (a generated header struct).
    pub fn typed<H: FromHeaders>(&self) -> H {
        H::from_headers(self)
    }

    /// The body as text (invalid UTF-8 replaced), for `text/*` responses.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Builds the success value from a decoded body and headers.
    pub fn to_response<T, H>(&self, body: T, headers: H) -> Response<T, H> {
        Response {
            status: self.status,
            body,
            headers,
            request_id: self.request_id(),
            raw_headers: ResponseHeaders(self.headers.clone()),
        }
    }
}

impl fmt::Debug for RawResponse {
    // The body may be large or sensitive: show its length only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("content_type", &self.content_type())
            .field("body_len", &self.body.len())
            .field("attempts", &self.attempts)
            .field("sensitive", &self.sensitive)
            .finish()
    }
}

/// Removes from a decode error everything that may quote the body.
fn scrub(mut e: Box<DecodeError>) -> Box<DecodeError> {
    e.response.body_snippet = WITHHELD_SNIPPET.to_owned();
    e.response.location = None;
    if let DecodeErrorKind::Malformed { message, .. } = &mut e.kind {
        // serde's messages quote the offending value (after a `:`, or in backquotes as in
        // "unknown variant `...`"); keep only what kind of problem it is.
        let kind = message
            .split([':', '`', '"', '\''])
            .next()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .unwrap_or("invalid value")
            .to_owned();
        *message = format!("{kind} (details withheld: the body may hold secrets)");
    }
    e
}

/// A `Location` value without its query and fragment (which may hold
/// secrets, e.g. a signed URL); `?…` marks that a query was removed.
fn strip_query(location: &str) -> String {
    match location.find(['?', '#']) {
        Some(cut) if location[cut..].starts_with('?') => format!("{}?…", &location[..cut]),
        Some(cut) => location[..cut].to_owned(),
        None => location.to_owned(),
    }
}

/// Whether a `Content-Type` value denotes JSON: `application/json`,
/// `text/json`, or any `+json` structured syntax suffix
/// (e.g. `application/problem+json`), ignoring parameters and case.
pub fn is_json_content_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// A generated enum of documented error responses: which variant each documented status is,
/// and how its body and headers decode. Operations whose errors are the same share one enum,
/// and so its decoding.
pub trait ErrorResponses: Sized {
    /// The variant for `raw`'s status; [`Error::UnexpectedStatus`] for a status the enum does not
    /// document, [`Error::Decode`] when the documented body does not decode.
    fn from_response(raw: &RawResponse) -> Result<Self, Error<Self>>;
}

/// The errors of an operation that documents none: no value has this type, so `Error::Api`
/// cannot happen, and every error status is [`Error::UnexpectedStatus`]. `non_exhaustive` as
/// every generated error enum is: when a later spec documents an error, the operation gets an
/// enum of its own, and a match with a `_` arm keeps compiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoErrorResponses {}

impl ErrorResponses for NoErrorResponses {
    fn from_response(raw: &RawResponse) -> Result<Self, Error<Self>> {
        raw.fail_unexpected()
    }
}

/// A generated struct of documented response headers, read from a response. Each field is
/// lenient: a header that is missing or does not parse is `None` (see [`RawResponse::header`]).
pub trait FromHeaders: Sized {
    /// Reads the documented headers of `raw`.
    fn from_headers(raw: &RawResponse) -> Self;
}

impl FromHeaders for () {
    fn from_headers(_: &RawResponse) -> Self {}
}

/// What a documented error response (or one of several success responses) carried: its decoded
/// body (`()` when the spec documents none) and its documented headers (`()` when none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply<B, H = ()> {
    /// The decoded body.
    pub body: B,
    /// The documented headers, decoded (each `None` when missing or unparsable).
    pub headers: H,
}

/// The success value of a generated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response<T, H = ()> {
    /// HTTP status code (one of the documented success statuses).
    pub status: u16,
    /// The decoded body (`()` when the operation documents no body).
    pub body: T,
    /// The documented response headers, decoded (`()` when none are documented).
    pub headers: H,
    /// The `X-Request-Id` response header, if any.
    pub request_id: Option<String>,
    /// Every response header, documented or not (rate limits, deprecation notices, a mock
    /// server's diagnostics), as a documented error keeps them in
    /// [`ApiError::headers`](super::ApiError::headers). `Debug` lists the names only.
    pub raw_headers: ResponseHeaders,
}

impl<T, H> Response<T, H> {
    /// Discards everything but the body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Converts the body with `f`, keeping status, headers and request id.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U, H> {
        Response {
            status: self.status,
            body: f(self.body),
            headers: self.headers,
            request_id: self.request_id,
            raw_headers: self.raw_headers,
        }
    }
}

/// How many of `input`'s top-level object fields the decoded value does not carry: 0 when the
/// value kept everything. Generated untagged unions use it to prefer the alternative that
/// explains the most of the input, instead of the first that happens to decode.
pub fn unmatched_fields<T: serde::Serialize>(input: &serde_json::Value, decoded: &T) -> usize {
    let serde_json::Value::Object(fields) = input else { return 0 };
    match serde_json::to_value(decoded) {
        Ok(serde_json::Value::Object(kept)) => fields.keys().filter(|k| !kept.contains_key(*k)).count(),
        Ok(_) | Err(_) => fields.len(),
    }
}
