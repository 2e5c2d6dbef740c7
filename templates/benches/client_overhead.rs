//! Runtime overhead of the generated client: the seed's `PATCH /iam/v2/api-keys/{id}` through
//! `confluent_cloud::Client::update_iam_v2_api_key`, against the same request written by hand with
//! reqwest + serde_json.
//!
//! Both sides talk to the same minimal HTTP/1.1 server on 127.0.0.1, started here: a blocking
//! `TcpListener`, one thread per connection, keep-alive, that answers every request with the same
//! fixed `200` JSON `ApiKey`. Both sides run on one current-thread tokio runtime and reuse one
//! pooled connection each (counted before measuring). Before measuring, one request of each side
//! is recorded by the server and the two are compared (method, path, headers, body): the bench
//! refuses to run if they differ.
//!
//! Measured twice: by criterion, one side after the other, and by interleaved rounds
//! (`interleaved/mod.rs`) that also read the client thread's CPU time, which on a loaded machine
//! is the steadier number.
//!
//! What the hand-written side does, as a person would write it: a `reqwest::Client` with the same
//! timeouts as the generated client's defaults (60 s, connect 10 s), `.basic_auth()`, the same
//! `Accept` and `User-Agent` headers, `.json(&body)`, a status check, then `serde_json::from_slice`
//! of the body into hand-written structs (`handwritten/mod.rs`). What the generated side adds on
//! top: path-segment encoding and checks, a tracing span per attempt, the retry loop, the
//! response-size limit, decoding through `serde_path_to_error`, the request id and typed headers.
//!
//! Run: `cargo bench -p forge-templates --bench client_overhead` (or `cargo xtask bench`).

mod handwritten;
mod interleaved;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use serde::Serialize;

const KEY: &str = "BENCHKEY";
const SECRET: &str = "bench-secret-value";
const ID: &str = "ak-1";

/// The test server's state, shared by its threads and the bench.
#[derive(Default)]
struct Shared {
    /// The fixed response, head and body.
    response: Vec<u8>,
    /// While set, every request is kept in `recorded`.
    recording: AtomicBool,
    recorded: Mutex<Option<Vec<u8>>>,
    /// Connections accepted and requests answered so far.
    connections: AtomicUsize,
    requests: AtomicUsize,
}

struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head);
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// Serves one keep-alive connection until the client closes it.
fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(pos) = find(&buf, b"\r\n\r\n") {
                break pos + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let total = head_end + content_length(&buf[..head_end]);
        while buf.len() < total {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        if shared.recording.load(Ordering::Relaxed) {
            if let Ok(mut slot) = shared.recorded.lock() {
                *slot = Some(buf[..total].to_vec());
            }
        }
        buf.drain(..total);
        shared.requests.fetch_add(1, Ordering::Relaxed);
        if stream.write_all(&shared.response).is_err() {
            return;
        }
    }
}

fn start_server(body: &[u8]) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: req-bench-1\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    let shared = Arc::new(Shared {
        response,
        ..Shared::default()
    });
    let state = shared.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            state.connections.fetch_add(1, Ordering::Relaxed);
            let state = state.clone();
            std::thread::spawn(move || serve(stream, state));
        }
    });
    Server { addr, shared }
}

#[derive(Serialize)]
struct HandApiKeyRequest {
    spec: HandApiKeySpecRequest,
}

#[derive(Serialize)]
struct HandApiKeySpecRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

/// The request as a person would write it with reqwest + serde_json.
async fn hand_written(
    http: &reqwest::Client,
    base: &str,
) -> Result<handwritten::ApiKey, Box<dyn std::error::Error>> {
    let body = HandApiKeyRequest {
        spec: HandApiKeySpecRequest {
            display_name: Some("x".into()),
            description: None,
        },
    };
    let response = http
        .patch(format!("{base}/iam/v2/api-keys/{ID}"))
        .basic_auth(KEY, Some(SECRET))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(
            reqwest::header::USER_AGENT,
            confluent_cloud::runtime::DEFAULT_USER_AGENT,
        )
        .json(&body)
        .send()
        .await?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(format!("HTTP {}", response.status()).into());
    }
    let bytes = response.bytes().await?;
    Ok(serde_json::from_slice(&bytes)?)
}

