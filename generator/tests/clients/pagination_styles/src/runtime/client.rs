//! The HTTP client: configuration, the shared transport, authentication,
//! retries and response reading.

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
    // A query or fragment may carry a key (`?api_key=...`): never shown.
    let cut = |u: &str| match u.find(['?', '#']) {
        Some(i) => format!("{}?…", &u[..i]),
        None => u.to_owned(),
    };
    match Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("redacted");
            let _ = parsed.set_password(None);
            cut(parsed.as_str())
        }
        Err(_) if url.contains('@') => "<redacted>".to_owned(),
        _ => cut(url),
    }
}

/// Why [`ClientBuilder::build`], [`ClientBuilder::build_transport`] or making
/// a [`Client`] on a [`Transport`] failed. Messages never contain credentials.
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

/// Configures and builds a [`Client`], or a [`Transport`] shared by several.
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
    /// Set by [`ClientBuilder::base_url`]: wins over every default.
    base_url: Option<String>,
    /// Set by [`ClientBuilder::with_default_base_url`]: used by `build()` when
    /// no explicit base URL was given.
    default_base_url: Option<&'static str>,
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
            default_base_url: None,
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

    /// A builder with default settings whose *default* base URL is `url`:
    /// [`build`](Self::build) uses it unless [`base_url`](Self::base_url) sets
    /// one explicitly. Generated code calls this with the API description's
    /// server URL, e.g.
    /// `ClientBuilder::with_default_base_url("https://api.confluent.cloud")`.
    ///
    /// The default is not an explicit base URL: a [`Transport`] built from
    /// this builder does not carry it
    /// ([`Transport::has_explicit_base_url`] is `false` unless
    /// [`base_url`](Self::base_url) is called too).
    pub fn with_default_base_url(url: &'static str) -> Self {
        let mut builder = ClientBuilder::new();
        builder.default_base_url = Some(url);
        builder
    }

    /// The base URL every request path is appended to, e.g.
    /// `https://api.confluent.cloud` (trailing slashes are removed). It may
    /// contain a path prefix.
    ///
    /// This is an *explicit* base URL: it wins over the default of
    /// [`with_default_base_url`](Self::with_default_base_url) and over the
    /// default passed to [`Transport::client`] (but not over the URL passed to
    /// [`Transport::client_at`]).
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

    /// Validates the configuration and builds the client, at the explicit
    /// base URL of [`base_url`](Self::base_url) if one was given, else at the
    /// default of [`with_default_base_url`](Self::with_default_base_url).
    ///
    /// This is [`build_transport`](Self::build_transport) followed by a
    /// client at that base URL; use those two steps to share one
    /// [`Transport`] (connection pool, retry policy, limits) between several
    /// APIs.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] if no base URL is set or it is invalid, if credentials
    /// would be sent over plain `http://` without
    /// [`allow_insecure_http`](Self::allow_insecure_http), if the credentials
    /// or user agent cannot be sent as headers, or if `reqwest` fails to build
    /// its client.
    pub fn build(self) -> Result<Client, BuildError> {
        // The base URL is checked first, as it always was.
        let raw = self
            .base_url
            .as_deref()
            .or(self.default_base_url)
            .ok_or(BuildError::MissingBaseUrl)?;
        let base_url = BaseUrl::parse(raw)?;
        base_url.check_credentials(self.credentials.is_some(), self.allow_insecure_http)?;
        let transport = self.build_transport()?;
        let auth = transport.inner.default_auth.clone();
        Ok(transport.client_with(base_url, auth))
    }

    /// Validates the configuration and builds the [`Transport`] alone: the
    /// connection pool, retry policy, timeouts, deadline, page limits, user
    /// agent, response size limit, default credentials, and the explicit base
    /// URL of [`base_url`](Self::base_url) if one was given. Clients on it are
    /// made with [`Transport::client`] or [`Transport::client_at`].
    ///
    /// No base URL is required (the default of
    /// [`with_default_base_url`](Self::with_default_base_url) is not kept).
    ///
    /// # Errors
    ///
    /// What [`build`](Self::build) reports, except
    /// [`BuildError::MissingBaseUrl`]: an explicit base URL that is invalid
    /// or plain `http://` with credentials (without
    /// [`allow_insecure_http`](Self::allow_insecure_http)), credentials or a
    /// user agent that cannot be sent as headers, or a `reqwest` failure.
    pub fn build_transport(self) -> Result<Transport, BuildError> {
        let explicit_base_url = self.base_url.as_deref().map(BaseUrl::parse).transpose()?;
        if let Some(base_url) = &explicit_base_url {
            base_url.check_credentials(self.credentials.is_some(), self.allow_insecure_http)?;
        }
        let default_auth = self.credentials.as_ref().map(Auth::new).transpose()?;

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
                // Never send requests (or follow redirects) to plain http when
                // every client of this transport has credentials: with default
                // credentials and without `allow_insecure_http`, every base URL
                // on this transport is https (clients can replace credentials,
                // never drop them). Otherwise the same-origin redirect policy
                // still refuses a redirect from https to http.
                .https_only(default_auth.is_some() && !self.allow_insecure_http)
                .build()
                .map_err(BuildError::Http)?,
        };

        Ok(Transport {
            inner: Arc::new(TransportInner {
                http,
                custom_http,
                default_auth,
                user_agent,
                retry_policy: self.retry_policy,
                max_response_bytes: self.max_response_bytes,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                deadline: self.deadline,
                page_limits: self.page_limits,
                allow_insecure_http: self.allow_insecure_http,
                explicit_base_url,
            }),
        })
    }
}

