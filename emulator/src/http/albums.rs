//! Album endpoints (§2).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::Shared;
use super::auth;
use super::respond::{self, TypeError, get_bool, get_str, get_str_list, msg};
use crate::ids;
use crate::model::Session;
use crate::options::ApiGeneration;
use crate::render;
use crate::search::{self, Page, SearchError};
use crate::store::{AlbumOutcome, Store};
use crate::text;

type Reply = Result<Response, Response>;
type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// Adds the paging and token headers of search answers.
pub(crate) fn page_response(store: &Store, page: Page) -> Response {
    let mut res = match page.body {
        Some(body) => respond::json_bytes(axum::http::StatusCode::OK, body),
        None => respond::ok(&Value::Array(page.items)),
    };
    let headers = res.headers_mut();
    for (name, value) in [
        ("X-Count", page.count.to_string()),
        ("X-Limit", page.limit.to_string()),
        ("X-Offset", page.offset.to_string()),
        ("X-Preview-Token", store.user.preview_token.clone()),
        ("X-Download-Token", store.user.download_token.clone()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    res
}

/// `GET /api/v1/albums`.
pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    params: Params,
) -> Reply {
    let generation = shared.generation;
    // Searches only read: they run side by side.
    let store = shared.store.read();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "albums", false)?;
    if !session.has_user() {
        return Err(respond::bare_error(400, msg::DENIED));
    }
    let Query(params) = params.map_err(|_| respond::form_error(generation))?;
    match search::search_albums(&store, &params) {
        Ok(page) => Ok(page_response(&store, page)),
        Err(SearchError::BadForm) => Err(respond::form_error(generation)),
        Err(SearchError::UnknownFilter(key)) => {
            Err(respond::bare_error(400, &format!("Unknown filter: {key}")))
        }
        Err(SearchError::Invalid) => Err(respond::error(generation, 400, msg::UNABLE)),
    }
}

/// `POST /api/v1/albums`: find-or-create-or-restore.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "albums", true)?;
    let form = respond::parse_object(generation, &body)?;
    let bad = |_: TypeError| respond::form_error(generation);
    let title = get_str(&form, "Title").map_err(bad)?.unwrap_or_default();
    let favorite = get_bool(&form, "Favorite").map_err(bad)?.unwrap_or(false);
    let creator = if session.has_user() {
        store.user.uid.clone()
    } else {
        String::new()
    };
    let (uid, outcome) = store.find_or_create_album(&title, favorite, &creator);
    let album = store
        .album(&uid)
        .map(render::album_entity)
        .unwrap_or(Value::Null);
    if generation == ApiGeneration::V2025 && outcome == AlbumOutcome::Created {
        let mut res = respond::json(StatusCode::CREATED, &album);
        if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/albums/{uid}")) {
            res.headers_mut().insert(header::LOCATION, v);
        }
        return Ok(res);
    }
    Ok(respond::ok(&album))
}

/// Authenticates a single-album request and resolves the live album UID (404 otherwise).
pub(super) fn album_request(
    store: &Store,
    generation: ApiGeneration,
    headers: &HeaderMap,
    uid: &str,
    write: bool,
) -> Result<(Session, String), Response> {
    let session = auth::session(store, generation, headers)?;
    auth::require_scope(generation, &session, "albums", write)?;
    auth::require_user(generation, &session)?;
    let uid = uid.trim().to_ascii_lowercase();
    if ids::is_uid(&uid, 'a') && store.live_album(&uid).is_some() {
        Ok((session, uid))
    } else {
        Err(respond::error(generation, 404, msg::ALBUM_NOT_FOUND))
    }
}

fn entity(store: &Store, uid: &str) -> Value {
    store
        .album(uid)
        .map(render::album_entity)
        .unwrap_or(Value::Null)
}

/// `GET /api/v1/albums/:uid`.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let mut store = shared.store.lock();
    let (_, uid) = album_request(&store, shared.generation, &headers, &uid, false)?;
    // The automatic cover follows the album's photos on 2026 servers (real-cover-26.txt: `get`
    // after `add`). 2024 servers answer from their album cache, which adding photos does not
    // flush (real-cover-24.txt: `get` after `add` shows `Thumb: ""`, the search shows the
    // cover; photoprism-api.md §9): there the cover is refreshed only after an album PUT.
    if shared.generation != ApiGeneration::V2024 {
        crate::reach::refresh_cover(&mut store, &uid);
    }
    Ok(respond::ok(&entity(&store, &uid)))
}

