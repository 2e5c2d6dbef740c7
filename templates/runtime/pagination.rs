//! Helpers for paginated list operations.
//!
//! Every style is a walk over text tokens: a list takes one optional query parameter (a page
//! token, cursor, page number or offset) and each page says what to pass next, through a body
//! field, the URL of the next page ([`query_token`]), the last item, or a `Link` header
//! ([`next_link`]). [`pages`] walks the pages, [`items`] flattens them, and [`paginate`] does
//! both for [`Page`]s, within [`PageLimits`] so that a misbehaving server cannot make a walk
//! loop forever (the stream then ends with a [`PaginationError`]).
//!
//! A generated list operation implements [`Paginated`] (which query parameter carries the
//! token, where a page says the next one, where its items are), and its request builder gets
//! `pages` and `stream` (the generated crate's `runtime/call_pages.rs`) over [`pages`] and
//! [`items`], written once for every list instead of once per list.

use std::collections::HashSet;
use std::future::Future;

use futures::stream::{self, StreamExt};
use reqwest::Url;

use super::operation::Operation;

pub use super::page_limits::{PageLimits, PaginationError, PaginationErrorKind};

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
    query_token(url, PAGE_TOKEN_PARAM)
}

/// Extracts the query parameter `param` from a next-page URL (absolute, or relative such as
/// `/items?cursor=abc` or `?page=3`), decoded. Returns `None` if there is none or it is empty.
pub fn query_token(url: &str, param: &str) -> Option<String> {
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
        .find(|(name, _)| name == param)
        .map(|(_, value)| value.into_owned());
    token.filter(|t| !t.is_empty())
}

/// The `rel="next"` target of a `Link` header value (RFC 8288), such as GitHub's
/// `<https://api.github.com/repos/o/r/issues?page=2>; rel="next", <...?page=5>; rel="last"`.
///
/// Relation types compare case-insensitively and may be several (`rel="next last"`); the
/// first link with `next` wins. Returns `None` when there is none or the value is malformed.
pub fn next_link(value: &str) -> Option<String> {
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let after_open = rest.strip_prefix('<')?;
        let close = after_open.find('>')?;
        let target = &after_open[..close];
        rest = &after_open[close + 1..];
        // The parameters run to the next comma outside a quoted string.
        let mut quoted = false;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let params = &rest[..end];
        rest = &rest[end..];
        let is_next = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else { return false };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next && !target.trim().is_empty() {
            return Some(target.trim().to_owned());
        }
        if rest.is_empty() {
            return None;
        }
    }
}

/// The `rel="next"` target among all `Link` headers of `headers` (see [`next_link`]).
pub fn next_link_in(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(next_link)
}

/// A next-page token for a numeric parameter (page number, offset): the number written as `T`
/// writes it (`"007"` is sent as `7`) when it parses as `T`, else dropped with a warning, which
/// ends the walk, because the parameter could not carry it (a silently different request
/// would refetch some page).
pub fn numeric_token<T: std::str::FromStr + std::fmt::Display>(token: Option<String>) -> Option<String> {
    let token = token?;
    if let Ok(number) = token.trim().parse::<T>() {
        Some(number.to_string())
    } else {
        tracing::warn!(
            expected = std::any::type_name::<T>(),
            "ignoring a next-page value that is not a number; the walk ends here"
        );
        None
    }
}

/// The stream a generated list operation returns from `pages()` or `stream()`: `Unpin` and
/// `Send`, ending after the first error.
pub type Paged<'a, T, E> = stream::BoxStream<'a, Result<T, super::Error<E>>>;

/// One fetched page as [`pages`] sees it: the page itself (for generated code, the whole
/// `Response` with its headers and request id), whether it held no items, and the token of the
/// next page (`None` or empty on the last page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walked<P> {
    /// The page, yielded as it is.
    pub page: P,
    /// Whether the page held no items (too many such pages in a row end the walk).
    pub empty: bool,
    /// The token to fetch the next page with.
    pub next_page_token: Option<String>,
}

impl<P> Walked<P> {
    /// A page with an explicit next-page token.
    pub fn new(page: P, empty: bool, next_page_token: Option<String>) -> Self {
        Walked {
            page,
            empty,
            next_page_token,
        }
    }

    /// A page whose next-page token is the `page_token` query parameter of its next-page URL.
    pub fn from_next_url(page: P, empty: bool, next_url: Option<&str>) -> Self {
        Walked::new(page, empty, next_url.and_then(page_token_from_url))
    }
}

