//! Resolve: turn manifest entries into server identities.
//!
//! Albums are matched to manual albums (by `uid`, else title, else slug) and
//! photo selectors to photo UIDs, using what [`crate::state::fetch`] looked up.
//! Nothing here talks to the server.

use std::collections::{BTreeMap, HashMap};

use crate::manifest::{AlbumEntry, AlbumState, Manifest, Membership, Selector, SelectorKind};
use crate::plan::{PlanProblem, PlanWarning};
use crate::state::{LibraryState, ServerAlbum, Uid, sorted};

/// The identity of every manifest entry on the server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolution {
    /// Album key -> the UID of the server album it is, `None` when it does not exist.
    pub albums: BTreeMap<String, Option<String>>,
    /// Album key -> the photos it must hold, sorted (only albums whose `photos` is set).
    pub album_photos: BTreeMap<String, Vec<Uid>>,
    /// Photo rule index -> the photos it applies to, sorted.
    pub rule_photos: Vec<Vec<Uid>>,
    /// Warnings about the manifest (path patterns that match no photo).
    pub warnings: Vec<PlanWarning>,
}

/// Matches album entries to the server's manual albums.
///
/// An entry with `uid` is the album with that UID; without it, the album whose
/// title equals the entry's (normalized, case-insensitive) or, failing that,
/// whose slug equals the title's slug (not for `state: absent`: a delete needs the
/// title). Two candidates, or one album claimed by two entries, is an error.
pub fn match_albums(
    manifest: &Manifest,
    albums: &[ServerAlbum],
) -> Result<BTreeMap<String, Option<String>>, Vec<PlanProblem>> {
    let mut problems = Vec::new();
    let mut matched: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut claimed: BTreeMap<String, &AlbumEntry> = BTreeMap::new();
    // Indexes, so that thousands of entries do not each scan every album.
    let mut by_uid: HashMap<&str, &ServerAlbum> = HashMap::with_capacity(albums.len());
    let mut by_title: HashMap<String, Vec<&ServerAlbum>> = HashMap::new();
    let mut by_slug: HashMap<&str, Vec<&ServerAlbum>> = HashMap::new();
    for album in albums {
        by_uid.entry(album.uid.as_str()).or_insert(album);
        by_title
            .entry(album.title.to_lowercase())
            .or_default()
            .push(album);
        by_slug.entry(album.slug.as_str()).or_default().push(album);
    }

    // Entries pinned by uid first, so that title matching cannot steal them.
    for entry in manifest.albums.iter().filter(|entry| entry.uid.is_some()) {
        let uid = entry.uid.as_deref().unwrap_or_default();
        let found = by_uid.get(uid).copied();
        match found {
            Some(album) => {
                claimed.insert(album.uid.clone(), entry);
                matched.insert(entry.key.clone(), Some(album.uid.clone()));
            }
            None if entry.state == AlbumState::Absent => {
                matched.insert(entry.key.clone(), None);
            }
            None => {
                let loc = entry.field_locs.get("uid").unwrap_or(&entry.loc);
                problems.push(
                    PlanProblem::new(
                        "prysm::plan::album_not_found",
                        format!("album.{}: no manual album has the UID {uid}", entry.key),
                    )
                    .at(loc, "no album with this UID")
                    .help(
                        "PhotoPrism cannot create an album with a chosen UID: remove `uid` to \
                         create the album by title, or correct the UID (`prysm export` lists them)",
                    ),
                );
            }
        }
    }

    for entry in manifest.albums.iter().filter(|entry| entry.uid.is_none()) {
        let Some(title) = entry.title.as_deref() else {
            matched.insert(entry.key.clone(), None);
            continue;
        };
        let wanted = crate::manifest::normalize_album_title(title);
        let wanted_lower = wanted.to_lowercase();
        let mut candidates: Vec<&ServerAlbum> =
            by_title.get(&wanted_lower).cloned().unwrap_or_default();
        // Same slug, same album (as PhotoPrism sees it), except the slug `-` of titles
        // without letters or digits (emoji only), which identifies nothing.
        let slug = crate::manifest::slugify(&wanted);
        // An entry that deletes (`state: absent`) takes only an album of its title: after
        // it deleted "100% Fun", the slug `100-fun` would next find "100 Fun", another album
        // (the plan warns instead, see [`warnings`]).
        if candidates.is_empty()
            && entry.state != AlbumState::Absent
            && slug != crate::photoprism::text::UNKNOWN_SLUG
        {
            candidates = by_slug.get(slug.as_str()).cloned().unwrap_or_default();
        }
        let loc = entry.field_locs.get("title").unwrap_or(&entry.loc);
        match candidates.as_slice() {
            [] => {
                matched.insert(entry.key.clone(), None);
            }
            [album] => {
                if let Some(other) = claimed.get(&album.uid) {
                    problems.push(
                        PlanProblem::new(
                            "prysm::plan::album_claimed_twice",
                            format!(
                                "album.{} and album.{} are the same server album ({}, \"{}\")",
                                entry.key, other.key, album.uid, album.title
                            ),
                        )
                        .at(loc, "matches this album by title")
                        .at(&other.loc, "already declares it")
                        .help("give the entries different titles, or remove one of them"),
                    );
                    continue;
                }
                claimed.insert(album.uid.clone(), entry);
                matched.insert(entry.key.clone(), Some(album.uid.clone()));
            }
            several => {
                let list = several
                    .iter()
                    .map(|album| format!("{} (\"{}\")", album.uid, album.title))
                    .collect::<Vec<_>>()
                    .join(", ");
                problems.push(
                    PlanProblem::new(
                        "prysm::plan::album_ambiguous",
                        format!(
                            "album.{}: {} manual albums match the title \"{}\": {list}",
                            entry.key,
                            several.len(),
                            wanted
                        ),
                    )
                    .at(loc, "ambiguous title")
                    .help("add `uid:` to the entry to say which album it is"),
                );
            }
        }
    }

    if problems.is_empty() {
        Ok(matched)
    } else {
        Err(problems)
    }
}

