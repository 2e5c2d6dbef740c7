//! `pages` and `stream` of the request builder of a paginated list (an operation whose marker
//! implements [`Paginated`]): written once here for every list, over the page walk of
//! [`pagination`](super::pagination).
//!
//! In the generated crate, beside `call.rs`, for the reason given there; a crate whose API has
//! no paginated list leaves it out.

use futures::stream::{self, StreamExt};

use super::call::{into_parts, with_request, Call};
use super::pagination::{items, pages, Paged, Walked};
use super::{EncodeError, Error, Paginated};

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
    /// it with [`Error::Pagination`]. The stream is `Unpin` and `Send`.
    pub fn pages(self) -> Paged<'static, Op::Ok, Op::Error> {
        let (client, request, deferred) = into_parts(self);
        let request = match (request, deferred) {
            (Ok(request), None) => request,
            (Err(error), _) => return stream::once(async move { Err(Error::from(error)) }).boxed(),
            // Each page is the same request again, and a body encoded at send time can be
            // sent once.
            (Ok(_), Some(_)) => {
                let error = EncodeError::multipart("a paginated request cannot send a multipart form with each page", None);
                return stream::once(async move { Err(Error::from(error)) }).boxed();
            }
        };
        let first = request.query_value(Op::TOKEN).map(str::to_owned);
        let limits = client.page_limits();
        pages(limits, first, move |token| {
            let page: Call<Op> = with_request(&client, Ok(request.clone().set_query(Op::TOKEN, token)));
            async move {
                let page = page.send().await?;
                let next = Op::next_token(&page);
                let empty = Op::is_empty(&page);
                Ok(Walked::new(page, empty, next))
            }
        })
    }

    /// Every item of the list, page by page, as [`pages`](Self::pages) fetches them; an
    /// error ends the stream after the items before it.
    pub fn stream(self) -> Paged<'static, Op::Item, Op::Error> {
        items(self.pages(), Op::items)
    }
}
