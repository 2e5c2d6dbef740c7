//! Tests of [`Transport`]: several API clients (one per base URL, possibly
//! with their own credentials) sharing one connection pool, retry policy,
//! timeouts and limits.
//!
//! Servers run on 127.0.0.1: wiremock, and a raw `TcpListener` where the
//! number of connections must be counted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use forge_templates::runtime::{
    BuildError, Client, ClientBuilder, PageLimits, RequestSpec, RetryPolicy, Transport,
};
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "KEYID7QWERTY";
const SECRET: &str = "s3cr3t+VALUE/xyz";
/// base64("KEYID7QWERTY:s3cr3t+VALUE/xyz")
const BASIC_B64: &str = "S0VZSUQ3UVdFUlRZOnMzY3IzdCtWQUxVRS94eXo=";
const CLUSTER_KEY: &str = "CLUSTERKEY42";
const CLUSTER_SECRET: &str = "cluster-s3cr3t";
const TOKEN: &str = "sts-TOKEN.abc_123";

const LIMITS: PageLimits = PageLimits {
    max_pages: 17,
    max_empty_pages: 3,
};

fn get(p: &'static str) -> RequestSpec {
    RequestSpec::new(Method::GET, p, p.to_owned())
}

/// The `Authorization` value of basic auth, computed by reqwest (independently
/// of the runtime's own encoder).
fn basic(key: &str, secret: &str) -> String {
    let mut request = reqwest::Client::new()
        .get("http://127.0.0.1/")
        .basic_auth(key, Some(secret))
        .build()
        .expect("request builds");
    let value = request
        .headers_mut()
        .remove("authorization")
        .expect("reqwest sets authorization");
    value.to_str().expect("ascii").to_owned()
}

async fn ok_server(p: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

async fn authorization_headers(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .map(|v| v.to_str().expect("ascii").to_owned())
        })
        .collect()
}

fn policy() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(2)
        .initial_backoff(Duration::from_millis(5))
}

fn shared_builder() -> ClientBuilder {
    ClientBuilder::new()
        .retry_policy(policy())
        .timeout(Duration::from_secs(7))
        .deadline(Duration::from_secs(9))
        .page_limits(LIMITS)
        .max_response_bytes(12_345)
        .user_agent("transport-test/1")
        // The wiremock servers are plain http.
        .allow_insecure_http(true)
}

/// (1) Two clients from one transport at two servers both work, and share the
/// transport (one `Arc`), its retry policy, deadline, page limits and limits.
#[tokio::test]
async fn two_clients_on_one_transport_share_it() {
    let first = ok_server("/one").await;
    let second = ok_server("/two").await;
    let transport = shared_builder()
        .build_transport()
        .expect("transport builds");
    assert!(!transport.has_explicit_base_url());

    let a = transport.client(&first.uri()).expect("client a");
    let b = transport.client_at(&second.uri()).expect("client b");
    assert_eq!(a.base_url(), first.uri());
    assert_eq!(b.base_url(), second.uri());

    assert_eq!(a.execute(get("/one")).await.expect("a works").status, 200);
    assert_eq!(b.execute(get("/two")).await.expect("b works").status, 200);
    for server in [&first, &second] {
        let requests = server.received_requests().await.expect("recording is on");
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0]
                .headers
                .get("user-agent")
                .map(|v| v.to_str().ok()),
            Some(Some("transport-test/1"))
        );
    }

    assert!(a.same_transport(&b));
    assert!(a.same_transport(&a.clone()));
    let c = a
        .with_base_url(&second.uri())
        .expect("same transport, other URL");
    assert!(c.same_transport(&a));
    assert_eq!(c.execute(get("/two")).await.expect("c works").status, 200);
    let d = a
        .with_bearer_token(TOKEN)
        .expect("same transport, other credentials");
    assert!(d.same_transport(&a));
    // A transport of its own is another Arc, even with equal settings.
    let other = shared_builder()
        .build_transport()
        .expect("transport builds")
        .client(&first.uri())
        .expect("client builds");
    assert!(!other.same_transport(&a));
    // Clients made by build() have their transport too.
    let built = shared_builder()
        .base_url(first.uri())
        .build()
        .expect("builds");
    assert!(built.same_transport(&built.transport().client_at(&second.uri()).unwrap()));

    for client in [&a, &b, &c, &d] {
        assert_eq!(client.retry_policy(), a.retry_policy());
        assert_eq!(client.retry_policy(), &policy());
        assert_eq!(client.deadline(), Duration::from_secs(9));
        assert_eq!(client.page_limits(), LIMITS);
        assert_eq!(client.max_response_bytes(), 12_345);
    }
}

