//! Labels of a photo: `POST /api/v1/photos/:uid/label`, `PUT|DELETE
//! /api/v1/photos/:uid/label/:id` (photoprism-api.md §3.11 and §9; transcripts
//! `real-labels-24.txt`, `real-labels-26.txt`, `real-kwlabels-2x.txt`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use sha1::{Digest, Sha1};

use super::Shared;
use super::photos::{entity, photo_request};
use super::respond::{self, TypeError, get_i64, get_str, msg};
use crate::model::PhotoLabel;
use crate::options::ApiGeneration;
use crate::render::PhotoShape;
use crate::store::Store;
use crate::text;

type Reply = Result<Response, Response>;

/// The label a name means. 2024 servers find labels by slug (`Ppemu-Probe-Zebra` links the
/// label `Ppemu Probe Zebra`); 2025+ servers keep a different spelling as its own label whose
/// slug carries a hash suffix (`ppemu-probe-zebra-61f2f589`; the suffix's exact source is not
/// known, the emulator uses the first 8 hex digits of the name's SHA-1).
fn label_for(store: &mut Store, name: &str) -> u64 {
    if store.generation == ApiGeneration::V2025 {
        let slug = text::slugify(name);
        let taken_by_other = store
            .label_slugs
            .get(&slug)
            .and_then(|id| store.labels.get(id))
            .is_some_and(|l| l.name != text::title_case(name.trim()));
        if taken_by_other {
            let suffix = hex::encode(Sha1::digest(name.as_bytes()));
            let id = store.ensure_label(&format!("{name} {}", &suffix[..8]));
            if let Some(label) = store.labels.get_mut(&id) {
                label.name = name.trim().to_owned();
            }
            return id;
        }
    }
    store.ensure_label(name)
}

/// On 2024 servers a label's words join the photo's keywords when a link is added or changed
/// while visible (`add`: `gen, purple` → `gen, ppemu, probe, purple, zebra`).
fn add_label_words(store: &mut Store, uid: &str, label_id: u64) {
    if store.generation != ApiGeneration::V2024 {
        return;
    }
    let Some(name) = store.labels.get(&label_id).map(|l| l.name.clone()) else {
        return;
    };
    if let Some(photo) = store.photo_mut(uid) {
        let joined = format!("{}, {name}", photo.details.keywords);
        photo.details.keywords = text::normalize_keywords(&joined);
    }
}

/// Every keyword that is part of the label's name goes when the label is removed (both
/// generations; `del-image-src` on 2024 drops `ppemu, probe, zebra`).
pub(crate) fn drop_label_words(store: &mut Store, uid: &str, label_id: u64) {
    let Some(name) = store.labels.get(&label_id).map(|l| l.name.to_lowercase()) else {
        return;
    };
    if let Some(photo) = store.photo_mut(uid) {
        let kept: Vec<&str> = photo
            .details
            .keywords
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty() && !name.contains(&k.to_lowercase()))
            .collect();
        photo.details.keywords = kept.join(", ");
    }
}

/// `POST /api/v1/photos/:uid/label` with `{"Name":…,"Uncertainty":…}`: links the label with
/// source `manual`; an existing link keeps the lower uncertainty.
pub(crate) async fn add(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = photo_request(&store, generation, &headers, &uid, true)?;
    let obj = respond::parse_object(generation, &body)?;
    let bad = |_: TypeError| respond::form_error(generation);
    let mut name = get_str(&obj, "Name").map_err(bad)?.unwrap_or_default();
    let uncertainty = get_i64(&obj, "Uncertainty").map_err(bad)?.unwrap_or(0);
    if name.trim().is_empty() {
        match generation {
            // `add-blank` (2026): 400 "Invalid name".
            ApiGeneration::V2025 => return Err(respond::error(generation, 400, "Invalid name")),
            // `add-blank` (2024): a label "Unknown" (slug `unknown`).
            ApiGeneration::V2024 => name = "Unknown".to_owned(),
        }
    }
    let label_id = label_for(&mut store, &name);
    let uncertainty = i32::try_from(uncertainty.clamp(0, 100)).unwrap_or(0);
    if let Some(photo) = store.photo_mut(&uid) {
        match photo.labels.iter_mut().find(|l| l.label_id == label_id) {
            Some(link) => {
                if link.uncertainty > uncertainty {
                    link.uncertainty = uncertainty;
                    link.src = "manual".to_owned();
                }
            }
            None => photo.labels.push(PhotoLabel {
                label_id,
                src: "manual".to_owned(),
                uncertainty,
            }),
        }
    }
    if uncertainty < 100 {
        add_label_words(&mut store, &uid, label_id);
    }
    Ok(respond::ok(&entity(&store, &uid, PhotoShape::Full)))
}

/// The 404 of an unknown or unparsable label ID: 2025+ `Label not found` with a code; 2024
/// the database or `strconv` message without one.
fn label_not_found(generation: ApiGeneration, id: &str) -> Response {
    match generation {
        ApiGeneration::V2025 => respond::error(generation, 404, "Label not found"),
        ApiGeneration::V2024 if id.parse::<i64>().is_err() => respond::bare_error(
            404,
            &format!("Strconv.Atoi: parsing {id:?}: invalid syntax"),
        ),
        ApiGeneration::V2024 => respond::bare_error(404, "Record not found"),
    }
}

