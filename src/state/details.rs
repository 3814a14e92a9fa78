//! Reading photo details (keywords, notes, subject, artist, copyright,
//! license): only for photos whose rules manage them, and in batches where the
//! server can.
//!
//! On 2025+ servers a batch edit without values only reads: for up to 500
//! photos it answers each photo's keywords (`DetailsKeywords` of its row) and,
//! for subject, artist, copyright and license, the value the selection shares
//! (`values.DetailsArtist = {"value": …, "mixed": false}`). A shared value is
//! every photo's value; a mixed one is narrowed down by reading halves, and
//! small mixed groups are read one photo at a time (`GET /photos/:uid`, which
//! also gives notes and the `…Src` fields an update needs). Servers without
//! batch edit are read one photo at a time.
//!
//! Labels are read here too, for the photos of rules that manage labels.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt, TryStreamExt};

use super::fetch::Pages;
use super::{LibraryState, ServerDetails, ServerLabel, Uid};
use crate::manifest::{Manifest, SelectorKind, label_slug};
use crate::photoprism::{BATCH_EDIT_CHUNK, BatchValues, Client, Error};

/// Bits of the detail fields a photo's rules manage.
const KEYWORDS: u8 = 1;
const NOTES: u8 = 2;
const SUBJECT: u8 = 4;
const ARTIST: u8 = 8;
const COPYRIGHT: u8 = 16;
const LICENSE: u8 = 32;
/// Labels are not a detail field, but are read the same way: a batch read lists the visible
/// labels of the selection (`values.Labels.items`, `mixed` when only some photos have one),
/// a whole read gives every link with its uncertainty and numeric `LabelID`.
const LABELS: u8 = 64;

/// The batch-edit `values` key of each field a batch read aggregates.
const AGGREGATED: [(u8, &str); 4] = [
    (SUBJECT, "DetailsSubject"),
    (ARTIST, "DetailsArtist"),
    (COPYRIGHT, "DetailsCopyright"),
    (LICENSE, "DetailsLicense"),
];

/// A mixed group this small is read one photo at a time rather than halved.
const LEAF: usize = 32;

/// Which detail fields of which photos the rules manage.
fn needs(
    manifest: &Manifest,
    state: &LibraryState,
    albums: &BTreeMap<String, Option<String>>,
) -> BTreeMap<Uid, u8> {
    let mut needs: BTreeMap<Uid, u8> = BTreeMap::new();
    for rule in &manifest.photos {
        let mut mask = 0;
        for (set, bit) in [
            (rule.keywords.is_some(), KEYWORDS),
            (rule.notes.is_some(), NOTES),
            (rule.subject.is_some(), SUBJECT),
            (rule.artist.is_some(), ARTIST),
            (rule.copyright.is_some(), COPYRIGHT),
            (rule.license.is_some(), LICENSE),
            (rule.labels.is_some(), LABELS),
            // Label changes move keywords (on 2024 an addition adds its words): the plan shows
            // that side effect, so it needs the keywords; a whole read gives them anyway. On
            // 2025+ only removals move keywords: those photos are read in a second pass
            // ([`keywords_for_label_removals`]), once their labels show a removal is due.
            (rule.labels.is_some() && !state.batch_edit, KEYWORDS),
        ] {
            if set {
                mask |= bit;
            }
        }
        if mask == 0 {
            continue;
        }
        for uid in rule_photos(manifest, state, albums, rule) {
            *needs.entry(uid).or_default() |= mask;
        }
    }
    needs
}

/// Every photo a rule's `match` may select (its `except` is not taken off: reading a photo
/// too many costs little), archived ones the plan restores included.
fn rule_photos(
    manifest: &Manifest,
    state: &LibraryState,
    albums: &BTreeMap<String, Option<String>>,
    rule: &crate::manifest::PhotoRule,
) -> Vec<Uid> {
    // `album:` selectors select what the plan leaves in the album.
    let mut out = crate::resolve::album_selections(manifest, state, albums, &rule.selectors);
    for selector in &rule.selectors {
        out.extend(state.found(&selector.kind).iter());
        // Archived photos a query or a path pattern finds (those the plan restores).
        let archived = match &selector.kind {
            SelectorKind::Query(query) => state.found_archived(query),
            SelectorKind::Path(pattern) if selector.kind.is_pattern() => {
                state.found_archived_pattern(pattern)
            }
            _ => &[],
        };
        out.extend(archived);
    }
    out
}