/// Resolves every selector of the manifest to photo UIDs.
///
/// A list of selectors selects their union, minus the union of its `except` list. An
/// `album:` selector selects the album's members as the plan leaves them (see
/// [`AlbumSets`]). A path pattern that matches nothing is a warning, not a problem.
pub fn resolve(
    manifest: &Manifest,
    state: &LibraryState,
    albums: BTreeMap<String, Option<String>>,
) -> Result<Resolution, Vec<PlanProblem>> {
    let mut problems = Vec::new();
    let restoring = photos_to_restore(manifest, state);
    let mut sets = AlbumSets {
        manifest,
        state,
        albums: &albums,
        restoring: &restoring,
        done: BTreeMap::new(),
        visiting: Vec::new(),
    };
    let mut album_photos = BTreeMap::new();
    for entry in &manifest.albums {
        if entry.state == AlbumState::Absent {
            continue;
        }
        if entry.photos.is_some() {
            let set = sets.desired(entry, &mut problems);
            album_photos.insert(entry.key.clone(), set);
        }
    }
    let rule_photos = manifest
        .photos
        .iter()
        .map(|rule| {
            let selected = sets.select(&rule.selectors, &mut problems);
            let mut except = sets.select(&rule.except, &mut problems);
            // Archived photos a query of `except` finds are taken out too (see `fetch`).
            for selector in &rule.except {
                if let SelectorKind::Query(query) = &selector.kind {
                    except.extend(state.found_archived(query));
                }
            }
            minus(selected, &sorted(except))
        })
        .collect();
    if problems.is_empty() {
        Ok(Resolution {
            albums,
            album_photos,
            rule_photos,
            warnings: warnings(manifest, state),
        })
    } else {
        Err(problems)
    }
}