/// Counts the TCP connections it accepts and answers every HTTP/1.1 request
/// (without body) on them with `200 {}`, keeping connections alive.
async fn counting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        let response = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
                        if socket.write_all(response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), connections)
}

/// (1, continued) Sharing the transport really shares the pool: clients at
/// two base URLs of one server, made from one transport, reuse one kept-alive
/// connection; clients on two transports need two.
#[tokio::test]
async fn clients_on_one_transport_reuse_pooled_connections() {
    let (base, connections) = counting_server().await;
    let transport = ClientBuilder::new()
        .build_transport()
        .expect("transport builds");
    let a = transport
        .client_at(&format!("{base}/api-a"))
        .expect("client a");
    let b = a.with_base_url(&format!("{base}/api-b")).expect("client b");
    let c = transport
        .client(&format!("{base}/api-c"))
        .expect("client c");
    for client in [&a, &b, &c, &a, &b] {
        assert_eq!(
            client
                .execute(get("/x"))
                .await
                .expect("request works")
                .status,
            200
        );
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "one pooled connection"
    );

    let separate = ClientBuilder::new()
        .base_url(&base)
        .build()
        .expect("builds");
    separate.execute(get("/x")).await.expect("request works");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "another transport, another pool"
    );
}

/// (2) `with_basic_auth` / `with_bearer_token` send the new credentials; the
/// original client still sends its own.
#[tokio::test]
async fn other_credentials_leave_the_original_client_alone() {
    let server = ok_server("/x").await;
    let original = ClientBuilder::new()
        .base_url(server.uri())
        .basic_auth(KEY, SECRET)
        .allow_insecure_http(true)
        .build()
        .expect("builds");
    let cluster = original
        .with_basic_auth(CLUSTER_KEY, CLUSTER_SECRET)
        .expect("cluster credentials");
    let bearer = original.with_bearer_token(TOKEN).expect("bearer");
    assert!(cluster.same_transport(&original));
    assert_eq!(cluster.base_url(), original.base_url());
    assert!(cluster.has_credentials());

    original.execute(get("/x")).await.expect("original works");
    cluster.execute(get("/x")).await.expect("cluster works");
    bearer.execute(get("/x")).await.expect("bearer works");
    original
        .execute(get("/x"))
        .await
        .expect("original still works");

    let original_header = format!("Basic {BASIC_B64}");
    assert_eq!(basic(KEY, SECRET), original_header);
    let cluster_header = basic(CLUSTER_KEY, CLUSTER_SECRET);
    let bearer_header = format!("Bearer {TOKEN}");
    assert_eq!(
        authorization_headers(&server).await,
        vec![
            Some(original_header.clone()),
            Some(cluster_header),
            Some(bearer_header),
            Some(original_header),
        ]
    );

    // A client without credentials can be given some, and the rule about
    // plain http applies to them (this transport does not allow it).
    let anonymous = ClientBuilder::new()
        .base_url(server.uri())
        .build()
        .expect("builds");
    assert!(!anonymous.has_credentials());
    let err = anonymous.with_basic_auth(KEY, SECRET).unwrap_err();
    assert!(matches!(err, BuildError::InsecureHttp { .. }), "{err:?}");
    let err = anonymous.with_bearer_token(TOKEN).unwrap_err();
    assert!(matches!(err, BuildError::InsecureHttp { .. }), "{err:?}");
    // Credentials are validated like the builder's.
    let https = ClientBuilder::new()
        .base_url("https://api.example.test")
        .build()
        .expect("builds");
    for err in [
        https.with_basic_auth("", SECRET).unwrap_err(),
        https.with_basic_auth("a:b", SECRET).unwrap_err(),
        https.with_bearer_token("").unwrap_err(),
        https.with_bearer_token("bad\ntoken").unwrap_err(),
    ] {
        assert!(
            matches!(err, BuildError::InvalidCredentials { .. }),
            "{err:?}"
        );
    }
    assert!(https
        .with_bearer_token(TOKEN)
        .expect("valid")
        .has_credentials());
    assert!(!https.has_credentials());
}

