//! Error types returned by the runtime and by generated operations.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;

use super::auth::BoxError;
use super::page_limits::PaginationError;

/// Maximum number of body bytes kept in [`ResponseContext::body_snippet`].
pub const BODY_SNIPPET_LIMIT: usize = 512;

/// The [`ResponseContext::body_snippet`] of a response that may hold secrets
/// (see [`RequestSpec::sensitive`](super::RequestSpec::sensitive)).
pub(super) const WITHHELD_SNIPPET: &str = "[withheld: the response may hold secrets]";

/// What is known about an HTTP response that could not be turned into a value.
///
/// Carried by [`Error::UnexpectedStatus`] and [`DecodeError`]. It holds only a
/// bounded prefix of the body (see [`BODY_SNIPPET_LIMIT`]) so that error values
/// stay cheap to keep and to log. For a response to a
/// [sensitive](super::RequestSpec::sensitive) request the body is withheld
/// altogether.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseContext {
    /// HTTP status code of the response.
    pub status: u16,
    /// Value of the `X-Request-Id` response header, if any (quote it to support).
    pub request_id: Option<String>,
    /// Value of the `Content-Type` response header, if any.
    pub content_type: Option<String>,
    /// The `Location` response header of a redirect (3xx) that was not
    /// followed (for example one to another origin), without its query and
    /// fragment, which may hold secrets; `None` for other responses and for
    /// [sensitive](super::RequestSpec::sensitive) ones.
    pub location: Option<String>,
    /// The first bytes of the body (at most [`BODY_SNIPPET_LIMIT`] bytes, cut at a
    /// character boundary, invalid UTF-8 replaced by U+FFFD), or
    /// `"[withheld: the response may hold secrets]"` if the request was
    /// [sensitive](super::RequestSpec::sensitive).
    pub body_snippet: String,
    /// Length of the whole body in bytes.
    pub body_len: usize,
    /// Every response header (`Debug` shows their names only).
    pub headers: ResponseHeaders,
}

/// The headers of a response kept in an error. Reads like a `HeaderMap` (it derefs to one);
/// its `Debug` lists the header names only, since values (cookies, tokens) may be secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ResponseHeaders(pub HeaderMap);

impl std::ops::Deref for ResponseHeaders {
    type Target = HeaderMap;
    fn deref(&self) -> &HeaderMap {
        &self.0
    }
}

impl fmt::Debug for ResponseHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys().map(|k| k.as_str())).finish()
    }
}

impl ResponseContext {
    /// Whether [`body_snippet`](Self::body_snippet) is only a prefix of the body.
    pub fn is_snippet_truncated(&self) -> bool {
        !self.is_body_withheld() && self.body_snippet.len() < self.body_len
    }

    /// Whether the body was withheld because the response may hold secrets.
    pub fn is_body_withheld(&self) -> bool {
        self.body_snippet == WITHHELD_SNIPPET
    }
}

impl fmt::Display for ResponseContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP status {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        match &self.content_type {
            Some(ct) => write!(f, ", content type {ct:?}")?,
            None => f.write_str(", no content type")?,
        }
        if let Some(location) = &self.location {
            write!(f, ", location {location:?}")?;
        }
        if self.body_len == 0 {
            f.write_str(", empty body")
        } else if self.is_body_withheld() {
            write!(
                f,
                ", body of {} bytes withheld (the response may hold secrets)",
                self.body_len
            )
        } else if self.is_snippet_truncated() {
            write!(
                f,
                ", body ({} bytes, starts with) {:?}",
                self.body_len, self.body_snippet
            )
        } else {
            write!(f, ", body {:?}", self.body_snippet)
        }
    }
}