/// Which changes read which album (see [`crate::graph::AlbumReads`]): an album whose
/// `photos` or `except` has an `album:` selector reads that album, and so does every photo
/// of a rule with one. Only albums the manifest declares have changes to wait for.
pub fn album_reads(manifest: &Manifest, resolution: &Resolution) -> Vec<(String, String)> {
    let named = |selector: &Selector| -> Option<String> {
        let SelectorKind::Album(value) = &selector.kind else {
            return None;
        };
        let entry = manifest.album_ref(value).or_else(|| {
            resolution
                .albums
                .iter()
                .find(|(_, uid)| uid.as_deref() == Some(value.as_str()))
                .and_then(|(key, _)| manifest.album_ref(key))
        })?;
        Some(entry.key.clone())
    };
    let mut reads = Vec::new();
    for entry in &manifest.albums {
        for read in entry
            .photos
            .iter()
            .flatten()
            .chain(&entry.except)
            .filter_map(named)
        {
            reads.push((format!("album.{}", entry.key), read.clone()));
            reads.push((format!("album.{}.photos", entry.key), read));
        }
    }
    for rule in &manifest.photos {
        let albums: Vec<String> = rule
            .selectors
            .iter()
            .chain(&rule.except)
            .filter_map(named)
            .collect();
        if albums.is_empty() {
            continue;
        }
        for uid in resolution.rule_photos.get(rule.index).into_iter().flatten() {
            for album in &albums {
                reads.push((format!("photo.{uid}"), album.clone()));
            }
        }
    }
    reads.sort();
    reads.dedup();
    reads
}

/// The warnings of a resolution: every path pattern that matches no photo.
pub fn warnings(manifest: &Manifest, state: &LibraryState) -> Vec<PlanWarning> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for selector in crate::state::all_selectors(manifest) {
        if selector.kind.is_pattern() && state.found(&selector.kind).is_empty() {
            let location = selector.loc.display();
            if seen.insert(location.clone()) {
                out.push(PlanWarning {
                    code: "prysm::plan::pattern_unmatched".to_owned(),
                    message: format!(
                        "the path pattern {} matches no photo",
                        selector.kind.value()
                    ),
                    location: Some(location),
                });
            }
        }
    }
    out.extend(absent_slug_warnings(manifest, state));
    out.sort();
    out
}

/// Entries with `state: absent` (and no `uid`) whose title no album has while an album with
/// the same slug exists: that album is left alone, and the plan says so.
fn absent_slug_warnings(manifest: &Manifest, state: &LibraryState) -> Vec<PlanWarning> {
    let mut out = Vec::new();
    for entry in &manifest.albums {
        let (AlbumState::Absent, None, Some(title)) =
            (entry.state, entry.uid.as_deref(), entry.title.as_deref())
        else {
            continue;
        };
        let wanted = crate::manifest::normalize_album_title(title);
        let lower = wanted.to_lowercase();
        if state
            .albums
            .iter()
            .any(|album| album.title.to_lowercase() == lower)
        {
            continue;
        }
        let slug = crate::manifest::slugify(&wanted);
        if slug == crate::photoprism::text::UNKNOWN_SLUG {
            continue;
        }
        for album in state.albums.iter().filter(|album| album.slug == slug) {
            out.push(PlanWarning {
                code: "prysm::plan::absent_slug_only".to_owned(),
                message: format!(
                    "album.{} (state: absent): no album is titled \"{}\"; \"{}\" ({}) has the \
                     same slug and is left alone (add `uid: {}` to the entry to delete it)",
                    entry.key, wanted, album.title, album.uid, album.uid
                ),
                location: Some(entry.field_loc("title").display()),
            });
        }
    }
    out
}

/// The photos the `album:` selectors among `selectors` select (other selectors are left
/// out); problems are left to [`resolve`].
pub(crate) fn album_selections(
    manifest: &Manifest,
    state: &LibraryState,
    albums: &BTreeMap<String, Option<String>>,
    selectors: &[Selector],
) -> Vec<Uid> {
    let restoring = photos_to_restore(manifest, state);
    let mut sets = AlbumSets {
        manifest,
        state,
        albums,
        restoring: &restoring,
        done: BTreeMap::new(),
        visiting: Vec::new(),
    };
    let mut problems = Vec::new();
    let mut union = Vec::new();
    for selector in selectors {
        if let SelectorKind::Album(value) = &selector.kind {
            union.extend(sets.members(selector, value, &mut problems));
        }
    }
    sorted(union)
}

/// `set` without the photos of `except` (both sorted).
fn minus(set: Vec<Uid>, except: &[Uid]) -> Vec<Uid> {
    if except.is_empty() {
        return set;
    }
    set.into_iter()
        .filter(|uid| except.binary_search(uid).is_err())
        .collect()
}

