//! Album operations: search, create (find-or-create-or-restore), update, delete, likes, clone,
//! membership and share links.

use std::time::Instant;

use futures::{Stream, TryStreamExt};
use reqwest::StatusCode;
use reqwest::header::DATE;
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

use super::client::Client;
use super::error::Error;
use super::models::{Album, AlbumPhotosResponse, AlbumResult, ShareLink};
use super::page::{Page, PagedQuery, Row};
use super::photos::PhotoQuery;
use super::text;
use super::transport::Request;

/// Photo UIDs per add/remove request.
pub const MEMBERSHIP_CHUNK: usize = 500;

/// Parameters of `GET /api/v1/albums`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbumQuery {
    /// Page size (must be > 0; default 500).
    pub count: usize,
    /// Offset of the page.
    pub offset: usize,
    /// Free text and `key:value` filters (a LIKE match on title/location; not for exact lookups).
    pub q: Option<String>,
    /// Sort order: `favorites`, `name`, `added`, `slug`, `edited`, … (streams default to `added`).
    pub order: Option<String>,
    /// Album type filter; default `Some("album")` (manual albums only). `None` mixes all types.
    pub album_type: Option<String>,
    /// `Some(true)`: favorites only.
    pub favorite: Option<bool>,
    /// Exact UIDs, `|`-separated.
    pub uid: Option<String>,
}

impl Default for AlbumQuery {
    fn default() -> Self {
        AlbumQuery {
            count: 500,
            offset: 0,
            q: None,
            order: None,
            album_type: Some("album".to_owned()),
            favorite: None,
            uid: None,
        }
    }
}

impl Row for AlbumResult {
    fn uid(&self) -> &str {
        &self.uid
    }
}

impl PagedQuery for AlbumQuery {
    const PATH: &'static str = "albums";
    const WHAT: &'static str = "album";

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
        let mut params = vec![
            ("count".to_owned(), self.count.to_string()),
            ("offset".to_owned(), self.offset.to_string()),
        ];
        let optional = [
            ("q", self.q.clone()),
            ("order", self.order.clone()),
            ("type", self.album_type.clone()),
            ("favorite", self.favorite.map(|f| f.to_string())),
            ("uid", self.uid.clone()),
        ];
        params.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))),
        );
        params
    }
}

/// What `POST /api/v1/albums` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    /// A new album was created.
    Created,
    /// An album with the same title (or slug) already existed and was returned unchanged.
    Existing,
    /// A deleted album with the same title was restored, with its old properties and members.
    Restored,
    /// The server answered with a different album: PhotoPrism looks albums up with
    /// `album_slug = ? OR album_title LIKE ?`, so `_` and `%` in a title match other titles
    /// (`Trip_2024` finds `TripX2024`), and on servers before 2025 every title without a slug
    /// (emoji only) finds any other such album. That album is returned unchanged (restored if
    /// it was deleted); it is not the one asked for, so do not write to it.
    OtherAlbum,
}

/// The album returned by [`Client::create_album`] and how it came about.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedAlbum {
    /// The album.
    pub album: Album,
    /// Created, found or restored.
    pub outcome: CreateOutcome,
}

/// Changes for `PUT /api/v1/albums/:uid`; only fields that are `Some` are sent. `Type` is never sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlbumUpdate {
    /// New title (must not be empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Caption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Category (the server title-cases it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Two-letter country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Photo sort order (`oldest`, `newest`, `added`, `title`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Favorite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favorite: Option<bool>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    /// Cover: SHA-1 of a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
}

impl AlbumUpdate {
    /// True when nothing would be changed.
    pub fn is_empty(&self) -> bool {
        *self == AlbumUpdate::default()
    }
}

/// Properties of a share link (`POST/PUT /api/v1/albums/:uid/links`).
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShareLinkOptions {
    /// URL slug (defaults to the album's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Custom token (at least 6 characters; update only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Seconds until the link expires; 0 = never.
    pub expires: i64,
    /// Maximum number of views; 0 = unlimited.
    pub max_views: i64,
    /// Password visitors must enter.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_secret"
    )]
    pub password: Option<super::secret::Secret>,
}