/// Returns a prefix of `body` of at most `limit` bytes as text, never splitting a
/// UTF-8 character (invalid UTF-8 is replaced by U+FFFD).
pub fn body_snippet(body: &[u8], limit: usize) -> String {
    let mut prefix = &body[..body.len().min(limit)];
    if prefix.len() < body.len() {
        // Do not cut a multi-byte character in half: drop an incomplete tail.
        if let Err(e) = std::str::from_utf8(prefix) {
            if e.error_len().is_none() {
                prefix = &prefix[..e.valid_up_to()];
            }
        }
    }
    let mut text = String::from_utf8_lossy(prefix).into_owned();
    // Lossy replacement can grow the text; keep the byte bound promised above.
    if text.len() > limit {
        let mut cut = limit;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

/// Why a response body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body was empty (or only whitespace) where a value was expected.
    Empty,
    /// The body is not JSON: the `Content-Type` names another format (for
    /// example an HTML error page from a proxy or load balancer), or, without a
    /// content type, the body does not even start like JSON.
    NotJson,
    /// The body is JSON-like but is syntactically invalid, truncated, or does not
    /// match the expected type.
    Malformed {
        /// Where decoding failed, as a path into the document such as
        /// `data[1].spec.owner.id` (`.` is the document root).
        path: String,
        /// The decoder's message, for example
        /// `invalid type: integer `5`, expected a string at line 1 column 12`.
        message: String,
    },
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeErrorKind::Empty => f.write_str("the response body is empty"),
            DecodeErrorKind::NotJson => f.write_str("the response body is not JSON"),
            DecodeErrorKind::Malformed { path, message } => {
                write!(f, "the response body is not valid JSON for the expected type at `{path}`: {message}")
            }
        }
    }
}

/// A response body that could not be decoded into the expected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// The response that could not be decoded.
    pub response: ResponseContext,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind, self.response)
    }
}

impl std::error::Error for DecodeError {}

/// A request body could not be serialised (or a file of a multipart body could not be read).
///
/// The underlying `serde_json` or I/O error, if any, is available through
/// [`std::error::Error::source`].
#[derive(Debug)]
pub struct EncodeError {
    inner: Box<EncodeErrorInner>,
}

#[derive(Debug)]
struct EncodeErrorInner {
    format: &'static str,
    detail: Option<String>,
    source: Option<BoxError>,
}

impl EncodeError {
    /// A value could not be serialised to JSON.
    pub fn json(source: serde_json::Error) -> Self {
        EncodeError {
            inner: Box::new(EncodeErrorInner {
                format: "JSON",
                detail: None,
                source: Some(Box::new(source)),
            }),
        }
    }

    /// A value could not be serialised as an `application/x-www-form-urlencoded` body.
    pub fn form(detail: impl Into<String>, source: Option<serde_json::Error>) -> Self {
        EncodeError {
            inner: Box::new(EncodeErrorInner {
                format: "a form (application/x-www-form-urlencoded)",
                detail: Some(detail.into()),
                source: source.map(|e| Box::new(e) as BoxError),
            }),
        }
    }

    /// A `multipart/form-data` body could not be built (a file could not be read).
    pub fn multipart(detail: impl Into<String>, source: Option<BoxError>) -> Self {
        EncodeError {
            inner: Box::new(EncodeErrorInner {
                format: "multipart/form-data",
                detail: Some(detail.into()),
                source,
            }),
        }
    }

    /// The target format, for example `"JSON"`.
    pub fn format(&self) -> &'static str {
        self.inner.format
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not encode the request body as {}",
            self.inner.format
        )?;
        if let Some(detail) = &self.inner.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
}

/// The category of a [`TransportError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (DNS failure, connection
    /// refused, TLS handshake failure, ...).
    Connect,
    /// The request (including reading the response body) or the connection
    /// attempt took longer than the configured timeout.
    Timeout,
    /// The response body is larger than the client's `max_response_bytes`.
    BodyTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The connection failed while the response body was being read, for
    /// example the server closed it before sending the announced length.
    Body,
    /// Sending the request failed after the connection was established (for
    /// example the connection was reset).
    Request,
    /// Following a redirect failed (too many redirects, or a redirect to plain
    /// `http://` while credentials are in use).
    Redirect,
    /// The request could not be built; nothing was sent.
    InvalidRequest {
        /// What is wrong with the request (never contains header values).
        reason: String,
    },
    /// The credentials of the attempt could not be obtained: the
    /// [`TokenProvider`](super::TokenProvider) failed (its error is the
    /// [`source`](std::error::Error::source)) or gave a token that cannot be
    /// sent; nothing was sent.
    Credentials {
        /// What went wrong (never the token itself).
        reason: String,
    },
    /// The [`RequestHook`](super::RequestHook) failed (its error is the
    /// [`source`](std::error::Error::source)); nothing was sent.
    Hook {
        /// What went wrong.
        reason: String,
    },
    /// The runtime that `Blocking::wait` (the `blocking` cargo feature) drives requests on could
    /// not be started; nothing was sent.
    Runtime {
        /// What went wrong.
        reason: String,
    },
}

