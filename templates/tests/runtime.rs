//! Integration tests of the runtime against real HTTP servers on 127.0.0.1:
//! wiremock for well-behaved servers, raw `TcpListener`s for misbehaving ones.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use forge_templates::runtime::pagination::{
    page_token_from_url, paginate, Page, PageLimits, PaginationError, PaginationErrorKind,
};
use forge_templates::runtime::{
    encode_path_segment, parse_http_date, parse_rate_limit_reset, parse_retry_after, BuildError,
    Client, ClientBuilder, DecodeErrorKind, Error, RawResponse, RequestSpec, Response, RetryPolicy,
    TransportError, TransportErrorKind, DEFAULT_USER_AGENT,
};
use futures::TryStreamExt;
use reqwest::Method;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "KEYID7QWERTY";
const SECRET: &str = "s3cr3t+VALUE/xyz";
/// base64("KEYID7QWERTY:s3cr3t+VALUE/xyz")
const BASIC_B64: &str = "S0VZSUQ3UVdFUlRZOnMzY3IzdCtWQUxVRS94eXo=";
const TOKEN: &str = "sts-TOKEN.abc_123";

mod support;
use support::{client_for, fast_retries, get, ms, received};

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    id: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct List {
    data: Vec<Item>,
}

// ---------------------------------------------------------------------------
// Raw TCP servers for misbehaving peers
// ---------------------------------------------------------------------------

#[derive(Clone)]
enum Misbehaviour {
    /// Write these bytes, then close the connection.
    WriteAndClose(Vec<u8>),
    /// Read the request, then never answer (hold the connection open).
    Stall,
    /// Send an endless chunked body (until the client goes away).
    EndlessChunked,
}

/// Starts a raw HTTP/1.1 server; returns its base URL and a connection counter.
async fn raw_server(behaviour: Misbehaviour) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let behaviour = behaviour.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                match behaviour {
                    Misbehaviour::WriteAndClose(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                    Misbehaviour::Stall => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    Misbehaviour::EndlessChunked => {
                        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                    transfer-encoding: chunked\r\n\r\n";
                        if socket.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let chunk = vec![b' '; 16 * 1024];
                        let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                        framed.extend_from_slice(&chunk);
                        framed.extend_from_slice(b"\r\n");
                        // Up to 1 GiB: far more than the client may ever buffer.
                        for _ in 0..65_536 {
                            if socket.write_all(&framed).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (base, connections)
}

// ---------------------------------------------------------------------------
// Basic execution, headers and authentication
// ---------------------------------------------------------------------------

#[tokio::test]
async fn execute_success_returns_status_headers_body_and_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/iam/v2/api-keys"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-1")
                .insert_header("x-total", "42")
                .set_body_json(serde_json::json!({"data": [{"id": "a"}, {"id": "b"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let raw = client.execute(get("/iam/v2/api-keys")).await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(raw.attempts, 1);
    assert!(raw.is_success());
    assert_eq!(raw.request_id().as_deref(), Some("req-1"));
    assert_eq!(raw.header::<u32>("x-total"), Some(42));
    assert_eq!(
        raw.header::<u32>("x-request-id"),
        None,
        "unparsable is None"
    );
    assert_eq!(raw.header::<u32>("x-missing"), None);
    let list: List = raw.json::<List, ()>().unwrap();
    assert_eq!(list.data.len(), 2);

    let response: Response<List, ()> = raw.to_response(list, ());
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some("req-1"));
    // Undocumented headers stay readable on a success, and survive `map`.
    let response = response.map(|l| l.data.len());
    assert_eq!(response.raw_headers.get("x-total").and_then(|v| v.to_str().ok()), Some("42"));
    assert!(format!("{:?}", response.raw_headers).contains("x-total"), "Debug lists the header names");
    assert!(!format!("{:?}", response.raw_headers).contains("42"), "Debug shows no header values");
    assert_eq!(response.into_body(), 2);
}

#[tokio::test]
async fn default_headers_user_agent_and_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    client_for(&server.uri()).execute(get("/a")).await.unwrap();
    let custom = ClientBuilder::new()
        .base_url(server.uri())
        .user_agent("my-tool/1.2")
        .build()
        .unwrap();
    custom
        .execute(
            get("/b")
                .header("X-Custom", "v1")
                .header("accept", "text/plain"),
        )
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].headers["user-agent"], DEFAULT_USER_AGENT);
    assert_eq!(requests[0].headers["accept"], "application/json");
    assert!(DEFAULT_USER_AGENT.contains("openapi-forge"));
    assert_eq!(requests[1].headers["user-agent"], "my-tool/1.2");
    assert_eq!(requests[1].headers["x-custom"], "v1");
    assert_eq!(
        requests[1].headers["accept"], "text/plain",
        "explicit header wins"
    );
}

#[tokio::test]
async fn basic_and_bearer_auth_header_bytes_are_exact() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let basic = ClientBuilder::new()
        .base_url(server.uri())
        .basic_auth(KEY, SECRET)
        .allow_insecure_http(true)
        .build()
        .unwrap();
    basic.execute(get("/basic")).await.unwrap();

    let bearer = ClientBuilder::new()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .allow_insecure_http(true)
        .build()
        .unwrap();
    bearer.execute(get("/bearer")).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(
        requests[0].headers["authorization"].as_bytes(),
        format!("Basic {BASIC_B64}").as_bytes()
    );
    assert_eq!(
        requests[1].headers["authorization"].as_bytes(),
        format!("Bearer {TOKEN}").as_bytes()
    );
    assert_eq!(
        requests[0].headers.get_all("authorization").iter().count(),
        1
    );
}

#[tokio::test]
async fn auth_not_sent_when_not_authenticated() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let client = ClientBuilder::new()
        .base_url(server.uri())
        .basic_auth(KEY, SECRET)
        .allow_insecure_http(true)
        .build()
        .unwrap();
    client
        .execute(get("/public").authenticated(false))
        .await
        .unwrap();
    let requests = received(&server).await;
    assert!(requests[0].headers.get("authorization").is_none());
}

