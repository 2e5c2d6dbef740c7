//! Retry policy: which failures are retried, and how long to wait in between.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

use super::error::TransportErrorKind;

/// Response header giving the number of seconds (relative, not an epoch
/// timestamp) until a rate limit resets.
const RATE_LIMIT_RESET: &str = "x-ratelimit-reset";

/// When and how often [`Client::execute`](super::Client::execute) retries.
///
/// * `429 Too Many Requests` is retried for every method. The wait is the
///   `Retry-After` header (delta seconds or an IMF-fixdate HTTP date), else
///   `X-RateLimit-Reset` (relative seconds), else the exponential backoff. If
///   the server asks for longer than [`max_retry_after`](Self::max_retry_after)
///   the 429 is returned at once instead of waiting.
/// * Connection errors, timeouts, interrupted bodies and `502`/`503`/`504`
///   are retried only for idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`,
///   `OPTIONS`, `TRACE`) unless [`retry_non_idempotent`](Self::retry_non_idempotent)
///   is set; a `Retry-After` on those statuses is honoured too.
/// * The backoff before retry `n` (1-based) is `initial_backoff * 2^(n-1)`,
///   capped at `max_backoff`, with "equal jitter": a uniformly random value
///   between half of that and all of it.
///
/// When attempts are exhausted, or the next wait would end after the client's
/// [deadline](super::ClientBuilder::deadline), the last response (e.g. the
/// last 429, with its headers) is returned as a normal response, or the last
/// transport error.
///
/// Defaults: 4 attempts in total, 250 ms initial backoff, 10 s maximum
/// backoff, 60 s maximum `Retry-After`, non-idempotent methods not retried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a RetryPolicy does nothing until passed to ClientBuilder::retry_policy"]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the type documentation).
    pub fn new() -> Self {
        RetryPolicy::default()
    }

    /// A policy that never retries: every request is attempted exactly once.
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Total number of attempts, including the first one (default 4). `0` is
    /// treated as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry (default 250 ms); doubles for each
    /// further retry.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Upper bound of the exponential backoff (default 10 s).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Longest server-requested wait (`Retry-After`, `X-RateLimit-Reset`) that
    /// is honoured (default 60 s). A response asking for a longer wait is
    /// returned to the caller instead of being retried.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Whether connection errors, timeouts and 502/503/504 are also retried
    /// for non-idempotent methods (`POST`, `PATCH`); default `false`, since
    /// the server may already have acted on the request.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The configured total number of attempts.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The configured initial backoff.
    pub fn get_initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The configured maximum backoff.
    pub fn get_max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The configured maximum honoured server-requested wait.
    pub fn get_max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether non-idempotent methods are retried on transient failures.
    pub fn get_retry_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The backoff (with jitter) before retry number `retry` (1 = first retry).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let base = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let half = base / 2;
        let spread = u64::try_from((base - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=spread))
    }

    /// Whether transient failures (connection errors, timeouts, 502/503/504)
    /// of a request with this method are retried.
    pub fn retries_transient_failures(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    /// The wait before retrying a response with `status`, or `None` if it must
    /// be returned as is. `attempts` is the number of attempts made so far.
    pub(super) fn status_retry_delay(
        &self,
        method: &Method,
        status: u16,
        headers: &HeaderMap,
        attempts: u32,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let requested = match status {
            429 => retry_after(headers).or_else(|| {
                headers
                    .get(RATE_LIMIT_RESET)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_rate_limit_reset)
            }),
            502..=504 if self.retries_transient_failures(method) => retry_after(headers),
            _ => return None,
        };
        match requested {
            Some(wait) if wait > self.max_retry_after => {
                tracing::debug!(
                    status,
                    wait_ms = millis(wait),
                    max_ms = millis(self.max_retry_after),
                    "server asks to wait longer than max_retry_after; not retrying"
                );
                None
            }
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempts)),
        }
    }

    /// The wait before retrying after a transport failure, or `None` if the
    /// error must be returned. `attempts` is the number of attempts made so far.
    pub(super) fn transport_retry_delay(
        &self,
        method: &Method,
        kind: &TransportErrorKind,
        attempts: u32,
    ) -> Option<Duration> {
        if attempts < self.max_attempts
            && kind.is_transient()
            && self.retries_transient_failures(method)
        {
            Some(self.backoff(attempts))
        } else {
            None
        }
    }
}

/// Whether `method` is idempotent per RFC 9110 (`GET`, `HEAD`, `PUT`,
/// `DELETE`, `OPTIONS`, `TRACE`).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

pub(super) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

/// Parses a non-negative number of seconds (an integer, or leniently a decimal).
///
/// A number too large for a [`Duration`] gives [`Duration::MAX`]: it means
/// "longer than any cap", so the response is returned instead of retried.
fn parse_seconds(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // Only digits and dots: the parse fails for malformed values such as "1.2.3"
    // or "."; otherwise the value is finite (or +inf) and non-negative, so the
    // conversion can only fail because it is too large.
    let secs = value.parse::<f64>().ok()?;
    Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// Parses a `Retry-After` header value: delta seconds (`"120"`, leniently
/// `"1.5"`) or an HTTP date in the IMF-fixdate format
/// (`"Sun, 06 Nov 1994 08:49:37 GMT"`), relative to `now`. A date in the past
/// gives zero. A number of seconds too large for a [`Duration`] gives
/// [`Duration::MAX`] (longer than any
/// [`max_retry_after`](RetryPolicy::max_retry_after)). The obsolete RFC 850
/// and asctime date formats are not supported (`None`; the caller then falls
/// back to its backoff).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    parse_seconds(value).or_else(|| {
        let at = parse_http_date(value)?;
        Some(at.duration_since(now).unwrap_or(Duration::ZERO))
    })
}

/// Parses an `X-RateLimit-Reset` header value: the number of seconds until the
/// limit resets (relative, not a Unix timestamp; an epoch value therefore
/// looks like decades and exceeds any sensible
/// [`max_retry_after`](RetryPolicy::max_retry_after)). A number too large for
/// a [`Duration`] gives [`Duration::MAX`].
pub fn parse_rate_limit_reset(value: &str) -> Option<Duration> {
    parse_seconds(value)
}

/// Parses an HTTP date in the IMF-fixdate format, e.g.
/// `"Sun, 06 Nov 1994 08:49:37 GMT"`. The day name is not checked against the
/// date. Returns `None` for any other format.
pub fn parse_http_date(value: &str) -> Option<SystemTime> {
    let (_day_name, rest) = value.trim().split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: u32 = parse_digits(parts.next()?, 2)?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u32 = parse_digits(parts.next()?, 4)?;
    let mut time = parts.next()?.split(':');
    let hour: u32 = parse_digits(time.next()?, 2)?;
    let minute: u32 = parse_digits(time.next()?, 2)?;
    let second: u32 = parse_digits(time.next()?, 2)?;
    if parts.next()? != "GMT" || parts.next().is_some() || time.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, i64::from(day));
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

fn parse_digits(s: &str, len: usize) -> Option<u32> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12; // March = 0
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
