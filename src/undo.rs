//! `prysm undo`: the inverse plan of a journalled apply.
//!
//! Every action the journal says was carried out (or may have been, when the apply
//! stopped while it ran) is reversed: fields get their old values back, photos added
//! to an album are removed and removed ones re-added, archived photos are restored and
//! put back into the albums they were in, restored photos are archived, created albums
//! are deleted, and deleted albums are created again with their fields and members
//! (PhotoPrism answers a create whose title matches a soft-deleted album by restoring
//! it, photoprism-api.md §2.5 and §2.7; `exact` membership then removes any member the
//! album did not have). Before reverting, each item is read from the server: when it
//! no longer holds what the apply left, the item is a [`Conflict`] and is left alone
//! unless `force` is set.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{self, GraphOptions};
use crate::journal::{Done, Journal};
use crate::photoprism::{AlbumQuery, Client, Error, text};
use crate::plan::{
    AlbumRef, Change, Conflict, DeleteReason, FieldChange, PhotoRef, Plan, PlanProblems, Value,
};
use crate::state::{ServerDetails, ServerPhoto};

/// How to build an undo plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct UndoOptions {
    /// Revert items the server changed since the apply too.
    pub force: bool,
}

/// Why no undo plan could be made.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum UndoError {
    /// The server could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Server(#[from] Error),
    /// The inverse changes do not form a plan.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Problems(#[from] PlanProblems),
}

fn same(field: &str, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < 1e-6,
        (Value::Text(x), Value::Text(y)) if field == "taken_at" => {
            use time::format_description::well_known::Rfc3339;
            match (
                time::OffsetDateTime::parse(x, &Rfc3339),
                time::OffsetDateTime::parse(y, &Rfc3339),
            ) {
                (Ok(x), Ok(y)) => x == y,
                _ => x == y,
            }
        }
        (Value::Text(x), Value::Text(y)) if field == "category" || field == "country" => {
            x.to_lowercase() == y.to_lowercase()
        }
        _ => a == b,
    }
}

/// What to do with one field, given its value now.
enum Verdict {
    /// Still what the apply left: revert it.
    Revert,
    /// Already back to the old value.
    Nothing,
    /// Something else: a conflict.
    Conflict,
}

fn judge(field: &FieldChange, now: Option<&Value>) -> Verdict {
    match now {
        Some(now) if same(&field.field, now, &field.new) => Verdict::Revert,
        Some(now)
            if field
                .old
                .as_ref()
                .is_some_and(|old| same(&field.field, now, old)) =>
        {
            Verdict::Nothing
        }
        _ => Verdict::Conflict,
    }
}

/// The photo as the plan's state holds it; `None` when the server's UID is not a UID.
fn photo_state(photo: &crate::photoprism::Photo) -> Option<ServerPhoto> {
    Some(ServerPhoto {
        uid: crate::state::Uid::parse(&photo.uid)?,
        id: photo.id,
        name: photo.name.as_str().into(),
        title: photo.title.as_str().into(),
        caption: photo.caption().into(),
        favorite: photo.favorite,
        private: photo.private,
        archived: photo.is_archived(),
        review: photo.quality < 3,
        taken_at: photo.taken_at.as_str().into(),
        time_zone: photo.time_zone.as_str().into(),
        lat: photo.lat,
        lng: photo.lng,
        altitude: photo.altitude.round() as i64,
        details: photo.details.as_ref().map(|details| {
            let mut details = ServerDetails::from_photo(details);
            details.labels = Some(crate::state::ServerLabel::of_photo(photo));
            Box::new(details)
        }),
    })
}

fn album_value(album: &crate::photoprism::Album, field: &str) -> Option<Value> {
    crate::journal::album_fields(album)
        .into_iter()
        .find(|value| value.field == field)
        .map(|value| value.value)
}

fn photo_ref(uid: &str, name: &str) -> PhotoRef {
    PhotoRef {
        uid: uid.to_string(),
        name: name.to_string(),
    }
}

/// Collects the inverse changes and the conflicts.
struct Builder<'a> {
    options: UndoOptions,
    changes: Vec<Change>,
    conflicts: Vec<Conflict>,
    adds: BTreeMap<String, (AlbumRef, BTreeSet<PhotoRef>)>,
    removes: BTreeMap<String, (AlbumRef, BTreeSet<PhotoRef>)>,
    members: BTreeMap<String, Option<BTreeSet<String>>>,
    client: &'a Client,
}