#[test]
fn debug_output_never_contains_credentials() {
    let b64_secret_part = &BASIC_B64[8..];
    for builder in [
        ClientBuilder::with_default_base_url("https://api.confluent.cloud").basic_auth(KEY, SECRET),
        ClientBuilder::with_default_base_url("https://api.confluent.cloud").bearer_token(TOKEN),
    ] {
        let builder_debug = format!("{builder:?} {builder:#?}");
        let client = builder.build().unwrap();
        let client_debug = format!("{client:?} {client:#?}");
        for text in [&builder_debug, &client_debug] {
            for secret in [KEY, SECRET, TOKEN, BASIC_B64, b64_secret_part] {
                assert!(!text.contains(secret), "{secret} leaked in {text}");
            }
            assert!(text.contains("redacted"), "{text}");
        }
        assert!(client_debug.contains("https://api.confluent.cloud"));
    }
}

#[test]
fn plain_http_with_credentials_is_refused_unless_allowed() {
    let err = ClientBuilder::new()
        .base_url("http://api.example.test")
        .basic_auth(KEY, SECRET)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InsecureHttp { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        !message.contains(SECRET) && !message.contains(KEY),
        "{message}"
    );

    let err = ClientBuilder::new()
        .base_url("http://api.example.test")
        .bearer_token(TOKEN)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InsecureHttp { .. }));

    ClientBuilder::new()
        .base_url("http://api.example.test")
        .basic_auth(KEY, SECRET)
        .allow_insecure_http(true)
        .build()
        .expect("allowed explicitly");
    ClientBuilder::new()
        .base_url("http://api.example.test")
        .build()
        .expect("no credentials, nothing to protect");
}

#[test]
fn builder_validates_base_url_and_credentials() {
    assert!(matches!(
        ClientBuilder::new().build().unwrap_err(),
        BuildError::MissingBaseUrl
    ));
    for bad in [
        "not a url",
        "ftp://example.test",
        "https://example.test/?q=1",
        "https://example.test/#f",
    ] {
        let err = ClientBuilder::new().base_url(bad).build().unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidBaseUrl { .. }),
            "{bad}: {err:?}"
        );
    }
    let err = ClientBuilder::new()
        .base_url("https://user:hunter2@example.test")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidBaseUrl { .. }));
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert!(!format!("{err:?}").contains("hunter2"));

    let err = ClientBuilder::new()
        .base_url("https://example.test")
        .bearer_token("bad\ntoken")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidCredentials { .. }));
    assert!(!err.to_string().contains("bad"), "{err}");
    let err = ClientBuilder::new()
        .base_url("https://example.test")
        .basic_auth("", "")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidCredentials { .. }));
    let err = ClientBuilder::new()
        .base_url("https://example.test")
        .user_agent("bad\r\nua")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidUserAgent));

    let client = ClientBuilder::new()
        .base_url("https://api.confluent.cloud///")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api.confluent.cloud");
    let default = ClientBuilder::with_default_base_url("https://api.confluent.cloud/")
        .build()
        .unwrap();
    assert_eq!(default.base_url(), "https://api.confluent.cloud");
    assert!(!default.has_credentials());
    let overridden = ClientBuilder::with_default_base_url("https://api.confluent.cloud")
        .base_url("https://other.example.test/prefix/")
        .build()
        .unwrap();
    assert_eq!(overridden.base_url(), "https://other.example.test/prefix");
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/prefix/v1/things"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&format!("{}/prefix/", server.uri()));
    let raw = client.execute(get("/v1/things")).await.unwrap();
    assert_eq!(raw.status, 200);
}

// ---------------------------------------------------------------------------
// Request encoding
// ---------------------------------------------------------------------------