/// A validated base URL: absolute `http`/`https` with a host, no user info,
/// query or fragment; stored without trailing slash.
#[derive(Clone)]
struct BaseUrl {
    url: String,
    insecure: bool,
}

impl BaseUrl {
    fn parse(raw: &str) -> Result<BaseUrl, BuildError> {
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
        Ok(BaseUrl {
            insecure: url.scheme() == "http",
            url: url.as_str().trim_end_matches('/').to_owned(),
        })
    }

    /// Refuses credentials over plain `http://` unless explicitly allowed.
    fn check_credentials(
        &self,
        has_credentials: bool,
        allow_insecure_http: bool,
    ) -> Result<(), BuildError> {
        if self.insecure && has_credentials && !allow_insecure_http {
            return Err(BuildError::InsecureHttp {
                url: self.url.clone(),
            });
        }
        Ok(())
    }
}

/// The `Authorization` header of some credentials, and their redacted
/// description.
#[derive(Clone)]
struct Auth {
    header: HeaderValue,
    description: &'static str,
}

impl Auth {
    fn new(credentials: &Credentials) -> Result<Auth, BuildError> {
        Ok(Auth {
            header: credentials.header_value()?,
            description: credentials.description(),
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
            .field("default_base_url", &self.default_base_url.map(redact_url))
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

/// What several API clients share: the connection pool (`reqwest` client),
/// retry policy, timeouts, deadline, page limits, user agent, response size
/// limit, whether plain `http://` may carry credentials, the default
/// credentials, and the base URL given explicitly to
/// [`ClientBuilder::base_url`], if any.
///
/// Built with [`ClientBuilder::build_transport`]; each [`Client`] made from
/// it with [`client`](Self::client) or [`client_at`](Self::client_at) has its
/// own base URL (and, with [`Client::with_basic_auth`] or
/// [`Client::with_bearer_token`], possibly its own credentials) and sends its
/// requests through this transport's connection pool.
///
/// Cheap to clone (the state is shared behind an [`Arc`]). Its `Debug`
/// output never shows credentials.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<TransportInner>,
}

struct TransportInner {
    http: reqwest::Client,
    custom_http: bool,
    default_auth: Option<Auth>,
    user_agent: Option<HeaderValue>,
    retry_policy: RetryPolicy,
    max_response_bytes: usize,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Duration,
    page_limits: PageLimits,
    allow_insecure_http: bool,
    explicit_base_url: Option<BaseUrl>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut s = f.debug_struct("Transport");
        s.field(
            "explicit_base_url",
            &inner.explicit_base_url.as_ref().map(|b| b.url.as_str()),
        )
        .field(
            "default_credentials",
            &inner.default_auth.as_ref().map(|a| a.description),
        )
        .field("user_agent", &inner.user_agent)
        .field("retry_policy", &inner.retry_policy)
        .field("max_response_bytes", &inner.max_response_bytes)
        .field("timeout", &inner.timeout)
        .field("deadline", &inner.deadline)
        .field("page_limits", &inner.page_limits)
        .field("allow_insecure_http", &inner.allow_insecure_http);
        if inner.custom_http {
            s.field("custom_reqwest_client", &true);
        } else {
            s.field("connect_timeout", &inner.connect_timeout);
        }
        s.finish()
    }
}

impl Transport {
    /// A client on this transport at the base URL given explicitly to
    /// [`ClientBuilder::base_url`] if there was one, else at
    /// `default_base_url` (typically the API description's server URL), with
    /// the transport's default credentials.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidBaseUrl`] if the URL used is not an absolute
    /// `http`/`https` URL with a host and without user info, query or
    /// fragment; [`BuildError::InsecureHttp`] if it is plain `http://`, there
    /// are default credentials and
    /// [`allow_insecure_http`](ClientBuilder::allow_insecure_http) was not set.
    pub fn client(&self, default_base_url: &str) -> Result<Client, BuildError> {
        let base_url = match &self.inner.explicit_base_url {
            Some(explicit) => explicit.clone(),
            None => BaseUrl::parse(default_base_url)?,
        };
        self.client_at_validated(base_url)
    }

    /// A client on this transport at `base_url`, whatever base URL the
    /// builder was given, with the transport's default credentials: for APIs
    /// whose server differs per tenant or cluster, where the caller must name
    /// it.
    ///
    /// # Errors
    ///
    /// As for [`client`](Self::client), about `base_url`.
    pub fn client_at(&self, base_url: &str) -> Result<Client, BuildError> {
        self.client_at_validated(BaseUrl::parse(base_url)?)
    }

    /// Whether the builder was given a base URL with [`ClientBuilder::base_url`]
    /// (a default from [`ClientBuilder::with_default_base_url`] does not count).
    pub fn has_explicit_base_url(&self) -> bool {
        self.inner.explicit_base_url.is_some()
    }

    fn client_at_validated(&self, base_url: BaseUrl) -> Result<Client, BuildError> {
        let auth = self.inner.default_auth.clone();
        base_url.check_credentials(auth.is_some(), self.inner.allow_insecure_http)?;
        Ok(self.client_with(base_url, auth))
    }

    /// A client; `base_url` and `auth` must already have passed
    /// [`BaseUrl::check_credentials`].
    fn client_with(&self, base_url: BaseUrl, auth: Option<Auth>) -> Client {
        Client {
            inner: Arc::new(ClientInner {
                transport: self.clone(),
                base_url,
                auth,
            }),
        }
    }
}

/// An API client: a base URL and credentials on a [`Transport`] (connection
/// pool, retry policy, timeouts and limits).
///
/// Cheap to clone (the state is shared behind an [`Arc`]); clones share the
/// connection pool, and so do all clients made from one [`Transport`]
/// (see [`with_base_url`](Self::with_base_url),
/// [`with_basic_auth`](Self::with_basic_auth) and
/// [`Transport::client`]). Its `Debug` output never shows credentials.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    transport: Transport,
    base_url: BaseUrl,
    auth: Option<Auth>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let transport = &*inner.transport.inner;
        let mut s = f.debug_struct("Client");
        s.field("base_url", &inner.base_url.url)
            .field("credentials", &inner.auth.as_ref().map(|a| a.description))
            .field("user_agent", &transport.user_agent)
            .field("retry_policy", &transport.retry_policy)
            .field("max_response_bytes", &transport.max_response_bytes)
            .field("timeout", &transport.timeout)
            .field("deadline", &transport.deadline)
            .field("page_limits", &transport.page_limits);
        if transport.custom_http {
            s.field("custom_reqwest_client", &true);
        } else {
            s.field("connect_timeout", &transport.connect_timeout);
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
        &self.inner.base_url.url
    }

    /// The transport this client sends its requests through (shared with
    /// every client made from it).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// Whether `self` and `other` share one [`Transport`], and so one
    /// connection pool, retry policy and set of limits.
    pub fn same_transport(&self, other: &Client) -> bool {
        Arc::ptr_eq(&self.inner.transport.inner, &other.inner.transport.inner)
    }

    /// A client on the same transport (same connection pool, retry policy and
    /// limits) with the same credentials, at another base URL.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidBaseUrl`] if `url` is not an absolute
    /// `http`/`https` URL with a host and without user info, query or
    /// fragment; [`BuildError::InsecureHttp`] if it is plain `http://`, this
    /// client has credentials and
    /// [`allow_insecure_http`](ClientBuilder::allow_insecure_http) was not set.
    pub fn with_base_url(&self, url: &str) -> Result<Client, BuildError> {
        let base_url = BaseUrl::parse(url)?;
        self.with_parts(base_url, self.inner.auth.clone())
    }

    /// A client on the same transport at the same base URL, authenticating
    /// with HTTP basic auth instead (e.g. with a cluster API key); this client
    /// keeps its own credentials.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidCredentials`] if the key or secret is empty or the
    /// key contains `:`; [`BuildError::InsecureHttp`] if the base URL is plain
    /// `http://` and [`allow_insecure_http`](ClientBuilder::allow_insecure_http)
    /// was not set.
    pub fn with_basic_auth(
        &self,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<Client, BuildError> {
        let auth = Auth::new(&Credentials::Basic {
            key: key.into(),
            secret: secret.into(),
        })?;
        self.with_parts(self.inner.base_url.clone(), Some(auth))
    }

    /// A client on the same transport at the same base URL, authenticating
    /// with `Authorization: Bearer <token>` instead; this client keeps its own
    /// credentials.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidCredentials`] if the token is empty or cannot be
    /// sent in a header; [`BuildError::InsecureHttp`] if the base URL is plain
    /// `http://` and [`allow_insecure_http`](ClientBuilder::allow_insecure_http)
    /// was not set.
    pub fn with_bearer_token(&self, token: impl Into<String>) -> Result<Client, BuildError> {
        let auth = Auth::new(&Credentials::Bearer(token.into()))?;
        self.with_parts(self.inner.base_url.clone(), Some(auth))
    }

    fn with_parts(&self, base_url: BaseUrl, auth: Option<Auth>) -> Result<Client, BuildError> {
        let transport = &self.inner.transport;
        base_url.check_credentials(auth.is_some(), transport.inner.allow_insecure_http)?;
        Ok(transport.client_with(base_url, auth))
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.transport.inner.retry_policy
    }

    /// Whether credentials are configured.
    pub fn has_credentials(&self) -> bool {
        self.inner.auth.is_some()
    }

    /// The largest accepted response body, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.inner.transport.inner.max_response_bytes
    }

    /// The underlying `reqwest` client (the transport's connection pool).
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.transport.inner.http
    }

