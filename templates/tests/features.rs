//! Generated fixture clients (`generator/tests/clients/*`, from `generator/tests/fixtures/*.yaml`)
//! against live local servers: pagination, parameter encoding, content types, tagged unions.

use futures::StreamExt;
use std::time::Duration;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

macro_rules! client {
    ($krate:ident, $server:expr) => {
        $krate::Client::builder()
            .base_url($server.uri())
            .retry_policy($krate::RetryPolicy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client")
    };
}

#[tokio::test]
async fn stream_follows_three_pages() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<String>| {
        let data: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"metadata": {"next": next}, "data": data}))
    };
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/envs/env-1/items"))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(&["a", "b"], Some(format!("{base}/envs/env-1/items?page_size=2&page_token=t2"))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/envs/env-1/items"))
        .and(query_param("page_token", "t2"))
        .respond_with(page(&["c", "d"], Some(format!("{base}/envs/env-1/items?page_size=2&page_token=t3"))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/envs/env-1/items"))
        .and(query_param("page_token", "t3"))
        .respond_with(page(&["e"], None))
        .expect(1)
        .mount(&server)
        .await;
    let c = client!(fixture_pagination, server);
    let items: Vec<String> = c
        .list_items("env-1")
        .page_size(2)
        .stream()
        .map(|r| r.expect("page").id)
        .collect()
        .await;
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.url.query().unwrap_or("").contains("page_size=2")), "params are kept on every page");
}

/// The page stream yields each page's whole response: body, status and request id.
#[tokio::test]
async fn page_stream_keeps_each_pages_request_id() {
    let server = MockServer::start().await;
    let base = server.uri();
    let page = |ids: &[&str], next: Option<String>, request_id: &str| {
        let data: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        ResponseTemplate::new(200)
            .insert_header("X-Request-Id", request_id)
            .set_body_json(serde_json::json!({"metadata": {"next": next}, "data": data}))
    };
    Mock::given(method("GET"))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(&["a"], Some(format!("{base}/envs/e/items?page_token=t2")), "req-1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page_token", "t2"))
        .respond_with(page(&[], None, "req-2"))
        .mount(&server)
        .await;
    let c = client!(fixture_pagination, server);
    let pages: Vec<_> = c.list_items("e").pages().collect().await;
    let seen: Vec<(Option<String>, usize)> =
        pages.into_iter().map(|p| p.expect("page")).map(|p| (p.request_id, p.body.data.len())).collect();
    assert_eq!(seen, [(Some("req-1".to_string()), 1), (Some("req-2".to_string()), 0)]);
}

#[tokio::test]
async fn stream_stops_at_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500).set_body_string("boom")).mount(&server).await;
    let c = client!(fixture_pagination, server);
    let results: Vec<_> = c.list_items("env-1").stream().collect().await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().expect_err("error").status(), Some(500));
}

#[tokio::test]
async fn parameters_are_encoded_as_the_spec_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = client!(fixture_parameters, server);
    let since = chrono::DateTime::parse_from_rfc3339("2024-01-02T03:04:05Z").expect("date").with_timezone(&chrono::Utc);
    let resp = c
        .get_cluster("env/1", 42, &fixture_parameters::types::GetClusterStatus::Active, "idem-1")
        .page_size(10)
        .spec_owner("u-1")
        .tags(vec!["a b".to_string(), "c".to_string()])
        .ids([1, 2, 3])
        .filter(fixture_parameters::types::GetClusterFilter { region: Some("us-east-1".into()), zone: None })
        .since(since)
        .x_trace_id("trace-1")
        .await
        .expect("204");
    assert_eq!(resp.status, 204);
    let r = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(r.url.path(), "/envs/env%2F1/clusters/42");
    // The required parameter is in the request the method starts; each setter adds its own
    // as it is called.
    assert_eq!(
        r.url.query(),
        Some("status=ACTIVE&page_size=10&spec.owner=u-1&tags=a+b&tags=c&ids=1%2C2%2C3&region=us-east-1&since=2024-01-02T03%3A04%3A05%2B00%3A00")
    );
    assert_eq!(r.headers.get("x-trace-id").and_then(|v| v.to_str().ok()), Some("trace-1"));
    assert_eq!(r.headers.get("idempotency-key").and_then(|v| v.to_str().ok()), Some("idem-1"));
}