#[tokio::test]
async fn encoded_path_segment_stays_one_segment() {
    assert_eq!(encode_path_segment("a/b?c"), "a%2Fb%3Fc");
    assert_eq!(encode_path_segment("a b#%é"), "a%20b%23%25%C3%A9");
    assert_eq!(encode_path_segment("Az09-._~"), "Az09-._~");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a%2Fb%3Fc"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let spec = RequestSpec::new(
        Method::GET,
        "/items/{id}",
        format!("/items/{}", encode_path_segment("a/b?c")),
    );
    assert_eq!(client.execute(spec).await.unwrap().status, 200);
    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/items/a%2Fb%3Fc");
    assert_eq!(requests[0].url.query(), None);
}

#[test]
fn a_path_template_is_filled_in_order_one_encoded_segment_per_placeholder() {
    let spec = RequestSpec::at(Method::GET, "/orgs/{org}/keys/{id}/v{version}", &["o 1", "a/b?c", "7"]);
    assert_eq!(spec.path(), "/orgs/o%201/keys/a%2Fb%3Fc/v7");
    // A placeholder without a segment stays as written (generated code has one per placeholder:
    // the generator refuses a spec whose path has an undeclared parameter).
    let spec = RequestSpec::at(Method::GET, "/orgs/{org}/keys/{id}", &["o"]);
    assert_eq!(spec.path(), "/orgs/o/keys/{id}");
    assert_eq!(RequestSpec::at(Method::GET, "/health", &[]).path(), "/health");
}

#[tokio::test]
async fn dot_segments_and_empty_path_parameters_are_refused() {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    for id in ["..", ".", "%2e%2E", ""] {
        let spec = RequestSpec::new(Method::DELETE, "/items/{id}", format!("/items/{id}"));
        let err = client.execute(spec).await.unwrap_err();
        assert!(
            matches!(err.kind(), TransportErrorKind::InvalidRequest { .. }),
            "{id:?}: {err:?}"
        );
        assert_eq!(err.attempts(), 0);
    }
    // A trailing slash in the template does not hide an empty parameter before it.
    let spec = RequestSpec::new(Method::DELETE, "/items/{id}/", "/items//".to_owned());
    let err = client.execute(spec).await.unwrap_err();
    assert!(matches!(err.kind(), TransportErrorKind::InvalidRequest { .. }), "{err:?}");
    assert!(received(&server).await.is_empty(), "nothing was sent");

    // Segments that only start like a dot segment, and a template's own empty segments, are sent.
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    for (template, path) in [
        ("/items/{id}", "/items/..."),
        ("/items/{id}", "/items/.well-known"),
        ("/items/{id}", "/items/%2e%2e%2e"),
        ("/items/{id}", "/items/%2f"),
        ("/items/{id}/", "/items/x/"),
        ("/items/", "/items/"),
    ] {
        let spec = RequestSpec::new(Method::DELETE, template, path.to_owned());
        client.execute(spec).await.unwrap_or_else(|e| panic!("{path}: {e:?}"));
    }
    assert_eq!(received(&server).await.len(), 6);
}

#[tokio::test]
async fn query_parameters_are_form_encoded_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let spec = get("/search")
        .query("filter", "a b&c=d/é")
        .query("page_size", 5)
        .query_opt("absent", None::<u32>)
        .query_opt("present", Some(true))
        .query_each("id", ["x", "y"]);
    assert_eq!(spec.query_pairs().len(), 5);
    client_for(&server.uri()).execute(spec).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(
        requests[0].url.query(),
        Some("filter=a+b%26c%3Dd%2F%C3%A9&page_size=5&present=true&id=x&id=y")
    );
}

#[tokio::test]
async fn query_json_explodes_objects_and_arrays() {
    #[derive(serde::Serialize)]
    struct Filter<'a> {
        environment: &'a str,
        tags: Vec<&'a str>,
        absent: Option<u8>,
        nested: serde_json::Value,
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let filter = Filter {
        environment: "env 1",
        tags: vec!["a", "b"],
        absent: None,
        nested: serde_json::json!({"k": 1}),
    };
    let spec = get("/search")
        .query_json("filter", &filter)
        .unwrap()
        .query_json("ids", &["x", "y"])
        .unwrap()
        .query_json("n", &5)
        .unwrap()
        .query_json("skipped", &None::<String>)
        .unwrap();
    client_for(&server.uri()).execute(spec).await.unwrap();
    let requests = received(&server).await;
    // Object properties are sent sorted by name, whatever serde_json's map order.
    assert_eq!(
        requests[0].url.query(),
        Some("environment=env+1&nested=%7B%22k%22%3A1%7D&tags=a&tags=b&ids=x&ids=y&n=5")
    );
}

