//! A transport that answers requests from a closure or a list of recorded
//! responses instead of the network, for unit tests of code that uses a
//! generated client.
//!
//! Why a transport and not a mock server: the requests still go through the
//! whole client (URL and query building, default headers, credentials, hooks,
//! retries, the body size limit, the deadline) and the answers through the
//! same decoding and error paths as real responses, yet a test needs no
//! socket, no port and no async server. Every request is recorded, so a test
//! can assert on what was sent.
//!
//! ```text
//! use confluent_cloud::runtime::{MockResponse, MockTransport};
//!
//! let mock = MockTransport::new(|req| match req.path() {
//!     "/iam/v2/api-keys/ak-1" => MockResponse::json(200, &serde_json::json!({"id": "ak-1"})),
//!     _ => MockResponse::new(404),
//! });
//! let client = Client::builder().basic_auth("key", "secret").mock(mock.clone()).build()?;
//! let key = client.get_iam_v2_api_key("ak-1").await?;
//! assert_eq!(mock.requests()[0].header("authorization"), Some("Basic a2V5OnNlY3JldA=="));
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Url};

use super::error::TransportErrorKind;

type Handler = dyn Fn(&MockRequest) -> MockResponse + Send + Sync;

/// Answers the requests of a client built with
/// [`ClientBuilder::mock`](super::ClientBuilder::mock), and records them.
///
/// Cheap to clone: clones share the handler and the record, so keep one to
/// read [`requests`](Self::requests) after handing a clone to the builder.
#[derive(Clone)]
pub struct MockTransport {
    handler: Arc<Handler>,
    requests: Arc<Mutex<Vec<MockRequest>>>,
}

impl MockTransport {
    /// Answers every attempt with `handler(&request)`. The handler must not
    /// block for long: it runs inside the request's future.
    pub fn new(handler: impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static) -> Self {
        MockTransport {
            handler: Arc::new(handler),
            requests: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Answers attempts with `responses` in order, one each (a retried
    /// request takes one per attempt). Once they are used up, every attempt
    /// gets `501 Not Implemented` with a plain-text body saying so.
    pub fn replay(responses: impl IntoIterator<Item = MockResponse>) -> Self {
        let queue = Mutex::new(responses.into_iter().collect::<VecDeque<_>>());
        MockTransport::new(move |request| {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
            next.unwrap_or_else(|| {
                MockResponse::text(
                    501,
                    format!(
                        "MockTransport::replay: no recorded response left for {} {}",
                        request.method(),
                        request.path_template()
                    ),
                )
            })
        })
    }

    /// Every attempt answered so far, oldest first.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Forgets the recorded requests.
    pub fn clear(&self) {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    pub(super) fn answer(&self, request: MockRequest) -> MockResponse {
        let response = (self.handler)(&request);
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).push(request);
        response
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockTransport")
            .field("recorded", &self.requests.lock().map_or(0, |r| r.len()))
            .finish_non_exhaustive()
    }
}

/// One attempt as the [`MockTransport`] received it: exactly what would have
/// been sent (headers with credentials, the encoded query, the body).
///
/// Its `Debug` output shows header and query names only: values may be
/// credentials. Read them with [`header`](Self::header) and
/// [`query`](Self::query).
#[derive(Clone)]
pub struct MockRequest {
    pub(super) method: Method,
    pub(super) path_template: &'static str,
    pub(super) attempt: u32,
    pub(super) url: Url,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl MockRequest {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The OpenAPI path template, e.g. `/iam/v2/api-keys/{id}`.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// Which attempt this was (1 for the first, 2 for the first retry, ...).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The full URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The URL's path, percent-encoded as sent (the base URL's path prefix included).
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The first value of the query parameter `name`, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        self.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    /// Every query parameter in order, decoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }

    /// The first value of the header `name` as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every header sent.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body (empty when there is none).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body decoded as JSON.
    ///
    /// # Errors
    ///
    /// The `serde_json` error if the body is not JSON for `T`.
    pub fn body_json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl fmt::Debug for MockRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<String> = self.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        f.debug_struct("MockRequest")
            .field("method", &self.method)
            .field("path", &self.url.path())
            .field("query_names", &query)
            .field("header_names", &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// What a [`MockTransport`] answers: a status, headers and a body, or a
/// transport failure ([`fail`](Self::fail)). The client treats it exactly as
/// a response read from the network: retries on 429/503 and honours
/// `Retry-After`, enforces its response size limit, and generated operations
/// decode it or report it as they would a real one.
#[derive(Clone)]
pub struct MockResponse {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
    pub(super) failure: Option<TransportErrorKind>,
    /// A header given to [`header`](Self::header) that is not valid.
    pub(super) invalid_header: Option<String>,
}

impl MockResponse {
    /// A response with this status, no headers and an empty body. A status
    /// outside 100..=999 is answered as 500.
    pub fn new(status: u16) -> Self {
        MockResponse {
            status: if (100..=999).contains(&status) { status } else { 500 },
            headers: HeaderMap::new(),
            body: Bytes::new(),
            failure: None,
            invalid_header: None,
        }
    }

    /// A response with `value` serialised as its JSON body and
    /// `Content-Type: application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Self {
        // Serialising a `serde_json::Value` or a derived type cannot fail; if a
        // custom `Serialize` does, the body says so (and will not decode).
        let body = serde_json::to_vec(value)
            .unwrap_or_else(|e| format!("MockResponse::json: {e}").into_bytes());
        MockResponse::new(status)
            .header("content-type", "application/json")
            .body(body)
    }

    /// A response with a `text/plain; charset=utf-8` body.
    pub fn text(status: u16, text: impl Into<String>) -> Self {
        MockResponse::new(status)
            .header("content-type", "text/plain; charset=utf-8")
            .body(text.into())
    }

    /// No response at all: the attempt fails as the network would, e.g. with
    /// [`TransportErrorKind::Timeout`] or [`TransportErrorKind::Connect`]
    /// (retried as those are).
    pub fn fail(kind: TransportErrorKind) -> Self {
        let mut response = MockResponse::new(500);
        response.failure = Some(kind);
        response
    }

    /// Adds a response header (several values of one name are all kept). An
    /// invalid name or value makes the attempt fail with
    /// [`TransportErrorKind::InvalidRequest`] naming the header, rather than
    /// panicking here.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.invalid_header = Some(name.escape_debug().to_string()),
        }
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The `Content-Type` set, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for MockResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockResponse")
            .field("status", &self.status)
            .field("header_names", &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .field("failure", &self.failure)
            .finish()
    }
}