#[tokio::test]
async fn bytes_in_and_out() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0u8, 159, 146, 150], "application/octet-stream"))
        .mount(&server)
        .await;
    let c = client!(fixture_content_types, server);
    let resp = c.upload(vec![1u8, 2, 3, 255]).await.expect("ok");
    assert_eq!(resp.body.as_ref(), [0u8, 159, 146, 150]);
    let r = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(r.body, vec![1u8, 2, 3, 255]);
    assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/octet-stream"));
}

#[tokio::test]
async fn form_body_and_html_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>welcome</html>", "text/html"))
        .mount(&server)
        .await;
    let c = client!(fixture_content_types, server);
    let body = fixture_content_types::types::LoginRequest { user: "ann & bob".into(), remember: Some(true) };
    let resp = c.login().body(&body).await.expect("ok");
    assert_eq!(resp.body, "<html>welcome</html>");
    let r = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/x-www-form-urlencoded"));
    let mut pairs: Vec<String> = String::from_utf8_lossy(&r.body).split('&').map(str::to_string).collect();
    pairs.sort();
    assert_eq!(pairs, ["remember=true", "user=ann+%26+bob"]);
}

#[tokio::test]
async fn vendor_json_with_charset_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/vendor"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"a":"x","extra":1}"#, "application/vnd.api+json; charset=utf-8"))
        .mount(&server)
        .await;
    let c = client!(fixture_content_types, server);
    assert_eq!(c.get_vendor().await.expect("ok").body.a.as_deref(), Some("x"));
}

