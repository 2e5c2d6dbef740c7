//! The request builder every generated operation returns: [`Call`], a client and the request
//! being built for one operation.
//!
//! Why one generic builder that holds the request itself: what every operation's builder does
//! the same way (start the request at its route, add a parameter, send it, decode the answer,
//! be awaitable, fetch the next page) is written once here instead of once per operation in
//! the generated code, which costs lines to read and time to compile. The operation's method
//! fills the path and its required inputs at once, and each setter adds its parameter to the
//! request, so the generated code keeps no inputs struct to copy into a request later. What
//! differs per operation is a marker type implementing [`Operation`] (its route and how each
//! documented status decodes), and its setters (inherent methods on `Call<ItsMarker>`).
//!
//! This file is part of the generated crate even when the rest of the runtime is the
//! `openapi-forge-runtime` crate it depends on: the setters are inherent methods of
//! `Call<ItsMarker>`, which Rust allows only on a type of the crate that defines them. So it
//! names the rest of the runtime only through the runtime module's root (`super::Client`),
//! which is the same in both layouts: the runtime copied into `src/runtime/`, or re-exported
//! from the crate.
//!
//! Inputs are encoded when they are given: a body that JSON cannot represent is kept as the
//! call's [`EncodeError`] and returned by [`send`](Call::send) before anything is sent. A
//! multipart form is the exception: its files given as paths are read when it is sent.

use std::future::IntoFuture;
use std::marker::PhantomData;

use super::{BoxFuture, Client, EncodeError, Error, Operation, RequestSpec, DEFAULT_ACCEPT};

/// A body encoded when the request is sent (a multipart form whose files given as paths are
/// read then): it takes the request built so far and returns it with the body.
pub(super) type Deferred = Box<dyn FnOnce(RequestSpec) -> BoxFuture<'static, Result<RequestSpec, EncodeError>> + Send>;

/// A request of one operation `Op`, returned by the operation's method on the client: set
/// optional inputs with its setters, then `.await` it or call [`send`](Self::send).
///
/// [`edit`](Self::edit) and [`try_edit`](Self::try_edit) change the request directly (a
/// header or query parameter the spec does not document, a timeout for this request).
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Call<Op> {
    // Owned (a clone of the client is one reference count): a builder made from a temporary
    // group client (`cloud.apikeys_v2()?.list()`) can outlive it.
    client: Client,
    // The request so far, or why an input could not be encoded (returned by `send`).
    request: Result<RequestSpec, EncodeError>,
    pub(super) deferred: Option<Deferred>,
    op: PhantomData<fn() -> Op>,
}

impl<Op: Operation> Call<Op> {
    /// A request of `client` to the operation's route, its `{…}` placeholders filled, in
    /// order, by `segments` (each encoded as one path segment), with the operation's request
    /// defaults (`Accept`, sensitive, authenticated). Generated operation methods call it.
    pub fn at(client: &Client, segments: &[&str]) -> Self {
        let mut request = RequestSpec::at(Op::METHOD, Op::PATH, segments).sensitive(Op::SENSITIVE).authenticated(Op::AUTHENTICATED);
        if Op::ACCEPT != DEFAULT_ACCEPT {
            request = request.accept(Op::ACCEPT);
        }
        with_request(client, Ok(request))
    }

    /// A request of `client` that fails with `error` when sent (a path parameter that could
    /// not be encoded).
    pub fn failed(client: &Client, error: EncodeError) -> Self {
        with_request(client, Err(error))
    }
}

/// A call of `client` with `request` as it is. A free function, not a method, so that it takes
/// no name a setter could want.
pub(super) fn with_request<Op>(client: &Client, request: Result<RequestSpec, EncodeError>) -> Call<Op> {
    Call { client: client.clone(), request, deferred: None, op: PhantomData }
}

/// The client, the request and its body encoded at send time, for a walk over pages that
/// sends the request again with another page token. (A free function for the reason
/// [`with_request`] is.)
#[allow(dead_code)] // Only the page walker uses it, and a crate without one leaves it out.
pub(super) fn into_parts<Op>(call: Call<Op>) -> (Client, Result<RequestSpec, EncodeError>, Option<Deferred>) {
    (call.client, call.request, call.deferred)
}

impl<Op> Call<Op> {
    /// The request with `edit` applied: the body of most generated setters.
    pub fn edit(mut self, edit: impl FnOnce(RequestSpec) -> RequestSpec) -> Self {
        self.request = self.request.map(edit);
        self
    }

    /// The request with `edit` applied, for an edit that can fail (a body to encode): its
    /// error is the call's, returned by [`send`](Self::send) before anything is sent.
    pub fn try_edit(mut self, edit: impl FnOnce(RequestSpec) -> Result<RequestSpec, EncodeError>) -> Self {
        self.request = self.request.and_then(edit);
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`); a body JSON cannot represent is
    /// the call's error ([`RequestSpec::json`]).
    pub fn json<T: serde::Serialize + ?Sized>(self, body: &T) -> Self {
        self.try_edit(|spec| spec.json(body))
    }

    /// Sends `body` as JSON with a vendor JSON media type as its `Content-Type`
    /// ([`RequestSpec::json_as`]).
    pub fn json_as<T: serde::Serialize + ?Sized>(self, body: &T, content_type: &'static str) -> Self {
        self.try_edit(|spec| spec.json_as(body, content_type))
    }

    /// The client the request is sent with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The request as built so far, or the error of an input that could not be encoded.
    pub fn request(&self) -> Result<&RequestSpec, &EncodeError> {
        self.request.as_ref()
    }

}

impl<Op> std::fmt::Debug for Call<Op> {
    // The request's own `Debug` hides secrets; the client and a pending form are not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &std::any::type_name::<Op>())
            .field("request", &self.request)
            .field("multipart_form", &self.deferred.is_some())
            .finish()
    }
}

impl<Op: Operation> Call<Op> {
    /// Sends the request and decodes the response by status.
    ///
    /// # Errors
    ///
    /// What [`Client::execute`] returns (transport, deadline), an input that did not encode,
    /// and everything [`Operation::decode`] refuses (documented errors among them).
    pub async fn send(self) -> Result<Op::Ok, Error<Op::Error>> {
        let mut request = self.request?;
        if let Some(deferred) = self.deferred {
            request = deferred(request).await?;
        }
        let mut raw = self.client.execute(request).await?;
        Op::decode(&mut raw)
    }
}

impl<Op: Operation + 'static> IntoFuture for Call<Op>
where
    Op::Ok: Send,
    Op::Error: Send,
{
    type Output = Result<Op::Ok, Error<Op::Error>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
