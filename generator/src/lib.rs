//! openapi-forge: OpenAPI 3.0 YAML or JSON in, a typed Rust client crate out.
//!
//! The pipeline has three layers, each usable and testable alone:
//! [`load`] (bytes to a raw spec), [`normalize`] (raw spec to the [`model::NormalizedModel`]:
//! deduplicated, direction-split, named types and operations) and [`emit`] (model to Rust files).
//! [`generate`] runs them all; [`write`] writes a crate into an output folder atomically, touching
//! only the files the generator wrote itself.

#![forbid(unsafe_code)]
// Spec input must never panic the generator: these are errors, not warnings, outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo, clippy::unimplemented, clippy::unreachable)
)]

pub mod diag;
pub mod emit;
pub mod generate;
pub mod load;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod write;

pub use diag::{Diagnostic, GenerateError, Severity};
pub use generate::{generate_files, write_crate, Generated, Options};
pub use model::NormalizedModel;
