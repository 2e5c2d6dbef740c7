//! `MockTransport`: unit tests of code using a client without a network. Requests go through
//! the whole client (headers, credentials, retries, limits) and answers through the same
//! decoding and error paths as real responses; every attempt is recorded.

mod support;

use fixture_api_key_auth::runtime as fixture;
use forge_templates::runtime::{ClientBuilder, MockResponse, MockTransport, RetryPolicy, TransportErrorKind};
use reqwest::Method;
use support::{fast_retries, get};

#[tokio::test]
async fn a_generated_client_over_a_mock() {
    // A generated crate has its own copy of the runtime: its MockTransport is the one to use.
    use fixture::{Error, MockResponse, MockTransport, RetryPolicy};
    let mock = MockTransport::new(|req| match (req.method().as_str(), req.path()) {
        ("GET", "/v1/things/t1") => MockResponse::json(200, &serde_json::json!({"id": "t1", "name": "one"})),
        ("GET", "/v1/things/locked") => MockResponse::json(401, &serde_json::json!({"message": "no"})),
        ("GET", "/v1/things/proxy") => MockResponse::text(502, "<html>bad gateway</html>").header("content-type", "text/html"),
        ("POST", "/v1/things") => {
            let sent: serde_json::Value = req.body_json().expect("JSON body");
            MockResponse::json(201, &sent).header("x-request-id", "req-9")
        }
        ("GET", "/v1/health") => MockResponse::new(204),
        _ => MockResponse::new(404),
    });
    // The spec's https server as is: nothing is sent anywhere.
    let client = fixture_api_key_auth::Client::builder()
        .api_key("k-1")
        .retry_policy(RetryPolicy::none())
        .mock(mock.clone())
        .build()
        .unwrap();
    assert!(client.is_mock());

    let thing = client.get_thing("t1").await.unwrap();
    assert_eq!(thing.body.name.as_deref(), Some("one"));
    let err = client.get_thing("locked").await.unwrap_err();
    assert!(matches!(err.api(), Some(fixture_api_key_auth::GetThingError::Unauthorized(reply)) if reply.body.message.as_deref() == Some("no")));
    let err = client.get_thing("proxy").await.unwrap_err();
    assert!(matches!(&err, Error::UnexpectedStatus(r) if r.status == 502 && r.body_snippet.contains("bad gateway")), "{err:?}");
    let body = fixture_api_key_auth::types::Thing { id: "new".into(), name: None };
    let created = client.create_thing(&body).await.unwrap();
    assert_eq!((created.status, created.body.id.as_str(), created.request_id.as_deref()), (201, "new", Some("req-9")));
    client.get_health().await.unwrap();

    let sent = mock.requests();
    assert_eq!(sent.len(), 5);
    assert_eq!(sent[0].url().as_str(), "https://api.example.com/v1/things/t1");
    assert_eq!(sent[0].header("x-api-key"), Some("k-1"));
    assert_eq!(sent[0].path_template(), "/things/{id}");
    assert_eq!(sent[3].method(), Method::POST);
    assert_eq!(sent[3].header("content-type"), Some("application/json"));
    assert_eq!(sent[3].body_json::<serde_json::Value>().unwrap(), serde_json::json!({"id": "new"}));
    assert_eq!(sent[4].header("x-api-key"), None, "security: [] sends no key");
    let shown = format!("{:?} {mock:?}", sent[0]);
    assert!(shown.contains("x-api-key") && !shown.contains("k-1"), "{shown}");
    mock.clear();
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn replayed_responses_drive_retries() {
    let mock = MockTransport::replay([
        MockResponse::new(503).header("retry-after", "0"),
        MockResponse::fail(TransportErrorKind::Connect),
        MockResponse::text(200, "third time"),
    ]);
    let client = ClientBuilder::new()
        .base_url("http://local.test/api") // plain http is fine: nothing leaves the process
        .basic_auth("key", "secret")
        .retry_policy(fast_retries())
        .mock(mock.clone())
        .build()
        .unwrap();
    let raw = client.execute(get("/x").query("q", "a b")).await.unwrap();
    assert_eq!((raw.status, raw.attempts, &raw.body[..]), (200, 3, &b"third time"[..]));
    let sent = mock.requests();
    assert_eq!(sent.iter().map(|r| r.attempt()).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(sent[0].query("q").as_deref(), Some("a b"));
    assert_eq!(sent[0].path(), "/api/x");
    assert_eq!(sent[0].header("authorization"), Some("Basic a2V5OnNlY3JldA=="));
    assert_eq!(sent[0].header("accept"), Some("application/json"));

    // Used up: a 501 that says so, not a panic.
    let raw = client.execute(get("/more")).await.unwrap();
    assert_eq!(raw.status, 501);
    assert!(String::from_utf8_lossy(&raw.body).contains("no recorded response left for GET /more"));
}

#[tokio::test]
async fn mock_answers_meet_the_same_limits_and_failures() {
    let mock = MockTransport::new(|req| match req.path() {
        "/big" => MockResponse::new(200).body(vec![b'x'; 2048]),
        "/timeout" => MockResponse::fail(TransportErrorKind::Timeout),
        _ => MockResponse::new(200).header("bad header", "v"),
    });
    let client = ClientBuilder::new()
        .base_url("https://local.test")
        .max_response_bytes(1024)
        .retry_policy(RetryPolicy::none())
        .mock(mock)
        .build()
        .unwrap();
    let err = client.execute(get("/big")).await.unwrap_err();
    assert!(matches!(err.kind(), TransportErrorKind::BodyTooLarge { limit: 1024 }), "{err:?}");
    assert!(client.execute(get("/timeout")).await.unwrap_err().is_timeout());
    let err = client.execute(get("/odd")).await.unwrap_err();
    assert!(matches!(err.kind(), TransportErrorKind::InvalidRequest { reason } if reason.contains("bad header")), "{err:?}");
}

/// The response observer sees the final response of each request once (not the retried
/// attempts), with the whole body, also when the body is far longer than an error's snippet:
/// the conformance suite validates that body against the spec when it does not decode.
#[tokio::test]
async fn the_response_observer_sees_each_final_response_whole() {
    use std::sync::{Arc, Mutex};
    let long = format!("{{\"items\": [{}]}}", vec!["\"x\""; 400].join(","));
    let mock = MockTransport::replay([
        MockResponse::new(503).header("retry-after", "0"),
        MockResponse::text(200, long.clone()).header("content-type", "application/json"),
        MockResponse::text(404, "gone"),
    ]);
    let seen: Arc<Mutex<Vec<(u16, u32, String)>>> = Arc::default();
    let record = seen.clone();
    let client = ClientBuilder::new()
        .base_url("http://local.test")
        .retry_policy(fast_retries())
        .response_observer(move |r| {
            record.lock().unwrap().push((r.status, r.attempts, String::from_utf8_lossy(&r.body).into_owned()));
        })
        .mock(mock)
        .build()
        .unwrap();
    let first = client.execute(get("/a")).await.unwrap();
    // A decode failure keeps only a snippet; the observer had the whole body.
    let err = first.json::<Vec<u32>, ()>().unwrap_err();
    let forge_templates::runtime::Error::Decode(d) = err else { panic!("{err:?}") };
    assert!(d.response.is_snippet_truncated());
    client.execute(get("/b")).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "one call per request, not per attempt");
    assert_eq!((seen[0].0, seen[0].1, seen[0].2.as_str()), (200, 2, long.as_str()));
    assert_eq!((seen[1].0, seen[1].2.as_str()), (404, "gone"));
}
