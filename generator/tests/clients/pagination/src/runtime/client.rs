//! The HTTP client: configuration, authentication, retries and response reading.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, Url};
use tracing::Instrument;

use super::error::{TransportError, TransportErrorKind};
use super::pagination::PageLimits;
use super::request::{check_path, RequestSpec};
use super::response::{RawResponse, REQUEST_ID_HEADER};
use super::retry::{millis, RetryPolicy};

/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] says otherwise:
/// `<crate name>/<crate version> (openapi-forge)` of the crate this runtime is
/// compiled into.
pub const DEFAULT_USER_AGENT: &str = concat!(
    env!("CARGO_PKG_NAME"),
    "/",
    env!("CARGO_PKG_VERSION"),
    " (openapi-forge)"
);

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
/// Most redirects followed for one attempt.
const MAX_REDIRECTS: usize = 10;
const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Credentials as configured; never printed.
#[derive(Clone)]
enum Credentials {
    Basic { key: String, secret: String },
    Bearer(String),
}

impl Credentials {
    fn description(&self) -> &'static str {
        match self {
            Credentials::Basic { .. } => "basic auth (redacted)",
            Credentials::Bearer(_) => "bearer token (redacted)",
        }
    }

    fn header_value(&self) -> Result<HeaderValue, BuildError> {
        let invalid = |reason| BuildError::InvalidCredentials { reason };
        let text = match self {
            Credentials::Basic { key, secret } => {
                if key.is_empty() || secret.is_empty() {
                    return Err(invalid("the API key and secret must not be empty"));
                }
                if key.contains(':') {
                    return Err(invalid("the API key must not contain ':'"));
                }
                format!(
                    "Basic {}",
                    base64_encode(format!("{key}:{secret}").as_bytes())
                )
            }
            Credentials::Bearer(token) => {
                if token.is_empty() {
                    return Err(invalid("the bearer token must not be empty"));
                }
                format!("Bearer {token}")
            }
        };
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| invalid("the bearer token contains characters not allowed in a header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// Standard base64 with padding (RFC 4648 §4), for HTTP basic auth.
fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(chunk[0]) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// Replaces user info in a URL-like string so that it can be shown.
fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("redacted");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) if url.contains('@') => "<redacted>".to_owned(),
        _ => url.to_owned(),
    }
}

