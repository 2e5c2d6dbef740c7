//! `Blocking::wait` (the `blocking` feature) from plain `#[test]`s, with no tokio macro and no
//! runtime of the test's own, against a local HTTP server that runs on a plain thread.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use fixture_api_key_auth::runtime::{Blocking, MockResponse, MockTransport};

/// Serves `responses` (raw HTTP/1.1 texts) on 127.0.0.1, one connection each, and sends every
/// request head it read (lower-cased) back over the channel.
fn serve(responses: Vec<String>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for response in responses {
            let Ok((stream, _)) = listener.accept() else { return };
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&lower);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = tx.send(head);
            let mut stream = reader.into_inner();
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (base, rx)
}

/// A complete HTTP/1.1 response with a JSON body.
fn json(status: &str, body: serde_json::Value) -> String {
    let body = body.to_string();
    format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
}

fn thing() -> String {
    json("200 OK", serde_json::json!({"id": "t1", "name": "one"}))
}

#[test]
fn wait_from_a_plain_main() {
    let (base, heads) = serve(vec![thing(), json("401 Unauthorized", serde_json::json!({"message": "no"}))]);
    let client = fixture_api_key_auth::Client::builder()
        .base_url(&base)
        .allow_insecure_http(true)
        .api_key("k-1")
        .build()
        .expect("client");
    let thing = client.get_thing("t1").wait().expect("200");
    assert_eq!(thing.body.name.as_deref(), Some("one"));
    let head = heads.recv().expect("request");
    assert!(head.starts_with("get /things/t1 http/1.1"), "{head}");
    assert!(head.contains("x-api-key: k-1"), "{head}");
    // Errors come back as they would from `.await`.
    let err = client.get_thing("t2").wait().expect_err("401");
    assert!(matches!(err.api(), Some(fixture_api_key_auth::GetThingError::Unauthorized { .. })), "{err:?}");
}

#[test]
fn wait_from_several_threads_at_once() {
    let mock = MockTransport::new(|req| MockResponse::json(200, &serde_json::json!({"id": req.path()})));
    let client = fixture_api_key_auth::Client::builder().api_key("k").mock(mock.clone()).build().expect("client");
    std::thread::scope(|s| {
        for i in 0..4 {
            let client = &client;
            s.spawn(move || {
                let id = format!("t{i}");
                let thing = client.get_thing(&id).wait().expect("200");
                assert_eq!(thing.body.id, format!("/v1/things/{id}"));
            });
        }
    });
    assert_eq!(mock.requests().len(), 4);
}

#[test]
fn wait_inside_an_async_runtime_does_not_panic() {
    let (base, _heads) = serve(vec![thing()]);
    let client = fixture_api_key_auth::Client::builder()
        .base_url(&base)
        .allow_insecure_http(true)
        .api_key("k-1")
        .build()
        .expect("client");
    // A current-thread runtime is the worst case: `wait` blocks its only thread.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let thing = runtime.block_on(async { client.get_thing("t1").wait() }).expect("200");
    assert_eq!(thing.body.id, "t1");
}
