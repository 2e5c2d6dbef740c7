//! The HTTP client: configuration, the shared transport, authentication,
//! retries and response reading.
//!
//! Everything a request needs is decided here, once, for real and for test
//! transports alike ([`MockTransport`]): the URL, default headers,
//! credentials (static, from a [`TokenProvider`] per attempt, API keys in a
//! header or the query), the [`RequestHook`], retries within the deadline and
//! the response size limit. Only the last step, exchanging bytes, differs
//! between `reqwest` and a mock, so tests of code using a generated client
//! exercise the same paths as production.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, Url};
use tracing::Instrument;

use super::auth::{ApiKeyLocation, ApiKeyScheme, BoxError, OutgoingRequest, RequestHook, TokenFn, TokenProvider};
use super::error::{TransportError, TransportErrorKind};
use super::mock::{MockRequest, MockTransport};
use super::page_limits::PageLimits;
use super::request::{check_path, RequestSpec};
use super::response::{RawResponse, REQUEST_ID_NAME};
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
    BearerProvider(Arc<dyn TokenProvider>),
}

impl Credentials {
    fn description(&self) -> &'static str {
        match self {
            Credentials::Basic { .. } => "basic auth (redacted)",
            Credentials::Bearer(_) => "bearer token (redacted)",
            Credentials::BearerProvider(_) => "bearer token provider",
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
            Credentials::Bearer(token) => return bearer_header(token).map_err(invalid),
            Credentials::BearerProvider(_) => {
                return Err(invalid("internal error: a token provider has no fixed header"))
            }
        };
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| invalid("the bearer token contains characters not allowed in a header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// `Bearer <token>` as a sensitive header value, or why it cannot be sent
/// (never quoting the token).
fn bearer_header(token: &str) -> Result<HeaderValue, &'static str> {
    if token.is_empty() {
        return Err("the bearer token must not be empty");
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| "the bearer token contains characters not allowed in a header")?;
    value.set_sensitive(true);
    Ok(value)
}

/// Which API key an [`ClientBuilder::api_key`]-like call configured, before
/// it is matched against the API description's schemes.
#[derive(Clone)]
enum ApiKeyTarget {
    /// The only `apiKey` scheme.
    Only,
    /// The scheme of this name.
    Scheme(String),
    /// This header, named by the caller.
    Header(String),
    /// This query parameter, named by the caller.
    Query(String),
}

/// An API key as configured; never printed.
#[derive(Clone)]
struct ApiKeyValue {
    target: ApiKeyTarget,
    value: String,
}

/// An API key ready to send.
#[derive(Clone)]
enum ApiKey {
    Header(HeaderName, HeaderValue),
    Query(String, String),
}

impl ApiKey {
    fn description(&self) -> String {
        match self {
            ApiKey::Header(name, _) => format!("api key in header {name} (redacted)"),
            ApiKey::Query(name, _) => format!("api key in query parameter {name:?} (redacted)"),
        }
    }

    fn same_place(&self, other: &ApiKey) -> bool {
        match (self, other) {
            (ApiKey::Header(a, _), ApiKey::Header(b, _)) => a == b,
            (ApiKey::Query(a, _), ApiKey::Query(b, _)) => a == b,
            _ => false,
        }
    }
}

/// Matches configured API keys with `schemes` and validates them; a later key
/// for the same header or parameter replaces an earlier one.
fn resolve_api_keys(
    schemes: &[ApiKeyScheme],
    values: &[ApiKeyValue],
    mut keys: Vec<ApiKey>,
) -> Result<Vec<ApiKey>, BuildError> {
    for configured in values {
        let invalid = |scheme: Option<&str>, reason: String| BuildError::InvalidApiKey {
            scheme: scheme.map(str::to_owned),
            reason,
        };
        let (scheme, location) = match &configured.target {
            ApiKeyTarget::Only => match schemes {
                [only] => (Some(only.name), only.location.into()),
                [] => {
                    return Err(invalid(
                        None,
                        "the API description defines no apiKey security scheme; \
                         name the header with api_key_in_header"
                            .to_owned(),
                    ))
                }
                several => {
                    let names: Vec<String> = several.iter().map(|s| format!("{:?}", s.name)).collect();
                    return Err(invalid(
                        None,
                        format!(
                            "the API description defines several apiKey security schemes ({}); \
                             pick one with api_key_for",
                            names.join(", ")
                        ),
                    ));
                }
            },
            ApiKeyTarget::Scheme(name) => match schemes.iter().find(|s| s.name == name) {
                Some(scheme) => (Some(scheme.name), scheme.location.into()),
                None => {
                    return Err(invalid(
                        Some(name),
                        "the API description defines no apiKey security scheme of this name".to_owned(),
                    ))
                }
            },
            ApiKeyTarget::Header(name) => (None, Place::Header(name.as_str())),
            ApiKeyTarget::Query(name) => (None, Place::Query(name.as_str())),
        };
        if configured.value.is_empty() {
            return Err(invalid(scheme, "the API key must not be empty".to_owned()));
        }
        let key = match location {
            Place::Header(name) => {
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    invalid(scheme, format!("{:?} is not a valid HTTP header name", name))
                })?;
                let mut value = HeaderValue::from_str(&configured.value).map_err(|_| {
                    invalid(scheme, "the API key contains characters not allowed in a header".to_owned())
                })?;
                value.set_sensitive(true);
                ApiKey::Header(name, value)
            }
            Place::Query(name) => {
                if name.is_empty() {
                    return Err(invalid(scheme, "the query parameter name is empty".to_owned()));
                }
                ApiKey::Query(name.to_owned(), configured.value.clone())
            }
        };
        keys.retain(|k| !k.same_place(&key));
        keys.push(key);
    }
    Ok(keys)
}

