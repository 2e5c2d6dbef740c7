//! `Call`, the request builder of every generated operation, over a hand-written `Operation`:
//! the route and request defaults applied by `Call::at`, setters through `edit`, `send` and
//! `.await` giving the same decoded result, an encode error stopping before anything is sent,
//! and errors decoded by status.

use forge_templates::runtime::{
    Call, ClientBuilder, Error, Method, MockResponse, MockTransport, Operation, RawResponse, Response, RetryPolicy,
};

/// A made-up `GET /things/{id}?limit=` operation.
struct GetThing;

#[derive(Debug, PartialEq)]
enum GetThingError {
    NotFound,
}

impl Operation for GetThing {
    type Ok = Response<serde_json::Value, ()>;
    type Error = GetThingError;
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things/{id}";
    const ACCEPT: &'static str = "application/vnd.things+json";
    fn decode(raw: &mut RawResponse) -> Result<Self::Ok, Error<Self::Error>> {
        match raw.status {
            200 => raw.ok(raw.decode()?, ()),
            404 => raw.fail(GetThingError::NotFound),
            _ => raw.fail_unexpected(),
        }
    }
}

#[tokio::test]
async fn a_call_sends_its_inputs_and_decodes_by_status() {
    let mock = MockTransport::new(|req| match req.path() {
        "/things/t%2F1" => MockResponse::json(
            200,
            &serde_json::json!({"query": req.url().query(), "accept": req.header("accept")}),
        ),
        _ => MockResponse::new(404),
    });
    let client = ClientBuilder::new().base_url("https://api.example.com").retry_policy(RetryPolicy::none()).mock(mock.clone()).build().unwrap();
    let call = Call::<GetThing>::at(&client, &["t/1"]).edit(|spec| spec.query("limit", 5));
    let request = call.request().unwrap();
    assert_eq!(request.path(), "/things/t%2F1", "a segment is encoded as one path segment");
    assert_eq!(request.query_pairs(), [("limit".to_string(), "5".to_string())]);
    let sent = call.send().await.unwrap();
    assert_eq!(sent.body, serde_json::json!({"query": "limit=5", "accept": "application/vnd.things+json"}));
    let awaited = Call::<GetThing>::at(&client, &["t/1"]).edit(|spec| spec.query("limit", 5)).await.unwrap();
    assert_eq!((sent.status, &sent.body), (awaited.status, &awaited.body));

    let missing = Call::<GetThing>::at(&client, &["nope"]).await.unwrap_err();
    assert_eq!(missing.api(), Some(&GetThingError::NotFound));
    assert_eq!(mock.requests().len(), 3);

    // A body JSON cannot represent (a map with non-string keys) is the call's error.
    let bad = std::collections::BTreeMap::from([((1, 2), 3)]);
    let call = Call::<GetThing>::at(&client, &["t/1"]).try_edit(|spec| spec.json(&bad)).edit(|spec| spec.query("after", 1));
    assert!(call.request().is_err());
    let bad = call.await.unwrap_err();
    assert!(matches!(bad, Error::Encode(_)), "{bad:?}");
    assert_eq!(mock.requests().len(), 3, "an input that does not encode sends nothing");
}

#[test]
fn set_query_replaces_every_value_of_a_parameter() {
    let client = ClientBuilder::new().base_url("https://api.example.com").build().unwrap();
    let call = Call::<GetThing>::at(&client, &["t"]).edit(|spec| spec.query("page", 1).query("page", 2).query("size", 3));
    let spec = call.request().unwrap().clone();
    assert_eq!(spec.query_value("page"), Some("1"));
    let spec = spec.set_query("page", Some("9".into()));
    assert_eq!(spec.query_pairs(), [("size".to_string(), "3".to_string()), ("page".to_string(), "9".to_string())]);
    assert_eq!(spec.set_query("page", None).query_value("page"), None);
}
