//! The generated seed client (`generated/`, crate `confluent-cloud`) against live local HTTP
//! servers: every behaviour a caller relies on, over real sockets on 127.0.0.1.

use confluent_cloud::types::{ApiKeyKind, UpdateApiKeyRequest, ApiKeySpecRequest};
use confluent_cloud::{Client, Error, Reply, RetryPolicy, UpdateIamV2ApiKeyError};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "CLOUDKEY123";
const SECRET: &str = "s3cr3t-VALUE-never-printed";

fn api_key_json(kind: &str) -> serde_json::Value {
    serde_json::json!({
        "api_version": "iam/v2",
        "kind": kind,
        "id": "ak-12345",
        "metadata": {
            "self": "https://api.confluent.cloud/iam/v2/api-keys/ak-12345",
            "created_at": "2006-01-02T15:04:05-07:00"
        },
        "spec": {
            "secret": "TOPSECRETVALUE",
            "display_name": "CI kafka access key",
            "owner": {"id": "u-a83k9b", "related": "https://api.confluent.cloud/iam/v2/users/u-a83k9b", "resource_name": "crn://x"},
            "resource": null,
            "brand_new_field": {"nested": true}
        },
        "another_unknown_field": 1
    })
}

fn failure_json(code: &str) -> serde_json::Value {
    serde_json::json!({"errors": [{"id": "e-1", "status": "400", "code": code, "title": "Bad", "detail": "d", "source": {"pointer": "/spec"}}]})
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .basic_auth(KEY, SECRET)
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::new().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(50)))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn body() -> UpdateApiKeyRequest {
    UpdateApiKeyRequest { spec: Some(ApiKeySpecRequest { display_name: Some("new name".into()), description: None }) }
}

#[tokio::test]
async fn success_decodes_body_and_typed_headers() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/iam/v2/api-keys/ak-12345"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(api_key_json("ApiKey"))
                .insert_header("X-Request-Id", "req-1")
                .insert_header("X-RateLimit-Limit", "100")
                .insert_header("X-RateLimit-Remaining", "99")
                .insert_header("X-RateLimit-Reset", "30"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server).update_iam_v2_api_key("ak-12345").body(&body()).await.expect("ok");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.request_id.as_deref(), Some("req-1"));
    assert_eq!(resp.headers.x_rate_limit_limit, Some(100));
    assert_eq!(resp.headers.x_rate_limit_remaining, Some(99));
    assert_eq!(resp.headers.x_rate_limit_reset, Some(30), "relative seconds, kept as sent");
    assert_eq!(resp.body.id, "ak-12345");
    assert_eq!(resp.body.kind, ApiKeyKind::ApiKey);
    assert_eq!(resp.body.spec.owner.id, "u-a83k9b");
    assert!(resp.body.spec.resource.is_none());
    let created = resp.body.metadata.as_ref().and_then(|m| m.created_at).expect("created_at");
    assert_eq!(created.to_rfc3339(), "2006-01-02T22:04:05+00:00");
    // x-redact: the secret never shows in Debug.
    let debug = format!("{:?}", resp.body);
    assert!(!debug.contains("TOPSECRETVALUE"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert_eq!(resp.body.spec.secret.as_deref(), Some("TOPSECRETVALUE"));
}

#[tokio::test]
async fn unknown_fields_and_enum_values_decode() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ApiKeyV3")))
        .mount(&server)
        .await;
    let resp = client(&server).update_iam_v2_api_key("ak-12345").body(&body()).await.expect("ok");
    assert_eq!(resp.body.kind, ApiKeyKind::Unknown("ApiKeyV3".into()));
    assert_eq!(resp.body.kind.as_str(), "ApiKeyV3");
}

#[tokio::test]
async fn exact_request_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ApiKey"))).mount(&server).await;
    client(&server).update_iam_v2_api_key("a/b?c").body(&body()).await.expect("ok");
    let requests: Vec<Request> = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "PATCH");
    assert_eq!(r.url.path(), "/iam/v2/api-keys/a%2Fb%3Fc", "the id stays one path segment");
    assert_eq!(r.url.query(), None);
    assert_eq!(r.headers.get("content-type").map(|v| v.to_str().unwrap_or("")), Some("application/json"));
    let auth = r.headers.get("authorization").map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
    assert_eq!(auth, "Basic Q0xPVURLRVkxMjM6czNjcjN0LVZBTFVFLW5ldmVyLXByaW50ZWQ=");
    // No readOnly field (metadata), no absent optional (description).
    assert_eq!(String::from_utf8_lossy(&r.body), r#"{"spec":{"display_name":"new name"}}"#);
}