impl Builder<'_> {
    fn conflict(
        &mut self,
        address: &str,
        field: Option<&str>,
        expected: Option<Value>,
        found: Option<Value>,
        reason: &str,
    ) -> bool {
        self.conflicts.push(Conflict {
            address: address.to_string(),
            field: field.map(str::to_string),
            expected,
            found,
            reason: reason.to_string(),
            forced: self.options.force,
        });
        self.options.force
    }

    /// Current members of a live album, archived ones with a visible row included
    /// (PhotoPrism lists those only with `archived=true`, photoprism-api.md §7); `None` when
    /// the album is gone.
    async fn members(&mut self, uid: &str) -> Result<Option<BTreeSet<String>>, Error> {
        if let Some(known) = self.members.get(uid) {
            return Ok(known.clone());
        }
        let found = match self.client.album(uid).await {
            Ok(album) if !album.is_deleted() => Some(
                crate::journal::album_members(self.client, uid)
                    .await?
                    .into_iter()
                    .collect(),
            ),
            Ok(_) | Err(Error::NotFound { .. }) => None,
            Err(error) => return Err(error),
        };
        self.members.insert(uid.to_string(), found.clone());
        Ok(found)
    }

    /// Adds `photo` back to the live albums of `albums` (UIDs), addressed by the key the
    /// applied plan gave them.
    async fn readd(
        &mut self,
        applied: &Plan,
        live_albums: &[crate::photoprism::AlbumResult],
        albums: &[String],
        photo: &PhotoRef,
    ) -> Result<(), Error> {
        for uid in albums {
            if self.members(uid).await?.is_none() {
                continue;
            }
            let known = applied
                .actions
                .iter()
                .filter_map(|other| other.change.album())
                .find(|album| album.uid.as_deref() == Some(uid.as_str()))
                .cloned();
            let title = live_albums
                .iter()
                .find(|album| &album.uid == uid)
                .map(|album| album.title.clone())
                .unwrap_or_default();
            let album = known.unwrap_or(AlbumRef {
                key: None,
                uid: Some(uid.clone()),
                title,
            });
            self.add(&album, photo.clone());
        }
        Ok(())
    }

    fn add(&mut self, album: &AlbumRef, photo: PhotoRef) {
        let (_, photos) = self
            .adds
            .entry(album.uid.clone().unwrap_or_default())
            .or_insert_with(|| (album.clone(), BTreeSet::new()));
        photos.insert(photo);
    }
}

/// Deleted albums (UIDs) that an earlier undo of `journal`, journalled beside it, brought back:
/// restored, or made again as a new album when PhotoPrism answered the title with another one.
fn brought_back(journal: &Journal) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let (Some(dir), Some(name)) = (journal.path.parent(), journal.path.file_name()) else {
        return found;
    };
    for path in crate::journal::list(dir).unwrap_or_default() {
        // A journal that cannot be read tells nothing; undo then plans the album again.
        let Ok(undo) = Journal::read(&path) else {
            continue;
        };
        let undoes_this = undo.start.operation == crate::journal::Operation::Undo
            && undo
                .start
                .undoes
                .as_deref()
                .and_then(|undone| std::path::Path::new(undone).file_name())
                == Some(name);
        if !undoes_this {
            continue;
        }
        for action in &undo.start.plan.actions {
            if let Change::CreateAlbum { album, .. } = &action.change {
                if let (Some(uid), Done::Yes) = (&album.uid, undo.done(action.id)) {
                    found.insert(uid.clone());
                }
            }
        }
    }
    found
}

/// Whether PhotoPrism's create of `sent` (a normalized title with slug `slug`) can answer with
/// the album titled `title` with slug `its_slug` (`FindAlbum`: same slug, or `title LIKE sent`).
fn answers(title: &str, its_slug: &str, sent: &str, slug: &str) -> bool {
    (slug != text::UNKNOWN_SLUG && its_slug == slug) || text::title_like(title, sent)
}