#[tokio::test]
async fn several_success_statuses_with_different_shapes() {
    use fixture_content_types::CreateJobSuccess;
    for (status, body) in [(200u16, Some(r#"{"result":"done"}"#)), (202, Some(r#"{"job_id":"j-1"}"#)), (204, None)] {
        let server = MockServer::start().await;
        let mut t = ResponseTemplate::new(status);
        if let Some(b) = body {
            t = t.set_body_raw(b, "application/json");
        }
        Mock::given(method("POST")).and(path("/jobs")).respond_with(t).mount(&server).await;
        let c = client!(fixture_content_types, server);
        let resp = c.create_job().await.expect("ok");
        match (status, resp.body) {
            (200, CreateJobSuccess::Ok(r)) => assert_eq!(r.result, "done"),
            (202, CreateJobSuccess::Accepted(a)) => assert_eq!(a.job_id, "j-1"),
            (204, CreateJobSuccess::NoContent) => {}
            (s, other) => panic!("{s}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn tagged_union_by_discriminator() {
    use fixture_oneof_discriminator::types::{Circle, Shape};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"kind":"round","radius":2.5,"color":"red"}"#, "application/json"))
        .mount(&server)
        .await;
    let c = client!(fixture_oneof_discriminator, server);
    let sent = Shape::Circle(Circle { kind: "circle".into(), radius: 1.0 });
    let resp = c.create_shape().body(&sent).await.expect("ok");
    assert_eq!(resp.body, Shape::Circle(Circle { kind: "round".into(), radius: 2.5 }), "mapping value `round` selects Circle");
    let r = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(String::from_utf8_lossy(&r.body), r#"{"kind":"circle","radius":1.0}"#, "the variant keeps its own tag field");
    let square: Shape = serde_json::from_str(r#"{"kind":"Square","side":3}"#).expect("schema name selects Square");
    assert!(matches!(square, Shape::Square(s) if s.side == 3));
    let unknown: Shape = serde_json::from_str(r#"{"kind":"Hexagon","sides":6}"#).expect("unknown kinds decode");
    assert!(matches!(unknown, Shape::Unknown(v) if v["sides"] == 6));
    let bad = serde_json::from_str::<Shape>(r#"{"kind":"circle","radius":"big"}"#).expect_err("wrong field type");
    assert!(bad.to_string().contains("radius") || bad.to_string().contains("f64"), "{bad}");
}

/// `x-redact` on array items, map values, a referenced string and a whole body, and on query and
/// header parameters (`generator/tests/fixtures/secrets.yaml`): nothing secret shows in `Debug`,
/// and errors built from the responses of these operations never quote the body.
#[tokio::test]
async fn secrets_never_show_in_debug_or_errors() {
    use fixture_secrets::Error;
    let server = MockServer::start().await;
    let vault = serde_json::json!({
        "name": "v", "tokens": ["TOKEN-ITEM-SECRET"], "passwords": {"db": "MAP-VALUE-SECRET"}, "owner_secret": "REF-SECRET"
    });
    Mock::given(method("GET")).and(path("/tokens")).respond_with(ResponseTemplate::new(200).set_body_json(&vault)).mount(&server).await;
    // An undocumented status whose body echoes a secret.
    Mock::given(method("GET"))
        .and(path("/raw-secret"))
        .respond_with(ResponseTemplate::new(201).set_body_string("\"BARE-BODY-SECRET\""))
        .mount(&server)
        .await;
    let client = client!(fixture_secrets, server);
    // Request builders do not implement `Debug`, so secret parameters cannot be printed.
    let resp = client.list_tokens("QUERY-SECRET").x_session("HEADER-SECRET").limit(3).await.expect("ok");
    let shown = format!("{:?}", resp.body);
    for secret in ["TOKEN-ITEM-SECRET", "MAP-VALUE-SECRET", "REF-SECRET"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert_eq!(resp.body.tokens.as_deref(), Some(&["TOKEN-ITEM-SECRET".to_string()][..]), "the value itself is intact");
    let err = client.get_raw_secret().await.expect_err("201 is not documented");
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains("BARE-BODY-SECRET"), "{text}");
    }
}

/// A PATCH body can leave a field alone, clear it with `null`, or set it
/// (`generator/tests/fixtures/patch_clear.yaml`): the server receives exactly that.
#[tokio::test]
async fn patch_bodies_send_absent_null_and_values_apart() {
    use fixture_patch_clear::runtime::Patch;
    use fixture_patch_clear::types::KeyUpdate;
    use wiremock::matchers::body_json;
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/keys/k1"))
        .and(body_json(serde_json::json!({"display_name": "renamed", "description": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "k1", "display_name": "renamed", "description": null})))
        .expect(1)
        .mount(&server)
        .await;
    let body = KeyUpdate {
        display_name: "renamed".to_string().into(),
        description: Patch::Null,
        token: Patch::Value("SECRET-TOKEN".into()),
        ..Default::default()
    };
    assert!(!format!("{body:?}").contains("SECRET-TOKEN"), "{body:?}");
    let body = KeyUpdate { token: Patch::Absent, ..body };
    let resp = client!(fixture_patch_clear, server).update_key("k1", &body).await.expect("200");
    assert_eq!(resp.body.description, None, "responses keep Option");
    assert_eq!(resp.body.display_name.as_deref(), Some("renamed"));
}

/// Every error keeps the response's status, request id and headers, documented or not, and
/// classifies itself; header values never show in `Debug`.
#[tokio::test]
async fn errors_keep_headers_and_classify_themselves() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/envs/e1/items"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .insert_header("X-Request-Id", "req-429")
                .insert_header("Set-Cookie", "session=COOKIE-SECRET")
                .set_body_string("slow down"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/envs/e2/items"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("<html>Bad Gateway</html>", "text/html"))
        .mount(&server)
        .await;
    let client = client!(fixture_pagination, server);
    // 429 is undocumented for this operation: still its status, headers and wait.
    let err = client.list_items("e1").await.expect_err("429");
    assert!(err.is_rate_limited() && err.is_retryable() && !err.is_server_error(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.request_id(), Some("req-429"));
    assert_eq!(err.headers().and_then(|h| h.get("set-cookie")).and_then(|v| v.to_str().ok()), Some("session=COOKIE-SECRET"));
    assert!(!format!("{err:?}").contains("COOKIE-SECRET"), "{err:?}");
    // A proxy's HTML 502 is a server error that may succeed later.
    let err = client.list_items("e2").await.expect_err("502");
    assert!(err.is_server_error() && err.is_retryable() && !err.is_rate_limited(), "{err:?}");
    assert_eq!(err.status(), Some(502));
}

/// Item streams need no pinning and can move to another task.
#[tokio::test]
async fn streams_are_unpin_and_send() {
    use futures::StreamExt as _;
    let server = MockServer::start().await;
    let page = ResponseTemplate::new(200).set_body_json(serde_json::json!({"metadata": {"next": null}, "data": [{"id": "x"}]}));
    Mock::given(method("GET")).respond_with(page).mount(&server).await;
    let c = client!(fixture_pagination, server);
    let task = tokio::spawn(async move {
        let mut stream = c.list_items("env-1").stream();
        let first = stream.next().await.map(|r| r.map(|item| item.id));
        let rest = stream.next().await.is_none();
        (first, rest)
    });
    let (first, rest) = task.await.expect("task");
    assert_eq!(first.and_then(Result::ok).as_deref(), Some("x"));
    assert!(rest);
}

/// Query styles and nested form bodies (`generator/tests/fixtures/encodings.yaml`): what the
/// server receives is what Stripe-style APIs read.
#[tokio::test]
async fn deep_object_delimited_and_nested_form_encodings() {
    use fixture_encodings::types::{
        CreateChargeRequest, CreateChargeRequestItemsItem, CreateChargeRequestShipping, CreateChargeRequestShippingAddress,
        ListChargesCreated,
    };
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = client!(fixture_encodings, server);
    let metadata = std::collections::BTreeMap::from([("order".to_string(), "o 1".to_string()), ("a".to_string(), "b".to_string())]);
    c.list_charges()
        .metadata(metadata.clone())
        .created(ListChargesCreated { gte: Some(10), lt: None })
        .ids(vec!["ch_1".to_string(), "ch_2".to_string()])
        .states(vec!["paid".to_string(), "open".to_string()])
        .await
        .expect("204");
    let body = CreateChargeRequest {
        amount: 500,
        expand: Some(vec!["customer".into(), "invoice".into()]),
        metadata: Some(metadata),
        shipping: Some(CreateChargeRequestShipping {
            name: Some("Ann".into()),
            address: Some(CreateChargeRequestShippingAddress { city: Some("Köln".into()), lines: Some(vec!["1 Main St".into()]) }),
        }),
        items: Some(vec![CreateChargeRequestItemsItem { price: Some("price_1".into()), quantity: Some(2) }]),
    };
    c.create_charge(&body).await.expect("204");
    let requests = server.received_requests().await.expect("recorded");
    let decoded = |q: &str| -> Vec<(String, String)> {
        url::form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> { list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
    assert_eq!(
        decoded(requests[0].url.query().unwrap_or_default()),
        pairs(&[("metadata[a]", "b"), ("metadata[order]", "o 1"), ("created[gte]", "10"), ("ids", "ch_1 ch_2"), ("states", "paid|open")])
    );
    assert_eq!(requests[1].headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        decoded(&String::from_utf8_lossy(&requests[1].body)),
        pairs(&[
            ("amount", "500"),
            ("expand", "customer"),
            ("expand", "invoice"),
            ("items[0][price]", "price_1"),
            ("items[0][quantity]", "2"),
            ("metadata[a]", "b"),
            ("metadata[order]", "o 1"),
            ("shipping[address][city]", "Köln"),
            ("shipping[address][lines][0]", "1 Main St"),
            ("shipping[name]", "Ann"),
        ])
    );
}

/// Three pages, one mock each: `first` answers the request without the token parameter, the
/// others the request carrying each `(token, body)` in turn.
async fn three_pages(server: &MockServer, route: &str, param: &str, pages: [(Option<&str>, ResponseTemplate); 3]) {
    for (token, response) in pages {
        let mock = Mock::given(method("GET")).and(path(route));
        let mock = match token {
            None => mock.and(query_param_is_missing(param)),
            Some(t) => mock.and(query_param(param, t)),
        };
        mock.respond_with(response).expect(1).mount(server).await;
    }
}

#[tokio::test]
async fn starting_after_follows_the_last_id_while_has_more() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], more: bool| {
        let data: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!({"id": id, "amount": 1})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"object": "list", "data": data, "has_more": more}))
    };
    three_pages(&server, "/charges", "starting_after", [(None, page(&["ch_1", "ch_2"], true)), (Some("ch_2"), page(&["ch_3"], true)), (Some("ch_3"), page(&["ch_4"], false))]).await;
    let c = client!(fixture_pagination_styles, server);
    let ids: Vec<String> = c.list_charges().limit(2).stream().map(|r| r.expect("charge").id).collect().await;
    assert_eq!(ids, ["ch_1", "ch_2", "ch_3", "ch_4"]);
    let requests = server.received_requests().await.expect("recorded");
    assert!(requests.iter().all(|r| r.url.query().unwrap_or("").contains("limit=2")), "params are kept on every page");
}

#[tokio::test]
async fn cursor_follows_next_cursor() {
    let server = MockServer::start().await;
    let page = |names: &[&str], next: Option<&str>| {
        let events: Vec<serde_json::Value> = names.iter().map(|n| serde_json::json!({"name": n})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"events": events, "response_metadata": {"next_cursor": next.unwrap_or("")}}))
    };
    three_pages(&server, "/events", "cursor", [(None, page(&["a"], Some("c2"))), (Some("c2"), page(&["b"], Some("c3"))), (Some("c3"), page(&["c"], None))]).await;
    let c = client!(fixture_pagination_styles, server);
    let names: Vec<String> = c.list_events().stream().map(|r| r.expect("event").name).collect().await;
    assert_eq!(names, ["a", "b", "c"]);
}

#[tokio::test]
async fn link_header_follows_rel_next_page_numbers() {
    let server = MockServer::start().await;
    let base = server.uri();
    let page = |names: &[&str], link: Option<String>| {
        let body: Vec<serde_json::Value> = names.iter().map(|n| serde_json::json!({"name": n})).collect();
        let response = ResponseTemplate::new(200).set_body_json(body);
        match link {
            Some(link) => response.insert_header("Link", link.as_str()),
            None => response,
        }
    };
    let link = |next: u32| format!(r#"<{base}/orgs/o/repos?per_page=2&page={next}>; rel="next", <{base}/orgs/o/repos?per_page=2&page=3>; rel="last""#);
    three_pages(
        &server,
        "/orgs/o/repos",
        "page",
        [
            (None, page(&["r1", "r2"], Some(link(2)))),
            (Some("2"), page(&["r3", "r4"], Some(link(3)))),
            // The last page links back to the first and prev pages, but not to a next one.
            (Some("3"), page(&["r5"], Some(format!(r#"<{base}/orgs/o/repos?page=1>; rel="first", <{base}/orgs/o/repos?page=2>; rel="prev""#)))),
        ],
    )
    .await;
    let c = client!(fixture_pagination_styles, server);
    let names: Vec<String> = c.list_repos("o").per_page(2).stream().map(|r| r.expect("repo").name).collect().await;
    assert_eq!(names, ["r1", "r2", "r3", "r4", "r5"]);
}

#[tokio::test]
async fn dropshot_follows_next_page_and_keeps_required_inputs() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let items: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": items, "next_page": next}))
    };
    three_pages(&server, "/v1/instances", "page_token", [(None, page(&["i1"], Some("p2"))), (Some("p2"), page(&["i2"], Some("p3"))), (Some("p3"), page(&["i3"], None))]).await;
    let c = client!(fixture_pagination_styles, server);
    let ids: Vec<String> = c.instance_list("proj").limit(1u32).stream().map(|r| r.expect("instance").id).collect().await;
    assert_eq!(ids, ["i1", "i2", "i3"]);
    let requests = server.received_requests().await.expect("recorded");
    assert!(requests.iter().all(|r| r.url.query().unwrap_or("").contains("project=proj")), "required inputs stay on every page");
}

#[tokio::test]
async fn declared_pagination_follows_the_declared_field() {
    let server = MockServer::start().await;
    let page = |names: &[&str], next: Option<&str>| {
        let widgets: Vec<serde_json::Value> = names.iter().map(|n| serde_json::json!({"name": n})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"result": {"widgets": widgets, "meta": {"continue": next}}}))
    };
    three_pages(&server, "/widgets", "after", [(None, page(&["w1", "w2"], Some("k2"))), (Some("k2"), page(&[], Some("k3"))), (Some("k3"), page(&["w3"], None))]).await;
    let c = client!(fixture_pagination_styles, server);
    let pages: Vec<usize> = c.list_widgets().pages().map(|r| r.expect("page").body.result.widgets.len()).collect().await;
    assert_eq!(pages, [2, 0, 1], "an empty page in the middle does not end the walk");
}

/// A server whose `Link` header keeps pointing at the same page is stopped, not followed forever.
#[tokio::test]
async fn link_header_loop_is_stopped() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/orgs/o/repos"))
        .respond_with(ResponseTemplate::new(200).insert_header("Link", format!("<{base}/orgs/o/repos?page=2>; rel=next").as_str()).set_body_json(serde_json::json!([{"name": "r"}])))
        .mount(&server)
        .await;
    let c = client!(fixture_pagination_styles, server);
    let results: Vec<_> = c.list_repos("o").stream().collect().await;
    assert_eq!(results.len(), 3, "two pages of one item, then the error");
    assert!(matches!(results.last(), Some(Err(fixture_pagination_styles::Error::Pagination(_)))), "{:?}", results.last());
}

#[tokio::test]
async fn declared_last_item_and_next_url_walks() {
    let server = MockServer::start().await;
    let rows = |keys: &[&str], more: bool| {
        let rows: Vec<serde_json::Value> = keys.iter().map(|k| serde_json::json!({"key": k})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"page": {"rows": rows, "more": more}}))
    };
    three_pages(&server, "/rows", "after", [(None, rows(&["k1", "k2"], true)), (Some("k2"), rows(&["k3"], true)), (Some("k3"), rows(&["k4"], false))]).await;
    let base = server.uri();
    let feed = |names: &[&str], next: Option<String>| {
        let entries: Vec<serde_json::Value> = names.iter().map(|n| serde_json::json!({"name": n})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"entries": entries, "links": {"next": next}}))
    };
    three_pages(&server, "/feed", "after", [(None, feed(&["a"], Some(format!("{base}/feed?after=f2")))), (Some("f2"), feed(&["b"], Some("/feed?after=f3".into()))), (Some("f3"), feed(&["c"], None))]).await;
    let c = client!(fixture_pagination_styles, server);
    let keys: Vec<Option<String>> = c.list_rows().stream().map(|r| r.expect("row").key).collect().await;
    assert_eq!(keys, [Some("k1".to_string()), Some("k2".into()), Some("k3".into()), Some("k4".into())]);
    let names: Vec<String> = c.list_feed().stream().map(|r| r.expect("entry").name).collect().await;
    assert_eq!(names, ["a", "b", "c"]);
}

