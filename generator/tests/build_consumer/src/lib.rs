//! A consumer of the openapi-forge library: `build.rs` generates the seed spec's client into
//! `OUT_DIR`, and it is included here as the module [`confluent`], not as a crate root.
#![forbid(unsafe_code)]

/// The generated client of `PATCH /iam/v2/api-keys/{id}`.
pub mod confluent {
    include!(concat!(env!("OUT_DIR"), "/confluent.rs"));
}