/// (3) An explicit builder base URL wins over `client(default)`, never over
/// `client_at(url)`; a default from `with_default_base_url` is not explicit.
#[tokio::test]
async fn explicit_base_url_wins_over_defaults_only() {
    let transport = ClientBuilder::new()
        .base_url("https://explicit.example.test/prefix/")
        .build_transport()
        .expect("transport builds");
    assert!(transport.has_explicit_base_url());
    let client = transport
        .client("https://default.example.test")
        .expect("client");
    assert_eq!(client.base_url(), "https://explicit.example.test/prefix");
    // Even an invalid default does not matter when there is an explicit URL.
    assert_eq!(
        transport
            .client("not a url")
            .expect("explicit wins")
            .base_url(),
        "https://explicit.example.test/prefix"
    );
    let tenant = transport
        .client_at("https://tenant.example.test/")
        .expect("client_at");
    assert_eq!(tenant.base_url(), "https://tenant.example.test");

    let transport = ClientBuilder::with_default_base_url("https://builder-default.example.test")
        .build_transport()
        .expect("transport builds");
    assert!(!transport.has_explicit_base_url());
    assert_eq!(
        transport
            .client("https://api-default.example.test")
            .expect("client")
            .base_url(),
        "https://api-default.example.test"
    );

    // build() still uses explicit-else-default.
    let built = ClientBuilder::with_default_base_url("https://builder-default.example.test")
        .build()
        .expect("builds");
    assert_eq!(built.base_url(), "https://builder-default.example.test");
    let built = ClientBuilder::with_default_base_url("https://builder-default.example.test")
        .base_url("https://explicit.example.test")
        .build()
        .expect("builds");
    assert_eq!(built.base_url(), "https://explicit.example.test");
    assert!(built.transport().has_explicit_base_url());
    assert!(matches!(
        ClientBuilder::new().build().unwrap_err(),
        BuildError::MissingBaseUrl
    ));

    // The explicit URL is really used for requests.
    let server = ok_server("/x").await;
    let transport = ClientBuilder::new()
        .base_url(server.uri())
        .build_transport()
        .expect("transport");
    let client = transport
        .client("https://unreachable.example.test")
        .expect("client");
    assert_eq!(
        client
            .execute(get("/x"))
            .await
            .expect("explicit URL used")
            .status,
        200
    );
}