/// Photos whose keywords are not read and that hold a label a rule removes: the removal
/// drops keywords (those inside the label's name), which the plan shows, so their keywords
/// are read. Only photos whose labels were read and need the removal: reading the keywords
/// of every photo such a rule matches would cost a read per photo on each plan (keywords
/// differ from photo to photo, so batch reads of them split down to single photos).
fn keywords_for_label_removals(
    manifest: &Manifest,
    state: &LibraryState,
    albums: &BTreeMap<String, Option<String>>,
) -> BTreeMap<Uid, u8> {
    let mut needs: BTreeMap<Uid, u8> = BTreeMap::new();
    for rule in &manifest.photos {
        let Some(labels) = &rule.labels else {
            continue;
        };
        let removed: Vec<String> = labels.remove.iter().map(|name| label_slug(name)).collect();
        if removed.is_empty() {
            continue;
        }
        for uid in rule_photos(manifest, state, albums, rule) {
            let Some(details) = state.photo(uid).and_then(|photo| photo.details.as_deref()) else {
                continue;
            };
            let due = details.labels.as_ref().is_some_and(|held| {
                held.iter()
                    .any(|label| removed.iter().any(|slug| label.is(slug)))
            });
            if due && details.keywords.is_none() {
                needs.insert(uid, KEYWORDS);
            }
        }
    }
    needs
}

/// Reads the details the rules need into `state`.
pub(super) async fn read(
    client: &Client,
    manifest: &Manifest,
    state: &mut LibraryState,
    albums: &BTreeMap<String, Option<String>>,
    concurrency: usize,
    pages: &Pages,
) -> Result<(), Error> {
    let managed = managed_label_slugs(manifest);
    let first = needs(manifest, state, albums);
    read_needs(client, state, first, &managed, concurrency, pages).await?;
    let second = keywords_for_label_removals(manifest, state, albums);
    read_needs(client, state, second, &managed, concurrency, pages).await
}

/// Reads the detail fields `needs` names of each photo into `state`: in batches where the
/// server can, else one photo at a time.
async fn read_needs(
    client: &Client,
    state: &mut LibraryState,
    needs: BTreeMap<Uid, u8>,
    managed: &BTreeSet<String>,
    concurrency: usize,
    pages: &Pages,
) -> Result<(), Error> {
    if needs.is_empty() {
        return Ok(());
    }
    let mut whole: Vec<Uid> = Vec::new();
    let mut groups: BTreeMap<u8, Vec<Uid>> = BTreeMap::new();
    let batch = state.batch_edit;
    for (uid, mask) in needs {
        // Notes are only in the whole photo; a batch answer leaves archived photos out.
        if !batch || mask & NOTES != 0 || state.is_archived(uid) {
            whole.push(uid);
        } else {
            groups.entry(mask).or_default().push(uid);
        }
    }
    let mut found: Vec<(Uid, ServerDetails)> = Vec::new();
    if !groups.is_empty() {
        match read_batches(client, groups, concurrency, pages, managed).await {
            Ok((details, rest)) => {
                found.extend(details);
                whole.extend(rest);
            }
            Err(BatchFailure::Unsupported(uids)) => whole.extend(uids),
            Err(BatchFailure::Server(error)) => return Err(error),
        }
    }
    found.extend(read_whole(client, whole, concurrency, pages).await?);
    for (uid, details) in found {
        if let Ok(index) = state.photos.binary_search_by(|photo| photo.uid.cmp(&uid)) {
            if let Some(photo) = state.photos.get_mut(index) {
                match &mut photo.details {
                    Some(known) => known.merge(details),
                    None => photo.details = Some(Box::new(details)),
                }
            }
        }
    }
    Ok(())
}

