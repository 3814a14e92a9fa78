//! [`ClientOptions`], [`RetryPolicy`] and [`BusyPolicy`]: timeouts, retries, waiting for a busy
//! server, and the user agent.

use std::time::Duration;

use rand::Rng;

/// How the client talks to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Whole-request timeout. Uploads, imports and index runs block until done: keep it long (default 300 s).
    pub timeout: Duration,
    /// Timeout for opening a connection (default 10 s).
    pub connect_timeout: Duration,
    /// When and how failed requests are repeated.
    pub retry: RetryPolicy,
    /// How long to wait while the server's batch-edit lock is held by someone else.
    pub busy: BusyPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Extra trusted root certificates, each a PEM text holding one or more certificates
    /// (a private CA or a self-signed server certificate); added to the built-in roots.
    pub ca_certs: Vec<Vec<u8>>,
    /// Accept any server certificate (expired, self-signed, wrong host). Unsafe: anyone on the
    /// network path can read the password and token. Never the default.
    pub accept_invalid_certs: bool,
    /// The largest API answer read (default 64 MiB); a longer one fails with
    /// [`crate::photoprism::Error::TooLarge`] instead of filling memory.
    pub max_body_bytes: usize,
    /// How long the body of an answer may stall once its headers arrived (default 60 s);
    /// the whole-request `timeout` still applies.
    pub body_idle_timeout: Duration,
}

/// The default [`ClientOptions::max_body_bytes`]: 64 MiB, far above any real API answer
/// (a page of 1000 photos with their files is about 5 MiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            busy: BusyPolicy::default(),
            user_agent: format!("prysm/{}", env!("CARGO_PKG_VERSION")),
            ca_certs: Vec::new(),
            accept_invalid_certs: false,
            max_body_bytes: MAX_BODY_BYTES,
            body_idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Exponential backoff with jitter for failed requests.
///
/// Requests that are safe to repeat (reads and writes that set absolute values) are retried on
/// connection errors, 429 and every 5xx answer; other writes only when the server certainly did
/// not act (no connection could be opened, or 429). Other 4xx answers are never retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 5; 0 disables retries).
    pub max_retries: u32,
    /// Delay before the first retry (default 200 ms); doubles with each retry.
    pub base_delay: Duration,
    /// Upper bound of any delay, including one asked for by `Retry-After` (default 10 s).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The largest delay before retry number `retry` (0-based): `base_delay * 2^retry`, capped.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(30));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The delay before retry number `retry` (0-based): uniformly random between half the
    /// ceiling and the ceiling ("equal jitter"); a server's `Retry-After` takes precedence,
    /// capped at `max_delay`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_delay);
        }
        equal_jitter(self.backoff_ceiling(retry))
    }
}

/// Waiting for PhotoPrism's batch-edit lock.
///
/// A 2025+ server runs one batch edit at a time (`mutex.BatchEdit`) and refuses any other at
/// once with 429 "Busy, please try again later" and no `Retry-After`; a chunk of 500 photos holds
/// the lock for 3-4 s, and another client or the web UI may hold it too. Such an answer is waited
/// out with growing, jittered pauses (at most `max_wait` each) for up to `budget` in total; then
/// the edit fails with [`crate::photoprism::Error::Busy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyPolicy {
    /// The first pause (default 100 ms); it doubles with each busy answer.
    pub first_wait: Duration,
    /// The longest single pause (default 2 s).
    pub max_wait: Duration,
    /// How long to keep trying in total (default 120 s; zero gives up at the first busy answer).
    pub budget: Duration,
}

impl Default for BusyPolicy {
    fn default() -> Self {
        BusyPolicy {
            first_wait: Duration::from_millis(100),
            max_wait: Duration::from_secs(2),
            budget: Duration::from_secs(120),
        }
    }
}

impl BusyPolicy {
    /// A policy that gives up at the first busy answer.
    pub fn none() -> Self {
        BusyPolicy {
            budget: Duration::ZERO,
            ..BusyPolicy::default()
        }
    }

    /// The pause after busy answer number `attempt` (0-based): uniformly random between half of
    /// `first_wait * 2^attempt` (capped at `max_wait`) and that value.
    pub fn wait(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(30));
        let ceiling = self.first_wait.saturating_mul(factor).min(self.max_wait);
        equal_jitter(ceiling)
    }
}

/// A random duration between half of `ceiling` and `ceiling` ("equal jitter").
fn equal_jitter(ceiling: Duration) -> Duration {
    let half = ceiling / 2;
    let extra_ms = u64::try_from((ceiling - half).as_millis()).unwrap_or(u64::MAX);
    let jitter = if extra_ms == 0 {
        0
    } else {
        rand::rng().random_range(0..=extra_ms)
    };
    half + Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_contract() {
        let o = ClientOptions::default();
        assert_eq!(o.timeout, Duration::from_secs(300));
        assert_eq!(o.connect_timeout, Duration::from_secs(10));
        assert_eq!(o.retry.max_retries, 5);
        assert_eq!(o.retry.base_delay, Duration::from_millis(200));
        assert_eq!(o.retry.max_delay, Duration::from_secs(10));
        assert!(o.user_agent.starts_with("prysm/"));
        assert_eq!(o.busy.max_wait, Duration::from_secs(2));
        assert_eq!(o.busy.budget, Duration::from_secs(120));
        assert!(o.ca_certs.is_empty());
        assert!(
            !o.accept_invalid_certs,
            "certificate checks are never off by default"
        );
        assert_eq!(o.max_body_bytes, 64 * 1024 * 1024);
    }

    #[test]
    fn busy_waits_grow_to_the_cap() {
        let p = BusyPolicy::default();
        for attempt in 0..12 {
            let ceiling = p
                .first_wait
                .saturating_mul(2u32.pow(attempt))
                .min(p.max_wait);
            for _ in 0..20 {
                let wait = p.wait(attempt);
                assert!(
                    wait <= ceiling && wait >= ceiling / 2,
                    "{attempt}: {wait:?}"
                );
            }
        }
        assert!(p.wait(u32::MAX) <= p.max_wait);
        assert_eq!(BusyPolicy::none().budget, Duration::ZERO);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(0), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(400));
        assert_eq!(p.backoff_ceiling(3), Duration::from_millis(1600));
        assert_eq!(p.backoff_ceiling(10), Duration::from_secs(10));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(10));
        for retry in 0..8 {
            for _ in 0..50 {
                let d = p.delay(retry, None);
                assert!(d <= p.backoff_ceiling(retry));
                assert!(d >= p.backoff_ceiling(retry) / 2);
            }
        }
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(300))),
            Duration::from_secs(10)
        );
        assert_eq!(RetryPolicy::none().max_retries, 0);
    }
}
