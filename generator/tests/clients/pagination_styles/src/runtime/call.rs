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
//! Inputs are encoded when they are given: a body that JSON cannot represent is kept as the
//! call's [`EncodeError`] and returned by [`send`](Call::send) before anything is sent. A
//! multipart form is the exception: its files given as paths are read when it is sent.

use std::future::IntoFuture;
use std::marker::PhantomData;

use super::auth::BoxFuture;
use super::client::Client;
use super::error::{EncodeError, Error};
use super::request::RequestSpec;
use super::response::RawResponse;

/// One API operation: its route and request defaults, and how its responses decode.
/// Implemented by generated code, on one marker type per operation.
pub trait Operation: Send {
    /// What a documented success status decodes into (a [`Response`](super::Response)).
    type Ok;
    /// The operation's enum of documented error responses.
    type Error;
    /// The HTTP method.
    const METHOD: reqwest::Method;
    /// The operation's path template as the spec writes it (`/keys/{id}`): what
    /// [`Call::at`] fills, and a low-cardinality label for metrics and logs.
    const PATH: &'static str;
    /// The `Accept` header: every media type the operation's documented responses have. The
    /// default, `application/json`, is what the client sends when a request names none, so
    /// [`Call::at`] adds the header only for another value.
    const ACCEPT: &'static str = JSON;
    /// Whether requests carry secrets, so that errors never quote their responses' bodies
    /// ([`RequestSpec::sensitive`]).
    const SENSITIVE: bool = false;
    /// Whether requests carry the client's credentials ([`RequestSpec::authenticated`]).
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

/// The media type a request accepts unless its operation says otherwise.
const JSON: &str = "application/json";

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
        if Op::ACCEPT != JSON {
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

impl<Op> Call<Op> {
    pub(super) fn with_request(client: &Client, request: Result<RequestSpec, EncodeError>) -> Self {
        Call { client: client.clone(), request, deferred: None, op: PhantomData }
    }

    /// The request with `edit` applied: the body of every generated setter.
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
    #[allow(dead_code)] // Only the page walker uses it, and a crate without one leaves it out.
    pub(super) fn into_parts(self) -> (Client, Result<RequestSpec, EncodeError>, Option<Deferred>) {
        (self.client, self.request, self.deferred)
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
