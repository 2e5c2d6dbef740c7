//! `Call`, the request builder of every generated operation, over a hand-written `Operation`:
//! the route and request defaults applied by `Call::at`, setters through `edit`, `send` and
//! `.await` giving the same decoded result, an encode error stopping before anything is sent,
//! and errors decoded by status.

use forge_templates::runtime::pagination::numeric_token;
use forge_templates::runtime::{
    Call, ClientBuilder, Error, Method, MockResponse, MockTransport, Multipart, Operation, Paginated, RawResponse, Response,
    RetryPolicy,
};
use futures::StreamExt;

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

/// A made-up `GET /items?page=` list: each page is `{"items": [..], "next": ..}`.
struct ListItems;

impl Operation for ListItems {
    type Ok = Response<serde_json::Value, ()>;
    type Error = GetThingError;
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/items";
    fn decode(raw: &mut RawResponse) -> Result<Self::Ok, Error<Self::Error>> {
        match raw.status {
            200 => raw.ok(raw.decode()?, ()),
            _ => raw.fail_unexpected(),
        }
    }
}

impl Paginated for ListItems {
    type Item = serde_json::Value;
    const TOKEN: &'static str = "page";
    fn next_token(page: &Self::Ok) -> Option<String> {
        numeric_token::<u32>(page.body["next"].as_str().map(str::to_owned))
    }
    fn is_empty(page: &Self::Ok) -> bool {
        page.body["items"].as_array().is_none_or(Vec::is_empty)
    }
    fn items(page: Self::Ok) -> Vec<Self::Item> {
        page.body["items"].as_array().cloned().unwrap_or_default()
    }
}

fn list_server() -> MockTransport {
    // Pages 1 to 3; page 3 is the last. The next token is written with a leading zero.
    MockTransport::new(|req| {
        let page: u32 = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let next = (page < 3).then(|| format!("0{}", page + 1));
        MockResponse::json(200, &serde_json::json!({"items": [page * 10, page * 10 + 1], "next": next}))
    })
}

#[tokio::test]
async fn a_walk_starts_from_the_token_the_caller_set_and_replaces_it_page_by_page() {
    let mock = list_server();
    let client = ClientBuilder::new().base_url("https://api.example.com").retry_policy(RetryPolicy::none()).mock(mock.clone()).build().unwrap();
    let call = Call::<ListItems>::at(&client, &[]).edit(|spec| spec.replace_query("page", 2).query("filter", "x"));
    let items: Vec<serde_json::Value> = call.stream().map(|item| item.expect("item")).collect().await;
    assert_eq!(items, [20, 21, 30, 31].map(serde_json::Value::from));
    let sent: Vec<Vec<(String, String)>> = mock.requests().iter().map(|r| r.query_pairs()).collect();
    let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
    assert_eq!(sent, [vec![pair("filter", "x"), pair("page", "2")], vec![pair("filter", "x"), pair("page", "3")]]);

    // From no token at all: the first request has none.
    let mock = list_server();
    let client = ClientBuilder::new().base_url("https://api.example.com").retry_policy(RetryPolicy::none()).mock(mock.clone()).build().unwrap();
    let pages: Vec<_> = Call::<ListItems>::at(&client, &[]).pages().collect().await;
    assert_eq!(pages.len(), 3);
    assert_eq!(mock.requests()[0].query("page"), None);
    assert_eq!(mock.requests()[2].query("page").as_deref(), Some("3"));
}

#[tokio::test]
async fn a_walk_refuses_a_multipart_form_and_an_unencodable_input_before_sending() {
    let mock = list_server();
    let client = ClientBuilder::new().base_url("https://api.example.com").retry_policy(RetryPolicy::none()).mock(mock.clone()).build().unwrap();
    let form = Call::<ListItems>::at(&client, &[]).multipart(Ok(Multipart::new()));
    let walked: Vec<_> = form.pages().collect().await;
    assert!(matches!(walked.as_slice(), [Err(Error::Encode(_))]), "{walked:?}");
    let bad = std::collections::BTreeMap::from([((1, 2), 3)]);
    let walked: Vec<_> = Call::<ListItems>::at(&client, &[]).json(&bad).stream().collect().await;
    assert!(matches!(walked.as_slice(), [Err(Error::Encode(_))]), "{walked:?}");
    assert!(mock.requests().is_empty());
}

#[test]
fn a_setter_called_again_replaces_its_parameter() {
    let client = ClientBuilder::new().base_url("https://api.example.com").build().unwrap();
    let call = Call::<GetThing>::at(&client, &["t"])
        .edit(|spec| spec.replace_query("limit", 1).replace_header("X-Trace", "a"))
        .edit(|spec| spec.replace_query("limit", 2).replace_header("x-trace", "b"));
    let spec = call.request().unwrap();
    assert_eq!(spec.query_pairs(), [("limit".to_string(), "2".to_string())]);
    let debug = format!("{call:?}");
    assert!(debug.contains("GetThing") && debug.contains("x-trace"), "{debug}");
}