/// `PUT /api/v1/albums/:uid`: merge-patch of the album form keys.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = album_request(&store, generation, &headers, &uid, true)?;
    let form = respond::parse_object(generation, &body)?;
    let bad = |_: TypeError| respond::form_error(generation);
    let mut strings = Vec::new();
    for key in [
        "Title",
        "Caption",
        "Description",
        "Notes",
        "Location",
        "Category",
        "Country",
        "Filter",
        "Order",
        "Template",
        "Type",
        "Thumb",
        "ThumbSrc",
    ] {
        if let Some(v) = get_str(&form, key).map_err(bad)? {
            strings.push((key, v));
        }
    }
    let favorite = get_bool(&form, "Favorite").map_err(bad)?;
    let private = get_bool(&form, "Private").map_err(bad)?;
    let now = store.now();
    let Some(album) = store.album_mut(&uid) else {
        return Err(respond::error(generation, 404, msg::ALBUM_NOT_FOUND));
    };
    for (key, value) in strings {
        match key {
            "Title" => {
                if value.is_empty() {
                    album.title = value;
                } else {
                    album.title = text::normalize_album_title(&value);
                    if album.kind == "album" {
                        album.slug = text::album_slug(&album.title, &album.uid);
                    }
                }
            }
            "Caption" => album.caption = value,
            "Description" => album.description = value,
            "Notes" => album.notes = value,
            "Location" => album.location = value,
            "Category" => {
                album.category = if value.is_empty() {
                    value
                } else {
                    text::category_title(&value)
                }
            }
            "Country" => album.country = value,
            "Filter" => album.filter = value,
            "Order" => album.order = value,
            "Template" => album.template = value,
            "Type" => album.kind = value,
            "Thumb" => album.thumb = value,
            _ => album.thumb_src = value,
        }
    }
    if let Some(f) = favorite {
        album.favorite = f;
    }
    if let Some(p) = private {
        album.private = p;
    }
    album.updated_at = now;
    let answer = render::album_entity(album);
    // The answer shows the album as saved (`put reset`: `Thumb: ""`); the automatic cover is
    // back by the next read (real-cover-2x.txt: `get` after `put reset`).
    crate::reach::refresh_cover(&mut store, &uid);
    Ok(respond::ok(&answer))
}

/// `DELETE /api/v1/albums/:uid[?force=true]`.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = album_request(&store, generation, &headers, &uid, true)?;
    let force = params
        .ok()
        .and_then(|Query(p)| p.into_iter().rev().find(|(k, _)| k == "force"))
        .is_some_and(|(_, v)| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "t"));
    let now = store.now();
    let Some(album) = store.album_mut(&uid) else {
        return Err(respond::error(generation, 404, msg::ALBUM_NOT_FOUND));
    };
    let purge = album.kind != "album" || (force && generation == ApiGeneration::V2025);
    if !purge {
        album.deleted_at = Some(now);
        album.updated_at = now;
        return Ok(respond::ok(&render::album_entity(album)));
    }
    let answer = render::album_entity(album);
    if let Some(id) = store.album_ids.remove(&uid) {
        store.albums.remove(&id);
    }
    if let Some(rows) = store.members.remove(&uid) {
        for photo in rows.keys() {
            if let Some(set) = store.photo_albums.get_mut(photo) {
                set.remove(&uid);
            }
        }
    }
    Ok(respond::ok(&answer))
}

async fn set_favorite(
    shared: Arc<Shared>,
    uid: String,
    headers: HeaderMap,
    favorite: bool,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = album_request(&store, generation, &headers, &uid, true)?;
    let now = store.now();
    if let Some(album) = store.album_mut(&uid) {
        album.favorite = favorite;
        album.updated_at = now;
    }
    Ok(respond::message(generation, msg::SAVED))
}

/// `POST /api/v1/albums/:uid/like`.
pub(crate) async fn like(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    set_favorite(shared, uid, headers, true).await
}

/// `DELETE /api/v1/albums/:uid/like`.
pub(crate) async fn unlike(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    set_favorite(shared, uid, headers, false).await
}

fn rows_or_null(album_uid: &str, changes: &[crate::store::MembershipChange]) -> Value {
    if changes.is_empty() {
        Value::Null
    } else {
        Value::Array(
            changes
                .iter()
                .map(|c| render::photo_album(album_uid, c))
                .collect(),
        )
    }
}