/// Why [`ClientBuilder::build`] failed. Messages never contain credentials.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No base URL was configured (use [`ClientBuilder::base_url`]).
    MissingBaseUrl,
    /// The base URL is not an absolute `http`/`https` URL without user info,
    /// query or fragment.
    InvalidBaseUrl {
        /// The offending URL (with any user info redacted).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Credentials are configured but the base URL is plain `http://`; they
    /// would be sent in clear text. Use `https://`, or
    /// [`ClientBuilder::allow_insecure_http`] for local testing.
    InsecureHttp {
        /// The base URL.
        url: String,
    },
    /// The credentials cannot be sent in an HTTP header.
    InvalidCredentials {
        /// What is wrong with them (never the credentials themselves).
        reason: &'static str,
    },
    /// The user agent is not a valid header value.
    InvalidUserAgent,
    /// The underlying `reqwest` client could not be built.
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingBaseUrl => f.write_str("no base URL was configured"),
            BuildError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            BuildError::InsecureHttp { url } => write!(
                f,
                "refusing to send credentials over plain HTTP to {url:?} \
                 (use https, or allow_insecure_http(true) for local testing)"
            ),
            BuildError::InvalidCredentials { reason } => write!(f, "invalid credentials: {reason}"),
            BuildError::InvalidUserAgent => {
                f.write_str("the user agent is not a valid HTTP header value")
            }
            BuildError::Http(_) => f.write_str("the HTTP client could not be built"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Configures and builds a [`Client`].
///
/// Generated crates define `Client::builder()` as
/// [`ClientBuilder::with_default_base_url`] with the first server URL of the
/// API description; [`ClientBuilder::new`] starts without a base URL.
///
/// # Time limits
///
/// * [`timeout`](Self::timeout) bounds one attempt (default 60 s),
///   [`connect_timeout`](Self::connect_timeout) establishing a connection
///   (default 10 s);
/// * [`deadline`](Self::deadline) bounds one whole [`Client::execute`] call,
///   every retry and every wait included (default 120 s).
///
/// # Redirects
///
/// The client built here follows a redirect only within the same origin
/// (scheme, host and port all equal to those of the URL redirected from), at
/// most 10 in a row; more is a [`TransportErrorKind::Redirect`] error. A
/// redirect to another origin is not followed: the 3xx response is returned
/// to the caller as is (generated operations report it as an undocumented
/// status, with its `Location` in the
/// [`ResponseContext`](super::ResponseContext)), so credentials, custom
/// headers such as API keys, and request bodies are never sent to another
/// host. With [`reqwest_client`](Self::reqwest_client) the redirect policy is
/// that of the supplied client.
#[derive(Clone)]
#[must_use = "a ClientBuilder does nothing until build() is called"]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    retry_policy: RetryPolicy,
    user_agent: Option<String>,
    reqwest_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    max_response_bytes: usize,
    deadline: Duration,
    page_limits: PageLimits,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with default settings and no base URL.
    pub fn new() -> Self {
        ClientBuilder {
            base_url: None,
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry_policy: RetryPolicy::default(),
            user_agent: None,
            reqwest_client: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            deadline: DEFAULT_DEADLINE,
            page_limits: PageLimits::default(),
        }
    }

    /// A builder with default settings whose base URL is `url` (still
    /// overridable with [`base_url`](Self::base_url)). Generated code calls
    /// this with the API description's server URL, e.g.
    /// `ClientBuilder::with_default_base_url("https://api.confluent.cloud")`.
    pub fn with_default_base_url(url: &'static str) -> Self {
        ClientBuilder::new().base_url(url)
    }

    /// The base URL every request path is appended to, e.g.
    /// `https://api.confluent.cloud` (trailing slashes are removed). It may
    /// contain a path prefix.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticates with HTTP basic auth, e.g. with a Confluent Cloud API key
    /// and secret. Replaces any bearer token.
    pub fn basic_auth(mut self, key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Basic {
            key: key.into(),
            secret: secret.into(),
        });
        self
    }

    /// Authenticates with `Authorization: Bearer <token>`, e.g. with an STS
    /// access token. Replaces any basic auth credentials.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Bearer(token.into()));
        self
    }

    /// Timeout of one attempt, from connecting until the response body is
    /// read (default 60 s; [`RequestSpec::timeout`] overrides it per request).
    /// An attempt never gets more than is left of the [`deadline`](Self::deadline).
    /// It also applies when a [`reqwest_client`](Self::reqwest_client) is
    /// supplied: it is set on every request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default 10 s). It cannot be
    /// applied when a [`reqwest_client`](Self::reqwest_client) is supplied
    /// (`reqwest` only sets it when building a client): configure it on that
    /// client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Bound on one whole [`Client::execute`] call, including every retry and
    /// every wait between attempts (default 120 s).
    ///
    /// Each attempt gets the smaller of the [`timeout`](Self::timeout) and the
    /// time left. A retry whose wait would end after the deadline is not made:
    /// the last response (e.g. a 429 or 503) or the last transport error is
    /// returned at once. It also applies with a
    /// [`reqwest_client`](Self::reqwest_client).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Bounds on walking paginated lists (default [`PageLimits::default`]);
    /// generated `*_stream` methods pass [`Client::page_limits`] to
    /// [`paginate`](super::pagination::paginate).
    pub fn page_limits(mut self, limits: PageLimits) -> Self {
        self.page_limits = limits;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::none`]
    /// disables retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// The `User-Agent` header (default [`DEFAULT_USER_AGENT`]; when a
    /// [`reqwest_client`](Self::reqwest_client) is supplied and this is not
    /// set, that client's own user agent is used).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this `reqwest` client (proxies, custom TLS roots, ...) instead of
    /// building one. Its redirect policy, connect timeout and connection pool
    /// are then the caller's responsibility: [`connect_timeout`](Self::connect_timeout)
    /// is ignored, and redirects are followed as that client's policy says
    /// (`reqwest`'s default follows up to 10 redirects to any host). The
    /// [`timeout`](Self::timeout) and the [`deadline`](Self::deadline) still
    /// apply to every attempt.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.reqwest_client = Some(client);
        self
    }

    /// Allows sending credentials to a plain `http://` base URL (default
    /// `false`). Only meant for local test servers.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Largest response body accepted, in bytes (default 32 MiB). Larger bodies
    /// fail with [`TransportErrorKind::BodyTooLarge`] without being buffered.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] if no base URL is set or it is invalid, if credentials
    /// would be sent over plain `http://` without
    /// [`allow_insecure_http`](Self::allow_insecure_http), if the credentials
    /// or user agent cannot be sent as headers, or if `reqwest` fails to build
    /// its client.
    pub fn build(self) -> Result<Client, BuildError> {
        let raw = self.base_url.as_deref().ok_or(BuildError::MissingBaseUrl)?;
        let invalid = |reason: &str| BuildError::InvalidBaseUrl {
            url: redact_url(raw),
            reason: reason.to_owned(),
        };
        let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(invalid("the scheme must be https or http"));
        }
        if url.host().is_none() {
            return Err(invalid("the URL has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "the URL must not contain user info; use basic_auth() instead",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("the URL must not contain a query or fragment"));
        }
        let base_url = url.as_str().trim_end_matches('/').to_owned();

        let insecure = url.scheme() == "http";
        if insecure && self.credentials.is_some() && !self.allow_insecure_http {
            return Err(BuildError::InsecureHttp { url: base_url });
        }
        let auth = self
            .credentials
            .as_ref()
            .map(|c| Ok::<_, BuildError>((c.header_value()?, c.description())))
            .transpose()?;

        let user_agent = match (&self.user_agent, &self.reqwest_client) {
            (Some(ua), _) => Some(ua.as_str()),
            (None, None) => Some(DEFAULT_USER_AGENT),
            (None, Some(_)) => None,
        };
        let user_agent = user_agent
            .map(|ua| HeaderValue::from_str(ua).map_err(|_| BuildError::InvalidUserAgent))
            .transpose()?;

        let custom_http = self.reqwest_client.is_some();
        let http = match self.reqwest_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .redirect(same_origin_redirects())
                // Never follow a redirect from https to plain http with credentials.
                .https_only(auth.is_some() && !insecure)
                .build()
                .map_err(BuildError::Http)?,
        };

        Ok(Client {
            inner: Arc::new(ClientInner {
                base_url,
                http,
                custom_http,
                auth,
                user_agent,
                retry_policy: self.retry_policy,
                max_response_bytes: self.max_response_bytes,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                deadline: self.deadline,
                page_limits: self.page_limits,
            }),
        })
    }
}