/// The membership every album will have after the plan, as `album:` selectors see it,
/// computed once per album.
///
/// - an album whose `photos` the manifest manages: `exact` -> the desired set;
///   `additive` -> its current members plus the desired set;
/// - an album the manifest declares without `photos`, or an album it does not declare
///   (by UID): its current members on the server (none when it does not exist yet).
struct AlbumSets<'a> {
    manifest: &'a Manifest,
    state: &'a LibraryState,
    albums: &'a BTreeMap<String, Option<String>>,
    restoring: &'a [Uid],
    /// Album key (or UID, for albums the manifest does not declare) -> final members.
    done: BTreeMap<String, Vec<Uid>>,
    /// Albums being computed (a cycle, which `validate` refuses, ends here).
    visiting: Vec<String>,
}

impl AlbumSets<'_> {
    /// What a managed album must hold: `photos` minus `except`.
    fn desired(&mut self, entry: &AlbumEntry, problems: &mut Vec<PlanProblem>) -> Vec<Uid> {
        self.visiting.push(entry.key.clone());
        let selected = self.select(entry.photos.as_deref().unwrap_or_default(), problems);
        let except = self.select(&entry.except, problems);
        self.visiting.pop();
        minus(selected, &except)
    }

    /// The union of what the selectors select.
    fn select(&mut self, selectors: &[Selector], problems: &mut Vec<PlanProblem>) -> Vec<Uid> {
        let mut union = Vec::new();
        for selector in selectors {
            match &selector.kind {
                SelectorKind::Album(value) => union.extend(self.members(selector, value, problems)),
                _ => union.extend(resolve_selector(
                    selector,
                    self.state,
                    self.restoring,
                    problems,
                )),
            }
        }
        sorted(union)
    }

    /// The final members of the album an `album:` selector names.
    fn members(
        &mut self,
        selector: &Selector,
        value: &str,
        problems: &mut Vec<PlanProblem>,
    ) -> Vec<Uid> {
        // A UID of an album the manifest declares (pinned, or matched by title) is that entry.
        let entry = self.manifest.album_ref(value).or_else(|| {
            self.albums
                .iter()
                .find(|(_, uid)| uid.as_deref() == Some(value))
                .and_then(|(key, _)| self.manifest.album_ref(key))
        });
        let memo = entry.map_or(value, |entry| entry.key.as_str()).to_owned();
        if let Some(done) = self.done.get(&memo) {
            return done.clone();
        }
        if self.visiting.contains(&memo) {
            return Vec::new();
        }
        let server_uid = match entry {
            Some(entry) => self.albums.get(&entry.key).cloned().flatten(),
            None => Some(value.to_owned()),
        };
        let current = || {
            server_uid
                .as_ref()
                .and_then(|uid| self.state.members.get(uid))
                .cloned()
                .unwrap_or_default()
        };
        let set = match entry {
            Some(entry) if entry.photos.is_some() => {
                let desired = self.desired(entry, problems);
                match entry.membership {
                    Membership::Exact => desired,
                    Membership::Additive => {
                        let mut all = current();
                        all.extend(desired);
                        sorted(all)
                    }
                }
            }
            Some(_) => current(),
            None if self.state.album(value).is_some() => current(),
            None => {
                problems.push(
                    PlanProblem::new(
                        "prysm::plan::album_not_found",
                        format!("no manual album has the UID {value}"),
                    )
                    .at(&selector.loc, "no album with this UID")
                    .help(
                        "select a manual album by its UID (`prysm export` lists them) or by the \
                         key of a manifest entry",
                    ),
                );
                Vec::new()
            }
        };
        self.done.insert(memo, set.clone());
        set
    }
}

