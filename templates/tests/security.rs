//! Security and robustness tests of the runtime: secrets in errors, redirects,
//! overall deadlines, oversized retry hints and endless pagination.
//!
//! Servers run on 127.0.0.1: wiremock for well-behaved ones, raw sockets for
//! servers that never answer or ports where nothing listens.

use std::error::Error as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use forge_templates::runtime::pagination::{paginate, Page};
use forge_templates::runtime::{
    encode_path_segment, parse_rate_limit_reset, parse_retry_after, Client, ClientBuilder, Error,
    PageLimits, PaginationError, PaginationErrorKind, RequestSpec, RetryPolicy, TransportErrorKind,
};
use reqwest::Method;
use serde::Deserialize;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod support;
use support::{client_for, fast_retries, get, ms, received};

/// `Display`, `Debug` and the whole `source` chain (both forms) of an error.
fn everything_printed(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = format!("{err}\n{err:?}\n");
    let mut source = err.source();
    while let Some(e) = source {
        out.push_str(&format!("{e}\n{e:?}\n"));
        source = e.source();
    }
    out
}

// ---------------------------------------------------------------------------
// 1. Secrets in errors built from responses to sensitive requests
// ---------------------------------------------------------------------------

const SECRET_BODY: &str = r#"{"id":"key-1","secret":"TOPSECRET"}"#;

async fn server_answering_undocumented_201() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/iam/v2/api-keys"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req-201")
                .set_body_raw(SECRET_BODY, "application/json"),
        )
        .mount(&server)
        .await;
    server
}

