//! The many-spec fixture crate (`generator/tests/clients/multi`, from the four specs in
//! `generator/tests/multi/`) against live local servers: one transport, a client per API group
//! with its own server and credentials, shared types used through each group's names.

use base64_check::basic;
use fixture_multi::{alpha, beta, delta, gamma, BuildError, Client, Error, Reply, RetryPolicy};
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod base64_check {
    /// The `Authorization` value reqwest would send for these credentials.
    pub fn basic(key: &str, secret: &str) -> String {
        let req = reqwest::Client::new().get("http://localhost/").basic_auth(key, Some(secret)).build().expect("request");
        req.headers()["authorization"].to_str().expect("ascii").to_owned()
    }
}

fn transport(base_url: Option<&str>) -> fixture_multi::Transport {
    let b = Client::builder()
        .basic_auth("CLOUD-KEY", "CLOUD-SECRET")
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5));
    let b = match base_url {
        Some(u) => b.base_url(u),
        None => b,
    };
    b.build_transport().expect("transport")
}

fn failure() -> serde_json::Value {
    serde_json::json!({"errors": [{"code": "conflict", "detail": "exists"}]})
}

#[tokio::test]
async fn groups_share_one_transport_with_their_own_servers_and_credentials() {
    let cloud = MockServer::start().await;
    let cluster = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/alpha/keys/k1"))
        .and(header("authorization", basic("CLOUD-KEY", "CLOUD-SECRET").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "k1", "metadata": {"self": "s"}})))
        .mount(&cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/keys"))
        .respond_with(ResponseTemplate::new(400).set_body_json(failure()))
        .mount(&cloud)
        .await;
    Mock::given(method("POST"))
        .and(path("/gamma/topics"))
        .and(header("authorization", basic("CLUSTER-KEY", "CLUSTER-SECRET").as_str()))
        .respond_with(ResponseTemplate::new(409).set_body_json(failure()))
        .mount(&cluster)
        .await;

    // The root builder's base URL stands in for every group's default server (a mock, a proxy).
    let root = Client::new(transport(Some(&cloud.uri())));
    let a = root.alpha().expect("alpha");
    let key = a.get_key("k1").await.expect("200");
    assert_eq!(key.body.id, "k1");
    // Shared types are used through each group's own names, and are one type.
    let meta: Option<alpha::types::ObjectMeta> = key.body.metadata;
    let same: Option<delta::types::Meta> = meta;
    assert_eq!(same.and_then(|m| m.self_).as_deref(), Some("s"));

    let err = root.beta().expect("beta").list_keys().await.expect_err("400");
    let Some(beta::ListKeysError::BadRequest(Reply { body, .. })) = err.api() else { panic!("{err:?}") };
    let as_alpha: &alpha::types::Failure = body;
    assert_eq!(as_alpha.errors[0].code.as_deref(), Some("conflict"));

    // A per-tenant group needs its base URL, and takes its own credentials over the same pool.
    let g = root.gamma(&cluster.uri()).expect("gamma").with_basic_auth("CLUSTER-KEY", "CLUSTER-SECRET").expect("creds");
    assert!(g.same_transport(&a), "one connection pool for every group");
    let err = g.create_topic(&gamma::types::CreateTopicRequest { name: "t".into() }).await.expect_err("409");
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert!(matches!(err.api(), Some(gamma::CreateTopicError::Conflict(_))), "{err:?}");
    let requests: Vec<Request> = cluster.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "only the cluster server saw gamma's call");
}

#[tokio::test]
async fn default_servers_and_required_base_urls() {
    let root = Client::new(transport(None));
    // Fixed servers come from each spec.
    assert_eq!(root.alpha().expect("alpha").base_url(), alpha::DEFAULT_BASE_URL);
    assert_eq!(alpha::DEFAULT_BASE_URL, "https://api.cloud.test");
    // The per-tenant group's accessor takes the URL; a bad one is refused, never the placeholder.
    let bad = root.gamma("not a url").expect_err("invalid");
    assert!(matches!(bad, BuildError::InvalidBaseUrl { .. }), "{bad:?}");
    let g = root.gamma("https://pkc-abc12.eu-west-1.cloud.test").expect("gamma");
    assert_eq!(g.base_url(), "https://pkc-abc12.eu-west-1.cloud.test");
    // Used alone, the per-tenant group's own builder has no default URL either.
    let alone = gamma::Client::builder().basic_auth("k", "s").build().expect_err("no base URL");
    assert!(matches!(alone, BuildError::MissingBaseUrl), "{alone:?}");
    // A group can also be used alone, with its own builder.
    let solo = alpha::Client::builder().build().expect("solo");
    assert_eq!(solo.base_url(), alpha::DEFAULT_BASE_URL);
}
