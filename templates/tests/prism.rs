//! The generated client against Stoplight Prism, a third-party mock server built from the same
//! spec. Prism rejects requests that break the spec (the reason is in `sl-violations`) and invents
//! responses from it. `cargo xtask test` installs Prism, starts it and runs these with `--ignored`.

use confluent_cloud::types::{UpdateApiKeyRequest, ApiKeySpecRequest};
use confluent_cloud::{Client, RetryPolicy, UpdateIamV2ApiKeyError};
use reqwest::header::{HeaderMap, HeaderValue};

fn prism_url() -> String {
    std::env::var("PRISM_URL").expect("PRISM_URL is set by `cargo xtask test`, which starts Prism")
}

fn client(prefer: Option<&str>, auth: bool) -> Client {
    let mut headers = HeaderMap::new();
    if let Some(p) = prefer {
        headers.insert("prefer", HeaderValue::from_str(p).expect("header"));
    }
    let http = reqwest::Client::builder().default_headers(headers).build().expect("reqwest");
    let b = Client::builder().base_url(prism_url()).allow_insecure_http(true).reqwest_client(http).retry_policy(RetryPolicy::none());
    let b = if auth { b.basic_auth("KEY", "SECRET") } else { b };
    b.build().expect("client")
}

fn body() -> UpdateApiKeyRequest {
    UpdateApiKeyRequest { spec: Some(ApiKeySpecRequest { display_name: Some("CI key".into()), description: Some("described".into()) }) }
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn valid_request_passes_validation_and_the_response_decodes() {
    let resp = client(None, true).update_iam_v2_api_key("ak-12345").body(&body()).await;
    let resp = resp.unwrap_or_else(|e| panic!("Prism rejected or answered oddly ({} mode): {e:?}", std::env::var("PRISM_MODE").unwrap_or_default()));
    assert_eq!(resp.status, 200);
    assert!(!resp.body.id.is_empty() || std::env::var("PRISM_MODE").as_deref() == Ok("dynamic"));
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn id_with_reserved_characters_is_accepted() {
    let resp = client(None, true).update_iam_v2_api_key("a/b?c").body(&body()).await;
    assert!(resp.is_ok(), "{resp:?}");
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn empty_update_is_valid_too() {
    let resp = client(None, true).update_iam_v2_api_key("ak-1").body(&UpdateApiKeyRequest::default()).await;
    assert!(resp.is_ok(), "{resp:?}");
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn missing_credentials_get_the_documented_401() {
    let err = client(None, false).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("401");
    assert_eq!(err.status(), Some(401), "{err:?}");
    assert!(matches!(err.api(), Some(UpdateIamV2ApiKeyError::Unauthorized(_))), "{err:?}");
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn every_documented_status_prism_invents_decodes() {
    for code in [400u16, 401, 402, 403, 404, 409, 422, 429, 500] {
        let err = client(Some(&format!("code={code}")), true).update_iam_v2_api_key("ak-1").body(&body()).await.expect_err("error status");
        assert_eq!(err.status(), Some(code), "{err:?}");
        let api = err.api().unwrap_or_else(|| panic!("{code}: {err:?}"));
        if let UpdateIamV2ApiKeyError::TooManyRequests(_) = api {
            assert_eq!(code, 429);
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn prism_really_validates_requests() {
    // A request that breaks the spec, sent by hand: Prism must say so, or the tests above prove nothing.
    let resp = reqwest::Client::new()
        .patch(format!("{}/iam/v2/api-keys/ak-1", prism_url()))
        .basic_auth("KEY", Some("SECRET"))
        .json(&serde_json::json!({"spec": {"display_name": 12}}))
        .send()
        .await
        .expect("send");
    assert_ne!(resp.status().as_u16(), 200);
    assert!(resp.headers().contains_key("sl-violations"), "{:?}", resp.headers());
}