fn create_key() -> RequestSpec {
    RequestSpec::new(
        Method::POST,
        "/iam/v2/api-keys",
        "/iam/v2/api-keys".to_owned(),
    )
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct WrongSecretType {
    secret: u32,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Kind {
    ApiKey,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct WrongSecretVariant {
    secret: Kind,
}

#[tokio::test]
async fn sensitive_response_errors_withhold_the_body() {
    let server = server_answering_undocumented_201().await;
    let raw = client_for(&server.uri())
        .execute(create_key().sensitive(true))
        .await
        .unwrap();
    assert_eq!(raw.status, 201);
    assert!(raw.sensitive, "the flag is copied into the response");
    assert!(!format!("{raw:?}").contains("TOPSECRET"));

    let err: Error<()> = raw.unexpected();
    let printed = everything_printed(&err);
    assert!(!printed.contains("TOPSECRET"), "{printed}");
    let context = err.response().expect("a response context");
    assert_eq!(context.status, 201);
    assert_eq!(context.request_id.as_deref(), Some("req-201"));
    assert_eq!(context.body_len, SECRET_BODY.len(), "the length is kept");
    assert_eq!(
        context.body_snippet,
        "[withheld: the response may hold secrets]"
    );
    assert!(context.is_body_withheld());
    assert!(!context.is_snippet_truncated());
    assert!(err.to_string().contains("withheld"), "{err}");

    // Decode errors: neither the snippet nor the decoder's message (which quotes
    // the offending value) may show the body.
    let wrong_type = raw.json::<WrongSecretType, ()>().unwrap_err();
    let wrong_variant = raw.json::<WrongSecretVariant, ()>().unwrap_err();
    let direct = raw.decode::<WrongSecretType>().unwrap_err();
    for printed in [
        everything_printed(&wrong_type),
        everything_printed(&wrong_variant),
        format!("{direct}\n{direct:?}"),
    ] {
        assert!(!printed.contains("TOPSECRET"), "{printed}");
        assert!(printed.contains("secret"), "the path is kept: {printed}");
    }
}

#[tokio::test]
async fn non_sensitive_response_errors_keep_the_snippet() {
    let server = server_answering_undocumented_201().await;
    let raw = client_for(&server.uri())
        .execute(create_key())
        .await
        .unwrap();
    assert!(!raw.sensitive, "not sensitive by default");
    let err: Error<()> = raw.unexpected();
    assert_eq!(err.response().unwrap().body_snippet, SECRET_BODY);
    assert!(err.to_string().contains("TOPSECRET"), "{err}");
    let decode = raw.json::<WrongSecretType, ()>().unwrap_err();
    assert!(decode.to_string().contains("TOPSECRET"), "{decode}");
}

// ---------------------------------------------------------------------------
// 2. Transport errors never print the URL
// ---------------------------------------------------------------------------

#[tokio::test]
async fn transport_errors_never_show_path_or_query_values() {
    // A port on which nothing listens (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = ClientBuilder::new()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let spec = RequestSpec::new(
        Method::GET,
        "/keys/{id}",
        format!("/keys/{}", encode_path_segment("SECRETP")),
    )
    .query("api_key", "SECRETQ");
    let err = client.execute(spec).await.unwrap_err();
    assert_eq!(err.kind(), &TransportErrorKind::Connect, "{err:?}");
    assert!(err.reqwest_error().is_some(), "the source is kept");
    let as_error: Error<()> = err.into();
    for printed in [
        everything_printed(as_error.transport().unwrap()),
        everything_printed(&as_error),
    ] {
        assert!(
            printed.contains("/keys/{id}"),
            "the template identifies it: {printed}"
        );
        assert!(!printed.contains("SECRETP"), "{printed}");
        assert!(!printed.contains("SECRETQ"), "{printed}");
    }
}

// ---------------------------------------------------------------------------
// 3. Redirects only within the same origin
// ---------------------------------------------------------------------------

#[tokio::test]
async fn redirect_to_another_origin_is_not_followed() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    let target = format!("{}/landing?sig=SIGSECRET", b.uri());
    Mock::given(method("POST"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", target.as_str()))
        .mount(&a)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&b)
        .await;

    let client = ClientBuilder::new()
        .base_url(a.uri())
        .basic_auth("KEY", "SECRET")
        .allow_insecure_http(true)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let spec = RequestSpec::new(Method::POST, "/keys", "/keys".to_owned())
        .header("X-Api-Key", "APIKEYVALUE")
        .json(&serde_json::json!({"secret": "BODYSECRET"}))
        .unwrap();
    let raw = client.execute(spec).await.unwrap();

    assert!(
        received(&b).await.is_empty(),
        "the other origin got nothing"
    );
    assert_eq!(received(&a).await.len(), 1);
    assert_eq!(raw.status, 307);
    assert_eq!(raw.header_str("location"), Some(target.as_str()));
    let err: Error<()> = raw.unexpected();
    assert_eq!(err.status(), Some(307));
    let context = err.response().unwrap();
    assert_eq!(
        context.location.as_deref(),
        Some(format!("{}/landing?…", b.uri()).as_str()),
        "the location is carried, without its query"
    );
    assert!(!err.to_string().contains("SIGSECRET"), "{err}");
}

#[tokio::test]
async fn redirect_within_the_same_origin_is_followed() {
    let a = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/old"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/new", a.uri())),
        )
        .mount(&a)
        .await;
    Mock::given(method("GET"))
        .and(path("/new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&a)
        .await;

    let raw = client_for(&a.uri()).execute(get("/old")).await.unwrap();
    assert_eq!(raw.status, 200);
    let paths: Vec<String> = received(&a)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/old", "/new"]);
}

// ---------------------------------------------------------------------------
// 4. Overall deadline per call, and timeouts with a caller's reqwest client
// ---------------------------------------------------------------------------

#[tokio::test]
async fn deadline_bounds_retries_and_waits() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let client = ClientBuilder::new()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::new().max_attempts(10))
        .deadline(ms(1500))
        .build()
        .unwrap();
    assert_eq!(client.deadline(), ms(1500));

    let started = Instant::now();
    let raw = client.execute(get("/busy")).await.unwrap();
    let elapsed = started.elapsed();
    let requests = received(&server).await.len();
    assert_eq!(raw.status, 503, "the last response is returned");
    assert!(requests < 10, "{requests} attempts");
    assert_eq!(raw.attempts as usize, requests);
    // Without a deadline this takes 9 s (nine 1 s waits).
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

/// A server that accepts connections, reads nothing and never answers.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(120)).await;
                drop(socket);
            });
        }
    });
    base
}

