//! Helpers for token-paginated list operations.
//!
//! Confluent Cloud list endpoints take `page_size` and `page_token` query
//! parameters and return `metadata.next`, the URL of the next page (absent or
//! empty on the last page). Generated code (or callers) turn one page into a
//! [`Page`] with [`page_token_from_url`], and [`paginate`] walks all pages as a
//! stream of items.

use std::collections::HashSet;
use std::future::Future;

use futures::stream::{self, Stream};
use reqwest::Url;

/// Name of the query parameter carrying the page token.
pub const PAGE_TOKEN_PARAM: &str = "page_token";

/// One page of a list operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The token to fetch the next page with, or `None` on the last page.
    pub next_page_token: Option<String>,
}

impl<T> Page<T> {
    /// A page with an explicit next-page token (an empty token means "last page").
    pub fn new(items: Vec<T>, next_page_token: Option<String>) -> Self {
        Page {
            items,
            next_page_token: next_page_token.filter(|t| !t.is_empty()),
        }
    }

    /// A page whose next-page token is taken from the `page_token` query
    /// parameter of the `metadata.next` URL, if any.
    pub fn from_next_url(items: Vec<T>, next_url: Option<&str>) -> Self {
        Page::new(items, next_url.and_then(page_token_from_url))
    }
}

/// Extracts the `page_token` query parameter from a next-page URL (absolute, or
/// relative such as `/iam/v2/api-keys?page_token=abc`). Returns `None` if
/// there is none or it is empty.
pub fn page_token_from_url(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let parsed = match Url::parse(url) {
        Ok(parsed) => parsed,
        Err(_) => Url::parse("http://localhost/").ok()?.join(url).ok()?,
    };
    let token = parsed
        .query_pairs()
        .find(|(name, _)| name == PAGE_TOKEN_PARAM)
        .map(|(_, value)| value.into_owned());
    token.filter(|t| !t.is_empty())
}

/// Walks every page of a list operation, yielding the items one by one.
///
/// `fetch` is called with `first_page_token` for the first page, then with the
/// token of each following page, until a page has no next token. After an
/// error the stream ends (the error is its last item). A token that was
/// already used also ends the stream, so a misbehaving server cannot cause an
/// endless loop.
///
/// The returned stream is not `Unpin`; pin it (`futures::pin_mut!`,
/// `tokio::pin!` or `Box::pin`) before calling `StreamExt::next` on it.
pub fn paginate<T, E, F, Fut>(
    first_page_token: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<T, E>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, E>>,
{
    struct State<T, F> {
        fetch: F,
        /// `Some(token)`: a page remains to be fetched; `None`: finished.
        next: Option<Option<String>>,
        items: std::vec::IntoIter<T>,
        seen: HashSet<String>,
    }

    let state = State {
        fetch,
        next: Some(first_page_token),
        items: Vec::new().into_iter(),
        seen: HashSet::new(),
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.items.next() {
                return Some((Ok(item), state));
            }
            let token = state.next.take()?;
            if let Some(token) = &token {
                state.seen.insert(token.clone());
            }
            match (state.fetch)(token).await {
                Ok(page) => {
                    state.items = page.items.into_iter();
                    state.next = match page.next_page_token {
                        Some(next) if !next.is_empty() && !state.seen.contains(&next) => {
                            Some(Some(next))
                        }
                        Some(next) if !next.is_empty() => {
                            tracing::warn!(
                                "list pagination returned an already used page token; stopping"
                            );
                            None
                        }
                        _ => None,
                    };
                }
                Err(error) => return Some((Err(error), state)),
            }
        }
    })
}
