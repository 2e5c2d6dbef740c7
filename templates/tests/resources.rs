//! One type per resource (fixture client `response_variants`, from
//! `generator/tests/fixtures/response_variants.yaml`) against a live local server: create, get
//! and list all return one `Widget`, whatever their `allOf` overlays require; a fetched widget
//! converts into its update body and goes back unchanged; a body with a required enum is built
//! with `new` and struct update syntax.

use fixture_response_variants::types::{Color, GadgetRequest, UpdateWidgetRequest, Widget, WidgetSpec};
use std::time::Duration;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> fixture_response_variants::Client {
    fixture_response_variants::Client::builder()
        .base_url(server.uri())
        .retry_policy(fixture_response_variants::RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

#[tokio::test]
async fn create_get_and_list_return_one_widget_type_and_get_converts_into_an_update() {
    let server = MockServer::start().await;
    let full = serde_json::json!({
        "id": "w-1", "kind": "Widget", "metadata": {"self": "/widgets/w-1"},
        "name": "gear", "spec": {"owner": "u-1", "note": "blue"}
    });
    Mock::given(method("POST")).and(path("/widgets")).respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"name": "gear"}))).mount(&server).await;
    Mock::given(method("GET")).and(path("/widgets/w-1")).respond_with(ResponseTemplate::new(200).set_body_json(&full)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [{"id": "w-1", "metadata": {}, "name": "gear"}]})))
        .mount(&server)
        .await;
    // The update sends back exactly the writable fields that were read.
    Mock::given(method("PATCH"))
        .and(path("/widgets/w-1"))
        .and(body_json(serde_json::json!({"name": "gear", "spec": {"owner": "u-1", "note": "blue"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(&full))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    // The three responses are one type: a function over `Widget` takes each of them.
    let names = |w: &Widget| w.name.clone();
    let created = client.create_widget().await.expect("create").body;
    let got = client.get_widget("w-1").await.expect("get").body;
    let listed = client.list_widgets().await.expect("list").body.data;
    assert_eq!([names(&created), names(&got), names(&listed[0])], ["gear", "gear", "gear"]);
    // Create's response documents no id; get's requires one: the merged field is an `Option`
    // that each response fills as it can.
    assert_eq!(created.id, None);
    assert_eq!(got.id.as_deref(), Some("w-1"));
    assert_eq!(got.spec.as_ref().and_then(|s| s.owner.as_deref()), Some("u-1"));

    let update = UpdateWidgetRequest::from(&got);
    assert_eq!(update.spec, Some(WidgetSpec { owner: Some("u-1".into()), note: Some("blue".into()) }));
    let updated = client.update_widget("w-1").body(&update).await.expect("update").body;
    assert_eq!(updated, got);
}

#[tokio::test]
async fn a_body_with_a_required_enum_is_built_with_new() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/gadgets"))
        .and(body_json(serde_json::json!({"size": 3, "color": "blue", "label": "spare"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "g-1", "size": 3, "color": "blue"})))
        .expect(1)
        .mount(&server)
        .await;
    // No `Default` (an enum has no default value); `new` takes the required fields only.
    let body = GadgetRequest { label: Some("spare".into()), ..GadgetRequest::new(3, Color::Blue) };
    let created = client(&server).create_gadget().body(&body).await.expect("create").body;
    assert_eq!(created.color, Some(Color::Blue));
}

/// Whether the widget was missing: written once against the shared enum, used for both
/// operations whose documented errors are the same.
fn missing(e: &fixture_response_variants::Error<fixture_response_variants::GetWidgetError>) -> Option<&str> {
    match e.api()? {
        fixture_response_variants::GetWidgetError::NotFound(reply) => Some(&reply.body.title),
        _ => None,
    }
}

#[tokio::test]
async fn operations_with_the_same_errors_share_one_enum_and_its_decoding() {
    use fixture_response_variants::{DeleteWidgetError, GetWidgetError, ReplaceGadgetError, UpdateWidgetError};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets/w-9"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"title": "no widget w-9"})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/widgets/w-9"))
        .respond_with(ResponseTemplate::new(409).set_body_json(serde_json::json!({"title": "busy"})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/gadgets"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"title": "no gadget"})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/widgets/w-8"))
        .respond_with(ResponseTemplate::new(418).set_body_json(serde_json::json!({"title": "teapot"})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/widgets/w-7"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"title": "gone"})))
        .mount(&server)
        .await;
    let client = client(&server);

    let get = client.get_widget("w-9").await.expect_err("404");
    assert_eq!(missing(&get), Some("no widget w-9"));
    // `UpdateWidgetError` is `GetWidgetError`: the same helper reads the update's errors.
    let update: fixture_response_variants::Error<UpdateWidgetError> = client.update_widget("w-9").await.expect_err("409");
    assert_eq!(missing(&update), None);
    match update.api() {
        Some(UpdateWidgetError::Conflict(reply)) => assert_eq!(reply.body.title, "busy"),
        other => panic!("409 as {other:?}"),
    }
    // Delete describes its 404 its own way and still shares the enum: statuses, bodies and
    // headers decide, and its method docs carry its description.
    let delete: fixture_response_variants::Error<DeleteWidgetError> = client.delete_widget("w-7").await.expect_err("404");
    match delete.api() {
        Some(GetWidgetError::NotFound(reply)) => assert_eq!(reply.body.title, "gone"),
        other => panic!("404 as {other:?}"),
    }
    // A status neither documents is still unexpected, not a variant.
    let teapot = client.update_widget("w-8").await.expect_err("418");
    assert!(teapot.api().is_none() && teapot.status() == Some(418), "{teapot:?}");
    // A 404 described otherwise is another enum.
    let gadget = client.replace_gadget().body(&GadgetRequest::new(1, Color::Red)).await.expect_err("404");
    match gadget.api() {
        Some(ReplaceGadgetError::NotFound(reply)) => assert_eq!(reply.body.title, "no gadget"),
        other => panic!("404 as {other:?}"),
    }
}