#[tokio::test]
async fn timeout_applies_to_a_callers_reqwest_client() {
    let base = silent_server().await;
    let client = ClientBuilder::new()
        .base_url(&base)
        .reqwest_client(reqwest::Client::new()) // no timeouts of its own
        .timeout(ms(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(10), client.execute(get("/slow"))).await;
    let err = outcome
        .expect("returned within 10 s rather than waiting for the server")
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn deadline_cuts_the_timeout_of_an_attempt() {
    let base = silent_server().await;
    let client = ClientBuilder::new()
        .base_url(&base)
        .timeout(Duration::from_secs(60))
        .deadline(ms(300))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(10), client.execute(get("/slow"))).await;
    let err = outcome
        .expect("returned within 10 s rather than after the 60 s timeout")
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), 1, "no time is left to retry");
}

// ---------------------------------------------------------------------------
// 5. Retry hints too large for a Duration
// ---------------------------------------------------------------------------

#[test]
fn overflowing_retry_hints_mean_longer_than_any_cap() {
    let now = SystemTime::now();
    let huge = "99999999999999999999999";
    assert_eq!(parse_retry_after(huge, now), Some(Duration::MAX));
    assert_eq!(parse_rate_limit_reset(huge), Some(Duration::MAX));
    assert_eq!(
        parse_rate_limit_reset("99999999999999999999999.5"),
        Some(Duration::MAX)
    );
    assert_eq!(
        parse_retry_after(&"9".repeat(400), now),
        Some(Duration::MAX)
    );
    // Still rejected, and still parsed as before.
    assert_eq!(parse_rate_limit_reset("1.2.3"), None);
    assert_eq!(parse_rate_limit_reset("."), None);
    assert_eq!(parse_rate_limit_reset("1e9"), None);
    assert_eq!(
        parse_rate_limit_reset("18446744073709551615"),
        Some(Duration::from_secs(u64::MAX))
    );
    assert_eq!(parse_rate_limit_reset("2.5"), Some(ms(2500)));
}

#[tokio::test]
async fn overflowing_rate_limit_reset_is_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/reset"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", "99999999999999999999999"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/retry-after"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "99999999999999999999999"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    let raw = client.execute(get("/reset")).await.unwrap();
    assert_eq!(raw.status, 429);
    assert_eq!(raw.attempts, 1);
    assert_eq!(
        received(&server).await.len(),
        1,
        "answered once, not retried"
    );

    let raw = client.execute(get("/retry-after")).await.unwrap();
    assert_eq!(raw.status, 429);
    assert_eq!(raw.attempts, 1);
    assert_eq!(received(&server).await.len(), 2);
}

// ---------------------------------------------------------------------------
// 6. Pagination that never ends
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct NumberPage {
    data: Vec<u32>,
    next: Option<String>,
}

/// Answers every page with `items_per_page` items and a next token never seen
/// before.
struct FreshTokens {
    items_per_page: u32,
    served: AtomicUsize,
}

impl Respond for FreshTokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        let data: Vec<u32> = (0..self.items_per_page).collect();
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"data": data, "next": format!("token-{n}")}))
    }
}

