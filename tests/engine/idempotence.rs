//! Property: for random manifests against random library states, on both server generations,
//! plan -> apply -> plan has no changes, and the server then holds what the manifest declares
//! and nothing else changed.
//!
//! The inputs are what real users write: digits, punctuation, quotes, accents, Cyrillic,
//! Greek, CJK, Arabic, emoji, SQL wildcards `_` and `%` (titles that `LIKE`-match another
//! album's), `&`, empty captions, descriptions and notes, keywords with digits, and rules that
//! set one field only. The oracle that checks the server afterwards is written from
//! `manifest.md` and PhotoPrism's own rules (`photoprism-api.md`, PhotoPrism's source), not from
//! prysm's normalisers, so a normaliser that disagrees with PhotoPrism is caught even when plan
//! and apply agree with each other.
//!
//! A manifest is only refused as expected when the generator knows it made that problem
//! (conflicting rules, an archived photo an album selects, ambiguous or missing albums, an
//! album title that SQL-`LIKE`-matches another one). Such refusals are counted; more than
//! [`MAX_REFUSED_PERCENT`] of the cases refused fails the test, because the generator would
//! then test little. `PROPTEST_CASES=1000 cargo test --test engine idempotence` runs more.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed, TestCaseError, TestRunner};
use prysm::apply::{ApplyOptions, Silent, Status, apply};
use prysm::planner::{PlanError, PlanOptions, make_plan};
use prysm::render::{TextOptions, render_text};
use prysm_emulator::{AlbumView, ApiGeneration, Emulator, EmulatorOptions, PhotoView};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cases::*;

/// Cases per property when `PROPTEST_CASES` is not set (debug build, 2 cores: about ten
/// seconds for both properties together).
const DEFAULT_CASES: u32 = 256;

/// The random seed when `PROPTEST_RNG_SEED` is not set: the default run is the same every
/// time (no flaky CI); set `PROPTEST_RNG_SEED` (and `PROPTEST_CASES`) to explore further.
const DEFAULT_SEED: u64 = 0x5052_5953_4d31;

/// More refused cases than this (percent) fails the run.
const MAX_REFUSED_PERCENT: usize = 10;

/// Failures found by proptest are saved here and replayed first.
const REGRESSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/proptest-regressions/idempotence.txt"
);

// ---------------------------------------------------------------------------------------
// The oracle: what the manifest means for this library

/// The library as seeded, as the emulator shows it.
struct Before {
    photos: Vec<PhotoView>,
    albums: Vec<AlbumView>,
}

/// What a case must lead to.
#[derive(Default)]
struct Expected {
    /// Problem codes validation must report (refused offline).
    parse: BTreeSet<&'static str>,
    /// Problem codes the plan must report (refused by the plan).
    plan: BTreeSet<&'static str>,
    /// Declared entry index -> seeded album index it is.
    matched: BTreeMap<usize, usize>,
    /// Photos each rule applies to, and each present album must hold.
    rule_photos: Vec<BTreeSet<usize>>,
    album_photos: BTreeMap<usize, BTreeSet<usize>>,
    /// Archived photos the plan restores.
    restoring: BTreeSet<usize>,
}

fn photos_with_label(case: &Case, label: usize) -> impl Iterator<Item = usize> + '_ {
    case.photos
        .iter()
        .enumerate()
        .filter(move |(_, p)| p.label == label)
        .map(|(i, _)| i)
}

/// A selector's photos (manifest.md: `uid` finds archived photos too; a query leaves them
/// out, except those the plan restores, which it counts in so one apply converges).
fn resolve(case: &Case, selector: &Sel, restoring: &BTreeSet<usize>) -> BTreeSet<usize> {
    match selector {
        Sel::Uid(i) => BTreeSet::from([*i]),
        Sel::Label(label) => photos_with_label(case, *label)
            .filter(|i| !case.photos[*i].archived || restoring.contains(i))
            .collect(),
    }
}

/// Two values of one field that PhotoPrism stores differently.
fn differ(a: &RuleGen, b: &RuleGen) -> bool {
    let taken_differs = match (&a.taken, &b.taken) {
        (Some(x), Some(y)) => {
            x.instant() != y.instant() || (x.zone.is_some() && y.zone.is_some() && x.zone != y.zone)
        }
        _ => false,
    };
    fn both<T: PartialEq>(x: &Option<T>, y: &Option<T>) -> bool {
        matches!((x, y), (Some(x), Some(y)) if x != y)
    }
    let keywords_differ = match (&a.keywords, &b.keywords) {
        (Some(x), Some(y)) => pp_keywords(x) != pp_keywords(y),
        _ => false,
    };
    taken_differs
        || keywords_differ
        || both(&a.favorite, &b.favorite)
        || both(&a.private, &b.private)
        || both(&a.archived, &b.archived)
        || both(&a.title, &b.title)
        || both(&a.caption, &b.caption)
        || both(&a.notes, &b.notes)
}

