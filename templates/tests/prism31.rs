//! A client generated from an OpenAPI 3.1 document (`generator/tests/fixtures/openapi31_types.yaml`)
//! against Stoplight Prism serving that document in static mode: Prism's answer (an example of
//! the document, with type arrays, `const`, tuples) decodes, and the decoded value sent
//! back passes Prism's validation against the 3.1 schema. `cargo xtask test` starts Prism and
//! runs these with `--ignored`.

use fixture_openapi31_types::{Client, RetryPolicy};

fn client() -> Client {
    let url = std::env::var("PRISM31_URL").expect("PRISM31_URL is set by `cargo xtask test`, which starts Prism");
    Client::builder().base_url(url).allow_insecure_http(true).retry_policy(RetryPolicy::none()).build().expect("client")
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn prism_serves_the_31_document_and_its_example_round_trips() {
    let c = client();
    let got = c.get_thing().await.unwrap_or_else(|e| panic!("Prism answered oddly: {e:?}"));
    assert_eq!(got.status, 200);
    let thing = got.body;
    // Prism 5.14.2 answers with the schema's first `examples` entry (`a1`); the media type's
    // `full` example (`abc`) would do as well.
    assert!(["a1", "abc"].contains(&thing.id.as_str()), "an example of the document: {thing:?}");
    let sent = c.put_thing(&thing).await.unwrap_or_else(|e| panic!("Prism rejected the 3.1 body: {e:?}"));
    assert_eq!(sent.status, 204);
}
