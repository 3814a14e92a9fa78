//! Uploads, import and index: files become photos (de-duplicated by SHA-1).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha1::{Digest, Sha1};
use time::format_description::well_known::Rfc3339;

use super::Shared;
use super::auth;
use super::multipart;
use super::respond::{self, get_ci, get_str, get_str_list, msg};
use crate::ids;
use crate::model::Session;
use crate::options::ApiGeneration;
use crate::seed::{PhotoSeed, parse_seed_time, time_from_file_name};
use crate::store::Store;
use crate::text;

type Reply = Result<Response, Response>;

/// Keeps `[0-9A-Za-z_:-]` of an upload token.
fn clean_upload_token(token: &str) -> String {
    token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_:-".contains(*c))
        .collect()
}

/// Indexes one file; returns the UID of the new or already indexed photo with the same bytes.
pub(crate) fn index_file(store: &mut Store, file_name: &str, bytes: &[u8]) -> String {
    let hash = hex::encode(Sha1::digest(bytes));
    // Kept for `GET /api/v1/dl/:hash` (reach.rs).
    store
        .reach
        .file_bytes
        .entry(hash.clone())
        .or_insert_with(|| bytes.to_vec());
    if let Some(photo) = store.photo_by_hash(&hash) {
        return photo.uid.clone();
    }
    let base = file_name.rsplit('/').next().unwrap_or(file_name).to_owned();
    let meta = store.upload_meta.get(&base).cloned();
    let mut seed = meta.clone().unwrap_or_default();
    let taken = parse_seed_time(&seed.taken_at)
        .or_else(|| time_from_file_name(&base))
        .unwrap_or_else(|| store.now());
    seed.taken_at = taken.format(&Rfc3339).unwrap_or_default();
    seed.quality = match &meta {
        Some(m) if m.quality != PhotoSeed::default().quality => m.quality,
        _ => 2,
    };
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_else(|| "jpg".to_owned());
    seed.file_name = String::new();
    seed.ext = ext;
    seed.name = format!(
        "{:04}{:02}{:02}_{:02}{:02}{:02}_{}",
        taken.year(),
        u8::from(taken.month()),
        taken.day(),
        taken.hour(),
        taken.minute(),
        taken.second(),
        hash[..8].to_ascii_uppercase()
    );
    seed.original_name = base.clone();
    seed.hash = hash;
    seed.size = bytes.len() as u64;
    let stem = base.rsplit_once('.').map_or(base.as_str(), |(s, _)| s);
    seed.keywords = if seed.keywords.is_empty() {
        text::normalize_keywords(&stem.replace(['-', '_'], " "))
    } else {
        text::normalize_keywords(&seed.keywords)
    };
    let uid = store.add_photo(&seed);
    store.ensure_auto_albums(&uid);
    uid
}

/// Adds photos to albums given as UIDs or titles (titles: find or create, deleted ones reused).
fn add_to_albums(store: &mut Store, albums: &[String], photos: &[String]) {
    let creator = store.user.uid.clone();
    for album in albums {
        let album_uid = if ids::is_uid(album, 'a') {
            album.clone()
        } else {
            // `AddPhotoToUserAlbums`: `Find` (deleted albums included, not restored).
            let title = text::normalize_album_title(album);
            let existing = store.find_album(&title, &creator).map(|a| a.uid.clone());
            match existing {
                Some(uid) => uid,
                None => store.find_or_create_album(&title, false, &creator).0,
            }
        };
        store.add_to_album(&album_uid, photos, false);
    }
}

fn upload_session(
    store: &Store,
    generation: ApiGeneration,
    headers: &HeaderMap,
    uid: &str,
) -> Result<Session, Response> {
    let session = auth::session(store, generation, headers)?;
    auth::require_scope(generation, &session, "files", true)?;
    if !session.has_user() || uid != store.user.uid {
        return Err(respond::error(generation, 403, msg::DENIED));
    }
    Ok(session)
}

