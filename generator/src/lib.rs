//! openapi-forge: OpenAPI YAML or JSON in, typed Rust clients out.
//!
//! The public API is small: a [`Generator`] with [`Settings`] and one or more [`Input`]s
//! produces an [`Output`], which is written as a crate ([`Output::write_crate`], touching only
//! files the generator wrote itself), checked against a folder ([`Output::check_crate`]), or
//! written as one module file by a build script ([`Output::write_to_out_dir`]).
//!
//! ```no_run
//! use openapi_forge::{Generator, Input, Settings, WriteOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut generator = Generator::new(Settings::crate_named("confluent-cloud"));
//! generator.input(Input::from_file("specs/apikeys-v2.yaml")?);
//! generator.input(Input::from_file("specs/org-v2.yaml")?); // two groups: `apikeys_v2`, `org_v2`
//! let output = generator.generate()?;
//! for warning in output.warnings() {
//!     eprintln!("{warning}");
//! }
//! output.write_crate("crates/confluent-cloud".as_ref(), &WriteOptions::default())?;
//! # Ok(())
//! # }
//! ```
//!
//! In a build script (`build.rs`), with `openapi-forge` as a build dependency:
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut generator = openapi_forge::Generator::new(openapi_forge::Settings::module());
//! generator.input(openapi_forge::Input::from_file("api.yaml")?);
//! generator.generate()?.write_to_out_dir("api.rs")?;
//! // and in src/lib.rs: pub mod api { include!(concat!(env!("OUT_DIR"), "/api.rs")); }
//! # Ok(())
//! # }
//! ```
//!
//! Inside, the pipeline has layers that are each testable alone: `load` (bytes to a document),
//! `normalize` (document to the `NormalizedModel`: deduplicated, direction-split, named types
//! and operations), `link` (many groups into one crate model) and `emit` (model to Rust files).
//! Those modules are public only for the project's own tests and benchmarks
//! (`#[doc(hidden)]`): they are not a stable API.

#![forbid(unsafe_code)]
// Spec input must never panic the generator: these are errors, not warnings, outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo, clippy::unimplemented, clippy::unreachable)
)]

mod api;
pub mod diag;
#[doc(hidden)]
pub mod emit;
#[doc(hidden)]
pub mod generate;
#[doc(hidden)]
pub mod json;
#[doc(hidden)]
pub mod link;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod model;
pub mod naming;
#[doc(hidden)]
pub mod samples;
/// The spec's response schemas as JSON Schema, for the conformance suite's own validator.
pub mod response_schemas;
#[doc(hidden)]
pub mod normalize;
mod stack;
pub mod write;

pub use api::{Generator, Input, Layout, Output, Settings, Summary};
pub use diag::{Diagnostic, GenerateError, Severity};
pub use emit::runtime::RuntimeSource;
pub use emit::GeneratedFile;
#[doc(hidden)]
pub use generate::{generate_file, generate_files, write_crate, Generated, Options};
#[doc(hidden)]
pub use model::NormalizedModel;
pub use write::{CheckReport, WriteError, WriteOptions, WriteReport};