fn expose_secret<S: serde::Serializer>(
    value: &Option<super::secret::Secret>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(secret) => serializer.serialize_str(secret.expose()),
        None => serializer.serialize_none(),
    }
}

impl std::fmt::Debug for ShareLinkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareLinkOptions")
            .field("slug", &self.slug)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("expires", &self.expires)
            .field("max_views", &self.max_views)
            .field("password", &self.password)
            .finish()
    }
}

fn album_path(uid: &str, rest: &str) -> String {
    if rest.is_empty() {
        format!("albums/{uid}")
    } else {
        format!("albums/{uid}/{rest}")
    }
}

fn require_uid(kind: &str, uid: &str) -> Result<(), Error> {
    if uid.trim().is_empty() {
        Err(Error::invalid_input(format!("the {kind} UID is empty")))
    } else {
        Ok(())
    }
}

impl Client {
    /// One page of `GET /albums`.
    pub async fn search_albums(&self, query: &AlbumQuery) -> Result<Page<AlbumResult>, Error> {
        self.search_page(query).await
    }

    /// All albums matching `query`, page by page (order defaults to `added` for stable paging);
    /// albums seen on an earlier page are skipped.
    pub fn albums_stream(
        &self,
        query: AlbumQuery,
    ) -> impl Stream<Item = Result<AlbumResult, Error>> + '_ {
        let mut query = query;
        if query.order.is_none() {
            query.order = Some("added".to_owned());
        }
        self.paged_stream(query)
    }

    /// Collects [`Client::albums_stream`].
    pub async fn all_albums(&self, query: AlbumQuery) -> Result<Vec<AlbumResult>, Error> {
        self.albums_stream(query).try_collect().await
    }

    /// `GET /albums/:uid`.
    pub async fn album(&self, uid: &str) -> Result<Album, Error> {
        require_uid("album", uid)?;
        self.send_json(Request::get(album_path(uid, ""))).await
    }

    /// `POST /albums`: finds, restores or creates a manual album with this title.
    ///
    /// The answer is checked against the request: an album whose title (normalized as the
    /// server does, ignoring case) or slug is not the requested one is reported as
    /// [`CreateOutcome::OtherAlbum`] (see there). A title without `_`/`%` and with a slug
    /// cannot find another album.
    ///
    /// 201 (2025+ servers) means created. A 200 is judged from the album's timestamps against the
    /// server's clock (`Date` header): an album older than the call but updated during it was
    /// restored; otherwise it already existed. Servers before 2025 answer 200 for new albums too:
    /// there an album created during the call counts as created. Timestamps have one-second
    /// resolution, so on those servers an album created or restored moments earlier (within about
    /// two seconds) may be reported as created, and an existing album changed during the call as
    /// restored.
    async fn create_album_once(&self, title: &str, favorite: bool) -> Result<CreatedAlbum, Error> {
        if title.trim().is_empty() {
            return Err(Error::invalid_input("an album title must not be empty"));
        }
        let started = Instant::now();
        let local_start = OffsetDateTime::now_utc();
        let response = self
            // Not repeated blindly: see `create_album`, which looks the album up first.
            .send(Request::post("albums").json(json!({"Title": title, "Favorite": favorite})))
            .await?;
        let album: Album = response.json()?;
        let outcome = if response.status != StatusCode::CREATED
            && !text::is_same_album(title, &album.title, &album.slug)
        {
            CreateOutcome::OtherAlbum
        } else if response.status == StatusCode::CREATED {
            if !self.server_info().album_create_201 {
                self.write_state().info.album_create_201 = true;
            }
            CreateOutcome::Created
        } else {
            let server_now = response
                .headers
                .get(DATE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| OffsetDateTime::parse(v, &Rfc2822).ok())
                .unwrap_or(local_start + started.elapsed());
            // Server timestamps have whole-second resolution: allow the call's duration plus 2 s.
            let window = time::Duration::try_from(started.elapsed())
                .unwrap_or(time::Duration::ZERO)
                + time::Duration::seconds(2);
            let since = server_now - window;
            let during_call =
                |stamp: &str| OffsetDateTime::parse(stamp, &Rfc3339).is_ok_and(|t| t >= since);
            let created_now = during_call(&album.created_at);
            if created_now && !self.server_info().album_create_201 {
                // Servers before 2025 answer 200 for new albums too.
                CreateOutcome::Created
            } else if !created_now && during_call(&album.updated_at) {
                CreateOutcome::Restored
            } else {
                CreateOutcome::Existing
            }
        };
        Ok(CreatedAlbum { album, outcome })
    }

    /// `POST /albums`: finds, restores or creates a manual album with this title; the outcome
    /// says which (201 on 2025+ servers means created, a 200 is judged from the album's
    /// one-second timestamps against the server's clock). A create whose outcome is unknown (a 5xx answer, or a connection
    /// that broke after the request was sent) is not simply repeated: the manual albums are
    /// looked up first (exact normalized title, else slug; never the server's `LIKE`), and an
    /// album that exists now is returned with the outcome its timestamps show. Otherwise the
    /// create is sent again, up to [`crate::photoprism::RetryPolicy::max_retries`] times.
    pub async fn create_album(&self, title: &str, favorite: bool) -> Result<CreatedAlbum, Error> {
        let started = Instant::now();
        let policy = self.options().retry.clone();
        let mut retry = 0u32;
        loop {
            let error = match self.create_album_once(title, favorite).await {
                Ok(created) => return Ok(created),
                Err(error) => error,
            };
            let outcome_unknown = matches!(
                error,
                Error::Server { .. } | Error::Transport { connect: false, .. }
            );
            if !outcome_unknown || retry >= policy.max_retries {
                return Err(error);
            }
            tokio::time::sleep(policy.delay(retry, None)).await;
            retry += 1;
            match self.album_made_by_create(title, started).await {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => {}
                Err(_) => return Err(error),
            }
        }
    }

    /// The manual album a `POST /albums` with `title` sent since `started` would have found,
    /// restored or created, if it exists now, with the outcome judged from its timestamps
    /// against the server's clock. Matching is exact (PhotoPrism's normalized title, then
    /// case-insensitively, then the slug) and limited to the caller's own albums, as the
    /// server's own lookup is.
    async fn album_made_by_create(
        &self,
        title: &str,
        started: Instant,
    ) -> Result<Option<CreatedAlbum>, Error> {
        let albums = self.all_albums(AlbumQuery::default()).await?;
        let user = self.user_uid();
        for candidate in same_title(&albums, title) {
            let local_start = OffsetDateTime::now_utc();
            let response = self
                .send(Request::get(album_path(&candidate.uid, "")))
                .await?;
            let album: Album = response.json()?;
            if !user.is_empty() && !album.created_by.is_empty() && album.created_by != user {
                continue;
            }
            let server_now = response
                .headers
                .get(DATE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| OffsetDateTime::parse(v, &Rfc2822).ok())
                .unwrap_or(local_start);
            let window = time::Duration::try_from(started.elapsed())
                .unwrap_or(time::Duration::ZERO)
                + time::Duration::seconds(2);
            let since = server_now - window;
            let during =
                |stamp: &str| OffsetDateTime::parse(stamp, &Rfc3339).is_ok_and(|t| t >= since);
            let outcome = if during(&album.created_at) {
                CreateOutcome::Created
            } else if during(&album.updated_at) {
                CreateOutcome::Restored
            } else {
                CreateOutcome::Existing
            };
            return Ok(Some(CreatedAlbum { album, outcome }));
        }
        Ok(None)
    }

    /// `PUT /albums/:uid` with the fields that are `Some`.
    pub async fn update_album(&self, uid: &str, update: &AlbumUpdate) -> Result<Album, Error> {
        require_uid("album", uid)?;
        if update.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::invalid_input(
                "an album title must not be empty (the server would store it unnormalized)",
            ));
        }
        let body = serde_json::to_value(update).map_err(|e| Error::invalid_input(e.to_string()))?;
        // Safe to repeat: the fields sent are absolute values.
        self.send_json(Request::put(album_path(uid, "")).idempotent().json(body))
            .await
    }

    /// `DELETE /albums/:uid`: soft-deletes a manual album and returns it (with `deleted_at`).
    pub async fn delete_album(&self, uid: &str) -> Result<Album, Error> {
        require_uid("album", uid)?;
        // Not repeated: after a delete that acted, a repeat answers 404 "Album not found".
        self.send_json(Request::delete(album_path(uid, ""))).await
    }

    /// `DELETE /albums/:uid?force=true`: permanently deletes an album on 2025+ servers
    /// (older servers ignore `force` and soft-delete).
    pub async fn purge_album(&self, uid: &str) -> Result<Album, Error> {
        require_uid("album", uid)?;
        // Not repeated: after a delete that acted, a repeat answers 404.
        let request = Request::delete(album_path(uid, ""))
            .query(vec![("force".to_owned(), "true".to_owned())]);
        self.send_json(request).await
    }

    /// `POST /batch/albums/delete`: soft-deletes several albums (in chunks). Nothing is sent for an empty list.
    pub async fn delete_albums(&self, uids: &[String]) -> Result<(), Error> {
        for chunk in uids.chunks(MEMBERSHIP_CHUNK) {
            // Not repeated: after a delete that acted, a repeat answers 404 "Entity not found".
            self.send(Request::post("batch/albums/delete").json(json!({"albums": chunk})))
                .await?;
        }
        Ok(())
    }

    /// `POST /albums/:uid/like`: marks the album as favorite.
    pub async fn like_album(&self, uid: &str) -> Result<(), Error> {
        require_uid("album", uid)?;
        // Safe to repeat: sets the flag (no toggle).
        self.send(Request::post(album_path(uid, "like")).idempotent())
            .await
            .map(|_| ())
    }

    /// `DELETE /albums/:uid/like`: clears the favorite flag.
    pub async fn unlike_album(&self, uid: &str) -> Result<(), Error> {
        require_uid("album", uid)?;
        // Safe to repeat: clears the flag (no toggle).
        self.send(Request::delete(album_path(uid, "like")).idempotent())
            .await
            .map(|_| ())
    }

    /// `POST /albums/:target/clone`: adds the current members of `sources` to `target`.
    pub async fn clone_album(&self, target: &str, sources: &[String]) -> Result<(), Error> {
        require_uid("album", target)?;
        if sources.is_empty() {
            return Ok(());
        }
        // Safe to repeat: membership rows are upserted (`Hidden=false`), never duplicated.
        let request = Request::post(album_path(target, "clone"))
            .idempotent()
            .json(json!({"albums": sources}));
        self.send(request).await.map(|_| ())
    }

    /// `POST /albums/:uid/photos` in chunks of [`MEMBERSHIP_CHUNK`]. Unknown photo UIDs are
    /// ignored by the server; re-read the membership to see what changed.
    pub async fn add_photos_to_album(&self, album: &str, photos: &[String]) -> Result<(), Error> {
        self.add_photos_to_album_detailed(album, photos)
            .await
            .map(|_| ())
    }

    /// Like [`Client::add_photos_to_album`], returning the server's answer for each chunk.
    pub async fn add_photos_to_album_detailed(
        &self,
        album: &str,
        photos: &[String],
    ) -> Result<Vec<AlbumPhotosResponse>, Error> {
        require_uid("album", album)?;
        let mut answers = Vec::new();
        for chunk in photos.chunks(MEMBERSHIP_CHUNK) {
            // Safe to repeat: membership rows are upserted (`Hidden=false`), never duplicated.
            let request = Request::post(album_path(album, "photos"))
                .idempotent()
                .json(json!({"photos": chunk}));
            answers.push(self.send_json(request).await?);
        }
        Ok(answers)
    }

    /// `DELETE /albums/:uid/photos` (with a JSON body) in chunks of [`MEMBERSHIP_CHUNK`].
    pub async fn remove_photos_from_album(
        &self,
        album: &str,
        photos: &[String],
    ) -> Result<(), Error> {
        require_uid("album", album)?;
        for chunk in photos.chunks(MEMBERSHIP_CHUNK) {
            // Safe to repeat: membership rows are upserted with `Hidden=true`.
            let request = Request::delete(album_path(album, "photos"))
                .idempotent()
                .json(json!({"photos": chunk}));
            self.send(request).await?;
        }
        Ok(())
    }

    /// UIDs of the album's visible members (`GET /photos?s=<uid>&merged=true`, all pages),
    /// deduplicated, in server order.
    pub async fn album_photo_uids(&self, album: &str) -> Result<Vec<String>, Error> {
        require_uid("album", album)?;
        let query = PhotoQuery {
            scope: Some(album.to_owned()),
            count: 1000,
            ..PhotoQuery::default()
        };
        self.photos_stream(query)
            .map_ok(|photo| photo.uid)
            .try_collect()
            .await
    }

    /// `GET /albums/:uid/links`: the album's share links.
    pub async fn album_links(&self, uid: &str) -> Result<Vec<ShareLink>, Error> {
        require_uid("album", uid)?;
        let links: Option<Vec<ShareLink>> = self
            .send_json(Request::get(album_path(uid, "links")))
            .await?;
        Ok(links.unwrap_or_default())
    }

    /// `POST /albums/:uid/links`: creates a share link.
    pub async fn create_album_link(
        &self,
        uid: &str,
        options: &ShareLinkOptions,
    ) -> Result<ShareLink, Error> {
        require_uid("album", uid)?;
        let body =
            serde_json::to_value(options).map_err(|e| Error::invalid_input(e.to_string()))?;
        // Not repeated: a repeat would create a second link.
        self.send_json(Request::post(album_path(uid, "links")).json(body))
            .await
    }

    /// `PUT /albums/:uid/links/:link`: changes a share link.
    pub async fn update_album_link(
        &self,
        uid: &str,
        link_uid: &str,
        options: &ShareLinkOptions,
    ) -> Result<ShareLink, Error> {
        require_uid("album", uid)?;
        require_uid("share link", link_uid)?;
        let mut body =
            serde_json::to_value(options).map_err(|e| Error::invalid_input(e.to_string()))?;
        // The form is not pre-filled: a field not sent is cleared (§9). Send the slug always so
        // the body says what the link becomes.
        if let Some(object) = body.as_object_mut() {
            object
                .entry("Slug")
                .or_insert_with(|| serde_json::Value::String(String::new()));
        }
        // Safe to repeat: the form is not pre-filled, so every field is set as sent.
        let request = Request::put(album_path(uid, &format!("links/{link_uid}"))).idempotent();
        self.send_json(request.json(body)).await
    }

    /// `PUT /albums/:uid {"Thumb": hash, "ThumbSrc": "manual"}`: makes the file with SHA-1
    /// `file_hash` the album's cover (what the web UI sends). A manual cover survives later
    /// edits of the album; the server accepts any string, so the hash is checked here.
    pub async fn set_album_cover(&self, uid: &str, file_hash: &str) -> Result<Album, Error> {
        require_uid("album", uid)?;
        let hash = super::photos::check_sha1(file_hash)?;
        let body = serde_json::json!({"Thumb": hash, "ThumbSrc": "manual"});
        // Safe to repeat: absolute values.
        self.send_json(Request::put(album_path(uid, "")).idempotent().json(body))
            .await
    }

    /// `PUT /albums/:uid {"Thumb": "", "ThumbSrc": ""}`: drops a manual cover; the server then
    /// shows an automatic one again (from the album's photos).
    pub async fn reset_album_cover(&self, uid: &str) -> Result<Album, Error> {
        require_uid("album", uid)?;
        let body = serde_json::json!({"Thumb": "", "ThumbSrc": ""});
        // Safe to repeat: absolute values.
        self.send_json(Request::put(album_path(uid, "")).idempotent().json(body))
            .await
    }

    /// `DELETE /albums/:uid/links/:link`: deletes a share link.
    pub async fn delete_album_link(&self, uid: &str, link_uid: &str) -> Result<ShareLink, Error> {
        require_uid("album", uid)?;
        require_uid("share link", link_uid)?;
        // Not repeated: after a delete that acted, a repeat answers 500 (unknown link).
        self.send_json(Request::delete(album_path(
            uid,
            &format!("links/{link_uid}"),
        )))
        .await
    }
}

