//! Credentials that are not a fixed `Authorization` header: bearer tokens
//! obtained (and refreshed) by an async [`TokenProvider`], API keys sent in a
//! header or the query as the API description's `apiKey` security schemes say
//! ([`ApiKeyScheme`]), and a general async [`RequestHook`] run before every
//! attempt.
//!
//! Why these live in the runtime rather than in a caller-supplied `reqwest`
//! client: the runtime decides per request whether credentials are sent
//! (operations without security send none), refuses to send any of them over
//! plain `http://`, keeps them out of `Debug` and error messages, and calls a
//! provider once per attempt, so that a retry made after a token expired
//! carries the provider's current token.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};

/// The error a [`TokenProvider`] or [`RequestHook`] reports; it becomes the
/// [`source`](std::error::Error::source) of the
/// [`TransportError`](super::TransportError) the request fails with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A boxed, `Send` future, as returned by [`TokenProvider::token`] and
/// [`RequestHook::before_send`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies the bearer token of every attempt: `Authorization: Bearer <token>`.
///
/// The runtime calls [`token`](Self::token) once per attempt (retries
/// included) of every authenticated request, and keeps nothing: caching the
/// token and refreshing it before it expires is the provider's job (so a
/// token endpoint is not called per request). Its time counts against the
/// request's [deadline](super::ClientBuilder::deadline).
///
/// A `401 Unauthorized` response is returned to the caller as it is, not
/// retried: the runtime cannot know whether the provider would now give a
/// different token. A provider that learns of revocation some other way
/// should drop its cached token; the caller may then retry.
///
/// An error from the provider fails the request with
/// [`TransportErrorKind::Credentials`](super::TransportErrorKind::Credentials)
/// (the provider's error is its source), before anything is sent; so does a
/// token that is empty or cannot be sent in a header.
///
/// ```text
/// struct Sts { cache: tokio::sync::Mutex<Option<(String, Instant)>> }
/// impl TokenProvider for Sts {
///     fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
///         Box::pin(async move {
///             let mut cache = self.cache.lock().await;
///             if let Some((token, expires)) = &*cache {
///                 if *expires > Instant::now() + Duration::from_secs(30) {
///                     return Ok(token.clone());
///                 }
///             }
///             let (token, expires) = exchange_token().await?;
///             *cache = Some((token.clone(), expires));
///             Ok(token)
///         })
///     }
/// }
/// let client = Client::builder().bearer_token_provider(Sts::default()).build()?;
/// ```
///
/// [`ClientBuilder::bearer_token_fn`](super::ClientBuilder::bearer_token_fn)
/// takes a closure instead.
pub trait TokenProvider: Send + Sync {
    /// The token to send with the next attempt (without the `Bearer ` prefix).
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>>;
}

/// A [`TokenProvider`] made from a closure returning a future.
pub(super) struct TokenFn<F>(pub(super) F);

impl<F, Fut> TokenProvider for TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
{
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin((self.0)())
    }
}

/// Runs before every attempt of every request, after the runtime has set its
/// own headers and credentials: for headers computed per request (a
/// signature, a trace id, a `Prefer:` header for one test), or a last look at
/// what is sent.
///
/// An error fails the request with
/// [`TransportErrorKind::Hook`](super::TransportErrorKind::Hook) (the hook's
/// error is its source) before anything is sent.
///
/// ```text
/// struct TraceId;
/// impl RequestHook for TraceId {
///     fn before_send<'a>(&'a self, request: &'a mut OutgoingRequest) -> BoxFuture<'a, Result<(), BoxError>> {
///         Box::pin(async move {
///             request.headers_mut().insert("x-trace-id", HeaderValue::from_str(&new_trace_id())?);
///             Ok(())
///         })
///     }
/// }
/// ```
pub trait RequestHook: Send + Sync {
    /// Inspects or changes the request about to be sent.
    fn before_send<'a>(
        &'a self,
        request: &'a mut OutgoingRequest,
    ) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// What a [`RequestHook`] sees of one attempt: the method, the URL (query
/// included) and the headers; the body is not shown. Its `Debug` output lists
/// header names only.
pub struct OutgoingRequest {
    pub(super) method: Method,
    pub(super) path_template: &'static str,
    pub(super) attempt: u32,
    pub(super) url: Url,
    pub(super) headers: HeaderMap,
}

impl OutgoingRequest {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template, e.g. `/iam/v2/api-keys/{id}`.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// Which attempt this is (1 for the first).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The full URL. Its query may hold an API key.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The headers to be sent (credentials included).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers to be sent, to add or replace some.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }
}

impl fmt::Debug for OutgoingRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingRequest")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("attempt", &self.attempt)
            .field("header_names", &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Where an `apiKey` security scheme sends its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// In the request header of this name.
    Header(&'static str),
    /// In the query parameter of this name.
    Query(&'static str),
}

/// An `apiKey` security scheme of the API description: its name there and
/// where the key goes. Generated crates list theirs in `API_KEY_SCHEMES`
/// and pass it to [`ClientBuilder::api_key_schemes`](super::ClientBuilder::api_key_schemes)
/// in `Client::builder()`, so that
/// [`ClientBuilder::api_key`](super::ClientBuilder::api_key) knows where to
/// send a key.
///
/// The names come from the API description, which is untrusted text: a
/// header name that is not a valid HTTP header name is reported by
/// [`build`](super::ClientBuilder::build) as
/// [`BuildError::InvalidApiKey`](super::BuildError::InvalidApiKey) when a key
/// is given for that scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKeyScheme {
    /// The scheme's name in the API description (`components.securitySchemes`).
    pub name: &'static str,
    /// Where the key is sent.
    pub location: ApiKeyLocation,
}

impl ApiKeyScheme {
    /// A scheme sending its key in the header `header`.
    pub const fn header(name: &'static str, header: &'static str) -> Self {
        ApiKeyScheme {
            name,
            location: ApiKeyLocation::Header(header),
        }
    }

    /// A scheme sending its key in the query parameter `parameter`.
    pub const fn query(name: &'static str, parameter: &'static str) -> Self {
        ApiKeyScheme {
            name,
            location: ApiKeyLocation::Query(parameter),
        }
    }
}