impl TransportErrorKind {
    /// Whether a failure of this kind may succeed when retried.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            TransportErrorKind::Connect
                | TransportErrorKind::Timeout
                | TransportErrorKind::Body
                | TransportErrorKind::Request
        )
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportErrorKind::Connect => f.write_str("could not connect to the server"),
            TransportErrorKind::Timeout => f.write_str("the request timed out"),
            TransportErrorKind::BodyTooLarge { limit } => {
                write!(
                    f,
                    "the response body is larger than the limit of {limit} bytes"
                )
            }
            TransportErrorKind::Body => {
                f.write_str("the connection failed while reading the response body")
            }
            TransportErrorKind::Request => f.write_str("the request could not be sent"),
            TransportErrorKind::Redirect => f.write_str("a redirect could not be followed"),
            TransportErrorKind::InvalidRequest { reason } => write!(f, "invalid request: {reason}"),
            TransportErrorKind::Credentials { reason } => {
                write!(f, "the credentials could not be obtained: {reason}")
            }
            TransportErrorKind::Hook { reason } => write!(f, "the request hook failed: {reason}"),
            TransportErrorKind::Runtime { reason } => write!(f, "{reason}"),
        }
    }
}

/// The request did not produce a complete HTTP response: connection failure,
/// timeout, oversized or interrupted body, or an invalid request.
///
/// The underlying `reqwest` error, if any, is available through
/// [`std::error::Error::source`] and [`TransportError::reqwest_error`]; it is
/// stripped of the request URL, so neither `Display` nor `Debug` of the error
/// (or of its source) shows path or query values, which may hold secrets.
pub struct TransportError {
    inner: Box<TransportErrorInner>,
}

struct TransportErrorInner {
    kind: TransportErrorKind,
    method: Method,
    path_template: &'static str,
    attempts: u32,
    source: Option<Source>,
}

/// The underlying error: `reqwest`'s (stripped of the URL), or one a token
/// provider or request hook returned.
enum Source {
    Reqwest(reqwest::Error),
    Other(BoxError),
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Reqwest(e) => fmt::Debug::fmt(e, f),
            Source::Other(e) => fmt::Debug::fmt(e, f),
        }
    }
}

impl TransportError {
    /// Creates an error of the given kind for the request `method path_template`.
    pub fn new(
        kind: TransportErrorKind,
        method: Method,
        path_template: &'static str,
        attempts: u32,
    ) -> Self {
        TransportError {
            inner: Box::new(TransportErrorInner {
                kind,
                method,
                path_template,
                attempts,
                source: None,
            }),
        }
    }

    /// Classifies a `reqwest` error and wraps it.
    pub fn from_reqwest(
        err: reqwest::Error,
        method: Method,
        path_template: &'static str,
        attempts: u32,
    ) -> Self {
        let kind = if err.is_timeout() {
            TransportErrorKind::Timeout
        } else if err.is_connect() {
            TransportErrorKind::Connect
        } else if err.is_body() || err.is_decode() {
            TransportErrorKind::Body
        } else if err.is_redirect() {
            TransportErrorKind::Redirect
        } else if err.is_builder() {
            TransportErrorKind::InvalidRequest {
                reason: "the HTTP client rejected the request".to_owned(),
            }
        } else {
            TransportErrorKind::Request
        };
        let mut error = TransportError::new(kind, method, path_template, attempts);
        // The URL's path and query may hold secrets (`?api_key=...`); the path
        // template identifies the request instead.
        error.inner.source = Some(Source::Reqwest(err.without_url()));
        error
    }

    /// An error of the given kind caused by `source` (a token provider's or
    /// request hook's error).
    pub(super) fn caused_by(
        kind: TransportErrorKind,
        method: Method,
        path_template: &'static str,
        attempts: u32,
        source: BoxError,
    ) -> Self {
        let mut error = TransportError::new(kind, method, path_template, attempts);
        error.inner.source = Some(Source::Other(source));
        error
    }

    /// The category of the failure.
    pub fn kind(&self) -> &TransportErrorKind {
        &self.inner.kind
    }

    /// How many attempts were made in total (1 when the request was not retried).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The HTTP method of the failed request.
    pub fn method(&self) -> &Method {
        &self.inner.method
    }

