//! The hand-written client support: the `openapi-forge-runtime` crate (its documentation
//! describes each piece), re-exported whole, and the request builder [`Call`], which is
//! compiled in this crate because its setters are inherent methods of `Call<Operation>`.

pub use openapi_forge_runtime::*;

// Compiled in this crate whichever way it gets the rest of the runtime: the request
// builder (its setters are inherent methods, allowed only on a local type) and the
// macros generated code invokes.
mod call;
mod macros;

pub use self::call::Call;
#[allow(unused_imports)]
pub(crate) use self::macros::{api_client, open_enum, serde_struct};
