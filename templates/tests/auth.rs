//! Credentials beyond a fixed `Authorization` header, against live local servers: bearer tokens
//! from a `TokenProvider` (asked per attempt), API keys placed by the API description's
//! `apiKey` schemes (the generated fixture `api_key_auth` and hand-made schemes), default
//! headers, the request hook, and a caller-supplied reqwest client keeping the runtime's limits.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use forge_templates::runtime::{
    same_origin_redirects, ApiKeyScheme, BoxError, BoxFuture, BuildError, ClientBuilder, OutgoingRequest, RequestHook,
    RetryPolicy, TokenProvider, TransportErrorKind,
};
use reqwest::header::HeaderValue;
use support::{fast_retries, get, ms, received};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Hands out `tok-1`, `tok-2`, ... and counts the calls.
#[derive(Default)]
struct Counting(AtomicUsize);

impl TokenProvider for Counting {
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move { Ok(format!("tok-{}", self.0.fetch_add(1, Ordering::SeqCst) + 1)) })
    }
}

fn local(server: &MockServer) -> ClientBuilder {
    ClientBuilder::new().base_url(server.uri()).allow_insecure_http(true).retry_policy(fast_retries())
}

fn auth_headers(requests: &[wiremock::Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| r.headers.get("authorization").map(|v| v.to_str().unwrap_or("<binary>").to_owned()))
        .collect()
}

#[tokio::test]
async fn token_provider_is_asked_before_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let provider = Arc::new(Counting::default());
    struct Shared(Arc<Counting>);
    impl TokenProvider for Shared {
        fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
            self.0.token()
        }
    }
    let client = local(&server).bearer_token_provider(Shared(provider.clone())).build().unwrap();
    let raw = client.execute(get("/x")).await.unwrap();
    assert_eq!((raw.status, raw.attempts), (200, 2));
    let requests = received(&server).await;
    assert_eq!(auth_headers(&requests), [Some("Bearer tok-1".to_owned()), Some("Bearer tok-2".to_owned())]);
    // Unauthenticated operations do not even ask.
    client.execute(get("/public").authenticated(false)).await.unwrap();
    assert_eq!(provider.0.load(Ordering::SeqCst), 2);
    assert_eq!(auth_headers(&received(&server).await)[2], None);
    let shown = format!("{client:?}");
    assert!(shown.contains("bearer token provider") && !shown.contains("tok-"), "{shown}");
}

#[tokio::test]
async fn token_closure_and_its_failures() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let ok = local(&server).bearer_token_fn(|| async { Ok::<_, BoxError>("from-closure".to_owned()) }).build().unwrap();
    ok.execute(get("/x")).await.unwrap();
    assert_eq!(auth_headers(&received(&server).await), [Some("Bearer from-closure".to_owned())]);

    let failing = local(&server).bearer_token_fn(|| async { Err::<String, BoxError>("token endpoint down".into()) }).build().unwrap();
    let err = failing.execute(get("/x")).await.unwrap_err();
    assert!(matches!(err.kind(), TransportErrorKind::Credentials { .. }), "{err:?}");
    assert!(!err.kind().is_transient(), "not retried");
    let source = std::error::Error::source(&err).expect("the provider's error is the source");
    assert_eq!(source.to_string(), "token endpoint down");
    assert!(err.to_string().contains("the token provider failed"), "{err}");

    let bad = local(&server).bearer_token_fn(|| async { Ok::<_, BoxError>("sec\nret".to_owned()) }).build().unwrap();
    let err = bad.execute(get("/x")).await.unwrap_err();
    assert!(matches!(err.kind(), TransportErrorKind::Credentials { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("sec"), "{err:?}");
    assert_eq!(received(&server).await.len(), 1, "nothing sent after a credentials failure");
}

#[tokio::test]
async fn slow_token_provider_is_bounded_by_the_deadline() {
    let server = MockServer::start().await;
    let client = local(&server)
        .deadline(ms(200))
        .bearer_token_fn(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok::<_, BoxError>("late".to_owned())
        })
        .build()
        .unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), client.execute(get("/x"))).await.expect("bounded").unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn fixture_client_sends_its_api_key_header_where_the_spec_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/t1"))
        .and(header("x-api-key", "k-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "t1", "name": "one"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things/t1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "no key"})))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/health")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    assert_eq!(fixture_api_key_auth::API_KEY_SCHEMES, [fixture_api_key_auth::runtime::ApiKeyScheme::header("ApiKeyAuth", "X-API-Key")]);

    let client = fixture_api_key_auth::Client::builder()
        .base_url(server.uri())
        .allow_insecure_http(true)
        .api_key("k-123")
        .build()
        .unwrap();
    assert_eq!(client.get_thing("t1").await.unwrap().body.name.as_deref(), Some("one"));
    client.get_health().await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests[0].headers.get("x-api-key").map(|v| v.as_bytes()), Some(&b"k-123"[..]));
    assert!(requests[1].headers.get("x-api-key").is_none(), "security: [] sends no key");
    let shown = format!("{client:?}");
    assert!(shown.contains("x-api-key") && !shown.contains("k-123"), "{shown}");

    // By scheme name, and per client on the same transport.
    let named = fixture_api_key_auth::Client::builder()
        .base_url(server.uri())
        .allow_insecure_http(true)
        .api_key_for("ApiKeyAuth", "wrong")
        .build()
        .unwrap();
    let err = named.get_thing("t1").await.unwrap_err();
    assert!(matches!(err.api(), Some(fixture_api_key_auth::GetThingError::Unauthorized { .. })), "{err:?}");
    let fixed = named.with_api_key("k-123").unwrap();
    assert!(fixed.same_transport(&named));
    fixed.get_thing("t1").await.unwrap();

    let unknown = fixture_api_key_auth::Client::builder().api_key_for("Nope", "k").build().unwrap_err();
    assert!(matches!(&unknown, fixture_api_key_auth::BuildError::InvalidApiKey { scheme: Some(s), .. } if s == "Nope"), "{unknown:?}");
    // The spec's server is https; a key never goes to plain http unless allowed.
    let insecure = fixture_api_key_auth::Client::builder().base_url(server.uri()).api_key("k").build().unwrap_err();
    assert!(matches!(insecure, fixture_api_key_auth::BuildError::InsecureHttp { .. }), "{insecure:?}");
}