#[tokio::test]
async fn json_form_and_bytes_bodies_and_resending_on_retry() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    let body = serde_json::json!({"spec": {"display_name": "k ü"}});
    let spec = RequestSpec::new(Method::PUT, "/keys/{id}", "/keys/k1".into())
        .json(&body)
        .unwrap();
    let raw = client.execute(spec).await.unwrap();
    assert_eq!(raw.attempts, 2, "PUT is idempotent: 503 retried");

    #[derive(serde::Serialize)]
    struct Form<'a> {
        grant_type: &'a str,
        scope: Vec<&'a str>,
        skipped: Option<u8>,
        n: u32,
    }
    let form = Form {
        grant_type: "urn:x b&c",
        scope: vec!["a", "b"],
        skipped: None,
        n: 7,
    };
    let spec = RequestSpec::new(Method::POST, "/token", "/token".into())
        .form(&form)
        .unwrap();
    client.execute(spec).await.unwrap();
    let spec = RequestSpec::new(Method::POST, "/upload", "/upload".into()).bytes(
        "application/octet-stream",
        Bytes::from_static(b"\x00\x01raw"),
    );
    client.execute(spec).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 4);
    for r in &requests[..2] {
        assert_eq!(r.headers["content-type"], "application/json");
        assert_eq!(r.body_json::<serde_json::Value>().unwrap(), body);
    }
    assert_eq!(requests[0].body, requests[1].body, "same bytes re-sent");
    assert_eq!(
        requests[2].headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    let mut pairs: Vec<&str> = std::str::from_utf8(&requests[2].body)
        .unwrap()
        .split('&')
        .collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        ["grant_type=urn%3Ax+b%26c", "n=7", "scope=a", "scope=b"]
    );
    assert_eq!(
        requests[3].headers["content-type"],
        "application/octet-stream"
    );
    assert_eq!(requests[3].body, b"\x00\x01raw");
}

#[test]
fn form_rejects_nested_objects_and_non_objects() {
    let nested = serde_json::json!({"a": {"b": 1}});
    let err = get("/x").form(&nested).unwrap_err();
    assert!(err.to_string().contains("`a`"), "{err}");
    assert!(get("/x").form(&[1, 2]).is_err());
    let as_error: Error<()> = err.into();
    assert!(matches!(as_error, Error::Encode(_)));

    // A map with non-string keys cannot be JSON.
    let mut map = std::collections::HashMap::new();
    map.insert((1, 2), 3);
    let err = get("/x").json(&map).unwrap_err();
    assert!(std::error::Error::source(&err).is_some());
}

// ---------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let started = Instant::now();
    let raw = client_for(&server.uri())
        .execute(get("/limited"))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(raw.status, 200);
    assert_eq!(raw.attempts, 2);
    assert!(elapsed >= ms(990), "waited only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
}

#[tokio::test]
async fn x_ratelimit_reset_relative_seconds_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("x-ratelimit-reset", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;

    // A huge backoff: if the header were ignored the test would take >= 15 s.
    let client = ClientBuilder::new()
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_secs(30))
                .max_backoff(Duration::from_secs(30)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let spec = RequestSpec::new(Method::POST, "/keys", "/keys".into());
    let raw = client.execute(spec).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(raw.status, 201);
    assert_eq!(raw.attempts, 2, "429 is retried for POST too");
    assert!(
        elapsed >= ms(990) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn rate_limited_forever_returns_last_429_after_bounded_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .insert_header("x-request-id", "rl-1")
                .insert_header("x-ratelimit-limit", "25")
                .set_body_json(serde_json::json!({"errors": [{"status": "429"}]})),
        )
        .mount(&server)
        .await;

    let client = ClientBuilder::new()
        .base_url(server.uri())
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let raw = client.execute(get("/busy")).await.unwrap();
    assert_eq!(raw.status, 429);
    assert_eq!(raw.attempts, 3);
    assert_eq!(raw.header::<u32>("x-ratelimit-limit"), Some(25));
    assert_eq!(raw.request_id().as_deref(), Some("rl-1"));
    assert!(!raw.body.is_empty());
    assert_eq!(received(&server).await.len(), 3);

    // Default policy: 4 attempts in total.
    let raw = client_for(&server.uri())
        .execute(get("/busy"))
        .await
        .unwrap();
    assert_eq!(raw.attempts, 4);
}

