//! Photo operations: search, lookups by UID, hash and local file, archive/restore/delete,
//! approval, favorites and the private flag.

use std::path::Path;

use futures::{Stream, TryStreamExt};
use serde::Deserialize;
use serde_json::json;
use sha1::{Digest, Sha1};
use tokio::io::AsyncReadExt;

use super::PhotoPage;
use super::client::Client;
use super::error::Error;
use super::models::{Photo, PhotoFile, PhotoResult, PhotoRow, Subject};
use super::page::{PagedQuery, Row};
use super::transport::Request;

/// Photo UIDs per batch archive/restore/approve/delete request.
pub const BATCH_CHUNK: usize = 1000;

/// Hashes asked for in one search by [`Client::photo_uids_by_hash`] (about 4 KB of URL).
pub const HASH_BATCH: usize = 100;

/// Parameters of `GET /api/v1/photos`. `None` fields are not sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoQuery {
    /// Page size in file rows (must be > 0; default 500).
    pub count: usize,
    /// Offset in file rows.
    pub offset: usize,
    /// Free text and `key:value` filters.
    pub q: Option<String>,
    /// Sort order: `added` (stable default), `newest`, `oldest`, `name`, `title`, `edited`, …
    pub order: Option<String>,
    /// Fold the files of a photo into one row (default true).
    pub merged: bool,
    /// Exclude private photos.
    pub public: Option<bool>,
    /// Minimum quality.
    pub quality: Option<i64>,
    /// Album UID to scope the search to (`s`).
    pub scope: Option<String>,
    /// `album` parameter: an album UID (same as scope) or a title prefix.
    pub album: Option<String>,
    /// Originals folder (`2024/07/` for an exact folder).
    pub path: Option<String>,
    /// Videos only.
    pub video: Option<bool>,
    /// Exact photo UIDs (`|`-separated; do not mix kinds).
    pub uid: Option<String>,
    /// File SHA-1 hashes (`|`-separated).
    pub hash: Option<String>,
    /// `Some(true)`: favorites only; `Some(false)`: non-favorites only.
    pub favorite: Option<bool>,
    /// Private photos only.
    pub private: Option<bool>,
    /// Archived photos only.
    pub archived: Option<bool>,
    /// File name pattern (`*` wildcard).
    pub filename: Option<String>,
    /// Base name pattern.
    pub name: Option<String>,
    /// Year taken.
    pub year: Option<i32>,
    /// Month taken.
    pub month: Option<i32>,
    /// Label slug(s).
    pub label: Option<String>,
    /// Any further parameters, sent as given.
    pub extra: Vec<(String, String)>,
}

impl Default for PhotoQuery {
    fn default() -> Self {
        PhotoQuery {
            count: 500,
            offset: 0,
            q: None,
            order: None,
            merged: true,
            public: None,
            quality: None,
            scope: None,
            album: None,
            path: None,
            video: None,
            uid: None,
            hash: None,
            favorite: None,
            private: None,
            archived: None,
            filename: None,
            name: None,
            year: None,
            month: None,
            label: None,
            extra: Vec::new(),
        }
    }
}

impl PagedQuery for PhotoQuery {
    const PATH: &'static str = "photos";
    const WHAT: &'static str = "photo";

    fn count(&self) -> usize {
        self.count
    }

    fn offset(&self) -> usize {
        self.offset
    }

    fn advance(&mut self) {
        self.offset += self.count;
    }

    fn params(&self) -> Vec<(String, String)> {
        PhotoQuery::params(self)
    }
}

impl Row for PhotoResult {
    fn uid(&self) -> &str {
        &self.uid
    }
}