/// Notes the deleted albums that may come back as new albums: PhotoPrism restores the first
/// album a title finds (lowest id), so a restore is answered by a live album whose slug or
/// title matches (as it is now, or as this undo titles it again), or by another deleted album
/// of the same title that this undo brings back too.
fn note_restores(changes: &mut [Change], live_albums: &[crate::photoprism::AlbumResult]) {
    // (index of the change, if a restore; title; slug; UID)
    let mut titles: Vec<(Option<usize>, String, String, String)> = live_albums
        .iter()
        .filter(|live| live.album_type == "album")
        .map(|live| {
            (
                None,
                live.title.clone(),
                live.slug.clone(),
                live.uid.clone(),
            )
        })
        .collect();
    for (index, change) in changes.iter().enumerate() {
        match change {
            Change::UpdateAlbum { album, fields } => {
                let renamed = fields.iter().find_map(|field| match &field.new {
                    Value::Text(title) if field.field == "title" => Some(title.clone()),
                    _ => None,
                });
                if let Some(title) = renamed {
                    let sent = text::album_title(&title);
                    let slug = text::album_slug_at_creation(&sent);
                    titles.push((None, sent, slug, album.uid.clone().unwrap_or_default()));
                }
            }
            Change::CreateAlbum { album, .. } if album.uid.is_some() => {
                let sent = text::album_title(&album.title);
                let slug = text::album_slug_at_creation(&sent);
                titles.push((
                    Some(index),
                    sent,
                    slug,
                    album.uid.clone().unwrap_or_default(),
                ));
            }
            _ => {}
        }
    }
    for (index, sent, slug, uid) in &titles {
        let Some(index) = index else { continue };
        let other = titles.iter().find(|(other, title, its_slug, its_uid)| {
            other != &Some(*index) && its_uid != uid && answers(title, its_slug, sent, slug)
        });
        let Some((other, title, _, its_uid)) = other else {
            continue;
        };
        if let Change::CreateAlbum { note, .. } = &mut changes[*index] {
            let which = if other.is_some() {
                format!("another deleted album this undo brings back, \"{title}\"")
            } else {
                format!("the album \"{title}\" ({its_uid})")
            };
            *note = Some(format!(
                "PhotoPrism may answer this title with {which}: the deleted album {uid} then \
                 comes back as a new album, with its fields and members"
            ));
        }
    }
}

/// A fingerprint of an undo: the journal it undoes, the inverse changes and the conflicts.
fn undo_fingerprint(journal: &Journal, changes: &[Change], conflicts: &[Conflict]) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<String> = changes
        .iter()
        .map(|change| serde_json::to_string(change).unwrap_or_default())
        .collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    hasher.update(journal.start.started_at.as_bytes());
    hasher.update(journal.start.server.as_bytes());
    for change in &sorted {
        hasher.update(change.as_bytes());
        hasher.update(b"\n");
    }
    hasher.update(
        serde_json::to_string(conflicts)
            .unwrap_or_default()
            .as_bytes(),
    );
    format!("undo:{}", hex::encode(hasher.finalize()))
}