/// The albums a create with `title` means, best first: PhotoPrism's normalized title exactly,
/// then case-insensitively, then the same slug. Never a `LIKE` match: `Trip_2024` is not
/// `Trip-2024`, and `50%` is not `50% off`.
fn same_title<'a>(albums: &'a [AlbumResult], title: &str) -> Vec<&'a AlbumResult> {
    let wanted = super::text::album_title(title);
    let folded = wanted.to_lowercase();
    let slug = super::text::album_slug_at_creation(&wanted);
    let exact = albums.iter().filter(|a| a.title == wanted);
    let by_case = albums
        .iter()
        .filter(|a| a.title != wanted && a.title.to_lowercase() == folded);
    // Titles of 80 bytes or more get a UID suffix in their slug: the title rules cover them.
    let by_slug = albums.iter().filter(|a| {
        // PhotoPrism's unknown slug `-` (emoji-only titles) names no album in particular.
        wanted.len() < 80
            && slug != super::text::UNKNOWN_SLUG
            && a.slug == slug
            && a.title.to_lowercase() != folded
    });
    exact.chain(by_case).chain(by_slug).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn album_query_defaults_to_manual_albums() {
        let params = AlbumQuery::default().params();
        assert!(params.contains(&("type".to_owned(), "album".to_owned())));
        assert!(params.contains(&("count".to_owned(), "500".to_owned())));
        let q = AlbumQuery {
            album_type: None,
            favorite: Some(true),
            ..AlbumQuery::default()
        };
        let params = q.params();
        assert!(!params.iter().any(|(k, _)| k == "type"));
        assert!(params.contains(&("favorite".to_owned(), "true".to_owned())));
    }

    #[test]
    fn a_create_is_matched_by_exact_title_or_slug_never_like() {
        let album = |uid: &str, title: &str| AlbumResult {
            uid: uid.to_owned(),
            title: title.to_owned(),
            slug: super::text::album_slug_at_creation(title),
            ..AlbumResult::default()
        };
        let albums = vec![
            album("a1", "Trip-2024"),
            album("a2", "TripX2024"),
            album("a3", "50% off"),
            album("a4", "trip_2024"),
            album("a5", "Ünïcödé “quoted”"),
            album("a6", "東京 🎉"),
            album("a7", "🎉🎉"),
        ];
        let uids = |title: &str| -> Vec<String> {
            same_title(&albums, title)
                .into_iter()
                .map(|a| a.uid.clone())
                .collect()
        };
        assert_eq!(uids("Trip_2024"), vec!["a4"], "not the LIKE matches a1, a2");
        assert_eq!(uids("50%"), Vec::<String>::new());
        assert_eq!(uids("Trip 2024"), vec!["a1"], "same slug");
        assert_eq!(uids("  Ünïcödé \"quoted\" |"), vec!["a5"], "normalized");
        assert_eq!(uids("東京 🎉"), vec!["a6"]);
        assert_eq!(uids("%"), Vec::<String>::new());
        // Emoji-only titles all have PhotoPrism's unknown slug `-`: it names no album.
        assert_eq!(uids("🎈"), Vec::<String>::new());
        assert_eq!(uids("🎉🎉"), vec!["a7"]);
    }

    #[test]
    fn album_update_sends_only_set_fields_and_never_type() {
        let update = AlbumUpdate {
            title: Some("Trips".to_owned()),
            favorite: Some(false),
            ..AlbumUpdate::default()
        };
        let body = serde_json::to_value(&update).unwrap();
        assert_eq!(body, json!({"Title": "Trips", "Favorite": false}));
        assert!(AlbumUpdate::default().is_empty());
        assert_eq!(
            serde_json::to_value(AlbumUpdate::default()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn share_link_options_hide_password() {
        let o = ShareLinkOptions {
            password: Some("letmein".into()),
            token: Some("abcdefgh".into()),
            ..ShareLinkOptions::default()
        };
        let text = format!("{o:?}");
        assert!(!text.contains("letmein") && !text.contains("abcdefgh"));
        let body = serde_json::to_value(&o).unwrap();
        assert_eq!(body["Password"], "letmein");
    }
}