impl PhotoQuery {
    /// The query string pairs.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut params = vec![
            ("count".to_owned(), self.count.to_string()),
            ("offset".to_owned(), self.offset.to_string()),
            ("merged".to_owned(), self.merged.to_string()),
        ];
        let optional = [
            ("q", self.q.clone()),
            ("order", self.order.clone()),
            ("public", self.public.map(|v| v.to_string())),
            ("quality", self.quality.map(|v| v.to_string())),
            ("s", self.scope.clone()),
            ("album", self.album.clone()),
            ("path", self.path.clone()),
            ("video", self.video.map(|v| v.to_string())),
            ("uid", self.uid.clone()),
            ("hash", self.hash.clone()),
            ("favorite", self.favorite.map(|v| v.to_string())),
            ("private", self.private.map(|v| v.to_string())),
            ("archived", self.archived.map(|v| v.to_string())),
            ("filename", self.filename.clone()),
            ("name", self.name.clone()),
            ("year", self.year.map(|v| v.to_string())),
            ("month", self.month.map(|v| v.to_string())),
            ("label", self.label.clone()),
        ];
        params.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))),
        );
        params.extend(self.extra.iter().cloned());
        params
    }
}

/// `{"photo": …}` answers of like/unlike/approve.
#[derive(Deserialize)]
struct PhotoEnvelope {
    photo: Option<Photo>,
}

pub(super) fn photo_path(uid: &str, rest: &str) -> Result<String, Error> {
    if uid.trim().is_empty() {
        return Err(Error::invalid_input("the photo UID is empty"));
    }
    Ok(if rest.is_empty() {
        format!("photos/{uid}")
    } else {
        format!("photos/{uid}/{rest}")
    })
}

pub(super) fn check_sha1(hash: &str) -> Result<String, Error> {
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() == 40 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hash)
    } else {
        Err(Error::invalid_input(format!(
            "`{hash}` is not a SHA-1 hash (40 hex digits)"
        )))
    }
}

/// SHA-1 of a local file, read in chunks.
pub(crate) async fn sha1_file(path: &Path) -> Result<String, Error> {
    let io_error = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = tokio::fs::File::open(path).await.map_err(io_error)?;
    let mut hasher = Sha1::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer).await.map_err(io_error)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

impl Client {
    /// One page of `GET /photos`. `count` of the page is `X-Count` (file rows, before merging).
    pub async fn search_photos(&self, query: &PhotoQuery) -> Result<PhotoPage, Error> {
        self.search_page(query).await
    }

    /// One page of `GET /photos` read into the lean [`PhotoRow`] (the fields a planner compares;
    /// the rest of each row is skipped while parsing).
    pub async fn search_photo_rows(
        &self,
        query: &PhotoQuery,
    ) -> Result<super::Page<PhotoRow>, Error> {
        self.search_page(query).await
    }