/// `multipart/form-data` bodies built by the client (`generator/tests/fixtures/multipart.yaml`):
/// the server receives text parts, one part per tag, a JSON part, per-part content types and
/// fixed headers from `encoding`, a file from bytes, from a path (with its file name) and a
/// streamed one.
#[tokio::test]
async fn multipart_forms_reach_the_server_part_by_part() {
    use fixture_multipart::runtime::FilePart;
    use fixture_multipart::types::UploadDocumentRequestMeta;
    use fixture_multipart::{PutAvatarForm, UploadDocumentForm};
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "d1"}))).mount(&server).await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = client!(fixture_multipart, server);
    let dir = std::env::temp_dir().join(format!("forge-features-mp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("scan.png"), b"\x89PNG").unwrap();
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = vec![Ok(bytes::Bytes::from_static(b"GIF8")), Ok(bytes::Bytes::from_static(b"9a"))];
    let form = UploadDocumentForm {
        title: "Q3 \"report\"".into(),
        count: Some(2),
        tags: Some(vec!["a".into(), "b".into()]),
        meta: Some(UploadDocumentRequestMeta { source: Some("scanner".into()), pages: Some(3) }),
        note: Some("# hi".into()),
        file: FilePart::bytes(&b"%PDF-1.7"[..]).file_name("q3.pdf"),
        attachments: Some(vec![
            FilePart::path(dir.join("scan.png")),
            FilePart::stream(futures::stream::iter(chunks)).file_name("anim.gif").content_type("image/gif"),
        ]),
    };
    let response = c.upload_document(form).await.expect("201");
    assert_eq!(response.body.id.as_deref(), Some("d1"));
    c.put_avatar().body(PutAvatarForm { image: None, alt: Some("me".into()) }).await.expect("204");
    std::fs::remove_dir_all(&dir).unwrap();

    let requests = server.received_requests().await.expect("recorded");
    let ct = requests[0].headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").expect("a multipart content type").to_string();
    // Each part as (headers, body), split on the boundary the client chose.
    let parts = |body: &[u8]| -> Vec<(String, String)> {
        let text = String::from_utf8_lossy(body).into_owned();
        let close = format!("--{boundary}--\r\n");
        assert!(text.ends_with(&close), "{text}");
        text[..text.len() - close.len()]
            .split(&format!("--{boundary}\r\n"))
            .skip(1)
            .map(|p| {
                let (head, body) = p.split_once("\r\n\r\n").expect("headers end");
                let body = body.strip_suffix("\r\n").expect("part end").to_string();
                // A JSON part's key order depends on whether the build has serde_json's
                // `preserve_order` (cargo unifies features over the workspace): compare it with
                // its top-level keys sorted.
                let body = if head.ends_with("Content-Type: application/json") {
                    let sorted: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_str(&body).expect("a JSON part");
                    serde_json::to_string(&sorted).expect("JSON")
                } else {
                    body
                };
                (head.to_string(), body)
            })
            .collect()
    };
    let d = |name: &str| format!("Content-Disposition: form-data; name=\"{name}\"");
    assert_eq!(
        parts(&requests[0].body),
        vec![
            (d("title"), "Q3 \"report\"".to_string()),
            (d("count"), "2".into()),
            (d("tags"), "a".into()),
            (d("tags"), "b".into()),
            (format!("{}\r\nContent-Type: application/json", d("meta")), r#"{"pages":3,"source":"scanner"}"#.into()),
            (format!("{}\r\nContent-Type: text/markdown", d("note")), "# hi".into()),
            (format!("{}; filename=\"q3.pdf\"\r\nContent-Type: application/pdf\r\nX-Scan: virus-checked", d("file")), "%PDF-1.7".into()),
            (format!("{}; filename=\"scan.png\"\r\nContent-Type: application/octet-stream", d("attachments")), "\u{fffd}PNG".into()),
            (format!("{}; filename=\"anim.gif\"\r\nContent-Type: image/gif", d("attachments")), "GIF89a".into()),
        ]
    );
    let ct = requests[1].headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").expect("multipart").to_string();
    assert_eq!(String::from_utf8_lossy(&requests[1].body), format!("--{boundary}\r\n{}\r\n\r\nme\r\n--{boundary}--\r\n", d("alt")));
}

/// A form body whose `encoding` object sets per-property styles (`generator/tests/fixtures/encodings.yaml`,
/// `createCustomer`): what the server receives.
#[tokio::test]
async fn form_body_encoding_object_styles() {
    use fixture_encodings::types::{
        CreateCustomerRequest, CreateCustomerRequestAddress, CreateCustomerRequestMeta, CreateCustomerRequestPoint,
        CreateCustomerRequestPrefs,
    };
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = client!(fixture_encodings, server);
    let v = |xs: &[&str]| Some(xs.iter().map(|x| x.to_string()).collect::<Vec<_>>());
    let body = CreateCustomerRequest {
        name: Some("Ann".into()),
        tags: v(&["t1", "t2"]),
        codes: v(&["a", "b"]),
        roles: v(&["r1", "r2"]),
        prefs: Some(CreateCustomerRequestPrefs { lang: Some("en".into()), tz: Some("UTC".into()) }),
        point: Some(CreateCustomerRequestPoint { x: Some(1), y: Some(2) }),
        meta: Some(CreateCustomerRequestMeta { a: Some(1) }),
        address: Some(CreateCustomerRequestAddress { city: Some("Köln".into()) }),
    };
    c.create_customer(&body).await.expect("204");
    let requests = server.received_requests().await.expect("recorded");
    let decoded: Vec<(String, String)> =
        url::form_urlencoded::parse(&requests[0].body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let want: Vec<(String, String)> = [
        ("address[city]", "Köln"),
        ("codes", "a b"),
        ("meta", r#"{"a":1}"#),
        ("name", "Ann"),
        ("point", "x,1,y,2"),
        ("lang", "en"),
        ("tz", "UTC"),
        ("roles", "r1|r2"),
        ("tags", "t1,t2"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(decoded, want);
}

/// `anyOf` (`generator/tests/fixtures/anyof.yaml`): a value matching the second branch that would
/// also fit the first (`{name, barks}` is a valid Cat, whose fields are all optional but `name`)
/// decodes whole into the merged struct, never as a Cat that drops `barks`; it round-trips.
/// Distinct primitives are an untagged enum; overlapping object branches a union whose decode
/// follows the value's field types.
#[tokio::test]
async fn any_of_never_picks_the_wrong_branch() {
    use fixture_anyof::types::{Id, Pet, Shape};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/p1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "Rex", "barks": true})))
        .mount(&server)
        .await;
    let c = client!(fixture_anyof, server);
    let pet = c.get_pet("p1").await.expect("200").body;
    assert_eq!(pet, Pet { name: Some("Rex".into()), meows: None, barks: Some(true), id: None });
    assert_eq!(serde_json::to_value(&pet).unwrap(), serde_json::json!({"name": "Rex", "barks": true}));
    let both: Pet = serde_json::from_value(serde_json::json!({"name": "Tom", "meows": true, "barks": false, "id": "x"})).unwrap();
    assert_eq!((both.meows, both.barks, both.id.as_deref()), (Some(true), Some(false), Some("x")), "a value of every branch at once");

    assert_eq!(serde_json::from_value::<Id>(serde_json::json!(42)).unwrap(), Id::Integer(42));
    assert_eq!(serde_json::from_value::<Id>(serde_json::json!("42")).unwrap(), Id::String("42".into()));
    match serde_json::from_value::<Shape>(serde_json::json!({"size": 3})).unwrap() {
        Shape::ShapeVariant2(s) => assert_eq!(s.size, Some(3)),
        other => panic!("an integer size is the second branch: {other:?}"),
    }
    match serde_json::from_value::<Shape>(serde_json::json!({"size": "xl"})).unwrap() {
        Shape::ShapeVariant1(s) => assert_eq!(s.size.as_deref(), Some("xl")),
        other => panic!("a string size is the first branch: {other:?}"),
    }
}
