//! The bounds of a walk over a paginated list and the error that stops one: apart from the
//! `pagination` module because the client ([`ClientBuilder::page_limits`](super::ClientBuilder::page_limits))
//! and [`Error`](super::Error) name them in every crate, while the walkers themselves
//! (`pagination.rs`) are only copied into crates whose API has a paginated operation.

use std::fmt;

/// Bounds on one walk over a paginated list (see the `pagination` module's `paginate`).
///
/// They only guard against servers that never stop handing out next-page
/// tokens; the defaults are far above what a legitimate list needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    /// Most pages fetched in one walk (default 10 000). When page number
    /// `max_pages` still has a next-page token, the stream ends with
    /// [`PaginationErrorKind::PageLimit`] instead of fetching more. At least
    /// one page is always fetched.
    pub max_pages: u32,
    /// Most consecutive pages with no items but a next-page token that are
    /// tolerated (default 16). One more such page ends the stream with
    /// [`PaginationErrorKind::EmptyPages`].
    pub max_empty_pages: u32,
}

impl Default for PageLimits {
    fn default() -> Self {
        PageLimits {
            max_pages: 10_000,
            max_empty_pages: 16,
        }
    }
}

/// Why a walk (the `pagination` module's `paginate`, or a list operation's `stream`) stopped before the server said the list was complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationErrorKind {
    /// The server returned a next-page token that was already used in this
    /// walk; following it would loop forever.
    RepeatedToken,
    /// The walk fetched [`PageLimits::max_pages`] pages and the last one still
    /// had a next-page token.
    PageLimit {
        /// The configured [`PageLimits::max_pages`].
        limit: u32,
    },
    /// More than [`PageLimits::max_empty_pages`] consecutive pages had no items
    /// but a next-page token.
    EmptyPages {
        /// How many consecutive empty pages were fetched.
        count: u32,
    },
}

/// A paginated list walk was stopped because the server kept handing out
/// next-page tokens that lead nowhere (see [`PageLimits`]).
///
/// Every item of the pages fetched before is yielded by the stream before
/// this error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaginationError {
    /// Why the walk was stopped.
    pub kind: PaginationErrorKind,
    /// How many pages were fetched before stopping.
    pub pages: u32,
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stopped walking a paginated list after ")?;
        match self.pages {
            1 => f.write_str("1 page: ")?,
            n => write!(f, "{n} pages: ")?,
        }
        match self.kind {
            PaginationErrorKind::RepeatedToken => f.write_str(
                "the server returned a next-page token that was already used, \
                 so following it would loop forever",
            ),
            PaginationErrorKind::PageLimit { limit } => write!(
                f,
                "the limit of {limit} pages was reached and the server still returned \
                 a next-page token"
            ),
            PaginationErrorKind::EmptyPages { count } => write!(
                f,
                "the server returned {count} pages in a row without items but with \
                 a next-page token"
            ),
        }
    }
}

impl std::error::Error for PaginationError {}