    /// The OpenAPI path template of the failed request, e.g. `/iam/v2/api-keys/{id}`.
    pub fn path_template(&self) -> &'static str {
        self.inner.path_template
    }

    /// Whether the request (or connecting) timed out.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.inner.kind == TransportErrorKind::Connect
    }

    /// The underlying `reqwest` error, if the failure came from `reqwest`.
    pub fn reqwest_error(&self) -> Option<&reqwest::Error> {
        match &self.inner.source {
            Some(Source::Reqwest(e)) => Some(e),
            _ => None,
        }
    }

    pub(super) fn set_attempts(&mut self, attempts: u32) {
        self.inner.attempts = attempts;
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.inner.kind)
            .field("method", &self.inner.method)
            .field("path_template", &self.inner.path_template)
            .field("attempts", &self.inner.attempts)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner.path_template.is_empty() {
            // Not about one request (the blocking runtime could not start).
            write!(f, "{}", self.inner.kind)?;
        } else {
            write!(
                f,
                "{} {}: {}",
                self.inner.method, self.inner.path_template, self.inner.kind
            )?;
        }
        match self.inner.attempts {
            0 => Ok(()),
            1 => f.write_str(" (1 attempt)"),
            n => write!(f, " ({n} attempts)"),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.source {
            Some(Source::Reqwest(e)) => Some(e),
            Some(Source::Other(e)) => Some(&**e),
            None => None,
        }
    }
}

/// A documented error response: the operation's own error value with the
/// status and request id it arrived with.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: u16,
    /// The `X-Request-Id` response header, if any.
    pub request_id: Option<String>,
    /// The decoded error response (one variant per documented status).
    pub error: E,
    /// Every response header, beside the typed ones the variant may carry.
    pub headers: ResponseHeaders,
}

impl<E> ApiError<E> {
    /// Whether the status is 5xx.
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.status)
    }

    /// Whether the server answered 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429
    }

    /// Whether trying again later may succeed (429, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 429 | 502 | 503 | 504)
    }

    /// How long the server asked to wait (`Retry-After`, else `X-RateLimit-Reset`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after_in(&self.headers.0)
    }
}

/// The wait a response's headers ask for: `Retry-After` (seconds or an HTTP date), else
/// `X-RateLimit-Reset` (seconds). One reading for [`ApiError::retry_after`] and
/// [`Error::retry_after`], so the two never disagree.
fn retry_after_in(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    text("retry-after")
        .and_then(|v| super::retry::parse_retry_after(v, std::time::SystemTime::now()))
        .or_else(|| text("x-ratelimit-reset").and_then(super::retry::parse_rate_limit_reset))
}

/// The error type of every generated operation.
///
/// `E` is the operation's own enum of documented error responses (for example
/// `ListApiKeysError` with one variant per documented 4xx/5xx status); it only
/// needs to implement [`Debug`](fmt::Debug) for `Error<E>` to implement
/// [`Display`](fmt::Display) and [`std::error::Error`].
///
/// Large payloads are boxed so that `Result<T, Error<E>>` stays small; the size
/// of `Error<E>` is essentially that of `E` (or two words, whichever is larger).
#[derive(Debug)]
pub enum Error<E> {
    /// The server answered with a documented error status; the body was decoded
    /// into the operation's error enum. Boxed, so results stay small.
    Api(Box<ApiError<E>>),
    /// The server answered with a status the API description does not document
    /// for this operation.
    UnexpectedStatus(Box<ResponseContext>),
    /// The response body could not be decoded (empty, not JSON, or malformed).
    Decode(Box<DecodeError>),
    /// The request body could not be serialised; nothing was sent.
    Encode(EncodeError),
    /// No complete response was received (connection error, timeout, body too
    /// large or interrupted, invalid request).
    Transport(TransportError),
    /// A paginated list stream was stopped because the server kept returning
    /// next-page tokens that lead nowhere (see
    /// [`PageLimits`](super::PageLimits)).
    Pagination(PaginationError),
}