/// Whether waiting `delay` from now ends before `deadline` (`None`: no deadline).
fn fits_before(deadline: Option<Instant>, delay: Duration) -> bool {
    match deadline {
        None => true,
        Some(deadline) => Instant::now()
            .checked_add(delay)
            .is_some_and(|end| end < deadline),
    }
}

/// The redirect policy of the clients built by [`ClientBuilder::build`]:
/// follow only within the same origin, at most [`MAX_REDIRECTS`] in a row;
/// stop (returning the 3xx) at a redirect to another origin.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        // `previous` holds every URL requested so far, the one that answered
        // with this redirect last.
        let hops = attempt.previous().len();
        let same_origin = attempt
            .previous()
            .last()
            .is_some_and(|from| from.origin() == attempt.url().origin());
        if !same_origin {
            tracing::debug!(
                status = attempt.status().as_u16(),
                "not following a redirect to another origin"
            );
            attempt.stop()
        } else if hops > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field(
                "credentials",
                &self.credentials.as_ref().map(Credentials::description),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("user_agent", &self.user_agent)
            .field("custom_reqwest_client", &self.reqwest_client.is_some())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("deadline", &self.deadline)
            .field("page_limits", &self.page_limits)
            .finish()
    }
}

/// An API client: base URL, credentials, retry policy and a connection pool.
///
/// Cheap to clone (the state is shared behind an [`Arc`]); clones share the
/// connection pool. Its `Debug` output never shows credentials.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    base_url: String,
    http: reqwest::Client,
    custom_http: bool,
    auth: Option<(HeaderValue, &'static str)>,
    user_agent: Option<HeaderValue>,
    retry_policy: RetryPolicy,
    max_response_bytes: usize,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Duration,
    page_limits: PageLimits,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut s = f.debug_struct("Client");
        s.field("base_url", &inner.base_url)
            .field("credentials", &inner.auth.as_ref().map(|(_, d)| *d))
            .field("user_agent", &inner.user_agent)
            .field("retry_policy", &inner.retry_policy)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("timeout", &inner.timeout)
            .field("deadline", &inner.deadline)
            .field("page_limits", &inner.page_limits);
        if inner.custom_http {
            s.field("custom_reqwest_client", &true);
        } else {
            s.field("connect_timeout", &inner.connect_timeout);
        }
        s.finish()
    }
}