#[tokio::test]
async fn retry_after_longer_than_max_is_returned_not_waited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/long"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/epoch"))
        // An epoch timestamp where relative seconds are expected: decades.
        .respond_with(ResponseTemplate::new(429).insert_header("x-ratelimit-reset", "1700000000"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    for p in ["/long", "/epoch"] {
        let raw = client.execute(get(p)).await.unwrap();
        assert_eq!((raw.status, raw.attempts), (429, 1), "{p}");
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn patch_503_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let spec = RequestSpec::new(Method::PATCH, "/keys/{id}", "/keys/k1".into());
    let raw = client_for(&server.uri()).execute(spec).await.unwrap();
    assert_eq!((raw.status, raw.attempts), (503, 1));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn get_503_is_retried() {
    let server = MockServer::start().await;
    for status in [503, 502, 504] {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let raw = client_for(&server.uri())
        .execute(get("/flaky"))
        .await
        .unwrap();
    assert_eq!((raw.status, raw.attempts), (200, 4));
}

#[tokio::test]
async fn patch_503_is_retried_with_retry_non_idempotent() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = ClientBuilder::new()
        .base_url(server.uri())
        .retry_policy(fast_retries().retry_non_idempotent(true))
        .build()
        .unwrap();
    let spec = RequestSpec::new(Method::PATCH, "/keys/{id}", "/keys/k1".into());
    let raw = client.execute(spec).await.unwrap();
    assert_eq!((raw.status, raw.attempts), (200, 2));
}

#[tokio::test]
async fn retry_policy_none_makes_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let client = ClientBuilder::new()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let raw = client.execute(get("/x")).await.unwrap();
    assert_eq!((raw.status, raw.attempts), (429, 1));
}

#[tokio::test]
async fn connection_refused_is_retried_for_get_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener); // nothing listens there any more

    let client = ClientBuilder::new()
        .base_url(&base)
        .basic_auth(KEY, SECRET)
        .allow_insecure_http(true)
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let err = client.execute(get("/x")).await.unwrap_err();
    assert_eq!(err.kind(), &TransportErrorKind::Connect, "{err:?}");
    assert!(err.is_connect());
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.method(), Method::GET);
    assert_eq!(err.path_template(), "/x");
    assert!(err.reqwest_error().is_some());

    // The whole error chain is free of credentials.
    let as_error: Error<()> = err.into();
    let mut chain = format!("{as_error} {as_error:?}");
    let mut source = std::error::Error::source(&as_error);
    while let Some(s) = source {
        chain.push_str(&s.to_string());
        source = s.source();
    }
    for secret in [KEY, SECRET, BASIC_B64] {
        assert!(!chain.contains(secret), "{chain}");
    }

    // POST is not retried on connection errors by default.
    let spec = RequestSpec::new(Method::POST, "/x", "/x".into());
    let err = client.execute(spec).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.attempts()),
        (&TransportErrorKind::Connect, 1)
    );
}

#[tokio::test]
async fn stalled_server_times_out_with_bounded_total_time() {
    let (base, connections) = raw_server(Misbehaviour::Stall).await;
    let client = ClientBuilder::new()
        .base_url(&base)
        .timeout(ms(200))
        .retry_policy(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.execute(get("/slow")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), &TransportErrorKind::Timeout, "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(err.attempts(), 2);
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    assert!(
        elapsed >= ms(400) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    let as_error: Error<()> = err.into();
    assert!(as_error.is_timeout());

    // A per-request timeout overrides the client's.
    let client = ClientBuilder::new()
        .base_url(&base)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .execute(get("/slow").timeout(ms(150)))
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(3));
}

// ---------------------------------------------------------------------------
// Response bodies
// ---------------------------------------------------------------------------

fn no_retry_client(base: &str) -> Client {
    ClientBuilder::new()
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn html_502_body_is_a_not_json_decode_error_with_snippet() {
    let server = MockServer::start().await;
    let html = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "x".repeat(2000)
    );
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-request-id", "gw-7")
                .set_body_raw(html.clone(), "text/html; charset=utf-8"),
        )
        .mount(&server)
        .await;
    let raw = no_retry_client(&server.uri())
        .execute(get("/x"))
        .await
        .unwrap();
    assert_eq!(raw.status, 502);
    let err = raw.json::<List, ()>().unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(decode.kind, DecodeErrorKind::NotJson);
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.request_id(), Some("gw-7"));
    let context = err.response().unwrap();
    assert_eq!(
        context.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(context.body_snippet.contains("502 Bad Gateway"));
    assert!(context.body_snippet.len() <= 512);
    assert_eq!(context.body_len, html.len());
    assert!(context.is_snippet_truncated());
    let message = err.to_string();
    assert!(
        message.contains("not JSON") && message.contains("502"),
        "{message}"
    );
}

