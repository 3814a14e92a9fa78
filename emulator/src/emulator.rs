//! The public emulator handle: start/stop, seeding, inspection, counters and faults.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::faults::{Fault, Faults, RandomFaults};
use crate::http::{self, KillSwitch, KillableListener, Shared};
use crate::ids;
use crate::library;
use crate::model::{Client, Session, SessionKind};
use crate::options::{ApiGeneration, EmulatorOptions};
use crate::render::ts;
use crate::seed::{AlbumSeed, PhotoSeed, SeedError, SeedFile, SeedReport, parse_seed_time};
use crate::store::Store;
use crate::views::{AlbumView, DetailsView, LabelView, PhotoView};

struct Inner {
    shared: Arc<Shared>,
    shutdown: Mutex<Option<oneshot::Sender<()>>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.lock().take() {
            let _ = tx.send(());
        }
    }
}

/// A running PhotoPrism emulator. Cheap to clone; the server stops on [`Emulator::shutdown`]
/// or when the last handle is dropped.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.inner.shared.url)
            .field("generation", &self.inner.shared.generation)
            .finish()
    }
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1` (port from the options, 0 = any free port).
    pub async fn start(options: EmulatorOptions) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(("127.0.0.1", options.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            generation: options.generation,
            store: http::StoreLock::new(Store::new(
                options.generation,
                &options.username,
                &options.password,
            )),
            faults: Mutex::new(Faults::default()),
            url: format!("http://{addr}"),
            batch_edit_lock: tokio::sync::Mutex::new(()),
            batch_edit_per_photo: options.batch_edit_per_photo,
        });
        let (tx, rx) = oneshot::channel::<()>();
        let app = http::router(shared.clone()).into_make_service_with_connect_info::<KillSwitch>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(KillableListener::new(listener), app).with_graceful_shutdown(
                async move {
                    let _ = rx.await;
                },
            );
            let _ = serve.await;
        });
        Ok(Emulator {
            inner: Arc::new(Inner {
                shared,
                shutdown: Mutex::new(Some(tx)),
                task: Mutex::new(Some(task)),
            }),
        })
    }

    /// Starts a 2025+ emulator with user `admin`, password `photoprism`.
    pub async fn start_default() -> std::io::Result<Emulator> {
        Emulator::start(EmulatorOptions::default()).await
    }

    /// The base URL, e.g. `http://127.0.0.1:34567` (no trailing slash, no `/api/v1`).
    pub fn url(&self) -> String {
        self.inner.shared.url.clone()
    }

    /// The emulated API generation.
    pub fn generation(&self) -> ApiGeneration {
        self.inner.shared.generation
    }

    /// Stops the server (open connections get up to two seconds to finish).
    pub async fn shutdown(self) {
        if let Some(tx) = self.inner.shutdown.lock().take() {
            let _ = tx.send(());
        }
        let task = self.inner.task.lock().take();
        if let Some(mut task) = task {
            if tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }

    fn store(&self) -> parking_lot::RwLockWriteGuard<'_, Store> {
        self.inner.shared.store.lock()
    }

    /// Runs `f` with the store locked (crate-internal readers such as the command line's
    /// `--describe`).
    pub(crate) fn with_store<R>(&self, f: impl FnOnce(&Store) -> R) -> R {
        f(&self.store())
    }

    /// The admin user's UID (needed in upload paths).
    pub fn user_uid(&self) -> String {
        self.store().user.uid.clone()
    }

    /// Adds a photo; returns its UID.
    pub fn seed_photo(&self, seed: PhotoSeed) -> String {
        self.store().add_photo(&seed)
    }

    /// Adds photos; returns their UIDs in order.
    pub fn seed_photos(&self, seeds: Vec<PhotoSeed>) -> Vec<String> {
        let mut store = self.store();
        store.reserve_photos(seeds.len());
        seeds.iter().map(|s| store.add_photo(s)).collect()
    }

    /// Adds an album (manual unless `album_type` says otherwise); returns its UID.
    pub fn seed_album(&self, seed: AlbumSeed) -> String {
        self.store().add_album_seed(&seed)
    }

    /// Adds existing photos to an album as visible members (no auto-approval).
    pub fn add_to_album(&self, album_uid: &str, photo_uids: &[String]) {
        self.store().add_to_album(album_uid, photo_uids, false);
    }

    /// Seeds from a JSON file (see [`Emulator::seed_from_json_str`]).
    pub fn seed_from_json_file(&self, path: &Path) -> Result<SeedReport, SeedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Io {
            path: path.to_owned(),
            source,
        })?;
        self.seed_from_json_str(&text)
    }

    /// Seeds from JSON `{"photos":[PhotoSeed…],"albums":[AlbumSeed…]}` where album `photos` may
    /// name photo `key`s or existing UIDs. Nothing is changed when the input is invalid.
    pub fn seed_from_json_str(&self, json: &str) -> Result<SeedReport, SeedError> {
        let file: SeedFile = serde_json::from_str(json).map_err(SeedError::Json)?;
        for (index, photo) in file.photos.iter().enumerate() {
            if !photo.taken_at.is_empty() && parse_seed_time(&photo.taken_at).is_none() {
                return Err(SeedError::InvalidDate {
                    index,
                    value: photo.taken_at.clone(),
                });
            }
        }
        let mut store = self.store();
        let keys: Vec<&str> = file
            .photos
            .iter()
            .map(|p| p.key.as_str())
            .filter(|k| !k.is_empty())
            .collect();
        for album in &file.albums {
            if let Some(reference) = album
                .photos
                .iter()
                .find(|r| !keys.contains(&r.as_str()) && store.photo(r).is_none())
            {
                return Err(SeedError::UnknownPhoto {
                    album: album.title.clone(),
                    reference: reference.clone(),
                });
            }
        }
        let mut report = SeedReport::default();
        let mut by_key: HashMap<String, String> = HashMap::new();
        for photo in &file.photos {
            let uid = store.add_photo(photo);
            if !photo.key.is_empty() {
                by_key.insert(photo.key.clone(), uid.clone());
                report.keys.insert(photo.key.clone(), uid.clone());
            }
            report.photos.push(uid);
        }
        for album in &file.albums {
            let mut seed = album.clone();
            seed.photos = album
                .photos
                .iter()
                .map(|r| by_key.get(r).cloned().unwrap_or_else(|| r.clone()))
                .collect();
            let uid = store.add_album_seed(&seed);
            if !album.key.is_empty() {
                report.keys.insert(album.key.clone(), uid.clone());
            }
            report.albums.push(uid);
        }
        Ok(report)
    }

    /// Adds a deterministic synthetic library of `photos` photos (same `seed` → same content).
    pub fn generate_library(&self, photos: usize, seed: u64) -> Vec<String> {
        self.seed_photos(library::synthetic_library(photos, seed))
    }

    /// Metadata for files uploaded or imported later under this base name (e.g. `red-square.jpg`):
    /// taken date, title, keywords, camera, … as a real server would read them from EXIF.
    pub fn register_upload_metadata(&self, file_name: &str, meta: PhotoSeed) {
        self.store().upload_meta.insert(file_name.to_owned(), meta);
    }

    /// Puts files into the emulated import folder `path` (relative, e.g. `trip/2024`).
    pub fn stage_import(&self, path: &str, files: Vec<(String, Vec<u8>)>) {
        let path = path.trim_matches('/').to_owned();
        let mut store = self.store();
        for (name, bytes) in files {
            store.staged.push((path.clone(), name, bytes));
        }
    }

    /// Registers an OAuth client for `grant_type=client_credentials`; `user_bound` attaches the admin.
    pub fn add_client(&self, id: &str, secret: &str, user_bound: bool) {
        self.store().clients.insert(
            id.to_owned(),
            Client {
                secret: secret.to_owned(),
                user_bound,
            },
        );
    }

    /// Registers an OAuth client with generated credentials; returns `(client_id, client_secret)`.
    pub fn new_client(&self, user_bound: bool) -> (String, String) {
        let (id, secret) = (ids::new_uid('c'), ids::client_secret());
        self.add_client(&id, &secret, user_bound);
        (id, secret)
    }

    fn insert_session(
        &self,
        token: String,
        kind: SessionKind,
        provider: &str,
        scope: &str,
    ) -> String {
        let session = Session {
            id: ids::session_id(&token),
            token: token.clone(),
            kind,
            provider: provider.to_owned(),
            scope: scope.to_owned(),
            expires_in: 0,
            client_name: String::new(),
            ref_id: format!("sess{}", ids::random_base36(8)),
        };
        self.store().sessions.insert(session.id.clone(), session);
        token
    }

    /// Creates an admin app password with `scope` (e.g. `*`) without an HTTP round trip.
    pub fn create_app_password(&self, scope: &str) -> String {
        self.insert_session(
            ids::app_password(),
            SessionKind::AppPassword,
            "application",
            scope,
        )
    }

    /// Creates an admin login session and returns its 48-hex access token.
    pub fn create_session(&self) -> String {
        let scope = match self.generation() {
            ApiGeneration::V2024 => "",
            ApiGeneration::V2025 => "*",
        };
        self.insert_session(ids::access_token(), SessionKind::User, "local", scope)
    }

    /// How many sessions, app passwords and client tokens are valid right now (a logout or
    /// revocation removes one).
    pub fn session_count(&self) -> usize {
        self.store().sessions.len()
    }

    /// Invalidates every session and token.
    pub fn revoke_all_sessions(&self) {
        self.store().sessions.clear();
    }

    fn album_view(store: &Store, uid: &str) -> Option<AlbumView> {
        let a = store.album(uid)?;
        Some(AlbumView {
            uid: a.uid.clone(),
            id: a.id,
            title: a.title.clone(),
            slug: a.slug.clone(),
            album_type: a.kind.clone(),
            description: a.description.clone(),
            caption: a.caption.clone(),
            notes: a.notes.clone(),
            category: a.category.clone(),
            location: a.location.clone(),
            country: a.country.clone(),
            order: a.order.clone(),
            filter: a.filter.clone(),
            favorite: a.favorite,
            private: a.private,
            deleted: a.deleted_at.is_some(),
            created_by: a.created_by.clone(),
            photo_count: store.photo_count(&a.uid),
            thumb: a.thumb.clone(),
            thumb_src: a.thumb_src.clone(),
        })
    }

    /// A snapshot of the album (deleted ones included).
    pub fn album(&self, uid: &str) -> Option<AlbumView> {
        Self::album_view(&self.store(), uid)
    }

    /// Snapshots of all albums (all types, deleted included), in creation order.
    pub fn albums(&self) -> Vec<AlbumView> {
        let store = self.store();
        store
            .albums
            .values()
            .filter_map(|a| Self::album_view(&store, &a.uid))
            .collect()
    }

    /// Every share link as (album UID, link UID, slug), in creation order.
    pub fn share_links(&self) -> Vec<(String, String, String)> {
        self.store()
            .reach
            .links
            .iter()
            .map(|link| (link.share_uid.clone(), link.uid.clone(), link.slug.clone()))
            .collect()
    }

    /// Snapshots of all labels (deleted ones included), in creation order.
    pub fn labels(&self) -> Vec<LabelView> {
        self.store()
            .labels
            .values()
            .map(|label| LabelView {
                uid: label.uid.clone(),
                slug: label.slug.clone(),
                name: label.name.clone(),
                deleted: label.deleted_at.is_some(),
            })
            .collect()
    }

    /// UIDs of photos with a visible (`Hidden=false`) row in the album, sorted.
    pub fn album_members(&self, uid: &str) -> Vec<String> {
        self.store().visible_members(uid)
    }

    fn photo_view(store: &Store, uid: &str) -> Option<PhotoView> {
        let p = store.photo(uid)?;
        let d = &p.details;
        let mut files: Vec<_> = p.files.iter().collect();
        files.sort_by_key(|f| (!f.primary, f.id));
        Some(PhotoView {
            uid: p.uid.clone(),
            id: p.id,
            photo_type: p.kind.clone(),
            title: p.title.clone(),
            title_src: p.title_src.clone(),
            caption: p.caption.clone(),
            caption_src: p.caption_src.clone(),
            favorite: p.favorite,
            private: p.private,
            archived: p.archived(),
            quality: p.quality,
            taken_at: ts(p.taken_at),
            taken_at_local: ts(p.taken_at_local),
            time_zone: p.time_zone.clone(),
            year: p.year,
            month: p.month,
            day: p.day,
            lat: p.lat,
            lng: p.lng,
            altitude: p.altitude,
            country: p.country.clone(),
            path: p.path.clone(),
            name: p.name.clone(),
            original_name: p.original_name.clone(),
            keywords: d.keywords.clone(),
            notes: d.notes.clone(),
            subject: d.subject.clone(),
            artist: d.artist.clone(),
            copyright: d.copyright.clone(),
            license: d.license.clone(),
            details: DetailsView {
                keywords: d.keywords.clone(),
                keywords_src: d.keywords_src.clone(),
                notes: d.notes.clone(),
                notes_src: d.notes_src.clone(),
                subject: d.subject.clone(),
                subject_src: d.subject_src.clone(),
                artist: d.artist.clone(),
                artist_src: d.artist_src.clone(),
                copyright: d.copyright.clone(),
                copyright_src: d.copyright_src.clone(),
                license: d.license.clone(),
                license_src: d.license_src.clone(),
            },
            labels: p
                .labels
                .iter()
                .filter(|l| l.uncertainty < 100)
                .filter_map(|l| store.labels.get(&l.label_id).map(|x| x.slug.clone()))
                .collect(),
            albums: store
                .albums_of_photo(&p.uid)
                .into_iter()
                .map(|a| a.uid.clone())
                .collect(),
            hashes: files.iter().map(|f| f.hash.clone()).collect(),
            edited_at: p.edited_at.map(ts),
        })
    }

    /// A snapshot of the photo (archived ones included).
    pub fn photo(&self, uid: &str) -> Option<PhotoView> {
        Self::photo_view(&self.store(), uid)
    }

    /// The photo owning a file with this SHA-1.
    pub fn photo_by_hash(&self, hash: &str) -> Option<PhotoView> {
        let store = self.store();
        let uid = store.photo_by_hash(hash)?.uid.clone();
        Self::photo_view(&store, &uid)
    }

    /// Snapshots of all photos in ID order.
    pub fn photos(&self) -> Vec<PhotoView> {
        let store = self.store();
        store
            .photos
            .values()
            .filter_map(|p| Self::photo_view(&store, &p.uid))
            .collect()
    }

    fn faults(&self) -> parking_lot::MutexGuard<'_, Faults> {
        self.inner.shared.faults.lock()
    }

    /// Requests counted for `route` (`"METHOD /api/v1/path/:param"`, e.g. `"POST /api/v1/albums/:uid/photos"`).
    pub fn request_count(&self, route: &str) -> u64 {
        self.faults().count(route)
    }

    /// All per-route counters.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.faults().counts()
    }

    /// All requests counted (including failed and faulted ones).
    pub fn total_requests(&self) -> u64 {
        self.faults().total()
    }

    /// Resets all counters.
    pub fn reset_counts(&self) {
        self.faults().reset_counts();
    }

    /// The next `times` requests to `route` answer `status` with an i18n error body.
    pub fn fail_next(&self, route: &str, times: u32, status: u16) {
        self.faults().add(route, times, Fault::Fail(status));
    }

    /// The next `times` requests to `route` answer 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limit_next(&self, route: &str, times: u32, retry_after_secs: u64) {
        self.faults()
            .add(route, times, Fault::RateLimit(retry_after_secs));
    }

    /// The next `times` requests to `route` get their connection closed without an answer.
    pub fn drop_next(&self, route: &str, times: u32) {
        self.faults().add(route, times, Fault::Drop);
    }

    /// The next `times` requests to `route` are handled (their changes stay), then answered with
    /// `status` and an i18n error body instead: a server that failed after it acted.
    pub fn fail_next_after_acting(&self, route: &str, times: u32, status: u16) {
        self.faults().add(route, times, Fault::FailAfter(status));
    }

    /// The next `times` requests to `route` are handled (their changes stay), then their
    /// connection is closed without an answer.
    pub fn drop_next_after_acting(&self, route: &str, times: u32) {
        self.faults().add(route, times, Fault::DropAfter);
    }

    /// Fails a seeded-random `fraction` of requests (to `route`, or all with `None`) with `status`.
    pub fn fail_fraction(&self, route: Option<&str>, fraction: f64, status: u16, seed: u64) {
        self.faults().set_fraction(route, fraction, status, seed);
    }

    /// Fails a seeded-random share of requests as `faults` says: before or after the handler
    /// acts, with an answer or a dropped connection. Replaces any earlier random failures.
    pub fn inject_random_faults(&self, faults: RandomFaults) {
        self.faults().set_random(faults);
    }

    /// Delays every answer by `latency`.
    pub fn set_latency(&self, latency: Duration) {
        self.faults().set_latency(latency);
    }

    /// Removes all injected faults and latency.
    pub fn clear_faults(&self) {
        self.faults().clear();
    }
}