/// Reads groups of photos (by the fields they need) with read-only batch edits.
/// Returns what was read and the photos that need a whole read.
async fn read_batches(
    client: &Client,
    groups: BTreeMap<u8, Vec<Uid>>,
    concurrency: usize,
    pages: &Pages,
    managed: &BTreeSet<String>,
) -> Result<(Vec<(Uid, ServerDetails)>, Vec<Uid>), BatchFailure> {
    let mut pending: Vec<(u8, Vec<Uid>)> = Vec::new();
    for (mask, uids) in groups {
        for chunk in uids.chunks(BATCH_EDIT_CHUNK) {
            pending.push((mask, chunk.to_vec()));
        }
    }
    let all: Vec<Uid> = pending.iter().flat_map(|(_, uids)| uids.clone()).collect();
    let mut found = Vec::new();
    let mut rest = Vec::new();
    while !pending.is_empty() {
        pages.expect(pending.len());
        let answers: Vec<(u8, Vec<Uid>, Result<_, Error>)> =
            stream::iter(std::mem::take(&mut pending))
                .map(|(mask, uids)| async move {
                    let text: Vec<String> = uids.iter().map(Uid::to_string).collect();
                    let answer = client.batch_edit(&text, &BatchValues::new()).await;
                    pages.done();
                    (mask, uids, answer)
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
        for (mask, uids, answer) in answers {
            let answer = match answer {
                Ok(answer) => answer,
                Err(Error::Unsupported { .. }) => return Err(BatchFailure::Unsupported(all)),
                Err(error) => return Err(BatchFailure::Server(error)),
            };
            match settle(mask, &uids, &answer, managed) {
                Settled::Read(details, missing) => {
                    found.extend(details);
                    rest.extend(missing);
                }
                Settled::Mixed if uids.len() > LEAF => {
                    let (left, right) = uids.split_at(uids.len() / 2);
                    pending.push((mask, left.to_vec()));
                    pending.push((mask, right.to_vec()));
                }
                Settled::Mixed | Settled::Unknown => rest.extend(uids),
            }
        }
    }
    Ok((found, rest))
}

/// Why batch reads stopped.
enum BatchFailure {
    /// The server has no batch edit: read these photos whole.
    Unsupported(Vec<Uid>),
    /// A request failed.
    Server(Error),
}

/// What one batch answer tells.
enum Settled {
    /// Every photo's needed fields, and the photos the answer left out.
    Read(Vec<(Uid, ServerDetails)>, Vec<Uid>),
    /// A needed aggregated field differs between the photos.
    Mixed,
    /// The answer does not aggregate a needed field (an older release): read whole.
    Unknown,
}

/// The slugs of every label a rule names: a batch read only needs to settle these.
fn managed_label_slugs(manifest: &Manifest) -> BTreeSet<String> {
    manifest
        .photos
        .iter()
        .filter_map(|rule| rule.labels.as_ref())
        .flat_map(|labels| labels.add.iter().chain(&labels.remove))
        .map(|name| label_slug(name))
        .collect()
}

/// The labels every photo of a batch answer has, or `Mixed` when a managed label is on some
/// of them only (labels no rule names may differ: they are not compared).
fn shared_labels(
    answer: &crate::photoprism::models::BatchEditResponse,
    managed: &BTreeSet<String>,
) -> Result<Vec<ServerLabel>, Settled> {
    let Some(labels) = answer.values.get("Labels") else {
        return Err(Settled::Unknown);
    };
    let mut shared = Vec::new();
    for item in &labels.items {
        let slug = label_slug(&item.title);
        if item.mixed {
            if managed.contains(&slug) {
                return Err(Settled::Mixed);
            }
            continue;
        }
        shared.push(ServerLabel {
            name: item.title.as_str().into(),
            slug: slug.into(),
            uid: item.value.as_str().into(),
            id: 0,
        });
    }
    shared.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(shared)
}

fn settle(
    mask: u8,
    uids: &[Uid],
    answer: &crate::photoprism::models::BatchEditResponse,
    managed: &BTreeSet<String>,
) -> Settled {
    let labels = if mask & LABELS != 0 {
        match shared_labels(answer, managed) {
            Ok(labels) => Some(labels),
            Err(settled) => return settled,
        }
    } else {
        None
    };
    let mut shared: Vec<(u8, Box<str>)> = Vec::new();
    for (bit, key) in AGGREGATED {
        if mask & bit == 0 {
            continue;
        }
        match answer.values.get(key) {
            Some(value) if !value.mixed => match value.value.as_str() {
                Some(text) => shared.push((bit, text.into())),
                None if value.value.is_null() => shared.push((bit, "".into())),
                None => return Settled::Unknown,
            },
            Some(_) => return Settled::Mixed,
            None => return Settled::Unknown,
        }
    }
    let rows: BTreeMap<&str, &str> = answer
        .models
        .iter()
        .map(|row| (row.uid.as_str(), row.details_keywords.as_str()))
        .collect();
    let mut details = Vec::new();
    let mut missing = Vec::new();
    for uid in uids {
        let Some(keywords) = rows.get(uid.as_str()) else {
            missing.push(*uid);
            continue;
        };
        let mut read = ServerDetails {
            labels: labels.clone(),
            ..ServerDetails::default()
        };
        if mask & KEYWORDS != 0 {
            read.keywords = Some((*keywords).into());
        }
        for (bit, value) in &shared {
            let slot = match *bit {
                SUBJECT => &mut read.subject,
                ARTIST => &mut read.artist,
                COPYRIGHT => &mut read.copyright,
                _ => &mut read.license,
            };
            *slot = Some(value.clone());
        }
        details.push((*uid, read));
    }
    if missing.len() == uids.len() && !uids.is_empty() {
        // Nothing came back: the aggregate describes no photo of the request.
        return Settled::Read(Vec::new(), missing);
    }
    Settled::Read(details, missing)
}

/// Reads photos whole, one `GET /photos/:uid` each.
async fn read_whole(
    client: &Client,
    uids: Vec<Uid>,
    concurrency: usize,
    pages: &Pages,
) -> Result<Vec<(Uid, ServerDetails)>, Error> {
    pages.expect(uids.len());
    stream::iter(uids)
        .map(|uid| async move {
            let photo = client.photo(uid.as_str()).await?;
            pages.done();
            let mut details = photo
                .details
                .as_ref()
                .map(ServerDetails::from_photo)
                .unwrap_or_else(|| {
                    ServerDetails::from_photo(&crate::photoprism::PhotoDetails::default())
                });
            details.labels = Some(ServerLabel::of_photo(&photo));
            Ok::<_, Error>((uid, details))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photoprism::models::BatchEditResponse;

    fn uid(text: &str) -> Uid {
        Uid::parse(text).expect("uid")
    }

    fn answer(json: serde_json::Value) -> BatchEditResponse {
        serde_json::from_value(json).expect("answer")
    }

    #[test]
    fn shared_values_belong_to_every_photo_and_mixed_ones_to_none() {
        let (a, b, c) = (
            uid("p000000000000001"),
            uid("p000000000000002"),
            uid("p000000000000003"),
        );
        let shared = answer(serde_json::json!({
            "models": [
                {"UID": "p000000000000001", "DetailsKeywords": "cat, ünï"},
                {"UID": "p000000000000002", "DetailsKeywords": ""}
            ],
            "values": {
                "DetailsArtist": {"value": "Zoë", "mixed": false, "action": "none"},
                "DetailsLicense": {"value": "", "mixed": true, "action": "none"}
            }
        }));
        // c is not in the answer (archived): it is read whole.
        let Settled::Read(read, missing) =
            settle(KEYWORDS | ARTIST, &[a, b, c], &shared, &BTreeSet::new())
        else {
            panic!("expected values");
        };
        assert_eq!(missing, vec![c]);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].1.keywords.as_deref(), Some("cat, ünï"));
        assert_eq!(read[1].1.artist.as_deref(), Some("Zoë"));
        assert_eq!(read[1].1.license, None);
        // The license differs between the photos: narrow down.
        assert!(matches!(
            settle(LICENSE, &[a, b], &shared, &BTreeSet::new()),
            Settled::Mixed
        ));
        // A release that does not aggregate the subject: read whole, no halving.
        assert!(matches!(
            settle(SUBJECT, &[a, b], &shared, &BTreeSet::new()),
            Settled::Unknown
        ));
    }

    #[test]
    fn labels_shared_by_a_batch_belong_to_every_photo_and_managed_mixed_ones_split_it() {
        let (a, b) = (uid("p000000000000001"), uid("p000000000000002"));
        let read = answer(serde_json::json!({
            "models": [
                {"UID": "p000000000000001", "DetailsKeywords": ""},
                {"UID": "p000000000000002", "DetailsKeywords": ""}
            ],
            "values": {"Labels": {"action": "none", "mixed": true, "items": [
                {"value": "lt1", "title": "Beach House", "mixed": false, "action": "none"},
                {"value": "lt2", "title": "Кот", "mixed": true, "action": "none"}
            ]}}
        }));
        // `Кот` is on one photo only, but no rule names it: the answer settles.
        let managed: BTreeSet<String> = ["beach-house".to_owned()].into();
        let Settled::Read(read_labels, missing) = settle(LABELS, &[a, b], &read, &managed) else {
            panic!("expected labels");
        };
        assert!(missing.is_empty());
        for (_, details) in &read_labels {
            let labels = details.labels.as_deref().expect("labels read");
            assert_eq!(labels.len(), 1);
            assert_eq!(&*labels[0].uid, "lt1");
            assert!(labels[0].is("beach-house"));
        }
        // A rule names `Кот`: which photo has it is unknown, so the group is split.
        let managed: BTreeSet<String> = [label_slug("Кот")].into();
        assert!(matches!(
            settle(LABELS, &[a, b], &read, &managed),
            Settled::Mixed
        ));
        // An answer without `Labels` (an older release) is read whole.
        let bare = answer(serde_json::json!({"models": [], "values": {}}));
        assert!(matches!(
            settle(LABELS, &[a, b], &bare, &managed),
            Settled::Unknown
        ));
    }
}