fn expected(case: &Case, before: &Before) -> Expected {
    let declared = declared_albums(case);
    let seeded = &before.albums;
    let mut out = Expected::default();

    // Offline: rules with the same `match` that disagree; a rule archiving a photo an album
    // selects by uid.
    for (j, later) in case.rules.iter().enumerate() {
        for earlier in &case.rules[..j] {
            if earlier.selector == later.selector && differ(earlier, later) {
                out.parse.insert("conflicting_rules");
            }
        }
    }
    let exact: BTreeSet<&Sel> = declared
        .iter()
        .filter(|album| !album.absent)
        .flat_map(|album| album.photos.iter().flatten())
        .filter(|sel| matches!(sel, Sel::Uid(_)))
        .collect();
    for rule in &case.rules {
        if rule.archived == Some(true) && exact.contains(&rule.selector) {
            out.parse.insert("archive_conflict");
        }
    }

    // An entry without uid and another entry with the same title or slug: the first would
    // match the other's album (validation refuses it).
    let key = |title: &str| match slug(title) {
        dash if dash == "-" => pp_album_title(title).to_lowercase(),
        other => other,
    };
    for (j, later) in declared.iter().enumerate() {
        for earlier in &declared[..j] {
            if (earlier.pin.is_none() || later.pin.is_none())
                && key(&earlier.title) == key(&later.title)
            {
                out.parse.insert("duplicate_title");
            }
        }
    }

    // Which server album each entry is (manifest.md: uid, else title, else slug).
    let live = |i: &usize| !seeded[*i].deleted;
    let mut claimed: BTreeMap<usize, usize> = BTreeMap::new();
    for (index, album) in declared.iter().enumerate() {
        if let Some(pin) = album.pin {
            if live(&pin) {
                claimed.insert(pin, index);
                out.matched.insert(index, pin);
            } else if !album.absent {
                out.plan.insert("album_not_found");
            }
        }
    }
    for (index, album) in declared.iter().enumerate() {
        if album.pin.is_some() {
            continue;
        }
        let wanted = pp_album_title(&album.title).to_lowercase();
        let mut candidates: Vec<usize> = (0..seeded.len())
            .filter(live)
            .filter(|i| seeded[*i].title.to_lowercase() == wanted)
            .collect();
        if candidates.is_empty() {
            let wanted_slug = slug(&album.title);
            candidates = (0..seeded.len())
                .filter(live)
                .filter(|i| same_slug(&seeded[*i].slug, &wanted_slug))
                .collect();
        }
        match candidates.as_slice() {
            [] => {}
            [one] => {
                if claimed.contains_key(one) {
                    out.plan.insert("album_claimed_twice");
                } else {
                    claimed.insert(*one, index);
                    out.matched.insert(index, *one);
                }
            }
            _ => {
                out.plan.insert("album_ambiguous");
            }
        }
    }

    // Photos.
    let mut restoring = BTreeSet::new();
    for album in declared.iter().filter(|album| !album.absent) {
        for sel in album.photos.iter().flatten() {
            if let Sel::Uid(i) = sel {
                if case.photos[*i].archived {
                    restoring.insert(*i);
                }
            }
        }
    }
    for rule in &case.rules {
        if let (Sel::Uid(i), Some(false)) = (&rule.selector, rule.archived) {
            if case.photos[*i].archived {
                restoring.insert(*i);
            }
        }
    }
    out.rule_photos = case
        .rules
        .iter()
        .map(|rule| resolve(case, &rule.selector, &restoring))
        .collect();
    for (index, album) in declared.iter().enumerate() {
        if album.absent {
            continue;
        }
        if let Some(photos) = &album.photos {
            let set = photos
                .iter()
                .flat_map(|sel| resolve(case, sel, &restoring))
                .collect();
            out.album_photos.insert(index, set);
        }
    }
    out.restoring = restoring;

    // After resolving: rules that disagree on one photo; archiving a photo an album holds.
    for (j, later) in case.rules.iter().enumerate() {
        for (i, earlier) in case.rules[..j].iter().enumerate() {
            if earlier.selector != later.selector
                && differ(earlier, later)
                && !out.rule_photos[i].is_disjoint(&out.rule_photos[j])
            {
                // Only the fields both set to different values on a shared photo conflict,
                // which `differ` already checks field by field.
                out.plan.insert("rule_conflict");
            }
        }
    }
    for (index, rule) in case.rules.iter().enumerate() {
        if rule.archived != Some(true) {
            continue;
        }
        if out
            .album_photos
            .values()
            .any(|set| !set.is_disjoint(&out.rule_photos[index]))
        {
            out.plan.insert("archive_conflict");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Running a case

/// How a case ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Applied, converged, and the server holds what was declared.
    Converged,
    /// Refused by validation with the expected problems.
    RefusedOffline,
    /// Refused by the plan with the expected problems.
    RefusedByPlan,
    /// Only album creates failed (PhotoPrism answered one with another album: a title that
    /// `LIKE`-matches or slugs like another one), and no other album was touched.
    RefusedCollision,
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

fn problem_codes(codes: impl Iterator<Item = String>) -> BTreeSet<String> {
    codes
        .map(|code| code.rsplit("::").next().unwrap_or_default().to_owned())
        .collect()
}

fn check_codes(
    stage: &str,
    reported: &BTreeSet<String>,
    expected: &BTreeSet<&'static str>,
    rendered: &str,
) -> Result<(), TestCaseError> {
    let unexpected: Vec<&String> = reported
        .iter()
        .filter(|code| !expected.contains(code.as_str()))
        .collect();
    if reported.is_empty() || !unexpected.is_empty() {
        return Err(fail(format!(
            "{stage} refused the manifest with {reported:?}; the generator expected only {expected:?}\n{rendered}"
        )));
    }
    Ok(())
}

/// Plans and applies `case`. With `faults`, a share of the apply's requests fail with a 500
/// (not retried); the partial apply must report every action, and a plan and apply after the
/// faults clear must converge.
async fn run(case: Case, faults: Option<u64>) -> Result<Outcome, TestCaseError> {
    let generation = if case.v2024 {
        ApiGeneration::V2024
    } else {
        ApiGeneration::V2025
    };
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .map_err(|error| fail(error.to_string()))?;
    seed(&emulator, &case);
    let before = Before {
        photos: (0..case.photos.len())
            .filter_map(|i| emulator.photo(&uid(i)))
            .collect(),
        albums: emulator
            .albums()
            .into_iter()
            .filter(|album| album.album_type == "album")
            .collect(),
    };
    let expected = expected(&case, &before);
    let text = manifest_text(&case, &before.albums);
    let outcome = run_manifest(&case, &emulator, &before, &expected, &text, faults)
        .await
        .map_err(|error| match error {
            TestCaseError::Fail(why) => fail(format!("{generation:?}: {why}\nmanifest:\n{text}")),
            other => other,
        });
    emulator.shutdown().await;
    outcome
}

async fn run_manifest(
    case: &Case,
    emulator: &Emulator,
    before: &Before,
    expected: &Expected,
    text: &str,
    faults: Option<u64>,
) -> Result<Outcome, TestCaseError> {
    let manifest = match prysm::manifest::parse_str("manifest.yaml", text) {
        Ok(manifest) => {
            if !expected.parse.is_empty() {
                return Err(fail(format!(
                    "validation accepted a manifest with {:?}",
                    expected.parse
                )));
            }
            manifest
        }
        Err(error) => {
            let reported = problem_codes(error.problems().iter().map(|p| p.code().to_owned()));
            let rendered = prysm::manifest::render_problems(&error, false);
            check_codes("validation", &reported, &expected.parse, &rendered)?;
            return Ok(Outcome::RefusedOffline);
        }
    };
    let client = crate::support::login(emulator).await;
    let options = PlanOptions {
        allow_destroy: true,
        ..PlanOptions::default()
    };
    let mut planned = match make_plan(&client, &manifest, &options).await {
        Ok(planned) => {
            if !expected.plan.is_empty() {
                return Err(fail(format!(
                    "the plan accepted a manifest with {:?}:\n{}",
                    expected.plan,
                    render_text(&planned.plan, &TextOptions::default())
                )));
            }
            planned
        }
        Err(PlanError::Problems(problems)) => {
            let reported =
                problem_codes(problems.problems().iter().map(|p| p.code_str().to_owned()));
            let rendered = crate::support::render_error(problems);
            check_codes("the plan", &reported, &expected.plan, &rendered)?;
            return Ok(Outcome::RefusedByPlan);
        }
        Err(error) => return Err(fail(format!("plan failed: {error}"))),
    };
    if let Some(seed) = faults {
        emulator.fail_fraction(None, 0.3, 500, seed);
        let report = apply(&client, &planned.plan, &ApplyOptions::default(), &Silent).await;
        emulator.clear_faults();
        prop_assert_eq!(report.results.len(), planned.plan.actions.len());
        prop_assert_eq!(
            report.succeeded() + report.failed() + report.skipped() + report.not_started(),
            planned.plan.actions.len()
        );
        planned = make_plan(&client, &manifest, &options)
            .await
            .map_err(|error| {
                fail(format!(
                    "re-plan after faults: {}",
                    crate::support::render_error(error)
                ))
            })?;
    }
    let report = apply(&client, &planned.plan, &ApplyOptions::default(), &Silent).await;
    if !report.is_success() {
        // Refusing a create that PhotoPrism answers with another album is correct, as long
        // as only creates failed and nothing else was touched.
        let only_creates = report.results.iter().all(|result| match &result.status {
            Status::Failed(_) => result.description.starts_with("create album"),
            Status::Succeeded | Status::Skipped(_) => true,
            Status::NotStarted => false,
        });
        if !only_creates {
            return Err(fail(format!("apply failed:\n{}", report.render())));
        }
        check_untouched_albums(case, emulator, before, expected, true)
            .map_err(|why| fail(format!("{why}\napply:\n{}", report.render())))?;
        return Ok(Outcome::RefusedCollision);
    }
    let again = make_plan(&client, &manifest, &options)
        .await
        .map_err(|error| {
            fail(format!(
                "second plan failed: {}",
                crate::support::render_error(error)
            ))
        })?;
    prop_assert!(
        again.plan.is_empty(),
        "not converged\nfirst plan:\n{}\nsecond plan:\n{}",
        render_text(&planned.plan, &TextOptions::default()),
        render_text(&again.plan, &TextOptions::default())
    );
    check_server(case, emulator, before, expected)
        .map_err(|why| fail(format!("the server does not hold what was declared: {why}")))?;
    Ok(Outcome::Converged)
}

// ---------------------------------------------------------------------------------------
// Checking the server afterwards

/// Photos that end archived although they were not: they left every album.
fn newly_archived(emulator: &Emulator, before: &Before) -> BTreeSet<String> {
    before
        .photos
        .iter()
        .filter(|p| !p.archived)
        .filter(|p| emulator.photo(&p.uid).is_some_and(|now| now.archived))
        .map(|p| p.uid.clone())
        .collect()
}

/// Visible members that are not archived.
fn members(emulator: &Emulator, album: &str) -> BTreeSet<String> {
    emulator
        .album_members(album)
        .into_iter()
        .filter(|uid| emulator.photo(uid).is_some_and(|p| !p.archived))
        .collect()
}

/// Seeded albums no entry declares are left as they were (or pruned); deleted ones stay
/// deleted unless an entry of the same title or slug brought them back.
fn check_untouched_albums(
    case: &Case,
    emulator: &Emulator,
    before: &Before,
    expected: &Expected,
    partial: bool,
) -> Result<(), String> {
    let declared = declared_albums(case);
    let archived_now = newly_archived(emulator, before);
    let matched: BTreeSet<usize> = expected.matched.values().copied().collect();
    for (index, album) in before.albums.iter().enumerate() {
        if matched.contains(&index) {
            continue;
        }
        let now = emulator
            .album(&album.uid)
            .ok_or_else(|| format!("album {} vanished", album.uid))?;
        if album.deleted {
            if now.deleted {
                continue;
            }
            let restored_by = declared.iter().find(|entry| {
                !entry.absent
                    && entry.pin.is_none()
                    && (pp_album_title(&entry.title).to_lowercase() == album.title.to_lowercase()
                        || same_slug(&slug(&entry.title), &album.slug))
            });
            if restored_by.is_none() {
                return Err(format!(
                    "deleted album {} ({:?}) came back as {:?} although no entry has its title or slug",
                    album.uid, album.title, now.title
                ));
            }
            continue;
        }
        if case.prune && (now.deleted || partial) {
            continue;
        }
        if now.deleted {
            return Err(format!(
                "undeclared album {} ({:?}) was deleted without prune",
                album.uid, album.title
            ));
        }
        let initial: BTreeSet<String> = before_members(before, album)
            .into_iter()
            .filter(|uid| !archived_now.contains(uid))
            .collect();
        let current: BTreeSet<String> = emulator.album_members(&album.uid).into_iter().collect();
        if now.title != album.title
            || now.favorite != album.favorite
            || now.description != album.description
            || current != initial
        {
            return Err(format!(
                "undeclared album {} changed: title {:?} -> {:?}, favorite {} -> {}, members {:?} -> {:?}",
                album.uid, album.title, now.title, album.favorite, now.favorite, initial, current
            ));
        }
    }
    Ok(())
}

/// The visible members a seeded album had (seeding adds visible rows).
fn before_members(before: &Before, album: &AlbumView) -> Vec<String> {
    before
        .photos
        .iter()
        .filter(|p| p.albums.contains(&album.uid))
        .map(|p| p.uid.clone())
        .collect()
}

fn check_server(
    case: &Case,
    emulator: &Emulator,
    before: &Before,
    expected: &Expected,
) -> Result<(), String> {
    check_untouched_albums(case, emulator, before, expected, false)?;
    let declared = declared_albums(case);
    let all_now = emulator.albums();
    let seeded_uids: BTreeSet<&str> = before.albums.iter().map(|a| a.uid.as_str()).collect();
    let mut taken_uids: BTreeSet<String> = BTreeSet::new();
    for (index, entry) in declared.iter().enumerate() {
        let title = pp_album_title(&entry.title);
        if entry.absent {
            if let Some(pin) = entry.pin {
                let now = emulator
                    .album(&before.albums[pin].uid)
                    .ok_or("pinned album gone")?;
                if !now.deleted {
                    return Err(format!("absent album {} still exists", now.uid));
                }
            } else if let Some(alive) = all_now.iter().find(|a| {
                a.album_type == "album"
                    && !a.deleted
                    && (a.title.to_lowercase() == title.to_lowercase()
                        || same_slug(&a.slug, &slug(&title)))
            }) {
                return Err(format!(
                    "absent album a{index} ({title:?}) still exists as {} ({:?})",
                    alive.uid, alive.title
                ));
            }
            continue;
        }
        let album = match expected.matched.get(&index) {
            Some(&seeded) => emulator
                .album(&before.albums[seeded].uid)
                .ok_or("matched album gone")?,
            None => {
                let found: Vec<&AlbumView> = all_now
                    .iter()
                    .filter(|a| a.album_type == "album" && !a.deleted && a.title == title)
                    .filter(|a| !taken_uids.contains(&a.uid))
                    .filter(|a| {
                        // A seeded album may only be this entry if it was deleted and has
                        // the entry's title or slug (PhotoPrism restores it on create).
                        match before.albums.iter().find(|s| s.uid == a.uid) {
                            None => true,
                            Some(s) => {
                                s.deleted
                                    && (s.title.to_lowercase() == title.to_lowercase()
                                        || same_slug(&s.slug, &slug(&title)))
                            }
                        }
                    })
                    .collect();
                match found.as_slice() {
                    [one] => (*one).clone(),
                    [] => {
                        return Err(format!(
                            "album a{index} ({title:?}) does not exist; albums: {:?}",
                            all_now
                                .iter()
                                .filter(|a| a.album_type == "album")
                                .map(|a| (
                                    &a.uid,
                                    &a.title,
                                    a.deleted,
                                    seeded_uids.contains(a.uid.as_str())
                                ))
                                .collect::<Vec<_>>()
                        ));
                    }
                    several => {
                        return Err(format!(
                            "album a{index} ({title:?}) exists {} times",
                            several.len()
                        ));
                    }
                }
            }
        };
        taken_uids.insert(album.uid.clone());
        if album.deleted {
            return Err(format!("album a{index} ({}) is deleted", album.uid));
        }
        if album.title != title {
            return Err(format!(
                "album a{index} ({}) is titled {:?}, declared {:?}",
                album.uid, album.title, title
            ));
        }
        if let Some(favorite) = entry.favorite {
            if album.favorite != favorite {
                return Err(format!("album a{index} favorite is {}", album.favorite));
            }
        }
        if let Some(description) = &entry.description {
            if &album.description != description {
                return Err(format!(
                    "album a{index} description is {:?}, declared {description:?}",
                    album.description
                ));
            }
        }
        if let Some((_, country, order, private)) = &entry.extra {
            if album.country != COUNTRIES[*country]
                || album.order != ORDERS[*order]
                || album.private != *private
            {
                return Err(format!(
                    "album a{index}: country {:?}, order {:?}, private {}",
                    album.country, album.order, album.private
                ));
            }
        }
        if let Some(wanted) = expected.album_photos.get(&index) {
            let wanted: BTreeSet<String> = wanted.iter().map(|&i| uid(i)).collect();
            let current = members(emulator, &album.uid);
            let ok = if entry.additive {
                wanted.is_subset(&current)
            } else {
                wanted == current
            };
            if !ok {
                return Err(format!(
                    "album a{index} ({title:?}) holds {current:?}, declared {wanted:?} ({})",
                    if entry.additive { "additive" } else { "exact" }
                ));
            }
        }
    }
    check_photos(case, emulator, before, expected)
}

fn check_photos(
    case: &Case,
    emulator: &Emulator,
    before: &Before,
    expected: &Expected,
) -> Result<(), String> {
    for (index, was) in before.photos.iter().enumerate() {
        let now = emulator
            .photo(&was.uid)
            .ok_or_else(|| format!("photo {} vanished", was.uid))?;
        let rules: Vec<&RuleGen> = case
            .rules
            .iter()
            .zip(&expected.rule_photos)
            .filter(|(_, photos)| photos.contains(&index))
            .map(|(rule, _)| rule)
            .collect();
        let set = |get: &dyn Fn(&RuleGen) -> bool| rules.iter().any(|rule| get(rule));
        let mismatch = |what: &str, now: &dyn std::fmt::Debug, want: &dyn std::fmt::Debug| {
            Err(format!(
                "photo {} {what} is {now:?}, expected {want:?}",
                was.uid
            ))
        };
        let favorite = rules
            .iter()
            .find_map(|r| r.favorite)
            .unwrap_or(was.favorite);
        if now.favorite != favorite {
            return mismatch("favorite", &now.favorite, &favorite);
        }
        let private = rules.iter().find_map(|r| r.private).unwrap_or(was.private);
        if now.private != private {
            return mismatch("private", &now.private, &private);
        }
        let archived = rules
            .iter()
            .find_map(|r| r.archived)
            .unwrap_or(was.archived && !expected.restoring.contains(&index));
        if now.archived != archived {
            return mismatch("archived", &now.archived, &archived);
        }
        let taken = rules.iter().find_map(|r| r.taken.clone());
        match &taken {
            Some(taken) => {
                let at = OffsetDateTime::parse(&now.taken_at, &Rfc3339)
                    .map_err(|e| format!("taken_at {:?}: {e}", now.taken_at))?;
                if at != taken.instant() {
                    return mismatch("taken_at", &now.taken_at, &taken.text());
                }
                let zone = rules.iter().find_map(|r| r.taken.as_ref()?.zone);
                if let Some(zone) = zone {
                    if now.time_zone != ZONES[zone] {
                        return mismatch("time_zone", &now.time_zone, &ZONES[zone]);
                    }
                }
            }
            None => {
                if now.taken_at != was.taken_at || now.time_zone != was.time_zone {
                    return mismatch(
                        "taken_at/time_zone",
                        &(&now.taken_at, &now.time_zone),
                        &(&was.taken_at, &was.time_zone),
                    );
                }
            }
        }
        let title = rules.iter().find_map(|r| r.title.clone());
        match title {
            Some(title) if now.title != title => return mismatch("title", &now.title, &title),
            // An automatic title follows the date it is made from.
            None if !(was.title_src.is_empty() && taken.is_some()) && now.title != was.title => {
                return mismatch("title", &now.title, &was.title);
            }
            _ => {}
        }
        let caption = rules
            .iter()
            .find_map(|r| r.caption.clone())
            .unwrap_or_else(|| was.caption.clone());
        if now.caption != caption {
            return mismatch("caption", &now.caption, &caption);
        }
        let notes = rules
            .iter()
            .find_map(|r| r.notes.clone())
            .unwrap_or_else(|| was.notes.clone());
        if now.notes != notes {
            return mismatch("notes", &now.notes, &notes);
        }
        let keywords = if set(&|r| r.keywords.is_some()) {
            rules
                .iter()
                .find_map(|r| r.keywords.as_deref())
                .map(pp_keywords)
                .unwrap_or_default()
        } else {
            was.keywords.clone()
        };
        if now.keywords != keywords {
            return mismatch("keywords", &now.keywords, &keywords);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The properties

/// How the cases of one run ended.
#[derive(Default)]
struct Tally {
    cases: AtomicUsize,
    converged: AtomicUsize,
    offline: AtomicUsize,
    plan: AtomicUsize,
    like: AtomicUsize,
}

impl Tally {
    fn record(&self, outcome: Outcome) {
        self.cases.fetch_add(1, Ordering::Relaxed);
        let counter = match outcome {
            Outcome::Converged => &self.converged,
            Outcome::RefusedOffline => &self.offline,
            Outcome::RefusedByPlan => &self.plan,
            Outcome::RefusedCollision => &self.like,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn refused(&self) -> usize {
        self.offline.load(Ordering::Relaxed)
            + self.plan.load(Ordering::Relaxed)
            + self.like.load(Ordering::Relaxed)
    }

    fn summary(&self) -> String {
        format!(
            "{} cases: {} converged, {} refused offline, {} refused by the plan, {} refused on a create answered with another album",
            self.cases.load(Ordering::Relaxed),
            self.converged.load(Ordering::Relaxed),
            self.offline.load(Ordering::Relaxed),
            self.plan.load(Ordering::Relaxed),
            self.like.load(Ordering::Relaxed),
        )
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

fn property(faults: bool) {
    let defaults = Config::default();
    let rng_seed = if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
        defaults.rng_seed
    } else {
        RngSeed::Fixed(DEFAULT_SEED)
    };
    let config = Config {
        cases: cases(),
        rng_seed,
        max_shrink_iters: 300,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..defaults
    };
    let tally = Tally::default();
    // `PRYSM_PROPTEST_KEEP_GOING=1`: report every failing case (unshrunk) instead of stopping
    // at the first; the test still fails at the end.
    let keep_going = std::env::var_os("PRYSM_PROPTEST_KEEP_GOING").is_some();
    let failures: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut runner = TestRunner::new(config);
    let result = runner.run(&(case(), any::<u64>()), |(case, seed)| {
        let outcome = match block_on(run(case.clone(), faults.then_some(seed))) {
            Err(TestCaseError::Fail(why)) if keep_going => {
                let first = why.message().lines().next().unwrap_or_default().to_owned();
                eprintln!("FAILED: {why}\ncase: {case:?}\n");
                failures
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(first);
                return Ok(());
            }
            other => other?,
        };
        tally.record(outcome);
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}\n({})", tally.summary());
    }
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    assert!(
        failures.is_empty(),
        "{} cases failed ({}):\n{}",
        failures.len(),
        tally.summary(),
        failures.join("\n")
    );
    let cases = tally.cases.load(Ordering::Relaxed);
    eprintln!("{}", tally.summary());
    assert!(
        cases < 20 || tally.refused() * 100 <= cases * MAX_REFUSED_PERCENT,
        "more than {MAX_REFUSED_PERCENT} % of the cases were refused: {}",
        tally.summary()
    );
}

#[test]
fn plan_apply_plan_is_empty() {
    property(false);
}

#[test]
fn a_partial_apply_under_faults_converges_on_the_next_run() {
    property(true);
}

// ---------------------------------------------------------------------------------------
// Minimal failing cases the property found, kept as plain tests (both generations)

fn plain_photo(label: usize) -> PhotoState {
    PhotoState {
        label,
        favorite: false,
        private: false,
        archived: false,
        auto_title: false,
        caption: String::new(),
        keywords: Vec::new(),
    }
}

fn plain_album(title: &str) -> AlbumGen {
    AlbumGen {
        title: title.to_owned(),
        pin: None,
        photos: None,
        additive: false,
        favorite: None,
        description: None,
        absent: false,
        extra: None,
    }
}

fn no_rule(selector: Sel) -> RuleGen {
    RuleGen {
        selector,
        favorite: None,
        private: None,
        archived: None,
        title: None,
        caption: None,
        notes: None,
        keywords: None,
        taken: None,
    }
}

/// Runs `case` on both generations; returns how each ended, or panics with the failure.
fn both_generations(case: Case) -> Vec<Outcome> {
    [true, false]
        .into_iter()
        .map(|v2024| {
            let case = Case {
                v2024,
                ..case.clone()
            };
            match block_on(run(case, None)) {
                Ok(outcome) => outcome,
                Err(error) => panic!("{error}"),
            }
        })
        .collect()
}

/// Keywords keep digits inside words (probe 03): `covid19`, `4k` and `b2b` are stored as
/// written, lower-cased; `2024` and `2024-07` (numbers) are dropped.
#[test]
fn regression_keywords_keep_digits_inside_words() {
    let case = Case {
        v2024: false,
        photos: vec![plain_photo(0)],
        albums: Vec::new(),
        manifest_albums: Vec::new(),
        rules: vec![RuleGen {
            keywords: Some(
                [
                    "covid19", "4k", "2024", "2024-07", "New-York", "b2b", "über",
                ]
                .map(str::to_owned)
                .to_vec(),
            ),
            ..no_rule(Sel::Uid(0))
        }],
        prune: false,
    };
    assert_eq!(
        pp_keywords(case.rules[0].keywords.as_deref().unwrap_or_default()),
        "4k, b2b, covid19, new-york, über"
    );
    assert_eq!(both_generations(case), [Outcome::Converged; 2]);
}

/// Creating `Trip_2024` while `Trip-2024` exists: PhotoPrism's `FindAlbum` matches the title
/// with SQL `LIKE` (`_` = any one character) and answers with the other album (probe 02). It
/// must not be renamed or get the new album's photos; refusing the create is fine.
#[test]
fn regression_an_album_create_answered_with_another_album_takes_nothing_over() {
    let case = Case {
        v2024: false,
        photos: vec![plain_photo(0), plain_photo(1), plain_photo(2)],
        albums: vec![AlbumStateGen {
            title: "Trip-2024".to_owned(),
            members: vec![0, 1],
            deleted: false,
            favorite: true,
        }],
        manifest_albums: vec![AlbumGen {
            photos: Some(vec![Sel::Uid(2)]),
            favorite: Some(false),
            ..plain_album("Trip_2024")
        }],
        rules: Vec::new(),
        prune: false,
    };
    for outcome in both_generations(case) {
        assert!(
            matches!(outcome, Outcome::Converged | Outcome::RefusedCollision),
            "{outcome:?}"
        );
    }
}

/// Titles without letters a slug can keep (emoji only) all have PhotoPrism's slug `-`, so
/// creating one is answered with another such album. It must not be taken over.
#[test]
fn regression_titles_with_the_same_empty_slug_take_nothing_over() {
    let case = Case {
        v2024: false,
        photos: vec![plain_photo(0), plain_photo(1)],
        albums: vec![AlbumStateGen {
            title: "🎉🎉".to_owned(),
            members: vec![0],
            deleted: false,
            favorite: false,
        }],
        manifest_albums: vec![AlbumGen {
            photos: Some(vec![Sel::Uid(1)]),
            ..plain_album("🎈")
        }],
        rules: Vec::new(),
        prune: false,
    };
    for outcome in both_generations(case) {
        assert!(
            matches!(outcome, Outcome::Converged | Outcome::RefusedCollision),
            "{outcome:?}"
        );
    }
}

/// An entry pinned by `uid` renames its album to `Summer` while an entry without uid says no
/// album `Summer` may exist: after the apply the second matches the first's album and the
/// next plan failed ("the same server album"). Validation now refuses the pair.
#[test]
fn regression_an_entry_without_uid_may_not_share_a_pinned_entrys_title() {
    let case = Case {
        v2024: false,
        photos: vec![plain_photo(0)],
        albums: vec![AlbumStateGen {
            title: "Winter Trip".to_owned(),
            members: vec![0],
            deleted: false,
            favorite: false,
        }],
        manifest_albums: vec![
            AlbumGen {
                pin: Some(0),
                ..plain_album("Summer")
            },
            AlbumGen {
                absent: true,
                ..plain_album("summer")
            },
        ],
        rules: Vec::new(),
        prune: false,
    };
    assert_eq!(both_generations(case), [Outcome::RefusedOffline; 2]);
}

/// A photo with an automatic title (`TitleSrc` ""), given only a caption, `private` and a
/// time zone, keeps its title (probe 05), and the rule converges.
#[test]
fn regression_automatic_titles_survive_rules_that_do_not_set_them() {
    let case = Case {
        v2024: false,
        photos: vec![PhotoState {
            auto_title: true,
            ..plain_photo(0)
        }],
        albums: Vec::new(),
        manifest_albums: Vec::new(),
        rules: vec![RuleGen {
            caption: Some("Frost on the window".to_owned()),
            private: Some(true),
            ..no_rule(Sel::Uid(0))
        }],
        prune: false,
    };
    assert_eq!(both_generations(case), [Outcome::Converged; 2]);
}

/// An archived photo added to an album keeps a visible row there (photoprism-api.md §7). A
/// plan that restores it (an album selects it by uid) must also take it out of an album with
/// exact membership that does not select it: the next plan wanted to remove it.
#[test]
fn regression_a_restored_photo_leaves_exact_albums_that_do_not_select_it() {
    let case = Case {
        v2024: false,
        photos: vec![
            plain_photo(0),
            PhotoState {
                archived: true,
                ..plain_photo(0)
            },
        ],
        albums: vec![AlbumStateGen {
            title: "Summer".to_owned(),
            members: vec![0, 1],
            deleted: false,
            favorite: false,
        }],
        manifest_albums: vec![
            AlbumGen {
                photos: Some(vec![Sel::Uid(0)]),
                ..plain_album("Summer")
            },
            AlbumGen {
                photos: Some(vec![Sel::Uid(1)]),
                ..plain_album("Winter Trip")
            },
        ],
        rules: Vec::new(),
        prune: false,
    };
    assert_eq!(both_generations(case), [Outcome::Converged; 2]);
}

/// Bug E of the 2026-11 property test: an entry pinned by `uid` to an album that is already
/// deleted, with `state: absent`, beside an entry that creates an album with the deleted
/// album's title. PhotoPrism's create restores the deleted album; prysm must not end with the
/// absent album alive or claimed by the other entry.
#[test]
fn regression_an_absent_pinned_album_is_not_brought_back_by_a_create_of_its_title() {
    let case = Case {
        v2024: false,
        photos: vec![plain_photo(0), plain_photo(1)],
        albums: vec![AlbumStateGen {
            title: "Summer".to_owned(),
            members: vec![0],
            deleted: true,
            favorite: false,
        }],
        manifest_albums: vec![
            AlbumGen {
                pin: Some(0),
                absent: true,
                ..plain_album("Summer")
            },
            AlbumGen {
                photos: Some(vec![Sel::Uid(1)]),
                ..plain_album("Summer")
            },
        ],
        rules: Vec::new(),
        prune: false,
    };
    for outcome in both_generations(case) {
        assert!(
            matches!(
                outcome,
                Outcome::Converged | Outcome::RefusedCollision | Outcome::RefusedOffline
            ),
            "{outcome:?}"
        );
    }
}
