//! Finding which values make a batched lookup fail.
//!
//! PhotoPrism refuses a search as a whole (400 "Unable to do that") when one value of a `uid`
//! filter is not an ID it recognises, for example a UID whose creation time (characters 2-7)
//! is impossible (`rnd.IsUID`; probe 04 of the 2026-11 recordings). One bad value among the
//! 100 of a batched lookup would hide the 99 good ones. [`lookup_narrowed`] splits a refused
//! batch in halves until every refused value stands alone, and keeps what the accepted parts
//! found; [`refused_selector_problems`] turns the refused values into plan problems that point
//! at the selectors' lines.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use crate::manifest::Selector;
use crate::photoprism::Error;
use crate::plan::PlanProblem;

/// What a narrowed lookup found.
#[derive(Debug)]
pub(crate) struct Narrowed<T> {
    /// Everything the accepted requests returned.
    pub found: Vec<T>,
    /// The values the server refused even on their own, in the order given.
    pub refused: Vec<String>,
}

/// Whether the server refused the request itself (400), as opposed to failing to answer it.
pub(crate) fn is_refusal(error: &Error) -> bool {
    error.status() == Some(400)
}

/// Runs `run(values)`; when the server refuses it with 400, runs the halves instead, and so
/// on, until each refused value stands alone. Any other error ends the lookup.
///
/// Costs one request when nothing is refused, and about `2 × k × log2(n)` more for `k` bad
/// values among `n`.
pub(crate) async fn lookup_narrowed<T, F, Fut>(
    values: Vec<String>,
    run: F,
) -> Result<Narrowed<T>, Error>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = Result<Vec<T>, Error>>,
{
    let mut out = Narrowed {
        found: Vec::new(),
        refused: Vec::new(),
    };
    // Depth first, first half first: refused values come out in the order given.
    let mut pending = vec![values];
    while let Some(batch) = pending.pop() {
        if batch.is_empty() {
            continue;
        }
        match run(batch.clone()).await {
            Ok(found) => out.found.extend(found),
            Err(error) if is_refusal(&error) => {
                if batch.len() == 1 {
                    out.refused.extend(batch);
                } else {
                    let mut first = batch;
                    let second = first.split_off(first.len() / 2);
                    pending.push(second);
                    pending.push(first);
                }
            }
            Err(error) => return Err(error),
        }
    }
    Ok(out)
}

/// One problem per selector whose value the server refused, in the order of `selectors`:
/// `refused` maps a selector key (`uid`, `hash`, `path`, `query`) to the values refused on
/// their own.
pub(crate) fn refused_selector_problems<'a>(
    selectors: impl IntoIterator<Item = &'a Selector>,
    refused: &BTreeMap<&str, BTreeSet<String>>,
) -> Vec<PlanProblem> {
    selectors
        .into_iter()
        .filter(|selector| {
            refused
                .get(selector.kind.key())
                .is_some_and(|values| values.contains(selector.kind.value()))
        })
        .map(|selector| refused_problem(selector, selector.kind.key()))
        .collect()
}

fn refused_problem(selector: &Selector, kind: &str) -> PlanProblem {
    let value = selector.kind.value();
    let (message, help) = match kind {
        "uid" => (
            format!("PhotoPrism refuses to look up the UID {value}"),
            "PhotoPrism accepts a UID only when its characters 2-7, a base-36 creation time, \
             lie between 2017-01-01 and now (by the server's clock); check the UID \
             (`prysm export` lists them)",
        ),
        "query" => (
            format!("PhotoPrism refuses the query {value}"),
            "check the filter names and values (an unknown filter such as `labl:` is refused); \
             try the query in PhotoPrism's search box",
        ),
        "hash" => (
            format!("PhotoPrism refuses to look up the hash {value}"),
            "the hash is the SHA-1 of a file of the photo (`sha1sum FILE`), in lower-case hex",
        ),
        _ => (
            format!("PhotoPrism refuses to look up the {kind} {value}"),
            "the path is relative to the originals folder, e.g. 2024/07/IMG_0001.jpg",
        ),
    };
    PlanProblem::new("prysm::plan::selector_refused", message)
        .at(
            &selector.loc,
            format!("the server answers 400 for this {kind}"),
        )
        .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn refused() -> Error {
        Error::from_status(
            400,
            "GET",
            "/api/v1/photos",
            br#"{"code":400,"error":"Unable to do that"}"#,
            None,
        )
    }

    /// A fake server that refuses any batch containing a value starting with `bad`, and
    /// counts requests.
    fn fake(calls: &RefCell<Vec<usize>>, batch: Vec<String>) -> Result<Vec<String>, Error> {
        calls.borrow_mut().push(batch.len());
        if batch.iter().any(|v| v.starts_with("bad")) {
            Err(refused())
        } else {
            Ok(batch)
        }
    }

    fn values(n: usize, bad: &[usize]) -> Vec<String> {
        (0..n)
            .map(|i| {
                if bad.contains(&i) {
                    format!("bad{i}")
                } else {
                    format!("ok{i}")
                }
            })
            .collect()
    }

    #[tokio::test]
    async fn an_accepted_batch_costs_one_request() {
        let calls = RefCell::new(Vec::new());
        let out = lookup_narrowed(values(100, &[]), |b| async { fake(&calls, b) })
            .await
            .unwrap();
        assert_eq!(out.found.len(), 100);
        assert!(out.refused.is_empty());
        assert_eq!(calls.borrow().len(), 1);
    }

    #[tokio::test]
    async fn bisection_finds_every_bad_value_and_keeps_the_good_ones() {
        for bad in [
            vec![0],
            vec![99],
            vec![37],
            vec![3, 4, 98],
            vec![10, 50, 51, 90],
        ] {
            let calls = RefCell::new(Vec::new());
            let out = lookup_narrowed(values(100, &bad), |b| async { fake(&calls, b) })
                .await
                .unwrap();
            let expected: Vec<String> = bad.iter().map(|i| format!("bad{i}")).collect();
            assert_eq!(out.refused, expected);
            assert_eq!(out.found.len(), 100 - bad.len());
            assert!(out.found.iter().all(|v| v.starts_with("ok")));
            // 1 + about 2 per level per bad value (log2(100) < 7 levels).
            let requests = calls.borrow().len();
            assert!(requests <= 1 + 2 * 7 * bad.len(), "{bad:?}: {requests}");
        }
    }

    #[tokio::test]
    async fn a_lone_value_is_refused_without_more_requests() {
        let calls = RefCell::new(Vec::new());
        let out = lookup_narrowed(vec!["bad-query".to_string()], |b| async { fake(&calls, b) })
            .await
            .unwrap();
        assert_eq!(out.refused, vec!["bad-query".to_string()]);
        assert_eq!(calls.borrow().len(), 1);
    }

    #[tokio::test]
    async fn other_errors_end_the_lookup() {
        let out = lookup_narrowed(values(4, &[]), |_| async {
            Err::<Vec<String>, _>(Error::from_status(503, "GET", "/api/v1/photos", b"", None))
        })
        .await;
        assert_eq!(out.unwrap_err().status(), Some(503));
    }
}