/// Builds the plan that takes back what `journal` records. Reads the server; never writes.
pub async fn undo_plan(
    client: &Client,
    journal: &Journal,
    options: UndoOptions,
) -> Result<Plan, UndoError> {
    let applied = &journal.start.plan;
    let mut builder = Builder {
        options,
        changes: Vec::new(),
        conflicts: Vec::new(),
        adds: BTreeMap::new(),
        removes: BTreeMap::new(),
        members: BTreeMap::new(),
        client,
    };
    let live_albums: Vec<crate::photoprism::AlbumResult> =
        client.all_albums(AlbumQuery::default()).await?;
    let live_by_title = |title: &str| {
        live_albums
            .iter()
            .find(|album| album.title == title && album.album_type == "album")
    };

    let made_again = brought_back(journal);
    for action in &applied.actions {
        if journal.done(action.id) == Done::No {
            continue;
        }
        let address = action.address.as_str();
        match &action.change {
            Change::UpdateAlbum { album, fields } => {
                let Some(uid) = &album.uid else { continue };
                let server = match client.album(uid).await {
                    Ok(server) if !server.is_deleted() => server,
                    Ok(_) | Err(Error::NotFound { .. }) => {
                        builder.conflict(address, None, None, None, "the album is gone");
                        continue;
                    }
                    Err(error) => return Err(error.into()),
                };
                let mut reverted = Vec::new();
                for field in fields {
                    let now = album_value(&server, &field.field);
                    let revert = match judge(field, now.as_ref()) {
                        Verdict::Revert => true,
                        Verdict::Nothing => false,
                        Verdict::Conflict => builder.conflict(
                            address,
                            Some(&field.field),
                            Some(field.new.clone()),
                            now.clone(),
                            "changed on the server since the apply",
                        ),
                    };
                    if let (true, Some(old)) = (revert, &field.old) {
                        reverted.push(FieldChange {
                            field: field.field.clone(),
                            old: now,
                            new: old.clone(),
                        });
                    }
                }
                if !reverted.is_empty() {
                    builder.changes.push(Change::UpdateAlbum {
                        album: AlbumRef {
                            title: server.title.clone(),
                            ..album.clone()
                        },
                        fields: reverted,
                    });
                }
            }
            Change::CreateAlbum { album, .. } => {
                // By UID when the create brought a deleted album back (an undo), else by title.
                let by_uid = album
                    .uid
                    .as_ref()
                    .and_then(|uid| live_albums.iter().find(|live| &live.uid == uid));
                // A create that failed after the album was made under a temporary title (the
                // rename never happened) left it with that title.
                let half_made = || {
                    live_albums.iter().find(|live| {
                        journal.done(action.id) == Done::Unknown
                            && live.album_type == "album"
                            && crate::apply::is_temporary_title(&album.title, &live.title)
                    })
                };
                let Some(live) = by_uid
                    .or_else(|| live_by_title(&album.title))
                    .or_else(half_made)
                else {
                    continue;
                };
                builder.changes.push(Change::DeleteAlbum {
                    album: AlbumRef {
                        key: album.key.clone(),
                        uid: Some(live.uid.clone()),
                        title: live.title.clone(),
                    },
                    reason: DeleteReason::Undo,
                    photo_count: usize::try_from(live.photo_count).unwrap_or_default(),
                });
            }
            Change::DeleteAlbum { album, .. } => {
                let Some(before) = album
                    .uid
                    .as_ref()
                    .and_then(|uid| journal.start.before.albums.get(uid))
                else {
                    builder.conflict(
                        address,
                        None,
                        None,
                        None,
                        "the journal does not hold the album's fields and members",
                    );
                    continue;
                };
                // Still there: the delete never happened (it was running when the apply stopped),
                // or an undo restored it. Or an earlier undo of this journal made it again as a
                // new album.
                if live_albums
                    .iter()
                    .any(|live| Some(&live.uid) == album.uid.as_ref())
                    || album
                        .uid
                        .as_ref()
                        .is_some_and(|uid| made_again.contains(uid))
                {
                    continue;
                }
                // PhotoPrism has no undelete: a create whose title finds the soft-deleted album
                // restores it with its fields and members (`CreateAlbum` + `FindAlbum` in
                // internal/api/albums.go and internal/entity/album.go; photoprism-api.md §2.5,
                // §2.7). The create carries the album's UID so apply checks that the server
                // answered with this very album; when the title finds another one first (lowest
                // id wins: a live album of the same slug, or one `LIKE`-matched through `_`/`%`),
                // apply makes a new album instead and sets the fields and members on it.
                builder.changes.push(Change::CreateAlbum {
                    album: AlbumRef {
                        key: album.key.clone(),
                        uid: album.uid.clone(),
                        title: before.title.clone(),
                    },
                    // The title too: a new album made instead gets its title from the update.
                    fields: before
                        .fields
                        .iter()
                        .map(|value| FieldChange {
                            field: value.field.clone(),
                            old: None,
                            new: value.value.clone(),
                        })
                        .collect(),
                    photos: before
                        .members
                        .iter()
                        .map(|uid| photo_ref(uid, uid))
                        .collect(),
                    exact: true,
                    // Set below, once every change is known.
                    note: None,
                });
            }
            Change::AddPhotos { album, photos } => {
                let Some(uid) = &album.uid else { continue };
                let Some(members) = builder.members(uid).await? else {
                    builder.conflict(address, None, None, None, "the album is gone");
                    continue;
                };
                let (_, set) = builder
                    .removes
                    .entry(uid.clone())
                    .or_insert_with(|| (album.clone(), BTreeSet::new()));
                set.extend(
                    photos
                        .iter()
                        .filter(|photo| members.contains(&photo.uid))
                        .cloned(),
                );
            }
            Change::RemovePhotos { album, photos } => {
                let Some(uid) = &album.uid else { continue };
                let Some(members) = builder.members(uid).await? else {
                    builder.conflict(address, None, None, None, "the album is gone");
                    continue;
                };
                for photo in photos {
                    if !members.contains(&photo.uid) {
                        builder.add(album, photo.clone());
                    }
                }
            }
            Change::UpdatePhoto { photo, fields, .. } => {
                let server = match client.photo(&photo.uid).await {
                    Ok(server) => server,
                    Err(Error::NotFound { .. }) => {
                        builder.conflict(address, None, None, None, "the photo is gone");
                        continue;
                    }
                    Err(error) => return Err(error.into()),
                };
                let Some(state) = photo_state(&server) else {
                    builder.conflict(address, None, None, None, "the photo is gone");
                    continue;
                };
                let mut reverted = Vec::new();
                // An update that may have acted in part (it failed, or the apply stopped in
                // it) with label changes: its own label requests move keywords, so keywords
                // that are neither the old nor the new value are its doing, not a conflict.
                let partial_labels = journal.done(action.id) == Done::Unknown
                    && fields.iter().any(|field| field.field == "labels");
                for field in fields {
                    let now = if field.field == "labels" {
                        crate::diff::current_labels(&state, field)
                    } else {
                        crate::diff::current_photo_value(&state, &field.field)
                    };
                    let verdict = match judge(field, now.as_ref()) {
                        Verdict::Conflict if partial_labels && field.field == "keywords" => {
                            Verdict::Revert
                        }
                        verdict => verdict,
                    };
                    let revert = match verdict {
                        Verdict::Revert => true,
                        Verdict::Nothing => false,
                        Verdict::Conflict => builder.conflict(
                            address,
                            Some(&field.field),
                            Some(field.new.clone()),
                            now.clone(),
                            "changed on the server since the apply",
                        ),
                    };
                    if let (true, Some(old)) = (revert, &field.old) {
                        reverted.push(FieldChange {
                            field: field.field.clone(),
                            old: now,
                            new: old.clone(),
                        });
                    }
                }
                // Reverting labels moves keywords on the server too (a removal drops the
                // keywords inside the label's name; on 2024 an addition adds its words): when
                // the undo does not set the keywords itself, it writes them as they are now,
                // after the label change, so that they stay what the apply left.
                let keywords_set = reverted.iter().any(|field| field.field == "keywords");
                if let (false, Some(labels), Some(Value::List(current))) = (
                    keywords_set,
                    reverted.iter().find(|field| field.field == "labels"),
                    crate::diff::current_photo_value(&state, "keywords"),
                ) {
                    let words_join =
                        server.text_field() != Some(crate::photoprism::TextField::Caption);
                    let moved = crate::diff::keywords_after_labels(&current, labels, words_join);
                    if moved != current {
                        reverted.push(FieldChange {
                            field: "keywords".to_owned(),
                            old: Some(Value::List(current.clone())),
                            new: Value::List(current),
                        });
                    }
                }
                if !reverted.is_empty() {
                    // Whether the photo will be archived while it is edited: archived now
                    // and not restored by this undo.
                    let restored_here = applied.actions.iter().any(|other| {
                        matches!(&other.change, Change::ArchivePhoto { photo: p } if p.uid == photo.uid)
                            && journal.done(other.id) != Done::No
                    });
                    builder.changes.push(Change::UpdatePhoto {
                        label_refs: Vec::new(),
                        photo: photo.clone(),
                        fields: reverted,
                        archived: state.archived && !restored_here,
                    });
                }
            }
            Change::ArchivePhoto { photo } => {
                let server = match client.photo(&photo.uid).await {
                    Ok(server) => server,
                    Err(Error::NotFound { .. }) => {
                        builder.conflict(address, None, None, None, "the photo is gone");
                        continue;
                    }
                    Err(error) => return Err(error.into()),
                };
                if !server.is_archived() {
                    continue;
                }
                builder.changes.push(Change::RestorePhoto {
                    photo: photo.clone(),
                });
                let albums = journal
                    .start
                    .before
                    .photo_albums
                    .get(&photo.uid)
                    .cloned()
                    .unwrap_or_default();
                builder.readd(applied, &live_albums, &albums, photo).await?;
            }
            Change::SetAlbumCover { album, old, new } => {
                // A new album's cover goes with the album (the undo deletes it).
                let (Some(uid), Some(old)) = (&album.uid, old) else {
                    continue;
                };
                // The album search, not a GET: on 2024 servers a GET can show a stale `Thumb`.
                let Some(live) = live_albums.iter().find(|live| &live.uid == uid) else {
                    builder.conflict(address, None, None, None, "the album is gone");
                    continue;
                };
                let now = crate::plan::Cover {
                    hash: live.thumb.clone(),
                    manual: live.thumb_src == crate::cover::MANUAL,
                    photo: None,
                };
                // Still as before the apply (its cover change failed before acting, or someone
                // set it back): nothing to undo. An automatic cover follows the photos, so any
                // automatic cover is the old one.
                let as_before = if old.manual {
                    now.manual && now.hash == old.hash
                } else {
                    !now.manual
                };
                if as_before {
                    continue;
                }
                if (now.manual, &now.hash) != (new.manual, &new.hash)
                    && !builder.conflict(
                        address,
                        Some("cover"),
                        Some(Value::Text(new.display())),
                        Some(Value::Text(now.display())),
                        "changed on the server since the apply",
                    )
                {
                    continue;
                }
                builder.changes.push(Change::SetAlbumCover {
                    album: album.clone(),
                    old: Some(now),
                    new: if old.manual {
                        old.clone()
                    } else {
                        // Automatic again: PhotoPrism picks the cover from the photos.
                        crate::plan::Cover {
                            hash: String::new(),
                            manual: false,
                            photo: None,
                        }
                    },
                });
            }
            Change::ShareLink { op, .. } => {
                let what = match op {
                    crate::plan::LinkOp::Create => "a share link the apply created",
                    crate::plan::LinkOp::Update => "a share link the apply changed",
                    crate::plan::LinkOp::Delete => "a share link the apply deleted",
                };
                builder.conflicts.push(crate::plan::Conflict {
                    address: address.to_string(),
                    field: None,
                    expected: None,
                    found: None,
                    reason: format!(
                        "{what}: share links are not undone (a deleted link's token cannot be \
                         brought back); change or delete links in the album's Share dialog"
                    ),
                    forced: false,
                });
            }
            Change::RestorePhoto { photo } => {
                let server = match client.photo(&photo.uid).await {
                    Ok(server) => server,
                    Err(Error::NotFound { .. }) => continue,
                    Err(error) => return Err(error.into()),
                };
                if server.is_archived() {
                    continue;
                }
                builder.changes.push(Change::ArchivePhoto {
                    photo: photo.clone(),
                });
                // Archiving hides all the photo's rows, also those it had while archived
                // before the apply: add it back to those albums after archiving it (an
                // archived photo added to an album stays archived with a visible row,
                // photoprism-api.md §7; the graph orders the add after the archive).
                let albums = journal
                    .start
                    .before
                    .photo_albums
                    .get(&photo.uid)
                    .cloned()
                    .unwrap_or_default();
                builder.readd(applied, &live_albums, &albums, photo).await?;
            }
            // PhotoPrism cannot send a photo back to review: an approval is not undone.
            Change::ApprovePhoto { photo, .. } => {
                builder.conflict(
                    address,
                    Some("approved"),
                    None,
                    None,
                    &format!(
                        "photo {} stays approved: PhotoPrism cannot send a photo back to review",
                        photo.name
                    ),
                );
            }
        }
    }
    let Builder {
        mut changes,
        conflicts,
        adds,
        removes,
        ..
    } = builder;
    note_restores(&mut changes, &live_albums);
    for (_, (album, photos)) in removes {
        if !photos.is_empty() {
            changes.push(Change::RemovePhotos {
                album,
                photos: photos.into_iter().collect(),
            });
        }
    }
    for (_, (album, photos)) in adds {
        if !photos.is_empty() {
            changes.push(Change::AddPhotos {
                album,
                photos: photos.into_iter().collect(),
            });
        }
    }
    // What the undo changes, from values just read: a saved undo plan (`undo --out`) is applied
    // only while the same undo plan is made again (the server did not change what it touches).
    let fingerprint = undo_fingerprint(journal, &changes, &conflicts);
    let mut plan = graph::build(
        changes,
        &client.server().to_string(),
        &fingerprint,
        &GraphOptions {
            allow_destroy: true,
            ..GraphOptions::default()
        },
    )
    .map_err(PlanProblems::new)?;
    plan.conflicts = conflicts;
    Ok(plan)
}