/// The link of photo `uid` to label `id`, or the generation's error.
fn link_id(store: &Store, generation: ApiGeneration, uid: &str, id: &str) -> Result<u64, Response> {
    let number: i64 = id.parse().map_err(|_| label_not_found(generation, id))?;
    if number < 0 && generation == ApiGeneration::V2025 {
        // `del--1` (2026): 400 "Unable to do that".
        return Err(respond::error(generation, 400, msg::UNABLE));
    }
    let label_id = u64::try_from(number).map_err(|_| label_not_found(generation, id))?;
    let linked = store
        .photo(uid)
        .is_some_and(|p| p.labels.iter().any(|l| l.label_id == label_id));
    if linked {
        Ok(label_id)
    } else {
        Err(label_not_found(generation, id))
    }
}

/// `PUT /api/v1/photos/:uid/label/:id` with `{"Uncertainty":…,"LabelSrc":…}`: sets the link's
/// values as sent (`put-30` raises 20 to 30, `put-src-image` makes it an `image` link).
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Path((uid, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = photo_request(&store, generation, &headers, &uid, true)?;
    let obj = respond::parse_object(generation, &body)?;
    let bad = |_: TypeError| respond::form_error(generation);
    let uncertainty = get_i64(&obj, "Uncertainty").map_err(bad)?;
    let src = get_str(&obj, "LabelSrc").map_err(bad)?;
    let label_id = link_id(&store, generation, &uid, &id)?;
    let mut visible = false;
    if let Some(link) = store
        .photo_mut(&uid)
        .and_then(|p| p.labels.iter_mut().find(|l| l.label_id == label_id))
    {
        if let Some(u) = uncertainty {
            link.uncertainty = i32::try_from(u.clamp(0, 100)).unwrap_or(0);
        }
        if let Some(src) = src.filter(|s| !s.is_empty()) {
            link.src = src;
        }
        visible = link.uncertainty < 100;
    }
    if visible {
        add_label_words(&mut store, &uid, label_id);
    }
    Ok(respond::ok(&entity(&store, &uid, PhotoShape::Full)))
}

/// `DELETE /api/v1/photos/:uid/label/:id` (numeric label ID). 2024: manual, title, subject,
/// keyword and batch links are unlinked, others kept with uncertainty 100. 2025+: manual links
/// are unlinked, every other one becomes a `manual` link with uncertainty 100
/// (`del-image-src`, and `del B` in `real-kwlabels-26.txt`).
pub(crate) async fn remove(
    State(shared): State<Arc<Shared>>,
    Path((uid, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = photo_request(&store, generation, &headers, &uid, true)?;
    let label_id = link_id(&store, generation, &uid, &id)?;
    if let Some(photo) = store.photo_mut(&uid)
        && let Some(pos) = photo.labels.iter().position(|l| l.label_id == label_id)
    {
        let src = photo.labels[pos].src.as_str();
        let unlink = match generation {
            ApiGeneration::V2024 => {
                matches!(src, "manual" | "title" | "subject" | "keyword" | "batch")
            }
            ApiGeneration::V2025 => src == "manual",
        };
        if unlink {
            photo.labels.remove(pos);
        } else {
            photo.labels[pos].uncertainty = 100;
            if generation == ApiGeneration::V2025 {
                photo.labels[pos].src = "manual".to_owned();
            }
        }
    }
    drop_label_words(&mut store, &uid, label_id);
    Ok(respond::ok(&entity(&store, &uid, PhotoShape::Full)))
}

/// `POST /api/v1/batch/labels/delete` with `{"labels":[uid…]}` (PhotoPrism's
/// `api.BatchLabelsDelete` and `entity.Label.Delete`; photoprism-api.md §3.11): each label
/// found by UID is unlinked from every photo and soft-deleted; unknown UIDs are ignored; an
/// empty list is 400 "No labels selected". Keywords are left as they are (the delete only
/// removes `photos_labels` rows).
pub(crate) async fn delete_many(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = super::auth::session(&store, generation, &headers)?;
    super::auth::require_scope(generation, &session, "labels", true)?;
    let obj = respond::parse_object(generation, &body)?;
    let uids =
        respond::get_str_list(&obj, "labels").map_err(|_| respond::form_error(generation))?;
    if uids.is_empty() {
        return Err(respond::error(generation, 400, msg::NO_LABELS));
    }
    let now = store.now();
    let ids: Vec<u64> = store
        .labels
        .values()
        .filter(|label| label.deleted_at.is_none() && uids.contains(&label.uid))
        .map(|label| label.id)
        .collect();
    for id in &ids {
        if let Some(label) = store.labels.get_mut(id) {
            label.deleted_at = Some(now);
        }
    }
    for photo in store.photos.values_mut() {
        photo.labels.retain(|link| !ids.contains(&link.label_id));
    }
    Ok(respond::message(generation, "Labels deleted"))
}