#[tokio::test]
async fn bearer_token_auth() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ApiKey"))).mount(&server).await;
    let c = Client::builder().base_url(server.uri()).bearer_token("sts-token-xyz").allow_insecure_http(true).build().expect("client");
    c.update_iam_v2_api_key("ak-1").body(&body()).await.expect("ok");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests[0].headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer sts-token-xyz"));
}

#[tokio::test]
async fn every_documented_error_status_maps_to_its_variant() {
    for status in [400u16, 401, 402, 403, 404, 409, 422, 500] {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(failure_json(&format!("code_{status}")))
                    .insert_header("X-Request-Id", "req-err")
                    .insert_header("WWW-Authenticate", "Basic error=\"invalid_key\"")
                    .insert_header("Location", "https://api.confluent.cloud/iam/v2/api-keys/ak-1"),
            )
            .mount(&server)
            .await;
        let err = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("error status");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.request_id(), Some("req-err"));
        let api = err.api().unwrap_or_else(|| panic!("{status}: not an API error: {err:?}"));
        // The request id is not repeated in the documented headers: `err.request_id()` above.
        let failure = match api {
            UpdateIamV2ApiKeyError::BadRequest(Reply { body, .. }) if status == 400 => body,
            UpdateIamV2ApiKeyError::Unauthorized(Reply { body, headers }) if status == 401 => {
                assert_eq!(headers.www_authenticate.as_deref(), Some("Basic error=\"invalid_key\""));
                body
            }
            UpdateIamV2ApiKeyError::PaymentRequired(Reply { body, .. }) if status == 402 => body,
            UpdateIamV2ApiKeyError::Forbidden(Reply { body, .. }) if status == 403 => body,
            UpdateIamV2ApiKeyError::NotFound(Reply { body, .. }) if status == 404 => body,
            UpdateIamV2ApiKeyError::Conflict(Reply { body, headers }) if status == 409 => {
                assert_eq!(headers.location.as_deref(), Some("https://api.confluent.cloud/iam/v2/api-keys/ak-1"));
                body
            }
            UpdateIamV2ApiKeyError::UnprocessableEntity(Reply { body, .. }) if status == 422 => body,
            UpdateIamV2ApiKeyError::InternalServerError(Reply { body, .. }) if status == 500 => body,
            other => panic!("{status} mapped to {other:?}"),
        };
        assert_eq!(failure.errors[0].code.as_deref(), Some(format!("code_{status}").as_str()));
        assert_eq!(failure.errors[0].source.as_ref().and_then(|s| s.pointer.as_deref()), Some("/spec"));
        let message = err.to_string();
        assert!(!message.contains(SECRET) && !message.contains(KEY), "{message}");
    }
}

#[tokio::test]
async fn rate_limited_patch_is_retried_after_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1").insert_header("X-RateLimit-Reset", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ApiKey"))).with_priority(2).mount(&server).await;
    let start = Instant::now();
    let resp = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect("retried to success");
    assert_eq!(resp.status, 200);
    assert!(start.elapsed() >= Duration::from_millis(950), "waited {:?}", start.elapsed());
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2), "one extra attempt");
}

#[tokio::test]
async fn patch_is_not_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(503).set_body_string("busy")).mount(&server).await;
    let err = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1), "PATCH is not idempotent");
}

#[tokio::test]
async fn patch_opted_in_is_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let c = Client::builder()
        .base_url(server.uri())
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::new().max_attempts(3).initial_backoff(Duration::from_millis(5)).retry_non_idempotent(true))
        .build()
        .expect("client");
    let err = c.update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(3));
}

#[tokio::test]
async fn rate_limited_forever_is_bounded_and_keeps_headers() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .insert_header("X-RateLimit-Limit", "10")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", "0")
                .insert_header("X-Request-Id", "req-429"),
        )
        .mount(&server)
        .await;
    let start = Instant::now();
    let err = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("429");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.request_id(), Some("req-429"));
    match err.api() {
        Some(UpdateIamV2ApiKeyError::TooManyRequests(Reply { headers, .. })) => {
            assert_eq!(headers.x_rate_limit_limit, Some(10));
            assert_eq!(headers.x_rate_limit_remaining, Some(0));
            assert_eq!(headers.retry_after, Some(0));
        }
        other => panic!("{other:?}"),
    }
    // Inside `Error::Api(e)` the documented error classifies itself too.
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert!(api.is_rate_limited() && api.is_retryable() && !api.is_server_error());
    assert_eq!(api.retry_after(), Some(Duration::ZERO));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(RetryPolicy::new().get_max_attempts() as usize));
}

