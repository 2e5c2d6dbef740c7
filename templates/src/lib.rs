//! The hand-written runtime of openapi-forge as a generated crate sees it, compiled and tested
//! here.
//!
//! `runtime` is laid out as in a generated crate that depends on the runtime crate
//! (`openapi-forge-runtime`, in `runtime/`): everything of that crate re-exported, and what a
//! generated crate always compiles itself (`local/`: the request builder, and the macros its
//! code invokes) beside it. The tests in `tests/` exercise it through this module, and the
//! benches measure it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(test)]
mod open_enum_tests;
#[cfg(test)]
mod serde_struct_tests;

/// The runtime, as `src/runtime/` of a generated crate that depends on the runtime crate (its
/// modules are read from `local/`).
#[path = "../local"]
pub mod runtime {
    pub use openapi_forge_runtime::*;

    mod call;
    mod call_multipart;
    mod call_pages;
    mod macros;

    pub use self::call::Call;
    #[allow(unused_imports)]
    pub(crate) use self::macros::{api_client, open_enum, serde_struct};
}
