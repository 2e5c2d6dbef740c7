//! The request builder every generated operation returns: [`Call`], a client and one
//! operation's inputs.
//!
//! Why one generic builder: what every operation's builder does the same way (send the
//! request, decode the answer, be awaitable, be cloned to fetch the next page) is written
//! once here instead of once per operation in the generated code, which costs lines to read
//! and time to compile. Generated code keeps only what differs: the inputs struct, its
//! setters (inherent methods on `Call<'a, ItsInputs>`), and an [`Operation`] impl saying how
//! the inputs become a [`RequestSpec`] and how each documented status decodes.

use std::future::IntoFuture;
use std::marker::PhantomData;

use super::auth::BoxFuture;
use super::client::Client;
use super::error::{EncodeError, Error};
use super::request::RequestSpec;
use super::response::RawResponse;

/// One API operation's inputs: how they become a request, and how its responses decode.
/// Implemented by generated code.
pub trait Operation: Send {
    /// What a documented success status decodes into (a [`Response`](super::Response)).
    type Ok;
    /// The operation's enum of documented error responses.
    type Error;
    /// The operation's path template as the spec writes it (`/keys/{id}`): what
    /// [`RequestSpec::at`] fills, and a low-cardinality label for metrics and logs.
    const PATH: &'static str;

    /// The request these inputs describe: method, path, query, headers and body.
    ///
    /// # Errors
    ///
    /// An input that cannot be encoded (a value JSON cannot represent).
    fn request(&self) -> Result<RequestSpec, EncodeError>;

    /// The request, consuming the inputs: [`request`](Self::request) unless the operation has
    /// an owned body to encode when it is sent (a multipart form, whose files given as paths
    /// are read then and whose streams are taken).
    ///
    /// # Errors
    ///
    /// As [`request`](Self::request), and a form part that cannot be read.
    fn into_request<'f>(self) -> BoxFuture<'f, Result<RequestSpec, EncodeError>>
    where
        Self: Sized + 'f,
    {
        let spec = self.request();
        Box::pin(async move { spec })
    }

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

/// A request of one operation, returned by the operation's method on the client: set
/// optional inputs with its setters, then `.await` it or call [`send`](Self::send).
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Call<'a, I> {
    // Owned (a clone of the client is one reference count): a builder made from a temporary
    // group client (`cloud.apikeys_v2()?.list()`) can outlive it. `'a` is what the inputs borrow
    // (the caller's path arguments and body).
    client: Client,
    inputs: I,
    borrows: PhantomData<&'a ()>,
}

impl<'a, I> Call<'a, I> {
    /// A request of `client` with these inputs (generated operation methods call it).
    pub fn new(client: &Client, inputs: I) -> Self {
        Call { client: client.clone(), inputs, borrows: PhantomData }
    }

    /// The request with `set` applied to its inputs: the body of every generated setter.
    pub fn with(mut self, set: impl FnOnce(&mut I)) -> Self {
        set(&mut self.inputs);
        self
    }

    /// The client the request is sent with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The inputs as set so far.
    pub fn inputs(&self) -> &I {
        &self.inputs
    }
}

impl<I: Clone> Clone for Call<'_, I> {
    fn clone(&self) -> Self {
        Call { client: self.client.clone(), inputs: self.inputs.clone(), borrows: PhantomData }
    }
}

impl<'a, I: Operation + 'a> Call<'a, I> {
    /// Sends the request and decodes the response by status.
    ///
    /// # Errors
    ///
    /// What [`Client::execute`] returns (transport, deadline), an input that does not encode,
    /// and everything [`Operation::decode`] refuses (documented errors among them).
    pub async fn send(self) -> Result<I::Ok, Error<I::Error>> {
        let spec = self.inputs.into_request().await?;
        let mut raw = self.client.execute(spec).await?;
        I::decode(&mut raw)
    }
}

impl<'a, I: Operation + 'a> IntoFuture for Call<'a, I> {
    type Output = Result<I::Ok, Error<I::Error>>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
