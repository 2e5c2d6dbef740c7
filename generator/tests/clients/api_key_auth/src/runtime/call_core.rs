//! [`CallCore`]: what every operation's request builder does, written and compiled once here.
//!
//! A generated operation returns `Call<ItsMarker>`, a type of the generated crate (its
//! `runtime/call.rs`), because the operation's setters are inherent methods on it and Rust
//! allows those only on a local type. Everything that is the same for every operation (start
//! the request at its route, edit it, send it and decode the answer as one boxed future, walk
//! its pages, defer a multipart body) is here instead, and the local `Call` is a wrapper whose
//! methods forward to it. Why: code of the generated crate is type- and borrow-checked by
//! every `cargo check` of that crate, and the async send (a future proven `Send`) and the page
//! walk were most of what the local builder cost (BENCHMARKS.md, "Profile of a generated
//! crate's compile"); generic code here is checked once, when the runtime is built.
//!
//! `CallCore` has no setters, so its methods may take any name (the local `Call` reserves its
//! own few). `pages` and `stream` are in `pagination.rs` and `multipart` in `multipart.rs`, so
//! that a copied runtime leaving those modules out still compiles.
//!
//! Inputs are encoded when they are given: a body that JSON cannot represent is kept as the
//! call's [`EncodeError`] and returned by [`send`](CallCore::send) before anything is sent. A
//! multipart form is the exception: its files given as paths are read when it is sent.

use std::marker::PhantomData;

use super::{BoxFuture, Client, EncodeError, Error, Operation, RequestSpec, DEFAULT_ACCEPT};

/// A body encoded when the request is sent (a multipart form whose files given as paths are
/// read then): it takes the request built so far and returns it with the body.
pub(super) type Deferred = Box<dyn FnOnce(RequestSpec) -> BoxFuture<'static, Result<RequestSpec, EncodeError>> + Send>;

/// A request of one operation `Op` being built, with the client that sends it: the state and
/// the behaviour of the generated crate's `Call<Op>`, which wraps it.
pub struct CallCore<Op> {
    // Owned (a clone of the client is one reference count): a builder made from a temporary
    // group client (`cloud.apikeys_v2()?.list()`) can outlive it.
    client: Client,
    // The request so far, or why an input could not be encoded (returned by `send`).
    request: Result<RequestSpec, EncodeError>,
    pub(super) deferred: Option<Deferred>,
    op: PhantomData<fn() -> Op>,
}

impl<Op: Operation> CallCore<Op> {
    /// A request of `client` to the operation's route, its `{…}` placeholders filled, in
    /// order, by `segments` (each encoded as one path segment), with the operation's request
    /// defaults (`Accept`, sensitive, authenticated).
    pub fn at(client: &Client, segments: &[&str]) -> Self {
        let mut request = RequestSpec::at(Op::METHOD, Op::PATH, segments).sensitive(Op::SENSITIVE).authenticated(Op::AUTHENTICATED);
        if Op::ACCEPT != DEFAULT_ACCEPT {
            request = request.accept(Op::ACCEPT);
        }
        Self::with_request(client, Ok(request))
    }

    /// A request of `client` that fails with `error` when sent (a path parameter that could
    /// not be encoded).
    pub fn failed(client: &Client, error: EncodeError) -> Self {
        Self::with_request(client, Err(error))
    }
}

impl<Op> CallCore<Op> {
    /// A call of `client` with `request` as it is.
    pub fn with_request(client: &Client, request: Result<RequestSpec, EncodeError>) -> Self {
        CallCore { client: client.clone(), request, deferred: None, op: PhantomData }
    }

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

    /// The client, the request and its body encoded at send time, for a walk over pages that
    /// sends the request again with another page token.
    #[allow(dead_code)] // Only the page walker uses it, and a copied runtime may leave it out.
    pub(super) fn into_parts(self) -> (Client, Result<RequestSpec, EncodeError>, Option<Deferred>) {
        (self.client, self.request, self.deferred)
    }
}

impl<Op> std::fmt::Debug for CallCore<Op> {
    // The request's own `Debug` hides secrets; the client and a pending form are not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &std::any::type_name::<Op>())
            .field("request", &self.request)
            .field("multipart_form", &self.deferred.is_some())
            .finish()
    }
}

impl<Op> CallCore<Op>
where
    Op: Operation + 'static,
    Op::Ok: Send,
    Op::Error: Send,
{
    /// Sends the request and decodes the response by status: a boxed future (`Send`,
    /// `'static`), so that the generated `Call`'s `IntoFuture` only returns it.
    ///
    /// # Errors
    ///
    /// What [`Client::execute`] returns (transport, deadline), an input that did not encode,
    /// and everything [`Operation::decode`] refuses (documented errors among them).
    pub fn send(self) -> BoxFuture<'static, Result<Op::Ok, Error<Op::Error>>> {
        Box::pin(async move {
            let mut request = self.request?;
            if let Some(deferred) = self.deferred {
                request = deferred(request).await?;
            }
            let mut raw = self.client.execute(request).await?;
            Op::decode(&mut raw)
        })
    }
}