#[tokio::test]
async fn api_key_schemes_in_header_and_query() {
    const SCHEMES: &[ApiKeyScheme] = &[ApiKeyScheme::header("hdr", "X-Key"), ApiKeyScheme::query("qry", "api_key")];
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let several = local(&server).api_key_schemes(SCHEMES).api_key("k").build().unwrap_err();
    assert!(several.to_string().contains("several apiKey security schemes"), "{several}");
    assert!(matches!(several, BuildError::InvalidApiKey { scheme: None, .. }));
    let none = local(&server).api_key("k").build().unwrap_err();
    assert!(none.to_string().contains("no apiKey security scheme"), "{none}");

    let client = local(&server)
        .api_key_schemes(SCHEMES)
        .api_key_for("hdr", "h-1")
        .api_key_for("qry", "q 1&x")
        .api_key_for("hdr", "h-2") // a later key for the same place replaces the earlier one
        .build()
        .unwrap();
    client.execute(get("/x").query("page", 2)).await.unwrap();
    client.execute(get("/open").authenticated(false)).await.unwrap();
    let requests = received(&server).await;
    let values: Vec<_> = requests[0].headers.get_all("x-key").iter().map(|v| v.as_bytes().to_vec()).collect();
    assert_eq!(values, [b"h-2".to_vec()]);
    assert_eq!(requests[0].url.query(), Some("page=2&api_key=q+1%26x"));
    assert_eq!(requests[1].url.query(), None);
    assert!(requests[1].headers.get("x-key").is_none());

    // Caller-named places, without schemes.
    let direct = local(&server).api_key_in_header("X-Other", "o").api_key_in_query("token", "t").build().unwrap();
    direct.execute(get("/y")).await.unwrap();
    let last = received(&server).await.pop().unwrap();
    assert_eq!(last.headers.get("x-other").map(|v| v.as_bytes()), Some(&b"o"[..]));
    assert_eq!(last.url.query(), Some("token=t"));
}

#[test]
fn invalid_api_key_schemes_and_keys_are_build_errors() {
    // A header name from a hostile spec: an error naming the problem, never a panic.
    const HOSTILE: &[ApiKeyScheme] = &[ApiKeyScheme::header("evil", "X-Key\r\nInjected: 1")];
    let err = ClientBuilder::new().base_url("https://x.test").api_key_schemes(HOSTILE).api_key("secret-1").build().unwrap_err();
    assert!(matches!(&err, BuildError::InvalidApiKey { scheme: Some(s), .. } if s == "evil"), "{err:?}");
    assert!(err.to_string().contains("not a valid HTTP header name"), "{err}");
    assert!(!format!("{err} {err:?}").contains("secret-1"));
    // Without a key for it, the scheme is not used and does not matter.
    ClientBuilder::new().base_url("https://x.test").api_key_schemes(HOSTILE).build().unwrap();

    let bad_value = ClientBuilder::new().base_url("https://x.test").api_key_in_header("X-Key", "a\nsecret-2").build().unwrap_err();
    assert!(matches!(bad_value, BuildError::InvalidApiKey { .. }), "{bad_value:?}");
    assert!(!format!("{bad_value} {bad_value:?}").contains("secret-2"));
    let empty = ClientBuilder::new().base_url("https://x.test").api_key_in_header("X-Key", "").build().unwrap_err();
    assert!(empty.to_string().contains("must not be empty"), "{empty}");
    let shown = format!("{:?}", ClientBuilder::new().api_key_in_header("X-Key", "secret-3"));
    assert!(!shown.contains("secret-3"), "{shown}");
}

