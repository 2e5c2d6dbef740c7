//! `Call`, the request builder of every generated operation, over a hand-written `Operation`:
//! setters through `with`, `send` and `.await` giving the same decoded result, a clone sending
//! the same request, an encode error stopping before anything is sent, and errors decoded by
//! status.

use forge_templates::runtime::{
    Call, ClientBuilder, EncodeError, Error, MockResponse, MockTransport, Operation, RawResponse, RequestSpec, Response, RetryPolicy,
};
use reqwest::Method;

/// The inputs of a made-up `GET /things/{id}?limit=` operation.
#[derive(Clone)]
struct GetThing<'a> {
    id: &'a str,
    limit: Option<i32>,
    /// Makes `request` fail, as a value JSON cannot represent would.
    unencodable: bool,
}

#[derive(Debug, PartialEq)]
enum GetThingError {
    NotFound,
}

impl Operation for GetThing<'_> {
    type Ok = Response<serde_json::Value, ()>;
    type Error = GetThingError;
    const PATH: &'static str = "/things/{id}";
    fn request(&self) -> Result<RequestSpec, EncodeError> {
        if self.unencodable {
            let bad = std::collections::BTreeMap::from([((1, 2), 3)]);
            forge_templates::runtime::param_json(&bad)?;
        }
        let mut spec = RequestSpec::at(Method::GET, Self::PATH, &[self.id]);
        if let Some(l) = self.limit {
            spec = spec.query("limit", l);
        }
        Ok(spec)
    }
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
        "/things/t1" => MockResponse::json(200, &serde_json::json!({"query": req.url().query()})),
        _ => MockResponse::new(404),
    });
    let client = ClientBuilder::new().base_url("https://api.example.com").retry_policy(RetryPolicy::none()).mock(mock.clone()).build().unwrap();
    let call = Call::new(&client, GetThing { id: "t1", limit: None, unencodable: false }).with(|i| i.limit = Some(5));
    assert_eq!(call.inputs().limit, Some(5));
    let again = call.clone();
    let sent = call.send().await.unwrap();
    let awaited = again.await.unwrap();
    assert_eq!(sent.body, serde_json::json!({"query": "limit=5"}));
    assert_eq!((sent.status, &sent.body), (awaited.status, &awaited.body));

    let missing = Call::new(&client, GetThing { id: "nope", limit: None, unencodable: false }).await.unwrap_err();
    assert_eq!(missing.api(), Some(&GetThingError::NotFound));
    assert_eq!(mock.requests().len(), 3);

    let bad = Call::new(&client, GetThing { id: "t1", limit: None, unencodable: true }).await.unwrap_err();
    assert!(matches!(bad, Error::Encode(_)), "{bad:?}");
    assert_eq!(mock.requests().len(), 3, "an input that does not encode sends nothing");
}
