//! Checks of `album:` selectors that need the whole manifest: the album they name
//! exists (a key, or a well-formed album UID), is not `state: absent`, and no album
//! selects itself through a chain of `album:` selectors.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{AlbumEntry, AlbumState, Manifest, PhotoRule, Selector, SelectorKind};
use super::problem::Problem;
use super::validate::{is_uid, suggest};

/// The manifest entry an `album:` value names: the entry with that key, else the
/// entry pinned to that UID. `None` for a UID of an album the manifest does not declare
/// (and for values that name nothing).
pub(crate) fn referenced_entry<'a>(
    albums: &'a [AlbumEntry],
    value: &str,
) -> Option<&'a AlbumEntry> {
    albums.iter().find(|entry| entry.key == value).or_else(|| {
        albums
            .iter()
            .find(|entry| entry.uid.as_deref() == Some(value))
    })
}

impl Manifest {
    /// The album entry an `album:` selector's value names: the entry with that key, else
    /// the entry pinned to that UID (`uid:`). `None` for any other value.
    pub fn album_ref(&self, value: &str) -> Option<&AlbumEntry> {
        referenced_entry(&self.albums, value)
    }
}

/// Reports unknown, absent and cyclic `album:` references.
pub(crate) fn check_album_refs(
    albums: &[AlbumEntry],
    rules: &[PhotoRule],
    problems: &mut Vec<Problem>,
) {
    let keys: Vec<&str> = albums.iter().map(|entry| entry.key.as_str()).collect();
    // Album key -> (referenced album key, the selector), in manifest order.
    let mut edges: BTreeMap<&str, Vec<(&str, &Selector)>> = BTreeMap::new();
    for entry in albums {
        for selector in entry.photos.iter().flatten().chain(&entry.except) {
            if let Some(target) = check_ref(albums, &keys, selector, problems) {
                edges
                    .entry(&entry.key)
                    .or_default()
                    .push((target, selector));
            }
        }
    }
    for rule in rules {
        for selector in rule.selectors.iter().chain(&rule.except) {
            check_ref(albums, &keys, selector, problems);
        }
    }
    report_cycles(&edges, problems);
}

/// Checks one selector; returns the key of the manifest entry an `album:` selector names.
fn check_ref<'a>(
    albums: &'a [AlbumEntry],
    keys: &[&str],
    selector: &Selector,
    problems: &mut Vec<Problem>,
) -> Option<&'a str> {
    {
        let SelectorKind::Album(value) = &selector.kind else {
            return None;
        };
        match referenced_entry(albums, value) {
            Some(entry) if entry.state == AlbumState::Absent => {
                let state_loc = entry.field_loc("state");
                problems.push(
                    Problem::at(
                        "album_ref_absent",
                        format!(
                            "`album: {value}` selects the members of an album that must not exist"
                        ),
                        &selector.loc,
                        "this album is `state: absent`",
                    )
                    .also_at(state_loc, "declared absent here")
                    .with_help("select another album, or remove the selector"),
                );
                None
            }
            Some(entry) => Some(entry.key.as_str()),
            None if is_uid(value, 'a') => None,
            None => {
                let help = match suggest(value, keys) {
                    Some(key) => format!("did you mean `{key}`?"),
                    None if keys.is_empty() => {
                        "the manifest declares no albums; write an album UID (`a…`)".to_owned()
                    }
                    None => format!(
                        "write a manifest album key ({}) or an album UID (`a…`)",
                        super::validate::list(&keys[..keys.len().min(5)])
                    ),
                };
                problems.push(
                    Problem::at(
                        "unknown_album_ref",
                        format!("`album: {value}` names no album of the manifest"),
                        &selector.loc,
                        "unknown album",
                    )
                    .with_help(help),
                );
                None
            }
        }
    }
}

/// One problem per selector that closes a cycle of `album:` selectors.
fn report_cycles(edges: &BTreeMap<&str, Vec<(&str, &Selector)>>, problems: &mut Vec<Problem>) {
    // Depth-first search; a selector leading to an album on the current path closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        OnPath,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    let mut reported: BTreeSet<*const Selector> = BTreeSet::new();
    for &start in edges.keys() {
        if marks.contains_key(start) {
            continue;
        }
        // Stack of (album, index of the next edge to follow); `path` mirrors it.
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        let mut path: Vec<&str> = vec![start];
        marks.insert(start, Mark::OnPath);
        while let Some(&(album, next)) = stack.last() {
            let out = edges.get(album).map_or(&[][..], Vec::as_slice);
            let Some(&(target, selector)) = out.get(next) else {
                marks.insert(album, Mark::Done);
                stack.pop();
                path.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match marks.get(target) {
                Some(Mark::OnPath) => {
                    if reported.insert(std::ptr::from_ref(selector)) {
                        let from = path.iter().position(|a| *a == target).unwrap_or(0);
                        let mut chain: Vec<&str> = path[from..].to_vec();
                        chain.push(target);
                        problems.push(
                            Problem::at(
                                "album_ref_cycle",
                                format!(
                                    "albums select each other's members in a cycle: {}",
                                    chain
                                        .iter()
                                        .map(|key| format!("album.{key}"))
                                        .collect::<Vec<_>>()
                                        .join(" -> ")
                                ),
                                &selector.loc,
                                "this selector closes the cycle",
                            )
                            .with_help(
                                "an album cannot hold the members of an album that holds its \
                                 own members: select the photos of one of them another way",
                            ),
                        );
                    }
                }
                Some(Mark::Done) => {}
                None => {
                    marks.insert(target, Mark::OnPath);
                    stack.push((target, 0));
                    path.push(target);
                }
            }
        }
    }
}
