//! The hand-written runtime of openapi-forge, compiled and tested on its own.
//!
//! `runtime/` is copied verbatim into every generated crate as `src/runtime/`;
//! this crate only exists so that it is built, linted and tested in one place.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[path = "../runtime/mod.rs"]
pub mod runtime;