/// The request parts computed once and reused by every attempt.
struct Prepared {
    url: Url,
    headers: HeaderMap,
}

/// What one attempt produced.
enum Attempt {
    Done(RawResponse),
    RetryAfter(Duration),
    Failed(TransportError),
}

impl Client {
    // `Client::builder()` is deliberately not defined here: each generated
    // crate defines it next to its `DEFAULT_BASE_URL`, as
    // `ClientBuilder::with_default_base_url(DEFAULT_BASE_URL)`, and two
    // inherent `builder` functions in one crate would not compile.

    /// The base URL, without trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// Whether credentials are configured.
    pub fn has_credentials(&self) -> bool {
        self.inner.auth.is_some()
    }

    /// The largest accepted response body, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    /// The underlying `reqwest` client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The bound on one [`execute`](Self::execute) call, retries and waits
    /// included (see [`ClientBuilder::deadline`]).
    pub fn deadline(&self) -> Duration {
        self.inner.deadline
    }

    /// The bounds for walking paginated lists; generated stream methods call
    /// `paginate(self.page_limits(), ...)`.
    pub fn page_limits(&self) -> PageLimits {
        self.inner.page_limits
    }

    /// Sends the request and returns the final response.
    ///
    /// Adds `Accept: application/json`, the user agent and (if
    /// `spec` is [authenticated](RequestSpec::authenticated) and credentials
    /// are configured) the `Authorization` header, then retries according to
    /// the [`RetryPolicy`], all within the client's
    /// [deadline](ClientBuilder::deadline). Redirects are followed only within
    /// the same origin (see [`ClientBuilder`]). Every attempt runs inside an
    /// `http_request` tracing span with `method`, `path` (the template),
    /// `attempt`, and, once known, `status` and `request_id`; credentials and
    /// bodies are never traced.
    ///
    /// # Errors
    ///
    /// Any HTTP status is `Ok`: when retries are exhausted, or the next wait
    /// would end after the deadline, the last response (e.g. the last 429) is
    /// returned. `Err` means no complete response was obtained (see
    /// [`TransportErrorKind`]): the request was invalid, the connection failed
    /// or timed out on the last attempt, or the body was too large or cut off.
    pub async fn execute(&self, spec: RequestSpec) -> Result<RawResponse, TransportError> {
        let prepared = self.prepare(&spec)?;
        let policy = &self.inner.retry_policy;
        // `None` only if the deadline is too far away to represent: no deadline.
        let deadline = Instant::now().checked_add(self.inner.deadline);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "http_request",
                method = %spec.method,
                path = spec.path_template,
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let outcome = self
                .attempt(&spec, &prepared, attempt, deadline)
                .instrument(span.clone())
                .await;
            let delay = match outcome {
                Attempt::Done(response) => return Ok(response),
                Attempt::RetryAfter(delay) => delay,
                Attempt::Failed(mut error) => {
                    let delay = policy
                        .transport_retry_delay(&spec.method, error.kind(), attempt)
                        .filter(|&delay| {
                            let fits = fits_before(deadline, delay);
                            if !fits {
                                span.in_scope(|| {
                                    tracing::debug!(
                                        error = %error.kind(),
                                        "request failed; no time left before the deadline to retry"
                                    );
                                });
                            }
                            fits
                        });
                    match delay {
                        Some(delay) => {
                            span.in_scope(|| {
                                tracing::debug!(
                                    error = %error.kind(),
                                    delay_ms = millis(delay),
                                    "request failed; retrying"
                                );
                            });
                            delay
                        }
                        None => {
                            error.set_attempts(attempt);
                            return Err(error);
                        }
                    }
                }
            };
            tokio::time::sleep(delay).await;
        }
    }

    fn prepare(&self, spec: &RequestSpec) -> Result<Prepared, TransportError> {
        let invalid = |reason: String| {
            TransportError::new(
                TransportErrorKind::InvalidRequest { reason },
                spec.method.clone(),
                spec.path_template,
                0,
            )
        };
        check_path(spec.path_template, &spec.path).map_err(invalid)?;
        let separator = if spec.path.starts_with('/') { "" } else { "/" };
        let mut url = Url::parse(&format!("{}{separator}{}", self.inner.base_url, spec.path))
            .map_err(|e| invalid(format!("the request URL is invalid: {e}")))?;
        if !spec.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &spec.query {
                pairs.append_pair(name, value);
            }
        }

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(ua) = &self.inner.user_agent {
            headers.insert(USER_AGENT, ua.clone());
        }
        if spec.authenticated {
            if let Some((auth, _)) = &self.inner.auth {
                headers.insert(AUTHORIZATION, auth.clone());
            }
        }
        if let Some(body) = &spec.body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(body.content_type));
        }
        let mut explicit: Vec<HeaderName> = Vec::new();
        for (name, value) in &spec.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("invalid header name `{name}`")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| invalid(format!("invalid value for header `{name}`")))?;
            if explicit.contains(&name) {
                headers.append(name, value);
            } else {
                headers.insert(name.clone(), value);
                explicit.push(name);
            }
        }
        Ok(Prepared { url, headers })
    }

    /// One attempt: send, then either decide to retry on the status or read
    /// the whole body.
    async fn attempt(
        &self,
        spec: &RequestSpec,
        prepared: &Prepared,
        attempt: u32,
        deadline: Option<Instant>,
    ) -> Attempt {
        let fail = |e: reqwest::Error| {
            Attempt::Failed(TransportError::from_reqwest(
                e,
                spec.method.clone(),
                spec.path_template,
                attempt,
            ))
        };
        let mut request = self
            .inner
            .http
            .request(spec.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone());
        if let Some(body) = &spec.body {
            request = request.body(body.bytes.clone());
        }
        // Set on every request, so that it also applies to a caller-supplied
        // reqwest client, and cut to what is left of the deadline.
        let mut timeout = spec.timeout.unwrap_or(self.inner.timeout);
        if let Some(deadline) = deadline {
            timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
        }
        request = request.timeout(timeout);
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => return fail(e),
        };

        let status = response.status().as_u16();
        let span = tracing::Span::current();
        span.record("status", status);
        if let Some(id) = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            span.record("request_id", id);
        }

        let policy = &self.inner.retry_policy;
        if let Some(delay) =
            policy.status_retry_delay(&spec.method, status, response.headers(), attempt)
        {
            if fits_before(deadline, delay) {
                tracing::debug!(
                    status,
                    delay_ms = millis(delay),
                    "retryable status; retrying"
                );
                return Attempt::RetryAfter(delay);
            }
            // Not retried: this response is the result, so read its body.
            tracing::debug!(
                status,
                delay_ms = millis(delay),
                "retryable status, but the wait would end after the deadline; not retrying"
            );
        }

        let limit = self.inner.max_response_bytes;
        let too_large = || {
            Attempt::Failed(TransportError::new(
                TransportErrorKind::BodyTooLarge { limit },
                spec.method.clone(),
                spec.path_template,
                attempt,
            ))
        };
        let announced = if spec.method == Method::HEAD {
            None
        } else {
            response.content_length()
        };
        if announced.is_some_and(|len| usize::try_from(len).map_or(true, |len| len > limit)) {
            return too_large();
        }
        let headers = std::mem::take(response.headers_mut());
        let capacity = announced.map_or(0, |len| {
            usize::try_from(len)
                .unwrap_or(usize::MAX)
                .min(limit)
                .min(1 << 20)
        });
        let mut body = BytesMut::with_capacity(capacity);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if chunk.len() > limit - body.len() {
                        return too_large();
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return fail(e),
            }
        }
        Attempt::Done(RawResponse {
            status,
            headers,
            body: body.freeze(),
            attempts: attempt,
            sensitive: spec.sensitive,
        })
    }
}