/// Resolves a selection (`photos`, `albums`, `files`, `labels`) to existing photo UIDs.
fn resolve_selection(
    store: &Store,
    form: &serde_json::Map<String, Value>,
) -> Result<(Vec<String>, bool), TypeError> {
    let photos = get_str_list(form, "photos")?;
    let albums = get_str_list(form, "albums")?;
    let files = get_str_list(form, "files")?;
    let labels = get_str_list(form, "labels")?;
    let empty = photos.is_empty() && albums.is_empty() && files.is_empty() && labels.is_empty();
    let mut uids: Vec<String> = photos
        .into_iter()
        .filter(|u| store.photo_ids.contains_key(u))
        .collect();
    for a in albums {
        if let Some(album) = store.live_album(&a) {
            uids.extend(
                search::album_photo_ids(store, album)
                    .into_iter()
                    .filter_map(|id| store.photos.get(&id).map(|p| &**p).map(|p| p.uid.clone())),
            );
        }
    }
    for f in files {
        if let Some(p) = store
            .file_uid_index
            .get(&f)
            .and_then(|id| store.photos.get(id).map(|p| &**p))
        {
            uids.push(p.uid.clone());
        }
    }
    if !labels.is_empty() {
        let ids: Vec<u64> = store
            .labels
            .values()
            .filter(|l| labels.contains(&l.uid))
            .map(|l| l.id)
            .collect();
        uids.extend(
            store
                .photos
                .values()
                .filter(|p| p.labels.iter().any(|l| ids.contains(&l.label_id)))
                .map(|p| p.uid.clone()),
        );
    }
    Ok((uids, empty))
}

/// `POST /api/v1/albums/:uid/photos`.
pub(crate) async fn add_photos(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = album_request(&store, generation, &headers, &uid, true)?;
    let form = respond::parse_object(generation, &body)?;
    let (uids, empty) =
        resolve_selection(&store, &form).map_err(|_| respond::form_error(generation))?;
    if empty {
        return Err(respond::error(generation, 400, msg::NO_ITEMS));
    }
    let before = entity(&store, &uid);
    let changes = store.add_to_album(&uid, &uids, true);
    let mut answer = render::i18n_message_plain(msg::SAVED);
    answer["album"] = before;
    answer["photos"] = json!(
        changes
            .iter()
            .map(|c| c.photo_uid.clone())
            .collect::<Vec<_>>()
    );
    answer["added"] = rows_or_null(&uid, &changes);
    Ok(respond::ok(&answer))
}

/// `DELETE /api/v1/albums/:uid/photos`.
pub(crate) async fn remove_photos(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "albums", true)?;
    auth::require_user(generation, &session)?;
    let form = respond::parse_object(generation, &body)?;
    let photos = get_str_list(&form, "photos").map_err(|_| respond::form_error(generation))?;
    if photos.is_empty() {
        return Err(respond::error(generation, 400, msg::NO_ITEMS));
    }
    let (_, uid) = album_request(&store, generation, &headers, &uid, true)?;
    let before = entity(&store, &uid);
    let changes = store.hide_in_album(&uid, &photos);
    let mut answer = render::i18n_message_plain(msg::SAVED);
    answer["album"] = before;
    answer["photos"] = json!(photos);
    answer["removed"] = rows_or_null(&uid, &changes);
    Ok(respond::ok(&answer))
}

/// `POST /api/v1/albums/:uid/clone`: adds the members of the source albums.
pub(crate) async fn clone(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = album_request(&store, generation, &headers, &uid, true)?;
    let form = respond::parse_object(generation, &body)?;
    let sources = get_str_list(&form, "albums").map_err(|_| respond::form_error(generation))?;
    let mut uids = Vec::new();
    for source in sources {
        if let Some(album) = store.live_album(&source.to_ascii_lowercase()) {
            uids.extend(
                search::album_photo_ids(&store, album)
                    .into_iter()
                    .filter_map(|id| store.photos.get(&id).map(|p| &**p))
                    .filter(|p| !p.archived())
                    .map(|p| p.uid.clone()),
            );
        }
    }
    let before = entity(&store, &uid);
    let changes = store.add_to_album(&uid, &uids, true);
    let mut answer = render::i18n_message(generation, "Album contents cloned");
    answer["album"] = before;
    answer["added"] = rows_or_null(&uid, &changes);
    Ok(respond::ok(&answer))
}
