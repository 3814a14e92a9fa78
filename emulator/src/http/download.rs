//! Original files and primary files: `GET /api/v1/dl/:hash?t=<download token>` and
//! `POST /api/v1/photos/:uid/files/:file_uid/primary` (photoprism-api.md §1.7, §3.10, §9;
//! transcripts `real-primary-24.txt`, `real-primary-26.txt`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::photos::{entity, photo_request};
use super::respond;
use crate::options::ApiGeneration;
use crate::render::PhotoShape;

type Reply = Result<Response, Response>;

/// The image a real server answers for a refused download token (§1.7: 403 with an SVG body).
const BROKEN_IMAGE: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"24\" \
viewBox=\"0 0 24 24\"><path d=\"M21 5v6.59l-3-3.01-4 4.01-4-4-4 4-3-3.01V5c0-1.1.9-2 2-2h14c1.1 0 \
2 .9 2 2z\"/></svg>";

/// `GET /api/v1/dl/:hash?t=<download token>`: the bytes of an uploaded file; a single
/// `Range: bytes=a-b` gives 206. Files seeded without contents are not downloadable (404).
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(hash): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Reply {
    let generation = shared.generation;
    let store = shared.store.lock();
    let token = params
        .iter()
        .rev()
        .find(|(k, _)| k == "t")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    if token != store.user.download_token {
        let mut res = (StatusCode::FORBIDDEN, BROKEN_IMAGE).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        );
        return Err(res);
    }
    let known = store.photo_by_hash(&hash).is_some();
    let Some(bytes) = store.reach.file_bytes.get(&hash).filter(|_| known) else {
        return Err(match generation {
            ApiGeneration::V2024 => respond::bare_error(404, "record not found"),
            ApiGeneration::V2025 => respond::error(generation, 404, "File not found"),
        });
    };
    let total = bytes.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| single_range(v, total));
    let (status, body, content_range) = match range {
        Some((start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            bytes[start..=end].to_vec(),
            Some(format!("bytes {start}-{end}/{total}")),
        ),
        None => (StatusCode::OK, bytes.clone(), None),
    };
    let mut res = (status, Body::from(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(value) = content_range.and_then(|v| HeaderValue::from_str(&v).ok()) {
        h.insert(header::CONTENT_RANGE, value);
    }
    Ok(res)
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` within `total` bytes, as inclusive offsets.
fn single_range(value: &str, total: usize) -> Option<(usize, usize)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || total == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let last = total - 1;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: usize = n.parse().ok()?;
            (total.saturating_sub(n), last)
        }
        (a, "") => (a.parse().ok()?, last),
        (a, b) => (a.parse().ok()?, b.parse::<usize>().ok()?.min(last)),
    };
    (start <= end && start <= last).then_some((start, end))
}

/// `POST /api/v1/photos/:uid/files/:file_uid/primary`: makes a file of the photo primary. A
/// file of another photo answers 200 and leaves this photo without a primary file
/// (`foreign-file`); an unknown file UID changes nothing (`bad-file`).
pub(crate) async fn set_primary(
    State(shared): State<Arc<Shared>>,
    Path((uid, file_uid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = photo_request(&store, generation, &headers, &uid, true)?;
    let exists = store.file_uid_index.contains_key(&file_uid);
    if exists && let Some(photo) = store.photo_mut(&uid) {
        for file in &mut photo.files {
            file.primary = file.uid == file_uid;
        }
    }
    Ok(respond::ok(&entity(&store, &uid, PhotoShape::Full)))
}

#[cfg(test)]
mod tests {
    use super::single_range;

    #[test]
    fn single_ranges_only() {
        assert_eq!(single_range("bytes=0-9", 100), Some((0, 9)));
        assert_eq!(single_range("bytes=90-", 100), Some((90, 99)));
        assert_eq!(single_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(single_range("bytes=0-500", 100), Some((0, 99)));
        assert_eq!(single_range("bytes=0-1,5-6", 100), None);
        assert_eq!(single_range("bytes=200-300", 100), None);
        assert_eq!(single_range("items=0-1", 100), None);
    }
}