    /// The bound on one [`execute`](Self::execute) call, retries and waits
    /// included (see [`ClientBuilder::deadline`]).
    pub fn deadline(&self) -> Duration {
        self.inner.transport.inner.deadline
    }

    /// The bounds for walking paginated lists; generated stream methods call
    /// `paginate(self.page_limits(), ...)`.
    pub fn page_limits(&self) -> PageLimits {
        self.inner.transport.inner.page_limits
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
        let policy = &self.inner.transport.inner.retry_policy;
        // `None` only if the deadline is too far away to represent: no deadline.
        let deadline = Instant::now().checked_add(self.inner.transport.inner.deadline);
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
        let mut url = Url::parse(&format!(
            "{}{separator}{}",
            self.inner.base_url.url, spec.path
        ))
        .map_err(|e| invalid(format!("the request URL is invalid: {e}")))?;
        if !spec.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &spec.query {
                pairs.append_pair(name, value);
            }
        }

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(ua) = &self.inner.transport.inner.user_agent {
            headers.insert(USER_AGENT, ua.clone());
        }
        if spec.authenticated {
            if let Some(auth) = &self.inner.auth {
                headers.insert(AUTHORIZATION, auth.header.clone());
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
            .transport
            .inner
            .http
            .request(spec.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone());
        if let Some(body) = &spec.body {
            request = request.body(body.bytes.clone());
        }
        // Set on every request, so that it also applies to a caller-supplied
        // reqwest client, and cut to what is left of the deadline.
        let mut timeout = spec.timeout.unwrap_or(self.inner.transport.inner.timeout);
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

        let policy = &self.inner.transport.inner.retry_policy;
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

        let limit = self.inner.transport.inner.max_response_bytes;
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