async fn endless_server(items_per_page: u32) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(FreshTokens {
            items_per_page,
            served: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    server
}

/// Walks `/items` through the client as a generated stream method would.
async fn walk(client: &Client) -> Vec<Result<u32, Error<()>>> {
    let stream = paginate(client.page_limits(), None, |token| {
        let client = client.clone();
        async move {
            let raw = client
                .execute(get("/items").query_opt("page_token", token))
                .await?;
            if raw.status != 200 {
                return Err(raw.unexpected());
            }
            let page = raw.json::<NumberPage, ()>()?;
            Ok(Page::new(page.data, page.next))
        }
    });
    futures::StreamExt::collect(stream).await
}

fn pagination_error(result: Option<&Result<u32, Error<()>>>) -> PaginationError {
    match result {
        Some(Err(Error::Pagination(e))) => *e,
        other => panic!("expected a pagination error, got {other:?}"),
    }
}

#[tokio::test]
async fn endless_empty_pages_end_with_an_error() {
    let server = endless_server(0).await;
    let client = client_for(&server.uri());
    assert_eq!(client.page_limits(), PageLimits::default());
    assert_eq!(PageLimits::default().max_empty_pages, 16);
    assert_eq!(PageLimits::default().max_pages, 10_000);

    let results = walk(&client).await;
    assert_eq!(results.len(), 1, "no items, one error");
    let error = pagination_error(results.last());
    assert_eq!(error.kind, PaginationErrorKind::EmptyPages { count: 17 });
    assert_eq!(error.pages, 17);
    assert_eq!(received(&server).await.len(), 16 + 1);
    let message = results.last().unwrap().as_ref().unwrap_err().to_string();
    assert!(
        message.contains("17 pages in a row without items"),
        "{message}"
    );
}

#[tokio::test]
async fn endless_pages_stop_at_max_pages() {
    let server = endless_server(1).await;
    let client = ClientBuilder::new()
        .base_url(server.uri())
        .page_limits(PageLimits {
            max_pages: 50,
            ..PageLimits::default()
        })
        .build()
        .unwrap();
    let results = walk(&client).await;
    assert_eq!(results.len(), 51);
    assert!(results[..50].iter().all(|r| matches!(r, Ok(0))));
    let error = pagination_error(results.last());
    assert_eq!(error.kind, PaginationErrorKind::PageLimit { limit: 50 });
    assert_eq!(error.pages, 50);
    assert_eq!(
        received(&server).await.len(),
        50,
        "the 51st page is not fetched"
    );
    assert!(error.to_string().contains("limit of 50 pages"), "{error}");
}

#[tokio::test]
async fn repeated_token_ends_with_an_error_after_the_items() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param_is_missing("page_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": [1, 2], "next": "same"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("page_token", "same"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": [3], "next": "same"})),
        )
        .mount(&server)
        .await;
    let results = walk(&client_for(&server.uri())).await;
    let items: Vec<u32> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(items, [1, 2, 3], "items fetched before are still yielded");
    assert_eq!(results.len(), 4);
    let error = pagination_error(results.last());
    assert_eq!(error.kind, PaginationErrorKind::RepeatedToken);
    assert_eq!(error.pages, 2);
    assert_eq!(received(&server).await.len(), 2);
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert!(err.pagination().is_some());
    assert_eq!(err.status(), None);
    assert!(err.to_string().contains("already used"), "{err}");
}

#[tokio::test]
async fn pagination_error_converts_into_a_callers_error_type() {
    // A pure in-memory walk with a caller-defined error type.
    #[derive(Debug, PartialEq)]
    struct Stopped(PaginationError);
    impl From<PaginationError> for Stopped {
        fn from(e: PaginationError) -> Self {
            Stopped(e)
        }
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let limits = PageLimits {
        max_pages: 3,
        max_empty_pages: 0,
    };
    let results: Vec<Result<u32, Stopped>> =
        futures::StreamExt::collect(paginate(limits, None, move |_| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok(Page::new(vec![], Some(format!("t{n}")))) }
        }))
        .await;
    assert_eq!(
        results,
        [Err(Stopped(PaginationError {
            kind: PaginationErrorKind::EmptyPages { count: 1 },
            pages: 1,
        }))]
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let as_error: Error<()> = Error::from(PaginationError {
        kind: PaginationErrorKind::PageLimit { limit: 3 },
        pages: 3,
    });
    let mapped: Error<u8> = as_error.map_api(|()| 1);
    assert!(matches!(mapped, Error::Pagination(_)));
    assert!(mapped.source().is_none());
}

/// A base URL with a query (a key put in the wrong place) is refused, and neither the error nor
/// the builder's `Debug` repeats the query.
#[test]
fn base_url_queries_never_show_in_errors() {
    let builder = forge_templates::runtime::ClientBuilder::new().base_url("https://api.example.test/v1?api_key=SECRET-IN-QUERY#frag");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("SECRET-IN-QUERY"), "{shown}");
    let err = builder.build().expect_err("a query is refused");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("SECRET-IN-QUERY"), "{text}");
    }
}