impl<E> Error<E> {
    /// The HTTP status of the response this error came from, if the server
    /// answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(a) => Some(a.status),
            _ => self.response().map(|r| r.status),
        }
    }

    /// The `X-Request-Id` of the response this error came from, if known.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(a) => a.request_id.as_deref(),
            _ => self.response().and_then(|r| r.request_id.as_deref()),
        }
    }

    /// The response headers, when the server answered (documented or not).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(a) => Some(&a.headers),
            _ => self.response().map(|r| &*r.headers),
        }
    }

    /// Whether the server answered with a 5xx status (documented or not; an HTML page from a
    /// proxy included).
    pub fn is_server_error(&self) -> bool {
        self.status().is_some_and(|s| (500..600).contains(&s))
    }

    /// Whether the server answered 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether trying again later may succeed: 429, 502, 503, 504, or a transient transport
    /// failure (connection, timeout, cut-off body). The client has already retried within its
    /// [`RetryPolicy`](super::RetryPolicy) and deadline.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(t) => t.kind().is_transient(),
            _ => matches!(self.status(), Some(429 | 502 | 503 | 504)),
        }
    }

    /// How long the server asked to wait (`Retry-After`, else `X-RateLimit-Reset`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after_in(self.headers()?)
    }

    /// The documented error response, if this is an [`Error::Api`].
    pub fn api(&self) -> Option<&E> {
        match self {
            Error::Api(a) => Some(&a.error),
            _ => None,
        }
    }

    /// Consumes the error, returning the documented error response if this is
    /// an [`Error::Api`].
    pub fn into_api(self) -> Option<E> {
        match self {
            Error::Api(a) => Some(a.error),
            _ => None,
        }
    }

    /// The response context of an [`Error::UnexpectedStatus`] or [`Error::Decode`].
    pub fn response(&self) -> Option<&ResponseContext> {
        match self {
            Error::UnexpectedStatus(r) => Some(r),
            Error::Decode(d) => Some(&d.response),
            _ => None,
        }
    }

    /// The transport error, if this is an [`Error::Transport`].
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            Error::Transport(t) => Some(t),
            _ => None,
        }
    }

    /// The pagination error, if this is an [`Error::Pagination`].
    pub fn pagination(&self) -> Option<&PaginationError> {
        match self {
            Error::Pagination(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.transport().is_some_and(TransportError::is_timeout)
    }

    /// Converts the documented error response with `f`, keeping every other variant.
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api(a) => {
                let ApiError { status, request_id, error, headers } = *a;
                Error::Api(Box::new(ApiError { status, request_id, error: f(error), headers }))
            }
            Error::UnexpectedStatus(r) => Error::UnexpectedStatus(r),
            Error::Decode(d) => Error::Decode(d),
            Error::Encode(e) => Error::Encode(e),
            Error::Transport(t) => Error::Transport(t),
            Error::Pagination(p) => Error::Pagination(p),
        }
    }
}

impl<E> From<TransportError> for Error<E> {
    fn from(err: TransportError) -> Self {
        Error::Transport(err)
    }
}

impl<E> From<PaginationError> for Error<E> {
    fn from(err: PaginationError) -> Self {
        Error::Pagination(err)
    }
}

impl<E> From<EncodeError> for Error<E> {
    fn from(err: EncodeError) -> Self {
        Error::Encode(err)
    }
}

impl<E> From<DecodeError> for Error<E> {
    fn from(err: DecodeError) -> Self {
        Error::Decode(Box::new(err))
    }
}

impl<E> From<Box<DecodeError>> for Error<E> {
    fn from(err: Box<DecodeError>) -> Self {
        Error::Decode(err)
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(a) => {
                write!(f, "the API returned a documented error (HTTP {}", a.status)?;
                if let Some(id) = &a.request_id {
                    write!(f, ", request id {id}")?;
                }
                write!(f, "): {:?}", a.error)
            }
            Error::UnexpectedStatus(r) => write!(f, "unexpected response ({r})"),
            Error::Decode(d) => fmt::Display::fmt(d, f),
            Error::Encode(e) => fmt::Display::fmt(e, f),
            Error::Transport(t) => fmt::Display::fmt(t, f),
            Error::Pagination(p) => fmt::Display::fmt(p, f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // Decode, Encode, Transport and Pagination are displayed transparently,
        // so their own sources come next in the chain.
        match self {
            Error::Api(_)
            | Error::UnexpectedStatus(_)
            | Error::Decode(_)
            | Error::Pagination(_) => None,
            Error::Encode(e) => std::error::Error::source(e),
            Error::Transport(t) => std::error::Error::source(t),
        }
    }
}