async fn generated(
    client: &confluent_cloud::Client,
) -> Result<confluent_cloud::types::ApiKey, Box<dyn std::error::Error>> {
    let body = confluent_cloud::types::UpdateApiKeyRequest {
        spec: Some(confluent_cloud::types::ApiKeySpecRequest {
            display_name: Some("x".into()),
            description: None,
        }),
    };
    Ok(client.update_iam_v2_api_key(ID).body(&body).await?.body)
}

/// Request line, headers (lowercased names, sorted) and body of a recorded request.
fn normalize_request(raw: &[u8]) -> (String, Vec<String>, Vec<u8>) {
    let head_end = find(raw, b"\r\n\r\n").map_or(raw.len(), |p| p + 4);
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut headers: Vec<String> = lines
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(':') {
            Some((n, v)) => format!("{}: {}", n.trim().to_ascii_lowercase(), v.trim()),
            None => l.to_string(),
        })
        .collect();
    headers.sort();
    (request_line, headers, raw[head_end..].to_vec())
}

fn bench_client(c: &mut Criterion) {
    let response_body = serde_json::to_vec(&handwritten::api_key_json(1)).expect("sample JSON");
    let server = start_server(&response_body);
    let base = format!("http://{}", server.addr);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let ours = confluent_cloud::Client::builder()
        .base_url(base.clone())
        .allow_insecure_http(true)
        .basic_auth(KEY, SECRET)
        .build()
        .expect("generated client");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client");

    // Both sides must send the same request and decode the same answer.
    let record = |f: &dyn Fn() -> String| {
        server.shared.recording.store(true, Ordering::Relaxed);
        let id = f();
        server.shared.recording.store(false, Ordering::Relaxed);
        let raw = server
            .shared
            .recorded
            .lock()
            .expect("recorded request")
            .take()
            .expect("the server saw a request");
        (id, normalize_request(&raw))
    };
    let (ours_id, ours_req) = record(&|| {
        rt.block_on(generated(&ours))
            .expect("generated client request")
            .id
    });
    let (hand_id, hand_req) = record(&|| {
        rt.block_on(hand_written(&http, &base))
            .expect("hand-written request")
            .id
    });
    assert_eq!(ours_id, hand_id, "both sides decode the same id");
    assert_eq!(
        ours_req, hand_req,
        "the generated and the hand-written client must send the same request"
    );
    println!(
        "client_overhead: both sides send the same request ({}, {} headers, {}-byte body) and decode a {}-byte response",
        ours_req.0,
        ours_req.1.len(),
        ours_req.2.len(),
        response_body.len()
    );

    // Connection reuse: both sides should send all their requests over one pooled connection
    // (a new connection per request would measure TCP set-up, not client overhead).
    const PROBE: usize = 100;
    let before = server.shared.connections.load(Ordering::Relaxed);
    rt.block_on(async {
        for _ in 0..PROBE {
            generated(&ours).await.expect("generated client request");
        }
    });
    let ours_conns = server.shared.connections.load(Ordering::Relaxed) - before;
    let before = server.shared.connections.load(Ordering::Relaxed);
    rt.block_on(async {
        for _ in 0..PROBE {
            hand_written(&http, &base)
                .await
                .expect("hand-written request");
        }
    });
    let hand_conns = server.shared.connections.load(Ordering::Relaxed) - before;
    println!(
        "client_overhead: new connections for {PROBE} requests: generated {ours_conns}, hand-written {hand_conns}"
    );

    interleaved::run(
        "client_patch",
        150,
        300,
        "hand_written",
        vec![
            (
                "generated",
                Box::new(|n| {
                    rt.block_on(async {
                        for _ in 0..n {
                            generated(&ours).await.expect("generated client request");
                        }
                    })
                }),
            ),
            (
                "hand_written",
                Box::new(|n| {
                    rt.block_on(async {
                        for _ in 0..n {
                            hand_written(&http, &base)
                                .await
                                .expect("hand-written request");
                        }
                    })
                }),
            ),
        ],
    );

    let mut group = c.benchmark_group("client_patch");
    group.bench_function("generated", |b| {
        b.to_async(&rt)
            .iter(|| async { generated(&ours).await.expect("generated client request") })
    });
    group.bench_function("hand_written", |b| {
        b.to_async(&rt).iter(|| async {
            hand_written(&http, &base)
                .await
                .expect("hand-written request")
        })
    });
    group.finish();
    // Read by `cargo xtask bench` when it counts instructions per request under callgrind.
    println!(
        "client_overhead: the server answered {} requests in total",
        server.shared.requests.load(Ordering::Relaxed)
    );
}

criterion_group!(benches, bench_client);
criterion_main!(benches);
