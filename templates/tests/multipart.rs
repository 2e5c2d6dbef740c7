//! `multipart/form-data` bodies built by the runtime: the exact bytes written, files from
//! bytes, a path (read when sent) and a stream, and how retries treat each (a streamed body is
//! sent once; bytes and paths are re-sent).

use std::time::Duration;

use bytes::Bytes;
use forge_templates::runtime::{ClientBuilder, FilePart, MockResponse, MockTransport, Multipart, RequestSpec, RetryPolicy};
use reqwest::Method;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn post() -> RequestSpec {
    RequestSpec::new(Method::POST, "/upload", "/upload".into())
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
        .retry_non_idempotent(true)
        .max_attempts(3)
}

#[tokio::test]
async fn parts_are_written_exactly() {
    let mut form = Multipart::with_boundary("XyZ");
    form.text("title", "A \"quoted\"\r\nname", None, &[]);
    form.field("count", &3, None, &[]).unwrap();
    form.field("meta", &serde_json::json!({"a": [1, 2]}), None, &[]).unwrap();
    form.field("tag", &"x", Some("application/json"), &[("X-Rate", "1\r\nEvil: yes")]).unwrap();
    form.field("skip", &Option::<String>::None, None, &[]).unwrap();
    form.file("doc", FilePart::bytes(&b"%PDF"[..]).file_name("a.pdf"), Some("application/pdf"), &[]);
    form.file("raw", FilePart::bytes(vec![0u8, 1, 2]), None, &[]);
    assert_eq!(form.len(), 6, "the null field adds no part");
    assert!(form.is_replayable());
    let spec = post().multipart(form).await.unwrap();
    assert_eq!(spec.content_type(), Some("multipart/form-data; boundary=XyZ"));
    assert!(spec.is_replayable());
    let expected = concat!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nA \"quoted\"\r\nname\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n3\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\":[1,2]}\r\n",
        // The JSON content type makes a string JSON text; header values cannot add headers.
        "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\nContent-Type: application/json\r\nX-Rate: 1  Evil: yes\r\n\r\n\"x\"\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"raw\"; filename=\"raw\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{0}\u{1}\u{2}\r\n",
        "--XyZ--\r\n",
    );
    assert_eq!(spec.body().map(|b| String::from_utf8_lossy(b).into_owned()), Some(expected.to_owned()));
}

#[tokio::test]
async fn names_are_quoted_so_they_cannot_break_the_header() {
    let mut form = Multipart::with_boundary("b");
    form.file("a\"b\r\nc", FilePart::bytes(&b"x"[..]).file_name("evil\".txt").content_type("text/plain\r\nX: y"), None, &[]);
    let spec = post().multipart(form).await.unwrap();
    let body = String::from_utf8_lossy(spec.body().unwrap()).into_owned();
    assert!(body.starts_with(
        "--b\r\nContent-Disposition: form-data; name=\"a%22b%0D%0Ac\"; filename=\"evil%22.txt\"\r\nContent-Type: text/plain  X: y\r\n\r\nx\r\n"
    ), "{body}");
}

#[tokio::test]
async fn a_path_is_read_when_sent_and_keeps_its_file_name() {
    let dir = std::env::temp_dir().join(format!("forge-multipart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.csv");
    let mut form = Multipart::with_boundary("b");
    form.file("report", FilePart::path(&file), Some("text/csv"), &[]);
    // Written after the part was made: the contents are read by `multipart`.
    std::fs::write(&file, "a,b\n1,2\n").unwrap();
    let spec = post().multipart(form).await.unwrap();
    let body = String::from_utf8_lossy(spec.body().unwrap()).into_owned();
    assert_eq!(
        body,
        "--b\r\nContent-Disposition: form-data; name=\"report\"; filename=\"report.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n\r\n--b--\r\n"
    );

    let mut form = Multipart::new();
    form.file("gone", FilePart::path(dir.join("missing.bin")), None, &[]);
    let err = post().multipart(form).await.unwrap_err();
    assert_eq!(err.format(), "multipart/form-data");
    assert!(err.to_string().contains("missing.bin"), "{err}");
    assert!(std::error::Error::source(&err).is_some(), "the I/O error is the source");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn fresh_boundaries_differ() {
    let (a, b) = (Multipart::new(), Multipart::new());
    assert_ne!(a.boundary(), b.boundary());
    assert!(a.content_type().starts_with("multipart/form-data; boundary=forge-"));
}

fn streamed_form(boundary: &str) -> Multipart {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![Ok(Bytes::from_static(b"chunk1-")), Ok(Bytes::from_static(b"chunk2"))];
    let mut form = Multipart::with_boundary(boundary);
    form.text("before", "1", None, &[]);
    form.file("video", FilePart::stream(futures::stream::iter(chunks)).file_name("v.mp4"), Some("video/mp4"), &[]);
    form.text("after", "2", None, &[]);
    form
}

const STREAMED: &str = concat!(
    "--s\r\nContent-Disposition: form-data; name=\"before\"\r\n\r\n1\r\n",
    "--s\r\nContent-Disposition: form-data; name=\"video\"; filename=\"v.mp4\"\r\nContent-Type: video/mp4\r\n\r\nchunk1-chunk2\r\n",
    "--s\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\n2\r\n",
    "--s--\r\n",
);

#[tokio::test]
async fn a_streamed_part_reaches_the_server_and_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = ClientBuilder::new().base_url(server.uri()).retry_policy(fast_retries()).build().unwrap();

    let form = streamed_form("s");
    assert!(!form.is_replayable());
    let spec = post().multipart(form).await.unwrap();
    assert!(!spec.is_replayable());
    let raw = client.execute(spec).await.unwrap();
    assert_eq!((raw.status, raw.attempts), (503, 1), "a 503 is the result: the stream is spent");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(String::from_utf8_lossy(&received[0].body), STREAMED);
    assert_eq!(
        received[0].headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("multipart/form-data; boundary=s")
    );

    // The same body from bytes is retried as any other.
    let mut form = Multipart::with_boundary("s");
    form.file("video", FilePart::bytes(&b"x"[..]), None, &[]);
    let raw = client.execute(post().multipart(form).await.unwrap()).await.unwrap();
    assert_eq!((raw.status, raw.attempts), (503, 3));
}

#[tokio::test]
async fn a_failing_stream_is_not_retried_either() {
    // Nothing listens on this port: the connection fails, which is otherwise retried.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = ClientBuilder::new().base_url(format!("http://{addr}")).retry_policy(fast_retries()).build().unwrap();
    let err = client.execute(post().multipart(streamed_form("s")).await.unwrap()).await.unwrap_err();
    assert_eq!(err.attempts(), 1, "{err}");

    let mut form = Multipart::with_boundary("s");
    form.text("a", "b", None, &[]);
    let err = client.execute(post().multipart(form).await.unwrap()).await.unwrap_err();
    assert_eq!(err.attempts(), 3, "{err}");
}

#[tokio::test]
async fn the_mock_transport_records_a_streamed_body_whole() {
    let mock = MockTransport::new(|_| MockResponse::new(204));
    let client = ClientBuilder::new().base_url("http://api.test").mock(mock.clone()).build().unwrap();
    let raw = client.execute(post().multipart(streamed_form("s")).await.unwrap()).await.unwrap();
    assert_eq!(raw.status, 204);
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(String::from_utf8_lossy(requests[0].body()), STREAMED);
}
