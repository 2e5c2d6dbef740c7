//! `pages` and `stream` of the request builder of a paginated list (an operation whose marker
//! implements [`Paginated`]), forwarding to the runtime's page walk
//! ([`CallCore::pages`](super::CallCore::pages)).
//!
//! In the generated crate, beside `call.rs`, for the reason given there; a crate whose API has
//! no paginated list leaves it out.

use super::call::Call;
use super::pagination::Paged;
use super::Paginated;

impl<Op> Call<Op>
where
    Op: Paginated + 'static,
    Op::Ok: Send + 'static,
    Op::Error: Send + 'static,
    Op::Item: Send + 'static,
{
    /// Every page of the list, each the whole [`Response`](super::Response) (headers and
    /// request id included), starting from the token the request was given (usually none)
    /// and following the token each page gives, until the last page or an error, which ends
    /// the stream. A server that repeats a page token, or returns more pages or more empty
    /// pages in a row than [`Client::page_limits`](super::Client::page_limits) allows, ends
    /// it with [`Error::Pagination`](super::Error::Pagination). The stream is `Unpin` and `Send`.
    pub fn pages(self) -> Paged<'static, Op::Ok, Op::Error> {
        self.0.pages()
    }

    /// Every item of the list, page by page, as [`pages`](Self::pages) fetches them; an
    /// error ends the stream after the items before it.
    pub fn stream(self) -> Paged<'static, Op::Item, Op::Error> {
        self.0.stream()
    }
}
