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
use crate::photoprism::{AlbumQuery, Client, Error};
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
            Ok(album) if !album.is_deleted() => {
                let mut members: BTreeSet<String> = self
                    .client
                    .album_photo_uids(uid)
                    .await?
                    .into_iter()
                    .collect();
                let archived = self
                    .client
                    .all_photos(crate::photoprism::PhotoQuery {
                        scope: Some(uid.to_owned()),
                        count: 1000,
                        merged: true,
                        archived: Some(true),
                        ..crate::photoprism::PhotoQuery::default()
                    })
                    .await?;
                members.extend(archived.into_iter().map(|photo| photo.uid));
                Some(members)
            }
            Ok(_) | Err(Error::NotFound { .. }) => None,
            Err(error) => return Err(error),
        };
        self.members.insert(uid.to_string(), found.clone());
        Ok(found)
    }

    fn add(&mut self, album: &AlbumRef, photo: PhotoRef) {
        let (_, photos) = self
            .adds
            .entry(album.uid.clone().unwrap_or_default())
            .or_insert_with(|| (album.clone(), BTreeSet::new()));
        photos.insert(photo);
    }
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

    let mut recreated: BTreeSet<String> = BTreeSet::new();
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
                let Some(live) = live_by_title(&album.title) else {
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
                // Still there: the delete never happened (it was running when the apply stopped).
                if live_albums
                    .iter()
                    .any(|live| Some(&live.uid) == album.uid.as_ref())
                {
                    continue;
                }
                // PhotoPrism restores by title (slug): two deleted albums whose titles
                // share a slug cannot both come back, only the first create restores one.
                let slug = crate::manifest::slugify(&before.title);
                // PhotoPrism's unknown slug `-` (emoji-only titles) names no album: those are
                // told apart by title.
                let key = if slug == "-" {
                    format!("title:{}", before.title.to_lowercase())
                } else {
                    slug
                };
                if !recreated.insert(key) {
                    builder.conflict(
                        address,
                        Some("title"),
                        None,
                        Some(Value::Text(before.title.clone())),
                        "another album of the same title is brought back: PhotoPrism restores \
                         deleted albums by title, one per title",
                    );
                    continue;
                }
                let taken = live_albums.iter().any(|live| {
                    let same_slug = crate::manifest::slugify(&before.title);
                    live.album_type == "album"
                        && if same_slug == "-" {
                            live.title.to_lowercase() == before.title.to_lowercase()
                        } else {
                            crate::manifest::slugify(&live.title) == same_slug
                        }
                });
                if taken
                    && !builder.conflict(
                        address,
                        Some("title"),
                        None,
                        Some(Value::Text(before.title.clone())),
                        "an album with this title exists again (PhotoPrism would return it instead of \
                         restoring the deleted one)",
                    )
                {
                    continue;
                }
                builder.changes.push(Change::CreateAlbum {
                    album: AlbumRef {
                        key: album.key.clone(),
                        uid: None,
                        title: before.title.clone(),
                    },
                    // The title too: PhotoPrism may restore another deleted album of the
                    // same slug ("summer" for "Summer"), whose title the update then sets.
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
                for field in fields {
                    let now = if field.field == "labels" {
                        crate::diff::current_labels(&state, field)
                    } else {
                        crate::diff::current_photo_value(&state, &field.field)
                    };
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
                for uid in albums {
                    if builder.members(&uid).await?.is_none() {
                        continue;
                    }
                    // Address the album by its key when the plan declared it.
                    let known = applied
                        .actions
                        .iter()
                        .filter_map(|other| other.change.album())
                        .find(|album| album.uid.as_deref() == Some(uid.as_str()))
                        .cloned();
                    let title = live_albums
                        .iter()
                        .find(|album| album.uid == uid)
                        .map(|album| album.title.clone())
                        .unwrap_or_default();
                    let album = known.unwrap_or(AlbumRef {
                        key: None,
                        uid: Some(uid.clone()),
                        title,
                    });
                    builder.add(&album, photo.clone());
                }
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
                if !server.is_archived() {
                    builder.changes.push(Change::ArchivePhoto {
                        photo: photo.clone(),
                    });
                }
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
    let fingerprint = format!("undo of {}", journal.start.started_at);
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