/// Where an API key goes, borrowed from a scheme or a caller's name.
enum Place<'a> {
    Header(&'a str),
    Query(&'a str),
}

impl From<ApiKeyLocation> for Place<'static> {
    fn from(location: ApiKeyLocation) -> Self {
        match location {
            ApiKeyLocation::Header(name) => Place::Header(name),
            ApiKeyLocation::Query(name) => Place::Query(name),
        }
    }
}

/// Validates the headers of [`ClientBuilder::default_header`].
fn default_header_map(headers: &[(String, String)]) -> Result<HeaderMap, BuildError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let invalid = |reason| BuildError::InvalidHeader {
            name: name.escape_debug().to_string(),
            reason,
        };
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid("not a valid HTTP header name"))?;
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| invalid("the value contains characters not allowed in a header"))?;
        // Default headers may carry secrets too: keep them out of `Debug`.
        value.set_sensitive(true);
        map.append(header, value);
    }
    Ok(map)
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
    /// An API key cannot be used: no (or no single) `apiKey` scheme to send
    /// it with, a scheme whose header name from the API description is not a
    /// valid header name, or a key that cannot be sent.
    InvalidApiKey {
        /// The scheme concerned, if known.
        scheme: Option<String>,
        /// What is wrong (never the key itself).
        reason: String,
    },
    /// A [`default_header`](ClientBuilder::default_header) has an invalid
    /// name or value.
    InvalidHeader {
        /// The header name given (escaped).
        name: String,
        /// What is wrong with it (never the value).
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
            BuildError::InvalidApiKey { scheme: Some(scheme), reason } => {
                write!(f, "invalid API key for the security scheme {scheme:?}: {reason}")
            }
            BuildError::InvalidApiKey { scheme: None, reason } => write!(f, "invalid API key: {reason}"),
            BuildError::InvalidHeader { name, reason } => {
                write!(f, "invalid default header \"{name}\": {reason}")
            }
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
/// that of the supplied client: build it with
/// [`same_origin_redirects`](super::same_origin_redirects) to keep this one.
///
/// # Credentials
///
/// At most one `Authorization` scheme ([`basic_auth`](Self::basic_auth),
/// [`bearer_token`](Self::bearer_token),
/// [`bearer_token_provider`](Self::bearer_token_provider)), plus any number of
/// API keys ([`api_key`](Self::api_key), [`api_key_for`](Self::api_key_for),
/// [`api_key_in_header`](Self::api_key_in_header),
/// [`api_key_in_query`](Self::api_key_in_query)). All of them are sent with
/// every authenticated request (operations the API description marks as
/// needing no security send none), never over plain `http://` unless
/// [`allow_insecure_http`](Self::allow_insecure_http), and never shown by
/// `Debug` or in errors.
///
/// # The client it builds
///
/// `C` is what [`build`](Self::build) returns: a runtime [`Client`] by default, or, through
/// [`building`](Self::building), a generated crate's own `Client` (which wraps one and adds the
/// API's operation methods). A generated `Client::builder()` returns a builder of its own type.
#[derive(Clone)]
#[must_use = "a ClientBuilder does nothing until build() is called"]
pub struct ClientBuilder<C = Client> {
    /// Set by [`ClientBuilder::base_url`]: wins over every default.
    base_url: Option<String>,
    /// Set by [`ClientBuilder::with_default_base_url`]: used by `build()` when
    /// no explicit base URL was given.
    default_base_url: Option<&'static str>,
    credentials: Option<Credentials>,
    api_key_schemes: &'static [ApiKeyScheme],
    api_keys: Vec<ApiKeyValue>,
    default_headers: Vec<(String, String)>,
    hook: Option<Arc<dyn RequestHook>>,
    observer: Option<Arc<ResponseObserver>>,
    mock: Option<MockTransport>,
    timeout: Duration,
    connect_timeout: Duration,
    retry_policy: RetryPolicy,
    user_agent: Option<String>,
    reqwest_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    max_response_bytes: usize,
    deadline: Duration,
    page_limits: PageLimits,
    client: PhantomData<fn() -> C>,
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
            api_key_schemes: &[],
            api_keys: Vec::new(),
            default_headers: Vec::new(),
            hook: None,
            observer: None,
            mock: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry_policy: RetryPolicy::default(),
            user_agent: None,
            reqwest_client: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            deadline: DEFAULT_DEADLINE,
            page_limits: PageLimits::default(),
            client: PhantomData,
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
}

impl<C> ClientBuilder<C> {
    /// The same settings, for a builder whose [`build`](Self::build) returns a `D` (a generated
    /// crate's `Client`, made from the runtime client by `From`).
    pub fn building<D>(self) -> ClientBuilder<D> {
        ClientBuilder {
            base_url: self.base_url,
            default_base_url: self.default_base_url,
            credentials: self.credentials,
            api_key_schemes: self.api_key_schemes,
            api_keys: self.api_keys,
            default_headers: self.default_headers,
            hook: self.hook,
            observer: self.observer,
            mock: self.mock,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            retry_policy: self.retry_policy,
            user_agent: self.user_agent,
            reqwest_client: self.reqwest_client,
            allow_insecure_http: self.allow_insecure_http,
            max_response_bytes: self.max_response_bytes,
            deadline: self.deadline,
            page_limits: self.page_limits,
            client: PhantomData,
        }
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

    /// Authenticates with `Authorization: Bearer <token>`, asking `provider`
    /// for the token before every attempt (see [`TokenProvider`]: it caches
    /// and refreshes; a failure fails the request with
    /// [`TransportErrorKind::Credentials`]). Replaces any other
    /// `Authorization` credentials.
    pub fn bearer_token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.credentials = Some(Credentials::BearerProvider(Arc::new(provider)));
        self
    }

    /// [`bearer_token_provider`](Self::bearer_token_provider) with a closure
    /// returning a future of the token:
    /// `.bearer_token_fn(move || { let cache = cache.clone(); async move { cache.current().await } })`.
    pub fn bearer_token_fn<F, Fut>(self, f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<String, BoxError>> + Send + 'static,
    {
        self.bearer_token_provider(TokenFn(f))
    }

    /// The `apiKey` security schemes of the API description, so that
    /// [`api_key`](Self::api_key) and [`api_key_for`](Self::api_key_for) know
    /// where to send a key. Generated crates call it in `Client::builder()`
    /// with their `API_KEY_SCHEMES`.
    pub fn api_key_schemes(mut self, schemes: &'static [ApiKeyScheme]) -> Self {
        self.api_key_schemes = schemes;
        self
    }

    /// Sends `key` as the API description's only `apiKey` security scheme
    /// says (in its header or query parameter).
    ///
    /// [`build`](Self::build) fails with [`BuildError::InvalidApiKey`] if the
    /// description defines no such scheme or several (use
    /// [`api_key_for`](Self::api_key_for)), if the scheme's header name is not
    /// a valid header name, or if the key is empty or cannot be sent in a
    /// header.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_keys.push(ApiKeyValue {
            target: ApiKeyTarget::Only,
            value: key.into(),
        });
        self
    }

    /// Sends `key` as the `apiKey` security scheme named `scheme` in the API
    /// description says. Errors as for [`api_key`](Self::api_key), and if
    /// there is no scheme of that name.
    pub fn api_key_for(mut self, scheme: impl Into<String>, key: impl Into<String>) -> Self {
        self.api_keys.push(ApiKeyValue {
            target: ApiKeyTarget::Scheme(scheme.into()),
            value: key.into(),
        });
        self
    }

    /// Sends `key` in the request header `header` of every authenticated
    /// request, whatever the API description says. An invalid name or value
    /// is reported by [`build`](Self::build) as [`BuildError::InvalidApiKey`].
    pub fn api_key_in_header(mut self, header: impl Into<String>, key: impl Into<String>) -> Self {
        self.api_keys.push(ApiKeyValue {
            target: ApiKeyTarget::Header(header.into()),
            value: key.into(),
        });
        self
    }

    /// Sends `key` as the query parameter `parameter` of every authenticated
    /// request. Prefer a header where the API accepts one: URLs end up in
    /// proxy and server logs.
    pub fn api_key_in_query(mut self, parameter: impl Into<String>, key: impl Into<String>) -> Self {
        self.api_keys.push(ApiKeyValue {
            target: ApiKeyTarget::Query(parameter.into()),
            value: key.into(),
        });
        self
    }

    /// Sends the header `name: value` with every request (authenticated or
    /// not), e.g. `Prefer: code=404` for a mock server. Calling it again
    /// with the same name sends every value. It replaces the runtime's own
    /// `Accept` or `User-Agent` of the same name; credentials and the
    /// operation's own headers replace it.
    ///
    /// An invalid name or value is reported by [`build`](Self::build) as
    /// [`BuildError::InvalidHeader`] (naming the header, never showing the
    /// value); values are kept out of `Debug`.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Runs `hook` before every attempt of every request (see
    /// [`RequestHook`]). Replaces any earlier hook.
    pub fn request_hook(mut self, hook: impl RequestHook + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Calls `observer` with the final response of every request (after any
    /// retries, with the whole body read), before the operation decodes it.
    /// For recording or logging what a server really sent, for example to
    /// check a body that did not decode against the API description (the
    /// conformance suite does). It sees every response as it came, also those
    /// of [sensitive](RawResponse::sensitive) requests, whose bodies may hold
    /// secrets: check that flag before keeping or logging a body. Replaces any
    /// earlier observer.
    pub fn response_observer(mut self, observer: impl Fn(&RawResponse) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Answers every request from `mock` instead of the network, for unit
    /// tests (see [`MockTransport`]). Everything else is as configured:
    /// headers, credentials, retries, limits; plain `http://` base URLs may
    /// carry credentials, since nothing leaves the process.
    pub fn mock(mut self, mock: MockTransport) -> Self {
        self.mock = Some(mock);
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
    /// the `pagination` module's `paginate`.
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
    /// is ignored, and redirects are followed as that client's policy says.
    /// `reqwest`'s default follows up to 10 redirects to any host, dropping
    /// `Authorization` and cookies on the way but **not** an API key header:
    /// build the client with
    /// `.redirect(runtime::same_origin_redirects())` (this builder's own
    /// policy) unless you trust every host the API may redirect to. The
    /// [`timeout`](Self::timeout) and the [`deadline`](Self::deadline) still
    /// apply to every attempt (they are set on each request).
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
    pub fn build(self) -> Result<C, BuildError>
    where
        C: From<Client>,
    {
        // The base URL is checked first, as it always was.
        let raw = self
            .base_url
            .as_deref()
            .or(self.default_base_url)
            .ok_or(BuildError::MissingBaseUrl)?;
        let base_url = BaseUrl::parse(raw)?;
        base_url.check_credentials(self.has_credentials(), self.allow_insecure())?;
        let transport = self.build_transport()?;
        let auth = transport.inner.default_auth.clone();
        let api_keys = transport.inner.default_api_keys.clone();
        Ok(C::from(transport.client_with(base_url, auth, api_keys)))
    }

    fn has_credentials(&self) -> bool {
        self.credentials.is_some() || !self.api_keys.is_empty()
    }

    /// Whether credentials may go to plain `http://`: when allowed, or when
    /// nothing leaves the process (a mock transport).
    fn allow_insecure(&self) -> bool {
        self.allow_insecure_http || self.mock.is_some()
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
    /// user agent that cannot be sent as headers, API keys that cannot be
    /// used ([`BuildError::InvalidApiKey`]), an invalid default header, or a
    /// `reqwest` failure.
    pub fn build_transport(self) -> Result<Transport, BuildError> {
        let explicit_base_url = self.base_url.as_deref().map(BaseUrl::parse).transpose()?;
        let allow_insecure_http = self.allow_insecure();
        if let Some(base_url) = &explicit_base_url {
            base_url.check_credentials(self.has_credentials(), allow_insecure_http)?;
        }
        let default_auth = self.credentials.as_ref().map(Auth::new).transpose()?;
        let default_api_keys = resolve_api_keys(self.api_key_schemes, &self.api_keys, Vec::new())?;
        let default_headers = default_header_map(&self.default_headers)?;
        let has_default_credentials = default_auth.is_some() || !default_api_keys.is_empty();

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
                .https_only(has_default_credentials && !allow_insecure_http)
                .build()
                .map_err(BuildError::Http)?,
        };

        Ok(Transport {
            inner: Arc::new(TransportInner {
                http,
                custom_http,
                default_auth,
                default_api_keys,
                api_key_schemes: self.api_key_schemes,
                default_headers,
                hook: self.hook,
                observer: self.observer,
                mock: self.mock,
                user_agent,
                retry_policy: self.retry_policy,
                max_response_bytes: self.max_response_bytes,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                deadline: self.deadline,
                page_limits: self.page_limits,
                allow_insecure_http,
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

/// The `Authorization` header of some credentials (fixed, or asked of a
/// provider per attempt), and their redacted description.
#[derive(Clone)]
struct Auth {
    header: AuthHeader,
    description: &'static str,
}

#[derive(Clone)]
enum AuthHeader {
    Fixed(HeaderValue),
    Provider(Arc<dyn TokenProvider>),
}

impl Auth {
    fn new(credentials: &Credentials) -> Result<Auth, BuildError> {
        let header = match credentials {
            Credentials::BearerProvider(provider) => AuthHeader::Provider(Arc::clone(provider)),
            other => AuthHeader::Fixed(other.header_value()?),
        };
        Ok(Auth {
            header,
            description: credentials.description(),
        })
    }
}

/// What `Debug` shows of a client's credentials: kinds and names, no values.
fn credential_descriptions(auth: Option<&Auth>, api_keys: &[ApiKey]) -> Vec<String> {
    auth.map(|a| a.description.to_owned())
        .into_iter()
        .chain(api_keys.iter().map(ApiKey::description))
        .collect()
}

/// Runs `future`, giving up when `deadline` passes (`None`: no deadline).
async fn before_deadline<T>(
    deadline: Option<Instant>,
    future: impl std::future::Future<Output = T>,
) -> Option<T> {
    match deadline {
        None => Some(future.await),
        Some(deadline) => tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), future)
            .await
            .ok(),
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
/// follow only within the same origin, at most 10 in a row (more is an
/// error); stop, returning the 3xx response, at a redirect to another origin.
///
/// Use it for a client given to [`ClientBuilder::reqwest_client`], so that
/// credentials (an API key header in particular, which `reqwest` does not
/// strip on a redirect to another host) never follow a redirect elsewhere:
/// `reqwest::Client::builder().redirect(runtime::same_origin_redirects())`.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
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

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("default_base_url", &self.default_base_url.map(redact_url))
            .field(
                "credentials",
                &self.credentials.as_ref().map(Credentials::description),
            )
            .field("api_key_schemes", &self.api_key_schemes)
            .field("api_keys", &self.api_keys.len())
            .field(
                "default_header_names",
                &self.default_headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            )
            .field("request_hook", &self.hook.is_some())
            .field("response_observer", &self.observer.is_some())
            .field("mock", &self.mock.is_some())
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

/// What [`ClientBuilder::response_observer`] takes.
type ResponseObserver = dyn Fn(&RawResponse) + Send + Sync;

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
    default_api_keys: Vec<ApiKey>,
    api_key_schemes: &'static [ApiKeyScheme],
    default_headers: HeaderMap,
    hook: Option<Arc<dyn RequestHook>>,
    observer: Option<Arc<ResponseObserver>>,
    mock: Option<MockTransport>,
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
            &credential_descriptions(inner.default_auth.as_ref(), &inner.default_api_keys),
        )
        .field(
            "default_header_names",
            &inner.default_headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
        )
        .field("request_hook", &inner.hook.is_some())
        .field("response_observer", &inner.observer.is_some())
        .field("mock", &inner.mock.is_some())
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
        let api_keys = self.inner.default_api_keys.clone();
        base_url.check_credentials(
            auth.is_some() || !api_keys.is_empty(),
            self.inner.allow_insecure_http,
        )?;
        Ok(self.client_with(base_url, auth, api_keys))
    }

    /// A client; `base_url` and the credentials must already have passed
    /// [`BaseUrl::check_credentials`].
    fn client_with(&self, base_url: BaseUrl, auth: Option<Auth>, api_keys: Vec<ApiKey>) -> Client {
        Client {
            inner: Arc::new(ClientInner {
                transport: self.clone(),
                base_url,
                auth,
                api_keys,
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
    api_keys: Vec<ApiKey>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let transport = &*inner.transport.inner;
        let mut s = f.debug_struct("Client");
        s.field("base_url", &inner.base_url.url)
            .field(
                "credentials",
                &credential_descriptions(inner.auth.as_ref(), &inner.api_keys),
            )
            .field("mock", &transport.mock.is_some())
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
    /// Asked for the `Authorization` header before each attempt.
    provider: Option<Arc<dyn TokenProvider>>,
}

/// A response whose status and headers are known and whose body is still to be read.
enum Incoming {
    Http(reqwest::Response),
    Mock(super::mock::MockResponse),
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
        self.with_parts(base_url, self.inner.auth.clone(), self.inner.api_keys.clone())
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
        self.with_auth(auth)
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
        self.with_auth(Auth::new(&Credentials::Bearer(token.into()))?)
    }

    /// A client on the same transport at the same base URL, asking
    /// `provider` for a bearer token before every attempt (see
    /// [`TokenProvider`]); this client keeps its own credentials. API keys
    /// are kept.
    ///
    /// # Errors
    ///
    /// [`BuildError::InsecureHttp`] if the base URL is plain `http://` and
    /// [`allow_insecure_http`](ClientBuilder::allow_insecure_http) was not set.
    pub fn with_bearer_token_provider(
        &self,
        provider: impl TokenProvider + 'static,
    ) -> Result<Client, BuildError> {
        self.with_auth(Auth::new(&Credentials::BearerProvider(Arc::new(provider)))?)
    }

    /// A client on the same transport at the same base URL that sends `key`
    /// for the API description's only `apiKey` scheme (replacing a key this
    /// client sends in the same place); this client keeps its own.
    ///
    /// # Errors
    ///
    /// As for [`ClientBuilder::api_key`], and [`BuildError::InsecureHttp`]
    /// for a plain `http://` base URL.
    pub fn with_api_key(&self, key: impl Into<String>) -> Result<Client, BuildError> {
        self.with_api_key_value(ApiKeyValue {
            target: ApiKeyTarget::Only,
            value: key.into(),
        })
    }

    /// [`with_api_key`](Self::with_api_key) for the `apiKey` scheme named
    /// `scheme`.
    ///
    /// # Errors
    ///
    /// As for [`ClientBuilder::api_key_for`], and [`BuildError::InsecureHttp`]
    /// for a plain `http://` base URL.
    pub fn with_api_key_for(
        &self,
        scheme: impl Into<String>,
        key: impl Into<String>,
    ) -> Result<Client, BuildError> {
        self.with_api_key_value(ApiKeyValue {
            target: ApiKeyTarget::Scheme(scheme.into()),
            value: key.into(),
        })
    }

    fn with_api_key_value(&self, value: ApiKeyValue) -> Result<Client, BuildError> {
        let schemes = self.inner.transport.inner.api_key_schemes;
        let keys = resolve_api_keys(schemes, &[value], self.inner.api_keys.clone())?;
        self.with_parts(self.inner.base_url.clone(), self.inner.auth.clone(), keys)
    }

    fn with_auth(&self, auth: Auth) -> Result<Client, BuildError> {
        self.with_parts(self.inner.base_url.clone(), Some(auth), self.inner.api_keys.clone())
    }

    fn with_parts(
        &self,
        base_url: BaseUrl,
        auth: Option<Auth>,
        api_keys: Vec<ApiKey>,
    ) -> Result<Client, BuildError> {
        let transport = &self.inner.transport;
        base_url.check_credentials(
            auth.is_some() || !api_keys.is_empty(),
            transport.inner.allow_insecure_http,
        )?;
        Ok(transport.client_with(base_url, auth, api_keys))
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.transport.inner.retry_policy
    }

    /// Whether credentials (an `Authorization` scheme or API keys) are configured.
    pub fn has_credentials(&self) -> bool {
        self.inner.auth.is_some() || !self.inner.api_keys.is_empty()
    }

    /// Whether requests are answered by a [`MockTransport`] instead of the network.
    pub fn is_mock(&self) -> bool {
        self.inner.transport.inner.mock.is_some()
    }

    /// The largest accepted response body, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.inner.transport.inner.max_response_bytes
    }

    /// The underlying `reqwest` client (the transport's connection pool;
    /// built but unused when the transport is a [`MockTransport`]).
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
    /// Adds `Accept: application/json`, the user agent, the
    /// [default headers](ClientBuilder::default_header) and (if `spec` is
    /// [authenticated](RequestSpec::authenticated)) the credentials
    /// configured: the `Authorization` header (from the
    /// [`TokenProvider`] before each attempt, if there is one) and API keys.
    /// The [`RequestHook`], if any, runs before each attempt. Then it retries according to
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
        // The first attempt takes the prepared URL and headers as they are; a retry prepares
        // them again (the same result: `prepare` reads only the spec and the client), so the
        // common single attempt copies neither.
        let mut prepared = Some(self.prepare(&spec)?);
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
                .attempt(&spec, prepared.take(), attempt, deadline)
                .instrument(span.clone())
                .await;
            let delay = match outcome {
                Attempt::Done(response) => {
                    if let Some(observe) = &self.inner.transport.inner.observer {
                        observe(&response);
                    }
                    return Ok(response);
                }
                Attempt::RetryAfter(delay) => delay,
                Attempt::Failed(mut error) => {
                    let delay = policy
                        .transport_retry_delay(&spec.method, error.kind(), attempt)
                        // A streamed body cannot be sent again.
                        .filter(|_| spec.is_replayable())
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
        let query_keys = self.inner.api_keys.iter().filter_map(|key| match key {
            ApiKey::Query(name, value) if spec.authenticated => Some((name, value)),
            _ => None,
        });
        let mut query_keys = query_keys.peekable();
        if !spec.query.is_empty() || query_keys.peek().is_some() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in spec.query.iter().map(|(n, v)| (n, v)).chain(query_keys) {
                pairs.append_pair(name, value);
            }
        }

        let transport = &self.inner.transport.inner;
        // Sized for what is inserted below, so that the map is allocated once.
        let mut headers = HeaderMap::with_capacity(
            4 + transport.default_headers.len() + self.inner.api_keys.len() + spec.headers.len(),
        );
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(ua) = &transport.user_agent {
            headers.insert(USER_AGENT, ua.clone());
        }
        for name in transport.default_headers.keys() {
            headers.remove(name);
        }
        for (name, value) in &transport.default_headers {
            headers.append(name.clone(), value.clone());
        }
        let mut provider = None;
        if spec.authenticated {
            match self.inner.auth.as_ref().map(|a| &a.header) {
                Some(AuthHeader::Fixed(value)) => {
                    headers.insert(AUTHORIZATION, value.clone());
                }
                Some(AuthHeader::Provider(p)) => provider = Some(Arc::clone(p)),
                None => {}
            }
            for key in &self.inner.api_keys {
                if let ApiKey::Header(name, value) = key {
                    headers.insert(name.clone(), value.clone());
                }
            }
        }
        if let Some(body) = &spec.body {
            let value = HeaderValue::from_str(&body.content_type)
                .map_err(|_| invalid("invalid request body content type".to_owned()))?;
            headers.insert(CONTENT_TYPE, value);
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
        // An `Authorization` header the operation sets itself wins, as it does
        // over fixed credentials.
        if explicit.contains(&AUTHORIZATION) {
            provider = None;
        }
        Ok(Prepared { url, headers, provider })
    }

    /// The headers and URL of one attempt: the prepared ones, the provider's
    /// token, then whatever the hook changes.
    async fn attempt_parts(
        &self,
        spec: &RequestSpec,
        prepared: Prepared,
        attempt: u32,
        deadline: Option<Instant>,
    ) -> Result<(Url, HeaderMap), TransportError> {
        let error = |kind| TransportError::new(kind, spec.method.clone(), spec.path_template, attempt);
        let caused = |kind, source| {
            TransportError::caused_by(kind, spec.method.clone(), spec.path_template, attempt, source)
        };
        let Prepared { url, mut headers, provider } = prepared;
        if let Some(provider) = &provider {
            let token = before_deadline(deadline, provider.token())
                .await
                .ok_or_else(|| error(TransportErrorKind::Timeout))?
                .map_err(|source| {
                    caused(
                        TransportErrorKind::Credentials {
                            reason: "the token provider failed".to_owned(),
                        },
                        source,
                    )
                })?;
            let value = bearer_header(&token).map_err(|reason| {
                error(TransportErrorKind::Credentials {
                    reason: format!("the token provider's token cannot be sent: {reason}"),
                })
            })?;
            headers.insert(AUTHORIZATION, value);
        }
        let Some(hook) = &self.inner.transport.inner.hook else {
            return Ok((url, headers));
        };
        let mut outgoing = OutgoingRequest {
            method: spec.method.clone(),
            path_template: spec.path_template,
            attempt,
            url,
            headers,
        };
        before_deadline(deadline, hook.before_send(&mut outgoing))
            .await
            .ok_or_else(|| error(TransportErrorKind::Timeout))?
            .map_err(|source| {
                caused(
                    TransportErrorKind::Hook {
                        reason: "the request hook returned an error".to_owned(),
                    },
                    source,
                )
            })?;
        Ok((outgoing.url, outgoing.headers))
    }

    /// One attempt: send, then either decide to retry on the status or read
    /// the whole body.
    async fn attempt(
        &self,
        spec: &RequestSpec,
        prepared: Option<Prepared>,
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
        let prepared = match prepared.map_or_else(|| self.prepare(spec), Ok) {
            Ok(prepared) => prepared,
            Err(mut error) => {
                error.set_attempts(attempt);
                return Attempt::Failed(error);
            }
        };
        let (url, headers) = match self.attempt_parts(spec, prepared, attempt, deadline).await {
            Ok(parts) => parts,
            Err(error) => return Attempt::Failed(error),
        };
        let transport = &self.inner.transport.inner;
        let incoming = if let Some(mock) = &transport.mock {
            let body = match spec.body.as_ref().and_then(|b| b.stream.as_ref()) {
                // A streamed body is read whole, so the mock records what the server would get.
                Some(stream) => match collect_stream(stream).await {
                    Ok(body) => body,
                    Err(reason) => {
                        return Attempt::Failed(TransportError::new(
                            TransportErrorKind::InvalidRequest { reason },
                            spec.method.clone(),
                            spec.path_template,
                            attempt,
                        ))
                    }
                },
                None => spec.body.as_ref().map(|b| b.bytes.clone()).unwrap_or_default(),
            };
            let response = mock.answer(MockRequest {
                method: spec.method.clone(),
                path_template: spec.path_template,
                attempt,
                url,
                headers,
                body,
            });
            let failure = match (&response.failure, &response.invalid_header) {
                (Some(kind), _) => Some(kind.clone()),
                (None, Some(name)) => Some(TransportErrorKind::InvalidRequest {
                    reason: format!("the mock response's header \"{name}\" is not valid"),
                }),
                (None, None) => None,
            };
            if let Some(kind) = failure {
                return Attempt::Failed(TransportError::new(
                    kind,
                    spec.method.clone(),
                    spec.path_template,
                    attempt,
                ));
            }
            Incoming::Mock(response)
        } else {
            // A `reqwest::Request` built directly takes the prepared header map as it is;
            // `RequestBuilder::headers` would insert every header again, one by one.
            let mut request = reqwest::Request::new(spec.method.clone(), url);
            *request.headers_mut() = headers;
            if let Some(body) = &spec.body {
                match &body.stream {
                    None => *request.body_mut() = Some(body.bytes.clone().into()),
                    Some(stream) => match stream.take() {
                        Some(stream) => *request.body_mut() = Some(reqwest::Body::wrap_stream(stream)),
                        None => {
                            return Attempt::Failed(TransportError::new(
                                TransportErrorKind::InvalidRequest { reason: STREAM_TAKEN.to_owned() },
                                spec.method.clone(),
                                spec.path_template,
                                attempt,
                            ))
                        }
                    },
                }
            }
            // Set on every request, so that it also applies to a caller-supplied
            // reqwest client, and cut to what is left of the deadline.
            let mut timeout = spec.timeout.unwrap_or(transport.timeout);
            if let Some(deadline) = deadline {
                timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
            }
            *request.timeout_mut() = Some(timeout);
            match transport.http.execute(request).await {
                Ok(response) => Incoming::Http(response),
                Err(e) => return fail(e),
            }
        };

        let (status, response_headers) = match &incoming {
            Incoming::Http(response) => (response.status().as_u16(), response.headers()),
            Incoming::Mock(response) => (response.status, &response.headers),
        };
        let span = tracing::Span::current();
        // Without a subscriber the span is disabled: skip the header lookup too.
        if !span.is_disabled() {
            span.record("status", status);
            if let Some(id) = response_headers
                .get(&REQUEST_ID_NAME)
                .and_then(|v| v.to_str().ok())
            {
                span.record("request_id", id);
            }
        }

        let policy = &transport.retry_policy;
        // A streamed body is gone after this attempt: its response is the result.
        let replayable = spec.is_replayable();
        if let Some(delay) = policy
            .status_retry_delay(&spec.method, status, response_headers, attempt)
            .filter(|_| replayable)
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

        let limit = transport.max_response_bytes;
        let too_large = || {
            Attempt::Failed(TransportError::new(
                TransportErrorKind::BodyTooLarge { limit },
                spec.method.clone(),
                spec.path_template,
                attempt,
            ))
        };
        let mut response = match incoming {
            Incoming::Http(response) => response,
            Incoming::Mock(response) => {
                if response.body.len() > limit {
                    return too_large();
                }
                return Attempt::Done(RawResponse {
                    status,
                    headers: response.headers,
                    body: response.body,
                    attempts: attempt,
                    sensitive: spec.sensitive,
                });
            }
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
        // A body that arrives as one chunk (the common small JSON answer) is kept as that
        // chunk, without copying; only a second chunk starts a buffer.
        let mut first: Option<Bytes> = None;
        let mut body = BytesMut::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let received = first.as_ref().map_or(0, Bytes::len) + body.len();
                    if chunk.len() > limit - received {
                        return too_large();
                    }
                    if first.is_none() && body.is_empty() {
                        first = Some(chunk);
                        continue;
                    }
                    if let Some(earlier) = first.take() {
                        body.reserve(capacity.max(earlier.len() + chunk.len()));
                        body.extend_from_slice(&earlier);
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return fail(e),
            }
        }
        let body = first.unwrap_or_else(|| body.freeze());
        Attempt::Done(RawResponse {
            status,
            headers,
            body,
            attempts: attempt,
            sensitive: spec.sensitive,
        })
    }
}

/// Why a streamed body is not sent twice.
const STREAM_TAKEN: &str = "the request body was streamed by an earlier attempt and cannot be sent again";

/// The whole of a streamed body (for the mock transport), or why it failed.
async fn collect_stream(stream: &super::request::OneShot) -> Result<Bytes, String> {
    use futures::StreamExt;

    let mut stream = stream.take().ok_or_else(|| STREAM_TAKEN.to_owned())?;
    let mut body = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.map_err(|e| format!("the request body stream failed: {e}"))?);
    }
    Ok(body.freeze())
}
