//! Request counting and fault injection.
//!
//! Real servers fail before or after they act: a 500 "Something went wrong, try again" can come
//! from a database error before the change (PhotoPrism's `AbortUnexpectedError`) or after it
//! (e.g. the album create's answer failing after the row was written), and a connection can break
//! either way. Faults here can hit before the handler runs (nothing changes) or after it (the
//! change stays, the client sees a failure).

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// What to do with a request instead of handling it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer this status with an i18n error body.
    Fail(u16),
    /// Answer 429 with `Retry-After`.
    RateLimit(u64),
    /// Close the connection without an answer.
    Drop,
    /// Let the handler act, then answer this status (i18n error body) instead of its answer.
    FailAfter(u16),
    /// Let the handler act, then close the connection without an answer.
    DropAfter,
}

/// Seeded random failures for [`crate::Emulator::inject_random_faults`].
#[derive(Clone, Debug, PartialEq)]
pub struct RandomFaults {
    /// The route to fail (`"METHOD /api/v1/path/:param"`), or `None` for every route.
    pub route: Option<String>,
    /// Share of requests that fail, 0.0 to 1.0.
    pub fraction: f64,
    /// Status of the failures (default 500, body "Something went wrong, try again").
    pub status: u16,
    /// Share of the failures that happen after the handler acted (its changes stay), 0.0 to 1.0.
    pub after_acting: f64,
    /// Share of the failures that close the connection instead of answering, 0.0 to 1.0.
    pub dropped: f64,
    /// Seed of the random generator: the same seed fails the same positions in the request order.
    pub seed: u64,
}

impl RandomFaults {
    /// A `fraction` of all requests fail with 500 before the handler acts.
    pub fn new(fraction: f64, seed: u64) -> Self {
        RandomFaults {
            route: None,
            fraction,
            status: 500,
            after_acting: 0.0,
            dropped: 0.0,
            seed,
        }
    }
}

struct Rule {
    route: String,
    remaining: u32,
    fault: Fault,
}

struct Fraction {
    config: RandomFaults,
    rng: SmallRng,
}

/// Counters and fault rules.
#[derive(Default)]
pub(crate) struct Faults {
    counts: BTreeMap<String, u64>,
    /// Time spent handling requests, per route (latency excluded).
    busy: BTreeMap<String, Duration>,
    total: u64,
    rules: Vec<Rule>,
    fraction: Option<Fraction>,
    latency: Duration,
}

impl Faults {
    /// Counts a request to `route` and returns the fault to inject, if any.
    pub fn on_request(&mut self, route: &str) -> Option<Fault> {
        *self.counts.entry(route.to_owned()).or_insert(0) += 1;
        self.total += 1;
        if let Some(rule) = self
            .rules
            .iter_mut()
            .find(|r| r.route == route && r.remaining > 0)
        {
            rule.remaining -= 1;
            let fault = rule.fault;
            self.rules.retain(|r| r.remaining > 0);
            return Some(fault);
        }
        if let Some(f) = &mut self.fraction
            && f.config.route.as_deref().is_none_or(|r| r == route)
            && f.rng.random_bool(f.config.fraction.clamp(0.0, 1.0))
        {
            let after = f.rng.random_bool(f.config.after_acting.clamp(0.0, 1.0));
            let dropped = f.rng.random_bool(f.config.dropped.clamp(0.0, 1.0));
            return Some(match (after, dropped) {
                (false, false) => Fault::Fail(f.config.status),
                (false, true) => Fault::Drop,
                (true, false) => Fault::FailAfter(f.config.status),
                (true, true) => Fault::DropAfter,
            });
        }
        None
    }

    /// The configured latency.
    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// Requests counted for `route`.
    pub fn count(&self, route: &str) -> u64 {
        self.counts.get(route).copied().unwrap_or(0)
    }

    /// All counters.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.counts.clone()
    }

    /// Adds the time a request to `route` spent in its handler.
    pub fn add_busy(&mut self, route: &str, spent: Duration) {
        *self.busy.entry(route.to_owned()).or_default() += spent;
    }

    /// Handler time per route.
    pub fn busy(&self) -> BTreeMap<String, Duration> {
        self.busy.clone()
    }

    /// All requests counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Resets the counters.
    pub fn reset_counts(&mut self) {
        self.counts.clear();
        self.busy.clear();
        self.total = 0;
    }

    /// Adds a rule for the next `times` requests to `route`.
    pub fn add(&mut self, route: &str, times: u32, fault: Fault) {
        if times > 0 {
            self.rules.push(Rule {
                route: route.to_owned(),
                remaining: times,
                fault,
            });
        }
    }

    /// Sets seeded random failures before the handler acts.
    pub fn set_fraction(&mut self, route: Option<&str>, fraction: f64, status: u16, seed: u64) {
        self.set_random(RandomFaults {
            route: route.map(str::to_owned),
            status,
            ..RandomFaults::new(fraction, seed)
        });
    }

    /// Sets seeded random failures.
    pub fn set_random(&mut self, config: RandomFaults) {
        self.fraction = Some(Fraction {
            rng: SmallRng::seed_from_u64(config.seed),
            config,
        });
    }

    /// Sets the latency added to every request.
    pub fn set_latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    /// Removes all rules, random failures and latency (counters stay).
    pub fn clear(&mut self) {
        self.rules.clear();
        self.fraction = None;
        self.latency = Duration::ZERO;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fire_the_given_number_of_times() {
        let mut f = Faults::default();
        f.add("GET /api/v1/photos", 2, Fault::Fail(500));
        assert_eq!(f.on_request("GET /api/v1/albums"), None);
        assert_eq!(f.on_request("GET /api/v1/photos"), Some(Fault::Fail(500)));
        assert_eq!(f.on_request("GET /api/v1/photos"), Some(Fault::Fail(500)));
        assert_eq!(f.on_request("GET /api/v1/photos"), None);
        assert_eq!(f.count("GET /api/v1/photos"), 3);
        assert_eq!(f.total(), 4);
    }

    #[test]
    fn fractions_are_reproducible() {
        let run = || {
            let mut f = Faults::default();
            f.set_fraction(None, 0.5, 503, 7);
            (0..50)
                .map(|_| f.on_request("GET /x").is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|x| *x) && a.iter().any(|x| !*x));
    }

    #[test]
    fn random_faults_mix_before_and_after_acting() {
        let mut f = Faults::default();
        f.set_random(RandomFaults {
            after_acting: 0.5,
            dropped: 0.3,
            ..RandomFaults::new(0.5, 11)
        });
        let faults: Vec<Fault> = (0..2000).filter_map(|_| f.on_request("POST /x")).collect();
        let share = faults.len() as f64 / 2000.0;
        assert!((0.45..0.55).contains(&share), "{share}");
        for kind in [
            Fault::Fail(500),
            Fault::FailAfter(500),
            Fault::Drop,
            Fault::DropAfter,
        ] {
            assert!(faults.contains(&kind), "{kind:?} never drawn");
        }
        let after = faults
            .iter()
            .filter(|x| matches!(x, Fault::FailAfter(_) | Fault::DropAfter))
            .count() as f64;
        assert!((0.4..0.6).contains(&(after / faults.len() as f64)));
    }
}
