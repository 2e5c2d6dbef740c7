//! [`Operation`]: what generated code says about one API operation, on a marker type per
//! operation: its route, its request defaults, and how its responses decode.
//!
//! Why here and not beside the request builder (`Call`, in the generated crate's
//! `runtime/call.rs`): the trait is the same for every API, so it belongs to the runtime a
//! crate depends on, while `Call` must be a type of the generated crate itself, because its
//! setters are inherent methods on `Call<ItsMarker>` and Rust allows those only on a local type.

use super::error::Error;
use super::response::RawResponse;

/// One API operation: its route and request defaults, and how its responses decode.
/// Implemented by generated code, on one marker type per operation.
pub trait Operation {
    /// What a documented success status decodes into (a [`Response`](super::Response)).
    type Ok;
    /// The operation's enum of documented error responses.
    type Error;
    /// The HTTP method.
    const METHOD: reqwest::Method;
    /// The operation's path template as the spec writes it (`/keys/{id}`): what
    /// `Call::at` fills, and a low-cardinality label for metrics and logs.
    const PATH: &'static str;
    /// The `Accept` header: every media type the operation's documented responses have. The
    /// default, `application/json`, is what the client sends when a request names none, so
    /// `Call::at` adds the header only for another value.
    const ACCEPT: &'static str = DEFAULT_ACCEPT;
    /// Whether requests carry secrets, so that errors never quote their responses' bodies
    /// ([`RequestSpec::sensitive`](super::RequestSpec::sensitive)).
    const SENSITIVE: bool = false;
    /// Whether requests carry the client's credentials ([`RequestSpec::authenticated`](super::RequestSpec::authenticated)).
    const AUTHENTICATED: bool = true;

    /// The typed result of a final response: the success value for a documented success
    /// status, a documented error, or [`Error::UnexpectedStatus`].
    ///
    /// `raw` is mutable so that a success can move the response's headers into the value it
    /// returns ([`RawResponse::ok`]); the response is not used after this.
    ///
    /// # Errors
    ///
    /// Every status that is not a documented success, and a body that does not decode.
    fn decode(raw: &mut RawResponse) -> Result<Self::Ok, Error<Self::Error>>;
}

/// The `Accept` header a request sends unless its operation names another.
pub const DEFAULT_ACCEPT: &str = "application/json";