#[tokio::test]
async fn truncated_or_mistyped_json_is_malformed_with_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/truncated"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"data":[{"id":"a"},{"id":"b"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/mistyped"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"data":[{"id":"a"},{"id":5}]}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/trailing"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"data":[]} {"#, "application/problem+json"),
        )
        .mount(&server)
        .await;
    let client = no_retry_client(&server.uri());

    let raw = client.execute(get("/truncated")).await.unwrap();
    let err = raw.json::<List, ()>().unwrap_err();
    match &err {
        Error::Decode(d) => match &d.kind {
            DecodeErrorKind::Malformed { path, message } => {
                assert!(path.starts_with("data[1]"), "{path}");
                assert!(message.contains("EOF"), "{message}");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("data[1]"), "{err}");

    let raw = client.execute(get("/mistyped")).await.unwrap();
    match raw.decode::<List>().unwrap_err().kind {
        DecodeErrorKind::Malformed { path, message } => {
            assert_eq!(path, "data[1].id");
            assert!(message.contains("expected a string"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    let raw = client.execute(get("/trailing")).await.unwrap();
    assert!(matches!(
        raw.decode::<List>().unwrap_err().kind,
        DecodeErrorKind::Malformed { .. }
    ));
}

#[tokio::test]
async fn empty_body_is_an_empty_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/empty"))
        .respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/blank"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(" \r\n ", "application/json"))
        .mount(&server)
        .await;
    let client = no_retry_client(&server.uri());
    for p in ["/empty", "/blank"] {
        let raw = client.execute(get(p)).await.unwrap();
        let err = raw.json::<serde_json::Value, ()>().unwrap_err();
        match &err {
            Error::Decode(d) => assert_eq!(d.kind, DecodeErrorKind::Empty, "{p}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(err.status(), Some(200));
    }
}

#[tokio::test]
async fn missing_content_type_is_sniffed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/json"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(r#"{"data":[]}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/html"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes("<html>oops</html>"))
        .mount(&server)
        .await;
    let client = no_retry_client(&server.uri());
    let raw = client.execute(get("/json")).await.unwrap();
    assert_eq!(raw.content_type(), None);
    assert_eq!(raw.decode::<List>().unwrap(), List { data: vec![] });
    let raw = client.execute(get("/html")).await.unwrap();
    assert_eq!(
        raw.decode::<List>().unwrap_err().kind,
        DecodeErrorKind::NotJson
    );
}

#[tokio::test]
async fn undocumented_status_is_unexpected_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(418)
                .insert_header("x-request-id", "tea-1")
                .set_body_string("short and stout"),
        )
        .mount(&server)
        .await;
    let raw = client_for(&server.uri())
        .execute(get("/teapot"))
        .await
        .unwrap();
    assert_eq!(raw.attempts, 1, "418 is not retried");
    let err: Error<()> = raw.unexpected();
    match &err {
        Error::UnexpectedStatus(context) => {
            assert_eq!(context.status, 418);
            assert_eq!(context.request_id.as_deref(), Some("tea-1"));
            assert_eq!(context.content_type.as_deref(), Some("text/plain"));
            assert_eq!(context.body_snippet, "short and stout");
            assert!(!context.is_snippet_truncated());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), Some(418));
    assert_eq!(err.request_id(), Some("tea-1"));
    assert!(err.api().is_none());
    let message = err.to_string();
    assert!(
        message.contains("418") && message.contains("tea-1") && message.contains("short and stout"),
        "{message}"
    );
}

#[tokio::test]
async fn body_snippet_is_bounded_and_char_boundary_safe() {
    let server = MockServer::start().await;
    // 'é' is two bytes: 511 bytes of 'a' then 'é' straddles the 512 limit.
    let body = format!("{}{}", "a".repeat(511), "é".repeat(300));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(body.clone(), "text/plain"))
        .mount(&server)
        .await;
    let raw = no_retry_client(&server.uri())
        .execute(get("/x"))
        .await
        .unwrap();
    let context = raw.context();
    assert_eq!(context.body_snippet, "a".repeat(511));
    assert_eq!(context.body_len, body.len());
}

#[tokio::test]
async fn body_larger_than_cap_is_body_too_large() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 100_000]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/exact"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 1024]))
        .mount(&server)
        .await;
    let client = ClientBuilder::new()
        .base_url(server.uri())
        .max_response_bytes(1024)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = client.execute(get("/big")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        &TransportErrorKind::BodyTooLarge { limit: 1024 }
    );
    assert_eq!(err.attempts(), 1, "not retried");
    let raw = client.execute(get("/exact")).await.unwrap();
    assert_eq!(raw.body.len(), 1024);
}

#[tokio::test]
async fn endless_chunked_body_stops_early_at_the_cap() {
    let (base, _) = raw_server(Misbehaviour::EndlessChunked).await;
    let client = ClientBuilder::new()
        .base_url(&base)
        .max_response_bytes(256 * 1024)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.execute(get("/stream")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        &TransportErrorKind::BodyTooLarge { limit: 256 * 1024 }
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn connection_closed_mid_body_is_a_transport_error() {
    let mut response =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n"
            .to_vec();
    response.extend_from_slice(b"{\"data\":[{");
    let (base, connections) = raw_server(Misbehaviour::WriteAndClose(response)).await;
    let client = ClientBuilder::new()
        .base_url(&base)
        .retry_policy(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let err = client.execute(get("/cut")).await.unwrap_err();
    assert_eq!(err.kind(), &TransportErrorKind::Body, "{err:?}");
    assert_eq!(err.attempts(), 2, "GET retried once");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    assert!(err.to_string().contains("GET /cut"), "{err}");

    let spec = RequestSpec::new(Method::POST, "/cut", "/cut".into());
    let err = client.execute(spec).await.unwrap_err();
    assert_eq!((err.kind(), err.attempts()), (&TransportErrorKind::Body, 1));
}

// ---------------------------------------------------------------------------
// Error type
// ---------------------------------------------------------------------------

#[derive(Debug)]
#[allow(dead_code)] // read through Debug only
enum GetKeyError {
    NotFound(serde_json::Value),
}

#[tokio::test]
async fn api_error_and_helpers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"errors": [{"detail": "no such key"}]})),
        )
        .mount(&server)
        .await;
    let raw = client_for(&server.uri())
        .execute(get("/keys/k"))
        .await
        .unwrap();
    let body = raw.json::<serde_json::Value, GetKeyError>().unwrap();
    let err: Error<GetKeyError> = raw.api_error(GetKeyError::NotFound(body));
    assert!(err.api().is_some());
    assert_eq!(err.status(), Some(raw.status));
    assert!(err.to_string().contains("no such key"), "{err}");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.source().is_none());
    let mapped = raw.api_error(1u8).map_api(|n| n + 1);
    assert_eq!(mapped.into_api(), Some(2));
}