/// (4) `build_transport()` needs no base URL, but the URLs clients are made
/// at are validated, and plain http with credentials is refused unless
/// allowed.
#[test]
fn transport_validation() {
    let transport = ClientBuilder::new()
        .build_transport()
        .expect("no base URL needed");
    for bad in [
        "not a url",
        "ftp://example.test",
        "https://example.test/?q=1",
        "https://u:hunter2@example.test",
    ] {
        let err = transport.client(bad).unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidBaseUrl { .. }),
            "{bad}: {err:?}"
        );
        assert!(!format!("{err} {err:?}").contains("hunter2"));
        let err = transport.client_at(bad).unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidBaseUrl { .. }),
            "{bad}: {err:?}"
        );
        let err = transport
            .client_at("https://example.test")
            .unwrap()
            .with_base_url(bad)
            .unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidBaseUrl { .. }),
            "{bad}: {err:?}"
        );
    }
    // Without credentials, plain http is fine.
    transport
        .client_at("http://127.0.0.1:9")
        .expect("nothing to protect");

    let with_credentials = ClientBuilder::new()
        .basic_auth(KEY, SECRET)
        .build_transport()
        .expect("no base URL needed");
    for err in [
        with_credentials
            .client_at("http://api.example.test")
            .unwrap_err(),
        with_credentials
            .client("http://api.example.test")
            .unwrap_err(),
        with_credentials
            .client_at("https://api.example.test")
            .unwrap()
            .with_base_url("http://api.example.test")
            .unwrap_err(),
    ] {
        assert!(matches!(err, BuildError::InsecureHttp { .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains(SECRET));
    }
    let https = with_credentials
        .client_at("https://api.example.test")
        .expect("https is fine");
    assert!(https.has_credentials());

    let allowed = ClientBuilder::new()
        .basic_auth(KEY, SECRET)
        .allow_insecure_http(true)
        .build_transport()
        .expect("builds");
    assert!(allowed
        .client_at("http://api.example.test")
        .expect("allowed")
        .has_credentials());

    // An explicit base URL is validated by build_transport() itself.
    let err = ClientBuilder::new()
        .base_url("not a url")
        .build_transport()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidBaseUrl { .. }), "{err:?}");
    let err = ClientBuilder::new()
        .base_url("http://api.example.test")
        .bearer_token(TOKEN)
        .build_transport()
        .unwrap_err();
    assert!(matches!(err, BuildError::InsecureHttp { .. }), "{err:?}");
    // ... and so are credentials and the user agent.
    let err = ClientBuilder::new()
        .bearer_token("bad\ntoken")
        .build_transport()
        .unwrap_err();
    assert!(
        matches!(err, BuildError::InvalidCredentials { .. }),
        "{err:?}"
    );
    let err = ClientBuilder::new()
        .user_agent("bad\nagent")
        .build_transport()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidUserAgent), "{err:?}");
}

/// (5) Neither `Debug` of a transport nor of a client shows a secret.
#[test]
fn debug_never_shows_secrets() {
    let b64_secret_part = &BASIC_B64[8..];
    let cluster_b64 = basic(CLUSTER_KEY, CLUSTER_SECRET);
    let transport = ClientBuilder::new()
        .base_url("https://api.example.test")
        .basic_auth(KEY, SECRET)
        .build_transport()
        .expect("builds");
    let client = transport
        .client("https://default.example.test")
        .expect("client");
    let cluster = client
        .with_basic_auth(CLUSTER_KEY, CLUSTER_SECRET)
        .expect("cluster credentials");
    let bearer = client.with_bearer_token(TOKEN).expect("bearer");
    let texts: Vec<String> = [
        format!("{transport:?} {transport:#?}"),
        format!("{client:?} {client:#?}"),
        format!("{cluster:?} {cluster:#?}"),
        format!("{bearer:?} {bearer:#?}"),
        format!("{:?}", client.transport()),
        format!("{:?}", bearer.transport()),
    ]
    .into();
    for text in &texts {
        for secret in [
            KEY,
            SECRET,
            BASIC_B64,
            b64_secret_part,
            CLUSTER_KEY,
            CLUSTER_SECRET,
            &cluster_b64["Basic ".len()..],
            TOKEN,
        ] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
        assert!(text.contains("redacted"), "{text}");
    }
    assert!(
        texts[0].contains("https://api.example.test"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].contains("https://api.example.test"),
        "{}",
        texts[1]
    );
    assert!(texts[3].contains("bearer"), "{}", texts[3]);
}

/// `Transport` is `Clone`, `Send` and `Sync`, like `Client`.
#[test]
fn transport_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Transport>();
    assert_traits::<Client>();
    let transport = ClientBuilder::new().build_transport().expect("builds");
    let copy = transport.clone();
    let a = transport.client_at("https://a.example.test").expect("a");
    let b = copy.client_at("https://b.example.test").expect("b");
    assert!(a.same_transport(&b));
}