#[tokio::test]
async fn html_502_from_a_proxy_is_an_unexpected_status_without_the_body() {
    let server = MockServer::start().await;
    let html = format!("<html><body>{}</body></html>", "Bad Gateway ".repeat(200));
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html.clone(), "text/html").insert_header("X-Request-Id", "req-502"))
        .mount(&server)
        .await;
    let err = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("502");
    let Error::UnexpectedStatus(ctx) = &err else { panic!("{err:?}") };
    assert_eq!(ctx.status, 502);
    assert_eq!(ctx.request_id.as_deref(), Some("req-502"));
    // The seed's PATCH carries the key's secret, so no error quotes its responses' bodies (the
    // snippet itself is covered on a non-sensitive operation in security.rs).
    assert!(ctx.is_body_withheld(), "{ctx:?}");
    assert!(!ctx.body_snippet.contains("Bad Gateway"), "{ctx:?}");
    assert_eq!(ctx.body_len, html.len());
    assert_eq!(ctx.content_type.as_deref(), Some("text/html"));
}

#[tokio::test]
async fn documented_status_with_html_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html")).mount(&server).await;
    let err = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("500");
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert!(matches!(d.kind, confluent_cloud::runtime::DecodeErrorKind::NotJson), "{d:?}");
    assert_eq!(err.status(), Some(500));
}

#[tokio::test]
async fn truncated_json_says_where_it_failed() {
    let server = MockServer::start().await;
    let full = serde_json::to_string(&api_key_json("ApiKey")).expect("json");
    let cut = &full[..full.find("\"owner\"").expect("owner") + 12];
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_raw(cut.to_string(), "application/json")).mount(&server).await;
    let err = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("truncated");
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    match &d.kind {
        confluent_cloud::runtime::DecodeErrorKind::Malformed { path, .. } => assert!(path.starts_with("spec.owner"), "{path}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn empty_body_where_one_is_required() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let err = client(&server).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("empty");
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert!(matches!(d.kind, confluent_cloud::runtime::DecodeErrorKind::Empty), "{d:?}");
}

#[tokio::test]
async fn a_stalled_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ApiKey")).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let c = Client::builder()
        .base_url(server.uri())
        .allow_insecure_http(true)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let start = Instant::now();
    let err = c.update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn plain_http_with_credentials_is_refused() {
    let err = Client::builder().base_url("http://api.example.com").basic_auth(KEY, SECRET).build().expect_err("insecure");
    let message = err.to_string();
    assert!(message.contains("http"), "{message}");
    assert!(!message.contains(SECRET));
    let ok = Client::builder().base_url("http://127.0.0.1:1").basic_auth(KEY, SECRET).allow_insecure_http(true).build();
    assert!(ok.is_ok());
    let default = Client::builder().basic_auth(KEY, SECRET).build().expect("https default");
    assert_eq!(default.base_url(), confluent_cloud::DEFAULT_BASE_URL);
    assert_eq!(confluent_cloud::DEFAULT_BASE_URL, "https://api.confluent.cloud");
    assert!(!format!("{default:?}").contains(SECRET));
}

/// The seed's PATCH answered with an undocumented status whose body holds the key's secret: the
/// error carries status and request id, but never the body (the operation is `sensitive`).
#[tokio::test]
async fn undocumented_status_never_prints_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/iam/v2/api-keys/ak-12345"))
        .respond_with(ResponseTemplate::new(201).set_body_json(api_key_json("ApiKey")).insert_header("X-Request-Id", "req-201"))
        .mount(&server)
        .await;
    let err = client(&server).update_iam_v2_api_key("ak-12345").body(&body()).await.expect_err("201 is undocumented");
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.status(), Some(201));
    assert_eq!(err.request_id(), Some("req-201"));
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains("TOPSECRETVALUE"), "{text}");
    }
}

/// Every `with_*` method of the runtime client, which returns another `Client`, has its wrapper
/// in `api_client!`, so the API's `Client` never hands back a runtime client (without the
/// API's operations) from one of them; and the wrappers call the method of their own name.
#[test]
fn the_api_client_wraps_every_with_method_of_the_runtime_client() {
    let runtime = include_str!("../runtime/client.rs");
    let local = include_str!("../local/macros.rs");
    let impl_client = runtime.split("\nimpl Client {\n").nth(1).expect("impl Client").split("\n}\n").next().unwrap();
    let with_methods = |text: &str, prefix: &str| -> Vec<String> {
        let mut names: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix(prefix))
            .filter_map(|rest| rest.split(['(', '<']).next())
            .filter(|name| name.starts_with("with_"))
            .map(str::to_string)
            .collect();
        names.sort();
        names
    };
    let runtime_with = with_methods(impl_client, "pub fn ");
    assert!(runtime_with.len() >= 6, "{runtime_with:?}");
    assert_eq!(with_methods(local, "pub fn "), runtime_with, "api_client! must wrap exactly the runtime client's with_* methods");
    for name in &runtime_with {
        assert!(local.contains(&format!("self.0.{name}(")), "the {name} wrapper does not call the runtime's {name}");
    }
}