#[test]
fn error_values_stay_small() {
    assert_eq!(
        std::mem::size_of::<TransportError>(),
        std::mem::size_of::<usize>()
    );
    assert!(std::mem::size_of::<Error<()>>() <= 16);
    assert!(std::mem::size_of::<Result<(), Error<()>>>() <= 16);
}

// ---------------------------------------------------------------------------
// Header parsing helpers
// ---------------------------------------------------------------------------

#[test]
fn retry_after_and_rate_limit_parsing() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(UNIX_EPOCH + Duration::from_secs(784_111_777))
    );
    assert_eq!(
        parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
        Some(UNIX_EPOCH)
    );
    assert_eq!(
        parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
        Some(UNIX_EPOCH + Duration::from_secs(1_835_481_599))
    );
    assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
    assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), None);
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after(" 2 ", now), Some(Duration::from_secs(2)));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(Duration::ZERO),
        "past dates mean now"
    );
    assert_eq!(parse_retry_after("-1", now), None);
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_rate_limit_reset("7"), Some(Duration::from_secs(7)));
    assert_eq!(parse_rate_limit_reset("0.5"), Some(ms(500)));
    assert_eq!(parse_rate_limit_reset(""), None);
    let _ = SystemTime::now();
}

#[test]
fn retry_policy_defaults_and_backoff_bounds() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.get_max_attempts(), 4);
    assert_eq!(policy.get_initial_backoff(), ms(250));
    assert_eq!(policy.get_max_backoff(), Duration::from_secs(10));
    assert_eq!(policy.get_max_retry_after(), Duration::from_secs(60));
    assert!(!policy.get_retry_non_idempotent());
    assert_eq!(RetryPolicy::none().get_max_attempts(), 1);
    assert_eq!(RetryPolicy::new().max_attempts(0).get_max_attempts(), 1);
    for _ in 0..100 {
        let first = policy.backoff(1);
        assert!(first >= ms(125) && first <= ms(250), "{first:?}");
        let third = policy.backoff(3);
        assert!(third >= ms(500) && third <= ms(1000), "{third:?}");
        let capped = policy.backoff(40);
        assert!(capped >= Duration::from_secs(5) && capped <= Duration::from_secs(10));
    }
    assert!(policy.retries_transient_failures(&Method::DELETE));
    assert!(!policy.retries_transient_failures(&Method::POST));
    assert!(policy
        .clone()
        .retry_non_idempotent(true)
        .retries_transient_failures(&Method::PATCH));
}

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

#[test]
fn page_token_extraction() {
    assert_eq!(
        page_token_from_url("https://api.confluent.cloud/iam/v2/api-keys?page_size=2&page_token=UvmDWOB1iwfAIBPj6EYb"),
        Some("UvmDWOB1iwfAIBPj6EYb".to_owned())
    );
    assert_eq!(
        page_token_from_url("/iam/v2/api-keys?page_token=a%2Bb"),
        Some("a+b".to_owned())
    );
    assert_eq!(
        page_token_from_url("https://api.confluent.cloud/iam/v2/api-keys"),
        None
    );
    assert_eq!(page_token_from_url("https://x.test/?page_token="), None);
    assert_eq!(page_token_from_url(""), None);
    let page = Page::from_next_url(vec![1], Some("https://x.test/?page_token=t2"));
    assert_eq!(page.next_page_token.as_deref(), Some("t2"));
}

