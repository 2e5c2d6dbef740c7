//! Decoding cost of the generated types: a JSON array of 1,000 `ApiKey` objects (about 0.8 MB, the
//! fields a `list` response carries) decoded
//!
//! * `generated_types`: `serde_json::from_slice::<Vec<confluent_cloud::types::ApiKey>>`;
//! * `generated_runtime_path`: the same through `RawResponse::decode`, the path every
//!   generated operation takes (content-type check, `serde_path_to_error`, trailing-data check);
//! * `hand_written`: `serde_json::from_slice` into the hand-written structs of `handwritten/mod.rs`
//!   (same fields and options, `String` for `api_version`/`kind`);
//! * `hand_written_closed_enums`: the same with closed unit enums for `api_version`/`kind`, which
//!   allocate nothing but reject values the client does not know (for information only).
//!
//! Measured twice: by criterion, one variant after the other, and by interleaved rounds
//! (`interleaved/mod.rs`, wall and thread CPU time).
//!
//! Run: `cargo bench -p forge-templates --bench decode_list` (or `cargo xtask bench`).

mod handwritten;
mod interleaved;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use confluent_cloud::runtime::RawResponse;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;

const ITEMS: usize = 1_000;

/// `ApiKey` with closed enums for `api_version` and `kind`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct ClosedApiKey {
    api_version: ClosedApiVersion,
    kind: ClosedKind,
    id: String,
    metadata: Option<handwritten::ObjectMeta>,
    spec: handwritten::ApiKeySpec,
}

#[derive(Debug, Deserialize)]
enum ClosedApiVersion {
    #[serde(rename = "iam/v2")]
    IamV2,
}

#[derive(Debug, Deserialize)]
enum ClosedKind {
    ApiKey,
}

fn bench_decode(c: &mut Criterion) {
    let list: Vec<serde_json::Value> = (0..ITEMS).map(handwritten::api_key_json).collect();
    let json = Bytes::from(serde_json::to_vec(&list).expect("sample JSON"));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    let raw = RawResponse {
        status: 200,
        headers,
        body: json.clone(),
        attempts: 1,
        sensitive: false,
    };

    // All variants decode the same data.
    let ours: Vec<confluent_cloud::types::ApiKey> =
        serde_json::from_slice(&json).expect("generated types decode");
    let via_runtime: Vec<confluent_cloud::types::ApiKey> =
        raw.decode().expect("runtime path decodes");
    let hand: Vec<handwritten::ApiKey> =
        serde_json::from_slice(&json).expect("hand-written types decode");
    let closed: Vec<ClosedApiKey> =
        serde_json::from_slice(&json).expect("closed-enum types decode");
    assert_eq!(ours, via_runtime);
    assert_eq!(
        (ours.len(), hand.len(), closed.len()),
        (ITEMS, ITEMS, ITEMS)
    );
    for (o, h) in ours.iter().zip(&hand) {
        assert_eq!(o.id, h.id);
        assert_eq!(o.api_version.as_str(), h.api_version);
        let created: Option<DateTime<Utc>> = o.metadata.as_ref().and_then(|m| m.created_at);
        assert_eq!(created, h.metadata.as_ref().and_then(|m| m.created_at));
        assert_eq!(o.spec.resource.is_some(), h.spec.resource.is_some());
    }
    println!(
        "decode_list: {ITEMS} ApiKey objects, {} bytes of JSON",
        json.len()
    );

    interleaved::run(
        "decode_list",
        100,
        4,
        "hand_written",
        vec![
            (
                "generated_types",
                Box::new(|n| {
                    for _ in 0..n {
                        black_box(
                            serde_json::from_slice::<Vec<confluent_cloud::types::ApiKey>>(
                                black_box(&json),
                            )
                            .expect("decode"),
                        );
                    }
                }),
            ),
            (
                "generated_runtime_path",
                Box::new(|n| {
                    for _ in 0..n {
                        black_box(
                            black_box(&raw)
                                .decode::<Vec<confluent_cloud::types::ApiKey>>()
                                .expect("decode"),
                        );
                    }
                }),
            ),
            (
                "hand_written",
                Box::new(|n| {
                    for _ in 0..n {
                        black_box(
                            serde_json::from_slice::<Vec<handwritten::ApiKey>>(black_box(&json))
                                .expect("decode"),
                        );
                    }
                }),
            ),
            (
                "hand_written_closed_enums",
                Box::new(|n| {
                    for _ in 0..n {
                        black_box(
                            serde_json::from_slice::<Vec<ClosedApiKey>>(black_box(&json))
                                .expect("decode"),
                        );
                    }
                }),
            ),
        ],
    );

    let mut group = c.benchmark_group("decode_list");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("generated_types", |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<confluent_cloud::types::ApiKey>>(black_box(&json))
                .expect("decode")
        })
    });
    group.bench_function("generated_runtime_path", |b| {
        b.iter(|| {
            black_box(&raw)
                .decode::<Vec<confluent_cloud::types::ApiKey>>()
                .expect("decode")
        })
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<handwritten::ApiKey>>(black_box(&json)).expect("decode")
        })
    });
    group.bench_function("hand_written_closed_enums", |b| {
        b.iter(|| serde_json::from_slice::<Vec<ClosedApiKey>>(black_box(&json)).expect("decode"))
    });
    group.finish();
}

criterion_group!(benches, bench_decode);
criterion_main!(benches);