/// `POST /api/v1/users/:uid/upload/:token` (multipart, parts named `files`).
pub(crate) async fn upload(
    State(shared): State<Arc<Shared>>,
    Path((uid, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = upload_session(&store, generation, &headers, &uid)?;
    let failed = || respond::error(generation, 400, "Upload failed");
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multipart::boundary(content_type).ok_or_else(failed)?;
    let parts = multipart::parse(&boundary, &body).ok_or_else(failed)?;
    let files: Vec<(String, Vec<u8>)> = parts
        .into_iter()
        .filter(|p| p.name == "files")
        .filter_map(|p| {
            let name = p.filename?;
            let base = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_owned();
            Some((base, p.data))
        })
        .collect();
    let n = files.len();
    let folder = store
        .uploads
        .entry((session.id.clone(), clean_upload_token(&token)))
        .or_default();
    // The files are written to one folder under their base names (photoprism-api.md §4.1):
    // a later file with the same name replaces the earlier one.
    for (name, data) in files {
        folder.retain(|(existing, _)| *existing != name);
        folder.push((name, data));
    }
    Ok(respond::message_plain(&format!(
        "{n} files uploaded in 0 s"
    )))
}

/// `PUT /api/v1/users/:uid/upload/:token` with `{"albums":[…]}`: imports the uploaded files.
pub(crate) async fn process(
    State(shared): State<Arc<Shared>>,
    Path((uid, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = upload_session(&store, generation, &headers, &uid)?;
    let form = respond::parse_object(generation, &body)?;
    let albums = get_str_list(&form, "albums").map_err(|_| respond::form_error(generation))?;
    let mut files = store
        .uploads
        .remove(&(session.id.clone(), clean_upload_token(&token)))
        .unwrap_or_default();
    // The importer walks the upload folder in name order.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let photos: Vec<String> = files
        .iter()
        .map(|(name, bytes)| index_file(&mut store, name, bytes))
        .collect();
    add_to_albums(&mut store, &albums, &photos);
    Ok(respond::message_plain("Upload has been processed"))
}

/// `POST /api/v1/import` (no slash) → 307 to `/api/v1/import/`.
pub(crate) async fn import_redirect() -> Response {
    let mut res = StatusCode::TEMPORARY_REDIRECT.into_response();
    res.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_static("/api/v1/import/"),
    );
    res
}

/// `POST /api/v1/import/[path]` with `{"path":…,"move":…,"albums":[…]}`.
pub(crate) async fn import(
    State(shared): State<Arc<Shared>>,
    path: Option<Path<String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "files", true)?;
    let form = respond::parse_object(generation, &body)?;
    let bad = |_| respond::form_error(generation);
    let albums = get_str_list(&form, "albums").map_err(bad)?;
    let body_path = get_str(&form, "path").map_err(bad)?.unwrap_or_default();
    let move_files = matches!(get_ci(&form, "move"), Some(Value::Bool(true)));
    let folder = path
        .map(|Path(p)| p)
        .filter(|p| !p.is_empty())
        .unwrap_or(body_path)
        .trim_matches('/')
        .to_owned();
    let mut selected: Vec<(String, String, Vec<u8>)> = store
        .staged
        .iter()
        .filter(|(p, _, _)| {
            folder.is_empty() || *p == folder || p.starts_with(&format!("{folder}/"))
        })
        .cloned()
        .collect();
    selected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    if move_files {
        store.staged.retain(|(p, _, _)| {
            !(folder.is_empty() || *p == folder || p.starts_with(&format!("{folder}/")))
        });
    }
    let photos: Vec<String> = selected
        .iter()
        .map(|(_, name, bytes)| index_file(&mut store, name, bytes))
        .collect();
    add_to_albums(&mut store, &albums, &photos);
    Ok(respond::message_plain("Import completed in 0 s"))
}

/// `DELETE /api/v1/import`.
pub(crate) async fn import_cancel(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let store = shared.store.lock();
    auth::session(&store, shared.generation, &headers)?;
    Ok(respond::message_plain("Import canceled"))
}

/// `POST /api/v1/index`: every file is already indexed, so this only answers.
pub(crate) async fn index(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "files", true)?;
    respond::parse_body(generation, &body)?;
    Ok(respond::message_plain("Indexing completed in 0 s"))
}

/// `DELETE /api/v1/index`.
pub(crate) async fn index_cancel(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let store = shared.store.lock();
    auth::session(&store, shared.generation, &headers)?;
    Ok(respond::message_plain("Indexing canceled"))
}