#[tokio::test]
async fn paginate_walks_all_pages_through_the_client() {
    let server = MockServer::start().await;
    let next = |token: &str| format!("{}/items?page_size=2&page_token={token}", server.uri());
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param_is_missing("page_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "metadata": {"next": next("p2")},
            "data": [{"id": "1"}, {"id": "2"}],
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("page_token", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "metadata": {"next": next("p3")},
            "data": [],
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("page_token", "p3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "metadata": {},
            "data": [{"id": "3"}],
        })))
        .mount(&server)
        .await;

    #[derive(Deserialize)]
    struct Metadata {
        next: Option<String>,
    }
    #[derive(Deserialize)]
    struct ItemPage {
        metadata: Metadata,
        data: Vec<Item>,
    }

    let client = client_for(&server.uri());
    let items: Vec<Item> = paginate(PageLimits::default(), None, |token| {
        let client = client.clone();
        async move {
            let spec = get("/items")
                .query("page_size", 2)
                .query_opt("page_token", token);
            let raw = client.execute(spec).await?;
            if raw.status != 200 {
                return Err(raw.unexpected::<()>());
            }
            let page = raw.json::<ItemPage, ()>()?;
            Ok(Page::from_next_url(
                page.data,
                page.metadata.next.as_deref(),
            ))
        }
    })
    .try_collect()
    .await
    .unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn paginate_stops_on_repeated_token_and_after_errors() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let results: Vec<Result<u32, Error<()>>> = futures::StreamExt::collect(paginate(
        PageLimits::default(),
        Some("start".to_owned()),
        move |token| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                assert_eq!(
                    token.as_deref(),
                    Some(if n == 0 { "start" } else { "again" })
                );
                Ok::<_, Error<()>>(Page::new(vec![1], Some("again".to_owned())))
            }
        },
    ))
    .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[..2].iter().all(|r| matches!(r, Ok(1))));
    assert!(
        matches!(
            &results[2],
            Err(Error::Pagination(PaginationError {
                kind: PaginationErrorKind::RepeatedToken,
                pages: 2
            }))
        ),
        "{results:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    #[derive(Debug, PartialEq)]
    enum Failure {
        Boom,
        Pagination,
    }
    impl From<PaginationError> for Failure {
        fn from(_: PaginationError) -> Self {
            Failure::Pagination
        }
    }
    let results: Vec<Result<u32, Failure>> =
        futures::StreamExt::collect(paginate(PageLimits::default(), None, |_| async {
            Err::<Page<u32>, _>(Failure::Boom)
        }))
        .await;
    assert_eq!(results, [Err(Failure::Boom)]);
    assert_ne!(Failure::Boom, Failure::Pagination);
}

/// A chunked body framed as `pieces`, one chunk each, after a `200` head.
fn chunked_response(pieces: &[&[u8]]) -> Vec<u8> {
    let mut response =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for piece in pieces {
        response.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        response.extend_from_slice(piece);
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"0\r\n\r\n");
    response
}

#[tokio::test]
async fn a_body_in_several_chunks_is_read_whole_and_capped_in_total() {
    // The first chunk is kept as it is; the later ones are appended to it in order.
    let pieces: [&[u8]; 3] = [b"{\"data\":", b"[{\"id\":\"a\"},", b"{\"id\":\"b\"}]}"];
    let (base, _) = raw_server(Misbehaviour::WriteAndClose(chunked_response(&pieces))).await;
    let raw = client_for(&base).execute(get("/chunks")).await.unwrap();
    assert_eq!(&raw.body[..], pieces.concat().as_slice());
    let list: List = raw.json::<List, ()>().unwrap();
    assert_eq!(list.data.len(), 2);

    // Two chunks that fit the cap each, but not together.
    let big = vec![b' '; 600];
    let (base, _) = raw_server(Misbehaviour::WriteAndClose(chunked_response(&[&big, &big]))).await;
    let client = ClientBuilder::new()
        .base_url(&base)
        .max_response_bytes(1024)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = client.execute(get("/chunks")).await.unwrap_err();
    assert_eq!(err.kind(), &TransportErrorKind::BodyTooLarge { limit: 1024 });
}

#[test]
fn headers_are_found_in_any_case_and_a_success_takes_them() {
    use reqwest::header::{HeaderMap, HeaderValue};

    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("req-7"));
    headers.insert("x-ratelimit-limit", HeaderValue::from_static("25"));
    headers.append("x-ratelimit-limit", HeaderValue::from_static("99"));
    headers.insert("x-ratelimit-reset", HeaderValue::from_static("soon"));
    let mut raw = RawResponse {
        status: 200,
        headers,
        body: Bytes::from_static(b"{}"),
        attempts: 1,
        sensitive: false,
    };
    // The spec's spelling, as generated header structs pass it; a repeated header gives its
    // first value, as `HeaderMap::get` does.
    assert_eq!(raw.header::<u32>("X-RateLimit-Limit"), Some(25));
    assert_eq!(raw.header::<u32>("x-ratelimit-limit"), Some(25));
    assert_eq!(raw.header_str("X-RATELIMIT-RESET"), Some("soon"));
    assert_eq!(raw.header::<u32>("X-RateLimit-Reset"), None, "unparsable is None");
    assert_eq!(raw.header::<u32>("X-RateLimit"), None, "a prefix is another name");
    assert_eq!(raw.header_str("not a header name"), None);

    // `ok` moves the map into the success value instead of copying it.
    let response: Response<(), ()> = raw.ok::<_, _, ()>((), ()).unwrap();
    assert_eq!(response.request_id.as_deref(), Some("req-7"));
    assert_eq!(response.raw_headers.get_all("x-ratelimit-limit").iter().count(), 2);
    assert_eq!(response.raw_headers.len(), 4);
    assert!(raw.headers.is_empty(), "the response's headers moved into the success value");
}