/// The archived photos the plan will restore (sorted): those an album selects
/// by `uid`, `hash` or `path`, and those a rule with `archived: false` selects.
///
/// A query leaves archived photos out, so after such a restore it finds more
/// than it did at plan time; [`resolve`] therefore counts the restored photos
/// a query would find among its matches, and a single apply converges.
pub fn photos_to_restore(manifest: &Manifest, state: &LibraryState) -> Vec<Uid> {
    let mut restoring = Vec::new();
    if !state.any_archived() {
        return restoring;
    }
    // A photo an `except` takes out is not selected, so not restored either.
    let excepted = |except: &[Selector]| -> Vec<Uid> {
        sorted(
            except
                .iter()
                .flat_map(|selector| state.found(&selector.kind).into_owned())
                .collect(),
        )
    };
    let mut add = |selector: &Selector, except: &[Uid]| {
        restoring.extend(
            state
                .found(&selector.kind)
                .iter()
                .filter(|uid| state.is_archived(**uid) && except.binary_search(uid).is_err()),
        );
    };
    for entry in &manifest.albums {
        if entry.state == AlbumState::Absent {
            continue;
        }
        let except = excepted(&entry.except);
        for selector in entry.photos.iter().flatten() {
            if selector.kind.is_exact() {
                add(selector, &except);
            }
        }
    }
    for rule in &manifest.photos {
        if rule.archived == Some(false) {
            let except = excepted(&rule.except);
            for selector in &rule.selectors {
                add(selector, &except);
            }
        }
    }
    sorted(restoring)
}

/// What one selector other than `album:` selects.
fn resolve_selector(
    selector: &Selector,
    state: &LibraryState,
    restoring: &[Uid],
    problems: &mut Vec<PlanProblem>,
) -> Vec<Uid> {
    if let SelectorKind::Uid(uid) = &selector.kind {
        return match state.found_uid(uid) {
            Some(uid) => vec![uid],
            None => {
                problems.push(unresolved(selector, &[], state));
                Vec::new()
            }
        };
    }
    let found = state.found(&selector.kind);
    match &selector.kind {
        SelectorKind::Query(query) => {
            let mut out = found.to_vec();
            out.extend(
                state
                    .found_archived(query)
                    .iter()
                    .filter(|uid| restoring.binary_search(uid).is_ok()),
            );
            out
        }
        // Zero or more photos (none is a warning, see `warnings`); like a query, counting
        // the archived photos the plan restores.
        SelectorKind::Path(pattern) if selector.kind.is_pattern() => {
            let mut out = found.to_vec();
            out.extend(
                state
                    .found_archived_pattern(pattern)
                    .iter()
                    .filter(|uid| restoring.binary_search(uid).is_ok()),
            );
            out
        }
        SelectorKind::Album(_) => Vec::new(),
        _ if found.len() != 1 => {
            problems.push(unresolved(selector, &found, state));
            Vec::new()
        }
        _ => found.to_vec(),
    }
}

/// The problem of an exact selector that found no photo, or several.
pub(crate) fn unresolved(selector: &Selector, found: &[Uid], state: &LibraryState) -> PlanProblem {
    let (what, value) = (selector.kind.key(), selector.kind.value());
    if found.is_empty() {
        let (message, help) = match &selector.kind {
            SelectorKind::Uid(_) => (
                format!("no photo has the UID {value}"),
                "check the UID; archived photos are found too, deleted ones are not",
            ),
            SelectorKind::Hash(_) => (
                format!("no photo has a file with the SHA-1 hash {value}"),
                "the hash is the SHA-1 of a file of the photo (`sha1sum FILE`), in lower-case hex",
            ),
            SelectorKind::Path(_) => (
                format!("no photo has a file at the path {value}"),
                "the path is relative to the originals folder, e.g. 2024/07/IMG_0001.jpg",
            ),
            SelectorKind::Query(_) | SelectorKind::Album(_) => {
                (format!("{what} {value} found nothing"), "")
            }
        };
        PlanProblem::new("prysm::plan::selector_unresolved", message)
            .at(&selector.loc, format!("this {what} matches no photo"))
            .help(help)
    } else {
        let list = found
            .iter()
            .map(|uid| state.photo_ref(*uid))
            .map(|photo| format!("{} ({})", photo.uid, photo.name))
            .collect::<Vec<_>>()
            .join(", ");
        PlanProblem::new(
            "prysm::plan::selector_ambiguous",
            format!(
                "{what} {value} matches {} photos, it must match exactly one: {list}",
                found.len()
            ),
        )
        .at(
            &selector.loc,
            format!("this {what} matches {} photos", found.len()),
        )
        .help("use a `uid` selector to pick one photo, or a `query` to select them all")
    }
}