    /// All photos matching `query`, page by page: the offset advances by `count` file rows, paging
    /// stops when `X-Count` falls below `count`; a photo split across pages is returned once.
    pub fn photos_stream(
        &self,
        query: PhotoQuery,
    ) -> impl Stream<Item = Result<PhotoResult, Error>> + '_ {
        self.paged_stream(query)
    }

    /// Collects [`Client::photos_stream`].
    pub async fn all_photos(&self, query: PhotoQuery) -> Result<Vec<PhotoResult>, Error> {
        self.photos_stream(query).try_collect().await
    }

    /// `GET /photos/:uid` (works for archived photos too).
    pub async fn photo(&self, uid: &str) -> Result<Photo, Error> {
        let photo: Photo = self.send_json(Request::get(photo_path(uid, "")?)).await?;
        self.note_text_field(photo.text_field());
        Ok(photo)
    }

    /// `GET /files/:hash`: the file with this SHA-1.
    pub async fn file_by_hash(&self, sha1: &str) -> Result<PhotoFile, Error> {
        let hash = check_sha1(sha1)?;
        self.send_json(Request::get(format!("files/{hash}"))).await
    }

    /// The photo that owns the file with this SHA-1 (`GET /files/:hash`, or a hash search when
    /// the session lacks the `files` permission), then `GET /photos/:uid`.
    pub async fn photo_by_hash(&self, sha1: &str) -> Result<Photo, Error> {
        let hash = check_sha1(sha1)?;
        let photo_uid = match self.file_by_hash(&hash).await {
            Ok(file) if !file.photo_uid.is_empty() => file.photo_uid,
            Ok(_) | Err(Error::Forbidden { .. }) => {
                let query = PhotoQuery {
                    count: 1,
                    hash: Some(hash.clone()),
                    ..PhotoQuery::default()
                };
                let page = self.search_photos(&query).await?;
                match page.items.into_iter().next() {
                    Some(row) => row.uid,
                    None => {
                        return Err(Error::NotFound {
                            method: "GET".to_owned(),
                            path: self.server().api_path("photos"),
                            message: format!("no photo has a file with hash {hash}"),
                        });
                    }
                }
            }
            Err(other) => return Err(other),
        };
        self.photo(&photo_uid).await
    }

    /// Which of these SHA-1 hashes the library knows, and the UID of the photo owning each file,
    /// in a few batched searches (`GET /photos?hash=a|b|…`, [`HASH_BATCH`] hashes a request, then
    /// once more with `archived=true` for the hashes not found). Hashes are compared in lower case;
    /// a malformed hash is an [`Error::InvalidInput`]. Sidecar files never appear in searches
    /// (photoprism-api.md §3.2), so a sidecar-only hash is reported unknown.
    pub async fn photo_uids_by_hash(
        &self,
        hashes: &[String],
    ) -> Result<std::collections::BTreeMap<String, String>, Error> {
        let mut wanted = std::collections::BTreeSet::new();
        for hash in hashes {
            wanted.insert(check_sha1(hash)?);
        }
        let mut found = std::collections::BTreeMap::new();
        for archived in [None, Some(true)] {
            let missing: Vec<&String> = wanted.iter().filter(|h| !found.contains_key(*h)).collect();
            for chunk in missing.chunks(HASH_BATCH) {
                let joined = chunk
                    .iter()
                    .map(|h| h.as_str())
                    .collect::<Vec<_>>()
                    .join("|");
                // One row per matching file (`merged=false`), so that `Hash` is the matched
                // file's; duplicates of a file across photos make more rows than hashes.
                let mut query = PhotoQuery {
                    count: chunk.len() * 2 + 10,
                    merged: false,
                    hash: Some(joined),
                    archived,
                    ..PhotoQuery::default()
                };
                loop {
                    let page = self.search_photo_rows(&query).await?;
                    for row in &page.items {
                        let hash = row.hash.to_ascii_lowercase();
                        if wanted.contains(&hash) {
                            found.entry(hash).or_insert_with(|| row.uid.clone());
                        }
                    }
                    if !page.has_more() {
                        break;
                    }
                    query.offset += query.count;
                }
            }
        }
        Ok(found)
    }

    /// The photo of a local file, found by the file's SHA-1 (computed while streaming the file).
    pub async fn photo_by_file(&self, path: &Path) -> Result<Photo, Error> {
        let hash = sha1_file(path).await?;
        self.photo_by_hash(&hash).await
    }

    /// `POST /batch/photos/archive` in chunks. Archiving removes photos from all albums.
    pub async fn archive_photos(&self, uids: &[String]) -> Result<(), Error> {
        self.batch_photos("archive", uids, true).await
    }

    /// `POST /batch/photos/restore` in chunks. Album memberships are not restored.
    pub async fn restore_photos(&self, uids: &[String]) -> Result<(), Error> {
        self.batch_photos("restore", uids, true).await
    }

    /// `POST /batch/photos/delete` in chunks: permanently deletes photos and their files.
    pub async fn delete_photos(&self, uids: &[String]) -> Result<(), Error> {
        // Not repeated: after a delete that acted, a repeat answers 400 "No items selected".
        self.batch_photos("delete", uids, false).await
    }

    /// `POST /batch/photos/approve` in chunks: approves photos in review.
    pub async fn approve_photos(&self, uids: &[String]) -> Result<(), Error> {
        self.batch_photos("approve", uids, true).await
    }

    /// `POST /batch/photos/delete {"all":true}`: permanently deletes every archived photo.
    pub async fn clear_archive(&self) -> Result<(), Error> {
        // Not repeated: after a delete that acted, a repeat answers 400 "No items selected".
        self.send(Request::post("batch/photos/delete").json(json!({"all": true})))
            .await
            .map(|_| ())
    }

    async fn batch_photos(&self, action: &str, uids: &[String], safe: bool) -> Result<(), Error> {
        for chunk in uids.chunks(BATCH_CHUNK) {
            let mut request =
                Request::post(format!("batch/photos/{action}")).json(json!({"photos": chunk}));
            if safe {
                // Archive, restore and approve set a state: repeating them changes nothing.
                request = request.idempotent();
            }
            self.send(request).await?;
        }
        Ok(())
    }

    /// `POST /photos/:uid/approve`: approves one photo and returns it.
    pub async fn approve_photo(&self, uid: &str) -> Result<Photo, Error> {
        // Safe to repeat: approving an approved photo changes nothing.
        let request = Request::post(photo_path(uid, "approve")?).idempotent();
        self.photo_envelope(request).await
    }

    /// `POST /photos/:uid/like`: marks the photo as favorite.
    pub async fn like_photo(&self, uid: &str) -> Result<(), Error> {
        // Safe to repeat: sets the flag (no toggle).
        let request = Request::post(photo_path(uid, "like")?).idempotent();
        self.send(request).await.map(|_| ())
    }

    /// `DELETE /photos/:uid/like`: clears the favorite flag.
    pub async fn unlike_photo(&self, uid: &str) -> Result<(), Error> {
        // Safe to repeat: clears the flag (no toggle).
        self.send(Request::delete(photo_path(uid, "like")?).idempotent())
            .await
            .map(|_| ())
    }

    /// `PUT /photos/:uid {"Private":…}`: sets (never toggles) the private flag.
    pub async fn set_private(&self, uid: &str, private: bool) -> Result<Photo, Error> {
        // Safe to repeat: an absolute value (never the toggling batch endpoint).
        let request = Request::put(photo_path(uid, "")?)
            .idempotent()
            .json(json!({"Private": private}));
        let photo: Photo = self.send_json(request).await?;
        self.note_text_field(photo.text_field());
        Ok(photo)
    }

    /// `GET /subjects/:uid`: a person or other subject.
    pub async fn subject(&self, uid: &str) -> Result<Subject, Error> {
        if uid.trim().is_empty() {
            return Err(Error::invalid_input("the subject UID is empty"));
        }
        self.send_json(Request::get(format!("subjects/{uid}")))
            .await
    }

    async fn photo_envelope(&self, request: Request) -> Result<Photo, Error> {
        let response = self.send(request).await?;
        let envelope: PhotoEnvelope = response.json()?;
        envelope.photo.ok_or_else(|| Error::Decode {
            method: response.method.clone(),
            path: response.path.clone(),
            message: "the answer holds no photo".to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_query_defaults() {
        let params = PhotoQuery::default().params();
        assert_eq!(
            params,
            vec![
                ("count".to_owned(), "500".to_owned()),
                ("offset".to_owned(), "0".to_owned()),
                ("merged".to_owned(), "true".to_owned()),
            ]
        );
        let q = PhotoQuery {
            scope: Some("a1".into()),
            favorite: Some(false),
            year: Some(2024),
            extra: vec![("label".into(), "cat".into())],
            ..PhotoQuery::default()
        };
        let params = q.params();
        assert!(params.contains(&("s".into(), "a1".into())));
        assert!(params.contains(&("favorite".into(), "false".into())));
        assert!(params.contains(&("year".into(), "2024".into())));
        assert!(params.contains(&("label".into(), "cat".into())));
    }

    #[test]
    fn sha1_is_checked() {
        assert!(check_sha1("xyz").is_err());
        assert_eq!(
            check_sha1(" 676C626CF34F6E792F87A6C665D8824E27FF9AA8 ").unwrap(),
            "676c626cf34f6e792f87a6c665d8824e27ff9aa8"
        );
    }

    #[tokio::test]
    async fn hashes_files_in_chunks() {
        let dir = std::env::temp_dir().join(format!("prysm-sha1-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, vec![7u8; 200_000]).unwrap();
        let expected = hex::encode(Sha1::digest(vec![7u8; 200_000]));
        assert_eq!(sha1_file(&path).await.unwrap(), expected);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(
            sha1_file(&dir.join("missing")).await,
            Err(Error::Io { .. })
        ));
    }
}
