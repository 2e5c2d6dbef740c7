//! The build-script-generated module works like the generated crate: a live call against a local
//! server, typed body, typed error.

use forge_build_consumer::confluent::types::{UpdateApiKeyRequest, ApiKeySpecRequest};
use forge_build_consumer::confluent::{Client, RetryPolicy, UpdateIamV2ApiKeyError};
use wiremock::matchers::{body_json, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .basic_auth("KEY", "SECRET")
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn generated_module_calls_a_live_server() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/iam/v2/api-keys/ak-1"))
        .and(header_exists("authorization"))
        .and(body_json(serde_json::json!({"spec": {"display_name": "renamed"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "api_version": "iam/v2", "kind": "ApiKey", "id": "ak-1",
            "spec": {"owner": {"id": "u-1", "related": "r", "resource_name": "crn://x"}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/iam/v2/api-keys/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"errors": [{"detail": "no such key"}]})))
        .mount(&server)
        .await;
    let body = UpdateApiKeyRequest { spec: Some(ApiKeySpecRequest { display_name: Some("renamed".into()), ..Default::default() }) };
    let ok = client(&server).update_iam_v2_api_key("ak-1").body(&body).await.expect("200");
    assert_eq!(ok.body.id, "ak-1");
    assert_eq!(ok.body.spec.owner.id, "u-1");
    let err = client(&server).update_iam_v2_api_key("missing").body(&body).await.expect_err("404");
    assert!(matches!(err.api(), Some(UpdateIamV2ApiKeyError::NotFound(_))), "{err:?}");
}