/// Walks every page of a list operation, yielding the pages one by one.
///
/// `fetch` is called with `first_page_token` for the first page, then with the
/// token of each following page, until a page has no next token. After an
/// error the stream ends (the error is its last item).
///
/// A misbehaving server cannot cause an endless loop: the stream ends with a
/// [`PaginationError`] (converted into `E`) after the pages fetched so far when
/// * a next-page token was already used in this walk
///   ([`PaginationErrorKind::RepeatedToken`]);
/// * page number [`limits.max_pages`](PageLimits::max_pages) still has a
///   next-page token ([`PaginationErrorKind::PageLimit`]);
/// * more than [`limits.max_empty_pages`](PageLimits::max_empty_pages) pages
///   in a row have no items but a next-page token
///   ([`PaginationErrorKind::EmptyPages`]).
///
/// The stream is boxed once here, so it is `Unpin` and `Send`: call
/// `StreamExt::next` on it directly, keep it in a struct, or move it to a task.
pub fn pages<'a, P, E, F, Fut>(
    limits: PageLimits,
    first_page_token: Option<String>,
    fetch: F,
) -> stream::BoxStream<'a, Result<P, E>>
where
    P: Send + 'a,
    E: From<PaginationError> + Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Walked<P>, E>> + Send + 'a,
{
    enum Next {
        /// A page remains to be fetched with this token.
        Fetch(Option<String>),
        /// End with this error.
        Fail(PaginationError),
        /// Finished.
        Done,
    }

    struct State<F> {
        fetch: F,
        next: Next,
        seen: HashSet<String>,
        pages: u32,
        empty_in_a_row: u32,
    }

    let state = State {
        fetch,
        next: Next::Fetch(first_page_token),
        seen: HashSet::new(),
        pages: 0,
        empty_in_a_row: 0,
    };
    stream::unfold(state, move |mut state| async move {
        let token = match std::mem::replace(&mut state.next, Next::Done) {
            Next::Fetch(token) => token,
            Next::Fail(error) => {
                tracing::warn!(pages = error.pages, "{error}");
                return Some((Err(E::from(error)), state));
            }
            Next::Done => return None,
        };
        if let Some(token) = &token {
            state.seen.insert(token.clone());
        }
        match (state.fetch)(token).await {
            Ok(walked) => {
                state.pages = state.pages.saturating_add(1);
                if let Some(next) = walked.next_page_token.filter(|t| !t.is_empty()) {
                    let fail = |kind| {
                        Next::Fail(PaginationError {
                            kind,
                            pages: state.pages,
                        })
                    };
                    state.empty_in_a_row = if walked.empty {
                        state.empty_in_a_row.saturating_add(1)
                    } else {
                        0
                    };
                    state.next = if state.seen.contains(&next) {
                        fail(PaginationErrorKind::RepeatedToken)
                    } else if state.empty_in_a_row > limits.max_empty_pages {
                        fail(PaginationErrorKind::EmptyPages {
                            count: state.empty_in_a_row,
                        })
                    } else if state.pages >= limits.max_pages {
                        fail(PaginationErrorKind::PageLimit {
                            limit: limits.max_pages,
                        })
                    } else {
                        Next::Fetch(Some(next))
                    };
                }
                Some((Ok(walked.page), state))
            }
            Err(error) => Some((Err(error), state)),
        }
    })
    .boxed()
}

/// The items of a stream of pages, in order: `into_items` takes each page apart. An error
/// ends the stream after the items of the pages before it.
pub fn items<'a, P, T, E>(
    pages: stream::BoxStream<'a, Result<P, E>>,
    into_items: fn(P) -> Vec<T>,
) -> stream::BoxStream<'a, Result<T, E>>
where
    P: Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    pages
        .flat_map(move |page| {
            let items: Vec<Result<T, E>> = match page {
                Ok(page) => into_items(page).into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(items)
        })
        .boxed()
}

/// Walks every page of a list operation, yielding the items one by one: [`pages`] with
/// [`Page`]s, flattened by [`items`]. The same limits apply; every item of the pages fetched
/// before a [`PaginationError`] is yielded before it.
pub fn paginate<'a, T, E, F, Fut>(
    limits: PageLimits,
    first_page_token: Option<String>,
    mut fetch: F,
) -> stream::BoxStream<'a, Result<T, E>>
where
    T: Send + 'a,
    E: From<PaginationError> + Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, E>> + Send + 'a,
{
    let walk = pages(limits, first_page_token, move |token| {
        let page = fetch(token);
        async move {
            let page = page.await?;
            Ok(Walked {
                empty: page.items.is_empty(),
                next_page_token: page.next_page_token,
                page: page.items,
            })
        }
    });
    items(walk, |items| items)
}

/// A list operation whose pages `Call::pages` walks: implemented by generated code on the
/// operation's marker type.
pub trait Paginated: Operation {
    /// One item of a page.
    type Item;
    /// The wire name of the query parameter that carries the page token (or cursor, page
    /// number, offset).
    const TOKEN: &'static str;
    /// The token of the page after `page`: `None` (or empty) on the last page.
    fn next_token(page: &Self::Ok) -> Option<String>;
    /// Whether `page` holds no items (too many such pages in a row end the walk).
    fn is_empty(page: &Self::Ok) -> bool;
    /// The items of `page`.
    fn items(page: Self::Ok) -> Vec<Self::Item>;
}

// Here rather than in call_core.rs so that a crate whose API has no paginated list can leave
// this whole module out.
impl<Op> super::call_core::CallCore<Op>
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
    /// it with [`PaginationError`]. The stream is `Unpin` and `Send`.
    pub fn pages(self) -> Paged<'static, Op::Ok, Op::Error> {
        let (client, request, deferred) = self.into_parts();
        let request = match (request, deferred) {
            (Ok(request), None) => request,
            (Err(error), _) => return stream::once(async move { Err(super::Error::from(error)) }).boxed(),
            // Each page is the same request again, and a body encoded at send time can be
            // sent once.
            (Ok(_), Some(_)) => {
                let error = super::EncodeError::multipart("a paginated request cannot send a multipart form with each page", None);
                return stream::once(async move { Err(super::Error::from(error)) }).boxed();
            }
        };
        let first = request.query_value(Op::TOKEN).map(str::to_owned);
        let limits = client.page_limits();
        pages(limits, first, move |token| {
            let page = Self::with_request(&client, Ok(request.clone().set_query(Op::TOKEN, token)));
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