#[tokio::test]
async fn default_headers_go_with_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = local(&server)
        .default_header("Prefer", "code=404")
        .default_header("Prefer", "example=two")
        .default_header("Accept", "application/problem+json")
        .default_header("X-Tenant", "t-1")
        .build()
        .unwrap();
    client.execute(get("/x").authenticated(false)).await.unwrap();
    client.execute(get("/y").header("X-Tenant", "own")).await.unwrap();
    let requests = received(&server).await;
    let prefer: Vec<_> = requests[0].headers.get_all("prefer").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(prefer, ["code=404", "example=two"]);
    assert_eq!(requests[0].headers.get("accept").unwrap(), "application/problem+json");
    assert_eq!(requests[0].headers.get("x-tenant").unwrap(), "t-1");
    assert_eq!(requests[1].headers.get("x-tenant").unwrap(), "own", "the operation's own header wins");
    assert!(!format!("{client:?}").contains("code=404"));

    for (name, value) in [("Bad Name", "v"), ("X-Ok", "line\nbreak"), ("", "v")] {
        let err = ClientBuilder::new().base_url("https://x.test").default_header(name, value).build().unwrap_err();
        assert!(matches!(err, BuildError::InvalidHeader { .. }), "{name:?}: {err:?}");
        assert!(!err.to_string().contains("line\nbreak"));
    }
}

struct Stamp(AtomicUsize);

impl RequestHook for Stamp {
    fn before_send<'a>(&'a self, request: &'a mut OutgoingRequest) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            if request.path_template() == "/refuse" {
                return Err("refused by hook".into());
            }
            assert!(request.headers().contains_key("authorization"), "credentials are set before the hook");
            let stamp = format!("{}-{}-{n}", request.method(), request.attempt());
            request.headers_mut().insert("x-stamp", HeaderValue::from_str(&stamp)?);
            Ok(())
        })
    }
}

#[tokio::test]
async fn request_hook_runs_before_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = local(&server).bearer_token("t").request_hook(Stamp(AtomicUsize::new(0))).build().unwrap();
    client.execute(get("/x")).await.unwrap();
    let stamps: Vec<_> = received(&server).await.iter().map(|r| r.headers.get("x-stamp").unwrap().to_str().unwrap().to_owned()).collect();
    assert_eq!(stamps, ["GET-1-0", "GET-2-1"]);
    let err = client.execute(get("/refuse")).await.unwrap_err();
    assert!(matches!(err.kind(), TransportErrorKind::Hook { .. }), "{err:?}");
    assert_eq!(std::error::Error::source(&err).unwrap().to_string(), "refused by hook");
    assert_eq!(received(&server).await.len(), 2, "nothing sent when the hook fails");
}

#[tokio::test]
async fn callers_reqwest_client_keeps_the_deadline_and_can_keep_redirects_in_origin() {
    // The deadline (not only the per-attempt timeout) applies to a caller's client.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket); // never answer
        }
    });
    let client = ClientBuilder::new()
        .base_url(&silent)
        .reqwest_client(reqwest::Client::new())
        .timeout(Duration::from_secs(60))
        .deadline(ms(300))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), client.execute(get("/slow"))).await.expect("bounded").unwrap_err();
    assert!(err.is_timeout(), "{err:?}");

    // With the runtime's redirect policy, an API key never follows a redirect elsewhere.
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/stolen", elsewhere.uri())))
        .mount(&server)
        .await;
    let http = reqwest::Client::builder().redirect(same_origin_redirects()).build().unwrap();
    let client = local(&server).reqwest_client(http).api_key_in_header("X-Key", "k").retry_policy(RetryPolicy::none()).build().unwrap();
    let raw = client.execute(get("/x")).await.unwrap();
    assert_eq!(raw.status, 302, "returned, not followed");
    assert!(received(&elsewhere).await.is_empty());
}
