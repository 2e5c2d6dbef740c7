//! The request builder every generated operation returns: [`Call`], a client and the request
//! being built for one operation.
//!
//! Why a type of the generated crate: what differs per operation is a marker type
//! implementing [`Operation`] (its route and how each documented status decodes) and its
//! setters, inherent methods on `Call<ItsMarker>`, which Rust allows only on a type of the
//! crate that defines them. The operation's method fills the path and its required inputs at
//! once, and each setter adds its parameter to the request, so the generated code keeps no
//! inputs struct to copy into a request later.
//!
//! Why so little here: everything else a builder does is the same for every operation and is
//! the runtime's [`CallCore`], which `Call` wraps and forwards to; code in this file is
//! checked by every `cargo check` of the generated crate, while the runtime crate is checked
//! once. It names the rest of the runtime only through the runtime module's root
//! (`super::CallCore`), which is the same in both layouts: the runtime copied into
//! `src/runtime/`, or re-exported from the crate.
//!
//! The methods here are the names a setter cannot take (the generator's naming module keeps
//! them out): `at`, `failed`, `edit`, `try_edit`, `json`, `json_as`, `client`, `request`,
//! `send`, and `pages`, `stream`, `multipart` where the crate has them.

use std::future::IntoFuture;

use super::{BoxFuture, CallCore, Client, EncodeError, Error, Operation, RequestSpec};

/// A request of one operation `Op`, returned by the operation's method on the client: set
/// optional inputs with its setters, then `.await` it or call [`send`](Self::send).
///
/// [`edit`](Self::edit) and [`try_edit`](Self::try_edit) change the request directly (a
/// header or query parameter the spec does not document, a timeout for this request).
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Call<Op>(pub(super) CallCore<Op>);

impl<Op: Operation> Call<Op> {
    /// A request of `client` to the operation's route, its `{…}` placeholders filled, in
    /// order, by `segments` (each encoded as one path segment), with the operation's request
    /// defaults (`Accept`, sensitive, authenticated). Generated operation methods call it.
    pub fn at(client: &Client, segments: &[&str]) -> Self {
        Call(CallCore::at(client, segments))
    }

    /// A request of `client` that fails with `error` when sent (a path parameter that could
    /// not be encoded).
    pub fn failed(client: &Client, error: EncodeError) -> Self {
        Call(CallCore::failed(client, error))
    }
}

impl<Op> Call<Op> {
    /// The request with `edit` applied: the body of most generated setters.
    pub fn edit(self, edit: impl FnOnce(RequestSpec) -> RequestSpec) -> Self {
        Call(self.0.edit(edit))
    }

    /// The request with `edit` applied, for an edit that can fail (a body to encode): its
    /// error is the call's, returned by [`send`](Self::send) before anything is sent.
    pub fn try_edit(self, edit: impl FnOnce(RequestSpec) -> Result<RequestSpec, EncodeError>) -> Self {
        Call(self.0.try_edit(edit))
    }

    /// Sends `body` as JSON (`Content-Type: application/json`); a body JSON cannot represent is
    /// the call's error ([`RequestSpec::json`]).
    pub fn json<T: serde::Serialize + ?Sized>(self, body: &T) -> Self {
        Call(self.0.json(body))
    }

    /// Sends `body` as JSON with a vendor JSON media type as its `Content-Type`
    /// ([`RequestSpec::json_as`]).
    pub fn json_as<T: serde::Serialize + ?Sized>(self, body: &T, content_type: &'static str) -> Self {
        Call(self.0.json_as(body, content_type))
    }

    /// The client the request is sent with.
    pub fn client(&self) -> &Client {
        self.0.client()
    }

    /// The request as built so far, or the error of an input that could not be encoded.
    pub fn request(&self) -> Result<&RequestSpec, &EncodeError> {
        self.0.request()
    }
}

impl<Op> std::fmt::Debug for Call<Op> {
    // The request's own `Debug` hides secrets; the client and a pending form are not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<Op> Call<Op>
where
    Op: Operation + 'static,
    Op::Ok: Send,
    Op::Error: Send,
{
    /// Sends the request and decodes the response by status ([`CallCore::send`]).
    ///
    /// # Errors
    ///
    /// What [`Client::execute`] returns (transport, deadline), an input that did not encode,
    /// and everything [`Operation::decode`] refuses (documented errors among them).
    pub fn send(self) -> BoxFuture<'static, Result<Op::Ok, Error<Op::Error>>> {
        self.0.send()
    }
}

impl<Op> IntoFuture for Call<Op>
where
    Op: Operation + 'static,
    Op::Ok: Send,
    Op::Error: Send,
{
    type Output = Result<Op::Ok, Error<Op::Error>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.0.send()
    }
}
