//! The run's time budget (`--deadline`, the Job's `activeDeadlineSeconds`) and the retries
//! made within it: every retry is logged, and none starts when it could not finish in time.

use std::time::Duration;
use tokio::time::Instant;

/// The longest one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The first pause between two attempts; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_secs(1);
/// The longest pause chosen by the renewer (a `Retry-After` may ask for more).
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// At most this many attempts of one request.
pub(crate) const MAX_ATTEMPTS: u32 = 8;

/// Where the run's notes go (the CLI writes them to stderr as they happen).
pub(crate) type Log<'a> = &'a dyn Fn(&str);

/// The time left, and the log.
pub(crate) struct Budget<'a> {
    start: Instant,
    deadline: Duration,
    log: Log<'a>,
}

impl<'a> Budget<'a> {
    /// A budget of `deadline` from now.
    pub fn new(deadline: Duration, log: Log<'a>) -> Budget<'a> {
        Budget {
            start: Instant::now(),
            deadline,
            log,
        }
    }

    /// Writes a note.
    pub fn note(&self, text: &str) {
        (self.log)(text);
    }

    /// `--deadline` in seconds.
    pub fn deadline_secs(&self) -> u64 {
        self.deadline.as_secs()
    }

    fn remaining(&self) -> Duration {
        self.deadline.saturating_sub(self.start.elapsed())
    }

    /// Kept free of retries at the end of the budget, for the writes and the read-backs that
    /// follow them: a fifth of the deadline, at most a minute.
    fn reserve(&self) -> Duration {
        (self.deadline / 5).min(Duration::from_secs(60))
    }

    /// How long the next request may take: a minute, or what is left of the budget (at least
    /// a second, so that the last writes are still tried when the budget is spent).
    pub fn request_timeout(&self) -> Duration {
        REQUEST_TIMEOUT
            .min(self.remaining())
            .max(Duration::from_secs(1))
    }

    /// After attempt `attempt` of `what` failed with `why` (a retryable failure), waits before
    /// the next one and returns true; returns false, after saying why, when there is no time
    /// left for it or the attempts are used up. `retry_after` is the server's `Retry-After`.
    pub async fn pause(
        &self,
        what: &str,
        attempt: u32,
        why: &str,
        retry_after: Option<Duration>,
    ) -> bool {
        let left = self.remaining();
        let (wait, note) = plan(attempt, retry_after, left, self.reserve(), self.deadline);
        self.note(&format!("{what}: attempt {attempt} failed ({why}); {note}"));
        match wait {
            Some(d) => {
                tokio::time::sleep(d).await;
                true
            }
            None => false,
        }
    }
}

/// The pause after attempt `attempt`, or `None` to stop, and what to say about it.
fn plan(
    attempt: u32,
    retry_after: Option<Duration>,
    left: Duration,
    reserve: Duration,
    deadline: Duration,
) -> (Option<Duration>, String) {
    let backoff = FIRST_PAUSE
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX_PAUSE);
    let wait = retry_after.unwrap_or(backoff);
    let asked = if retry_after.is_some() {
        " as the server's Retry-After asks"
    } else {
        ""
    };
    if attempt >= MAX_ATTEMPTS {
        return (None, format!("giving up after {MAX_ATTEMPTS} attempts"));
    }
    if left < wait + reserve {
        return (
            None,
            format!(
                "not retrying: waiting {}s{asked} would leave less than {}s of --deadline {}s ({}s left)",
                wait.as_secs(),
                reserve.as_secs(),
                deadline.as_secs(),
                left.as_secs()
            ),
        );
    }
    (
        Some(wait),
        format!(
            "retrying in {}s{asked} ({}s left of --deadline {}s)",
            wait.as_secs(),
            left.as_secs(),
            deadline.as_secs()
        ),
    )
}

/// A `Retry-After` value: seconds, or an HTTP date (then the time until it, from `now`).
/// Values over an hour are taken as an hour (the budget refuses them anyway).
pub(crate) fn retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    let secs = if let Ok(n) = value.parse::<u64>() {
        n
    } else {
        let at = http_date(value)?;
        u64::try_from(at.as_second() - now.as_second()).unwrap_or(0)
    };
    Some(Duration::from_secs(secs.min(3600)))
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's IMF-fixdate).
pub(crate) fn http_date(value: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(value.trim())
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now: jiff::Timestamp = "2026-12-07T11:00:00Z".parse().unwrap();
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Mon, 07 Dec 2026 11:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after("Mon, 07 Dec 2026 10:00:30 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("99999", now), Some(Duration::from_secs(3600)));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(
            http_date("Mon, 07 Dec 2026 11:23:40 GMT"),
            Some("2026-12-07T11:23:40Z".parse().unwrap())
        );
    }

    #[test]
    fn pauses_double_and_stop_before_the_deadline() {
        let d = Duration::from_secs;
        let (ten, reserve) = (d(600), d(60));
        let waits: Vec<Option<Duration>> = (1..=MAX_ATTEMPTS)
            .map(|a| plan(a, None, d(500), reserve, ten).0)
            .collect();
        let expected = [1, 2, 4, 8, 16, 30, 30].map(|s| Some(d(s)));
        assert_eq!(waits[..7], expected);
        assert_eq!(waits[7], None, "at most {MAX_ATTEMPTS} attempts");
        let (wait, note) = plan(8, None, d(500), reserve, ten);
        assert_eq!((wait, note.as_str()), (None, "giving up after 8 attempts"));
        // A Retry-After is honoured, and refused when it would pass the reserve.
        let (wait, note) = plan(1, Some(d(7)), d(100), reserve, ten);
        assert_eq!(wait, Some(d(7)));
        assert!(
            note.contains(
                "retrying in 7s as the server's Retry-After asks (100s left of --deadline 600s)"
            ),
            "{note}"
        );
        let (wait, note) = plan(1, Some(d(45)), d(100), reserve, ten);
        assert_eq!(wait, None);
        assert!(note.starts_with("not retrying: waiting 45s as the server's Retry-After asks would leave less than 60s"), "{note}");
        // Near the deadline even the first pause is refused.
        assert_eq!(plan(1, None, d(60), reserve, ten).0, None);
        assert_eq!(plan(1, None, d(61), reserve, ten).0, Some(d(1)));
    }

    #[test]
    fn the_reserve_and_request_timeouts_follow_the_deadline() {
        let log = |_: &str| {};
        let b = Budget::new(Duration::from_secs(600), &log);
        assert_eq!(b.reserve(), Duration::from_secs(60));
        assert_eq!(b.request_timeout(), REQUEST_TIMEOUT);
        let b = Budget::new(Duration::from_secs(20), &log);
        assert_eq!(b.reserve(), Duration::from_secs(4));
        assert!(b.request_timeout() <= Duration::from_secs(20));
    }
}
