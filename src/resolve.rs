//! Resolve: turn manifest entries into server identities.
//!
//! Albums are matched to manual albums (by `uid`, else title, else slug) and
//! photo selectors to photo UIDs, using what [`crate::state::fetch`] looked up.
//! Nothing here talks to the server.

use std::collections::{BTreeMap, HashMap};

use crate::manifest::{AlbumEntry, AlbumState, Manifest, Selector, SelectorKind};
use crate::plan::PlanProblem;
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
}

/// Matches album entries to the server's manual albums.
///
/// An entry with `uid` is the album with that UID; without it, the album whose
/// title equals the entry's (normalized, case-insensitive) or, failing that,
/// whose slug equals the title's slug. Two candidates, or one album claimed by
/// two entries, is an error.
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
        if candidates.is_empty() && slug != crate::photoprism::text::UNKNOWN_SLUG {
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
pub fn resolve(
    manifest: &Manifest,
    state: &LibraryState,
    albums: BTreeMap<String, Option<String>>,
) -> Result<Resolution, Vec<PlanProblem>> {
    let mut problems = Vec::new();
    let restoring = photos_to_restore(manifest, state);
    let mut album_photos = BTreeMap::new();
    for entry in &manifest.albums {
        if entry.state == AlbumState::Absent {
            continue;
        }
        if let Some(selectors) = &entry.photos {
            let set = resolve_selectors(selectors, state, &restoring, &mut problems);
            album_photos.insert(entry.key.clone(), set);
        }
    }
    let rule_photos = manifest
        .photos
        .iter()
        .map(|rule| resolve_selectors(&rule.selectors, state, &restoring, &mut problems))
        .collect();
    if problems.is_empty() {
        Ok(Resolution {
            albums,
            album_photos,
            rule_photos,
        })
    } else {
        Err(problems)
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
    let mut add = |selector: &Selector| {
        restoring.extend(
            state
                .found(&selector.kind)
                .iter()
                .filter(|uid| state.is_archived(**uid)),
        );
    };
    for entry in &manifest.albums {
        if entry.state == AlbumState::Absent {
            continue;
        }
        for selector in entry.photos.iter().flatten() {
            if selector.kind.is_exact() {
                add(selector);
            }
        }
    }
    for rule in &manifest.photos {
        if rule.archived == Some(false) {
            for selector in &rule.selectors {
                add(selector);
            }
        }
    }
    sorted(restoring)
}

fn resolve_selectors(
    selectors: &[Selector],
    state: &LibraryState,
    restoring: &[Uid],
    problems: &mut Vec<PlanProblem>,
) -> Vec<Uid> {
    let mut union = Vec::new();
    for selector in selectors {
        if let SelectorKind::Uid(uid) = &selector.kind {
            match state.found_uid(uid) {
                Some(uid) => union.push(uid),
                None => problems.push(unresolved(selector, &[], state)),
            }
            continue;
        }
        let found = state.found(&selector.kind);
        match &selector.kind {
            SelectorKind::Query(query) => {
                union.extend_from_slice(&found);
                union.extend(
                    state
                        .found_archived(query)
                        .iter()
                        .filter(|uid| restoring.binary_search(uid).is_ok()),
                );
            }
            _ if found.len() != 1 => problems.push(unresolved(selector, &found, state)),
            _ => union.extend_from_slice(&found),
        }
    }
    sorted(union)
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
            SelectorKind::Query(_) => (format!("query {value} found nothing"), ""),
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
