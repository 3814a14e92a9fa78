//! The in-memory database: entities, indexes and the state changes shared by the API and seeding.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use crate::ids;
use crate::model::{
    Album, Camera, Client, Details, Label, Membership, Photo, PhotoFile, PhotoLabel, Session, User,
    now,
};
use crate::options::ApiGeneration;
use crate::seed::{AlbumSeed, PhotoSeed, parse_seed_time};
use crate::text;

/// The login rate limiter: burst 10, one token back per minute, successes give their token back.
pub(crate) struct Limiter {
    tokens: f64,
    last: Instant,
}

impl Limiter {
    fn new() -> Self {
        Limiter {
            tokens: 10.0,
            last: Instant::now(),
        }
    }

    /// Takes one token; false when the bucket is empty.
    pub fn take(&mut self) -> bool {
        let elapsed = self.last.elapsed().as_secs_f64();
        self.last = Instant::now();
        self.tokens = (self.tokens + elapsed / 60.0).min(10.0);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Returns a token after a successful attempt.
    pub fn give_back(&mut self) {
        self.tokens = (self.tokens + 1.0).min(10.0);
    }
}

/// What a new file is made of.
struct FileSpec<'a> {
    folder: &'a str,
    file_name: &'a str,
    hash: String,
    size: u64,
    primary: bool,
    original: &'a str,
    uid: String,
}

/// How `POST /albums` resolved a title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AlbumOutcome {
    /// A new album was created.
    Created,
    /// An existing album was returned unchanged.
    Found,
    /// A soft-deleted album was restored.
    Restored,
}

/// One upserted membership row, for `added`/`removed` answers.
pub(crate) struct MembershipChange {
    pub photo_uid: String,
    pub row: Membership,
    pub new_row: bool,
}

/// Uploaded files `(name, bytes)` keyed by `(session ID, upload token)`.
pub(crate) type Uploads = HashMap<(String, String), Vec<(String, Vec<u8>)>>;

/// The whole emulated database.
pub(crate) struct Store {
    pub generation: ApiGeneration,
    pub user: User,
    pub photos: BTreeMap<u64, Box<Photo>>,
    pub photo_ids: HashMap<String, u64>,
    pub hash_index: HashMap<String, u64>,
    pub file_uid_index: HashMap<String, u64>,
    pub albums: BTreeMap<u64, Album>,
    pub album_ids: HashMap<String, u64>,
    pub members: HashMap<String, HashMap<String, Membership>>,
    pub photo_albums: HashMap<String, BTreeSet<String>>,
    pub labels: BTreeMap<u64, Label>,
    pub label_slugs: HashMap<String, u64>,
    pub cameras: Vec<Camera>,
    pub sessions: HashMap<String, Session>,
    pub clients: HashMap<String, Client>,
    pub uploads: Uploads,
    pub staged: Vec<(String, String, Vec<u8>)>,
    pub upload_meta: HashMap<String, PhotoSeed>,
    pub login_limiter: Limiter,
    /// Share links and stored file contents (`reach.rs`).
    pub reach: crate::reach::ReachState,
    label_names: HashMap<String, u64>,
    keyword_cache: HashMap<String, String>,
    next_photo_id: u64,
    next_file_id: u64,
    next_album_id: u64,
    next_label_id: u64,
}

impl Store {
    /// An empty library with one admin user.
    pub fn new(generation: ApiGeneration, username: &str, password: &str) -> Self {
        Store {
            generation,
            user: User {
                uid: ids::new_uid('u'),
                name: username.to_owned(),
                password: password.to_owned(),
                preview_token: ids::short_token(),
                download_token: ids::short_token(),
                created_at: now(),
            },
            photos: BTreeMap::new(),
            photo_ids: HashMap::new(),
            hash_index: HashMap::new(),
            file_uid_index: HashMap::new(),
            albums: BTreeMap::new(),
            album_ids: HashMap::new(),
            members: HashMap::new(),
            photo_albums: HashMap::new(),
            labels: BTreeMap::new(),
            label_slugs: HashMap::new(),
            cameras: vec![Camera {
                id: 1,
                slug: "zz".to_owned(),
                name: "Unknown".to_owned(),
                make: String::new(),
                model: "Unknown".to_owned(),
                kind: String::new(),
            }],
            sessions: HashMap::new(),
            clients: HashMap::new(),
            uploads: HashMap::new(),
            staged: Vec::new(),
            upload_meta: HashMap::new(),
            login_limiter: Limiter::new(),
            reach: crate::reach::ReachState::default(),
            label_names: HashMap::new(),
            keyword_cache: HashMap::new(),
            next_photo_id: 1,
            next_file_id: 1,
            next_album_id: 1,
            next_label_id: 1,
        }
    }

    /// The photo with this UID.
    pub fn photo(&self, uid: &str) -> Option<&Photo> {
        self.photo_ids
            .get(uid)
            .and_then(|id| self.photos.get(id).map(|p| &**p))
    }

    /// The photo with this UID, mutable.
    pub fn photo_mut(&mut self, uid: &str) -> Option<&mut Photo> {
        let id = *self.photo_ids.get(uid)?;
        self.photos.get_mut(&id).map(|p| &mut **p)
    }

    /// The photo owning the file with this SHA-1.
    pub fn photo_by_hash(&self, hash: &str) -> Option<&Photo> {
        self.hash_index
            .get(&hash.to_ascii_lowercase())
            .and_then(|id| self.photos.get(id).map(|p| &**p))
    }

    /// The camera with this ID (falls back to "Unknown").
    pub fn camera(&self, id: u64) -> &Camera {
        self.cameras
            .iter()
            .find(|c| c.id == id)
            .unwrap_or(&self.cameras[0])
    }

    /// Finds or adds a camera by make and model.
    pub fn ensure_camera(&mut self, make: &str, model: &str) -> u64 {
        if make.is_empty() && model.is_empty() {
            return 1;
        }
        if let Some(c) = self
            .cameras
            .iter()
            .find(|c| c.make == make && c.model == model)
        {
            return c.id;
        }
        let id = self.cameras.len() as u64 + 1;
        let name = format!("{make} {model}").trim().to_owned();
        let kind = if make.eq_ignore_ascii_case("apple") {
            "phone"
        } else {
            "body"
        };
        self.cameras.push(Camera {
            id,
            slug: text::slugify(&name),
            name,
            make: make.to_owned(),
            model: model.to_owned(),
            kind: kind.to_owned(),
        });
        id
    }

    /// Finds or creates a label by name; returns its ID.
    /// A deleted label found again is restored (photoprism-api.md §3.11: the label is found
    /// by slug, "un-deleting it if needed").
    pub fn ensure_label(&mut self, name: &str) -> u64 {
        let slug = text::slugify(name);
        let found = self
            .label_names
            .get(name)
            .or_else(|| self.label_slugs.get(&slug))
            .copied();
        if let Some(id) = found {
            self.label_names.insert(name.to_owned(), id);
            if let Some(label) = self.labels.get_mut(&id) {
                label.deleted_at = None;
            }
            return id;
        }
        let id = self.next_label_id;
        self.next_label_id += 1;
        self.labels.insert(
            id,
            Label {
                id,
                uid: ids::new_uid('l'),
                slug: slug.clone(),
                name: text::title_case(name.trim()),
                created_at: now(),
                deleted_at: None,
            },
        );
        self.label_slugs.insert(slug, id);
        self.label_names.insert(name.to_owned(), id);
        id
    }

    /// The default time zone of new photos.
    pub fn default_time_zone(&self) -> &'static str {
        match self.generation {
            ApiGeneration::V2024 => "",
            ApiGeneration::V2025 => "Local",
        }
    }

    fn new_file(&mut self, spec: FileSpec<'_>) -> PhotoFile {
        let FileSpec {
            folder,
            file_name,
            hash,
            size,
            primary,
            original,
            uid,
        } = spec;
        let id = self.next_file_id;
        self.next_file_id += 1;
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let (file_type, media_type, mime) = match ext.as_str() {
            "jpg" | "jpeg" => ("jpg", "image", "image/jpeg"),
            "png" => ("png", "image", "image/png"),
            "heic" | "heif" => ("heic", "image", "image/heic"),
            "gif" => ("gif", "image", "image/gif"),
            "webp" => ("webp", "image", "image/webp"),
            "mp4" | "mov" => ("mp4", "video", "video/mp4"),
            "cr2" | "cr3" | "nef" | "arw" | "dng" | "raf" | "orf" => {
                ("raw", "raw", "application/octet-stream")
            }
            _ => ("jpg", "image", "image/jpeg"),
        };
        let name = if folder.is_empty() {
            file_name.to_owned()
        } else {
            format!("{folder}/{file_name}")
        };
        PhotoFile {
            id,
            uid,
            name,
            hash,
            size,
            primary,
            original_name: original.to_owned(),
            file_type: file_type.to_owned(),
            media_type: media_type.to_owned(),
            mime: mime.to_owned(),
            width: 640,
            height: 480,
            created_at: now(),
        }
    }

    /// Makes room for `n` more photos in the indexes (avoids rehashing while seeding).
    pub fn reserve_photos(&mut self, n: usize) {
        self.photo_ids.reserve(n);
        self.hash_index.reserve(n);
        self.file_uid_index.reserve(n);
    }

    /// Adds a photo described by `seed`; returns its UID.
    pub fn add_photo(&mut self, seed: &PhotoSeed) -> String {
        let id = self.next_photo_id;
        self.next_photo_id += 1;
        let created = now();
        let taken = parse_seed_time(&seed.taken_at).unwrap_or(created);
        let (name, ext) = if seed.file_name.is_empty() {
            let name = if seed.name.is_empty() {
                format!("IMG_{id:04}")
            } else {
                seed.name.clone()
            };
            let ext = if seed.ext.is_empty() {
                "jpg".to_owned()
            } else {
                seed.ext.trim_start_matches('.').to_owned()
            };
            (name, ext)
        } else {
            match seed.file_name.rsplit_once('.') {
                Some((n, e)) => (n.to_owned(), e.to_owned()),
                None => (seed.file_name.clone(), "jpg".to_owned()),
            }
        };
        let folder = if seed.path.is_empty() {
            format!("{:04}/{:02}", taken.year(), u8::from(taken.month()))
        } else {
            seed.path.trim_matches('/').to_owned()
        };
        let file_name = format!("{name}.{ext}");
        let original = if seed.original_name.is_empty() {
            file_name.clone()
        } else {
            seed.original_name.clone()
        };
        let year = taken.year();
        let uid = if seed.uid.is_empty() {
            ids::new_uid('p')
        } else {
            seed.uid.to_ascii_lowercase()
        };
        let hash = if seed.hash.is_empty() {
            ids::random_hex(40)
        } else {
            seed.hash.to_ascii_lowercase()
        };
        let size = if seed.size == 0 { 100_000 } else { seed.size };
        // The primary file's UID mirrors the photo UID (unique, and one random UID less).
        let file_uid = format!("f{}", &uid[1..]);
        let primary = self.new_file(FileSpec {
            folder: &folder,
            file_name: &file_name,
            hash,
            size,
            primary: true,
            original: &original,
            uid: file_uid,
        });
        let mut files = vec![primary];
        for extra in &seed.extra_files {
            let extra_name = if extra.contains('.') {
                extra.clone()
            } else {
                format!("{name}.{extra}")
            };
            // Siblings get a hash derived from the primary one, so seeds stay deterministic.
            let sibling_hash = hex::encode(Sha1::digest(
                format!("{}/{extra_name}", files[0].hash).as_bytes(),
            ));
            let file_uid = ids::new_uid('f');
            let file = self.new_file(FileSpec {
                folder: &folder,
                file_name: &extra_name,
                hash: sibling_hash,
                size,
                primary: false,
                original: &extra_name,
                uid: file_uid,
            });
            files.push(file);
        }
        let mut labels = Vec::new();
        for label in &seed.labels {
            let label_id = self.ensure_label(label);
            labels.push(PhotoLabel {
                label_id,
                src: "image".to_owned(),
                uncertainty: 20,
            });
        }
        let mut keywords = seed.keywords.clone();
        for label in &seed.labels {
            keywords.push_str(", ");
            keywords.push_str(label);
        }
        let mut details = Details::empty(created);
        // Generated libraries repeat the same few keyword sets; normalize each only once.
        details.keywords = match self.keyword_cache.get(&keywords) {
            Some(k) => k.clone(),
            None => {
                let normalized = text::normalize_keywords(&keywords);
                if self.keyword_cache.len() < 10_000 {
                    self.keyword_cache
                        .insert(keywords.clone(), normalized.clone());
                }
                normalized
            }
        };
        let src_if = |value: &str, src: &str, default: &str| {
            if !src.is_empty() {
                src.to_owned()
            } else if value.is_empty() {
                String::new()
            } else {
                default.to_owned()
            }
        };
        details.notes = seed.notes.clone();
        details.notes_src = src_if(&seed.notes, "", "manual");
        details.subject = seed.subject.clone();
        details.subject_src = src_if(&seed.subject, "", "manual");
        details.artist = seed.artist.clone();
        details.artist_src = src_if(&seed.artist, "", "manual");
        details.copyright = seed.copyright.clone();
        details.copyright_src = src_if(&seed.copyright, "", "manual");
        details.license = seed.license.clone();
        details.license_src = src_if(&seed.license, "", "manual");
        let camera_id = self.ensure_camera(&seed.camera_make, &seed.camera_model);
        let title = if seed.title.is_empty() {
            // A seed without a date has an automatic date (`TakenSrc` "").
            let taken_src = if seed.taken_at.is_empty() { "" } else { "meta" };
            automatic_title(&original, taken_src, year)
        } else {
            seed.title.clone()
        };
        let photo = Photo {
            id,
            uid: uid.clone(),
            kind: if seed.r#type.is_empty() {
                "image".to_owned()
            } else {
                seed.r#type.clone()
            },
            type_src: String::new(),
            title,
            title_src: src_if(&seed.title, &seed.title_src, "manual"),
            caption: seed.caption.clone(),
            caption_src: src_if(&seed.caption, &seed.caption_src, "manual"),
            taken_at: taken,
            taken_at_local: taken,
            taken_src: if seed.taken_at.is_empty() {
                String::new()
            } else {
                "meta".to_owned()
            },
            time_zone: if seed.time_zone.is_empty() {
                self.default_time_zone().to_owned()
            } else {
                seed.time_zone.clone()
            },
            path: folder,
            name,
            original_name: original
                .rsplit_once('.')
                .map(|(n, _)| n.to_owned())
                .unwrap_or(original.clone()),
            favorite: seed.favorite,
            private: seed.private,
            scan: false,
            panorama: false,
            place_src: if seed.lat != 0.0 || seed.lng != 0.0 {
                "meta".to_owned()
            } else {
                String::new()
            },
            altitude: seed.altitude,
            lat: seed.lat,
            lng: seed.lng,
            country: if seed.country.is_empty() {
                "zz".to_owned()
            } else {
                seed.country.to_ascii_lowercase()
            },
            year,
            month: i32::from(u8::from(taken.month())),
            day: i32::from(taken.day()),
            iso: 0,
            exposure: String::new(),
            f_number: 0.0,
            focal_length: 0,
            quality: seed.quality,
            color: (id % 16) as i64,
            camera_id,
            camera_src: if camera_id > 1 {
                "meta".to_owned()
            } else {
                String::new()
            },
            lens_id: 1,
            details,
            labels,
            files,
            created_by: self.user.uid.clone(),
            created_at: created,
            updated_at: created,
            edited_at: None,
            deleted_at: seed.archived.then_some(created),
        };
        self.insert_photo(photo);
        uid
    }

    fn insert_photo(&mut self, photo: Photo) {
        for f in &photo.files {
            self.hash_index.entry(f.hash.clone()).or_insert(photo.id);
            self.file_uid_index.insert(f.uid.clone(), photo.id);
        }
        self.photo_ids.insert(photo.uid.clone(), photo.id);
        self.photos.insert(photo.id, Box::new(photo));
    }

    /// Permanently removes a photo and its memberships.
    pub fn delete_photo(&mut self, uid: &str) -> bool {
        let Some(id) = self.photo_ids.remove(uid) else {
            return false;
        };
        if let Some(photo) = self.photos.remove(&id) {
            for f in &photo.files {
                if self.hash_index.get(&f.hash) == Some(&id) {
                    self.hash_index.remove(&f.hash);
                }
                self.file_uid_index.remove(&f.uid);
            }
        }
        if let Some(albums) = self.photo_albums.remove(uid) {
            for a in albums {
                if let Some(rows) = self.members.get_mut(&a) {
                    rows.remove(uid);
                }
            }
        }
        true
    }

    /// Archives a photo: sets `DeletedAt` and hides all of its memberships.
    pub fn archive_photo(&mut self, uid: &str) -> bool {
        let t = now();
        let Some(photo) = self.photo_mut(uid) else {
            return false;
        };
        if photo.deleted_at.is_some() {
            return true;
        }
        photo.deleted_at = Some(t);
        photo.updated_at = t;
        if let Some(albums) = self.photo_albums.get(uid) {
            for a in albums {
                if let Some(row) = self.members.get_mut(a).and_then(|rows| rows.get_mut(uid)) {
                    row.hidden = true;
                    row.updated_at = t;
                }
            }
        }
        true
    }

    /// Restores an archived photo (memberships stay hidden).
    pub fn restore_photo(&mut self, uid: &str) -> bool {
        let t = now();
        match self.photo_mut(uid) {
            Some(photo) => {
                if photo.deleted_at.take().is_some() {
                    photo.updated_at = t;
                }
                true
            }
            None => false,
        }
    }

    /// The album with this UID (deleted ones included).
    pub fn album(&self, uid: &str) -> Option<&Album> {
        self.album_ids.get(uid).and_then(|id| self.albums.get(id))
    }

    /// The album with this UID, mutable.
    pub fn album_mut(&mut self, uid: &str) -> Option<&mut Album> {
        let id = *self.album_ids.get(uid)?;
        self.albums.get_mut(&id)
    }

    /// The album with this UID unless it is soft-deleted.
    pub fn live_album(&self, uid: &str) -> Option<&Album> {
        self.album(uid).filter(|a| a.deleted_at.is_none())
    }

    /// Inserts a new album of `kind` with a normalized `title`; returns its UID.
    pub fn insert_album(&mut self, kind: &str, title: String, created_by: &str) -> String {
        self.insert_album_with_uid(kind, title, created_by, ids::new_uid('a'))
    }

    /// Like [`Store::insert_album`] with a given UID.
    pub fn insert_album_with_uid(
        &mut self,
        kind: &str,
        title: String,
        created_by: &str,
        uid: String,
    ) -> String {
        let id = self.next_album_id;
        self.next_album_id += 1;
        let t = now();
        let album = Album {
            id,
            uid: uid.clone(),
            parent_uid: String::new(),
            slug: text::album_slug(&title, ""),
            path: String::new(),
            kind: kind.to_owned(),
            title,
            location: String::new(),
            category: String::new(),
            caption: String::new(),
            description: String::new(),
            notes: String::new(),
            filter: String::new(),
            order: "oldest".to_owned(),
            template: String::new(),
            state: String::new(),
            country: "zz".to_owned(),
            year: 0,
            month: 0,
            day: 0,
            favorite: false,
            private: false,
            thumb: String::new(),
            thumb_src: String::new(),
            created_by: created_by.to_owned(),
            created_at: t,
            updated_at: t,
            deleted_at: None,
        };
        self.album_ids.insert(uid.clone(), id);
        self.albums.insert(id, album);
        self.members.entry(uid.clone()).or_default();
        uid
    }

    /// `POST /albums` semantics (`entity.FindAlbum` in `internal/entity/album.go`): the first
    /// manual album (lowest id, deleted ones included) of the same creator whose slug equals
    /// the new album's or whose title matches `album_title LIKE <title>` with the title not
    /// escaped, so `_` and `%` are wildcards (probe 02 of `local-server-2026-11-probes`); it is
    /// restored if deleted; otherwise a new album. 2025+ sources skip the slug for the unknown
    /// slug `-` (titles without letters or digits); the 2024 source matches it like any slug.
    pub fn find_or_create_album(
        &mut self,
        title: &str,
        favorite: bool,
        creator: &str,
    ) -> (String, AlbumOutcome) {
        let title = text::normalize_album_title(title);
        let found = self
            .find_album(&title, creator)
            .map(|a| (a.uid.clone(), a.deleted_at.is_some()));
        match found {
            Some((uid, true)) => {
                if let Some(a) = self.album_mut(&uid) {
                    a.deleted_at = None;
                    a.updated_at = now();
                }
                (uid, AlbumOutcome::Restored)
            }
            Some((uid, false)) => (uid, AlbumOutcome::Found),
            None => {
                let uid = self.insert_album("album", title, creator);
                if let Some(a) = self.album_mut(&uid) {
                    a.favorite = favorite;
                }
                (uid, AlbumOutcome::Created)
            }
        }
    }

    /// `entity.FindAlbum` for a manual album with this (normalized) title, as the create and
    /// the upload's "add to album by title" use it: the first manual album (lowest id, deleted
    /// ones included) of `creator` (any, when empty) whose slug equals the title's or whose
    /// title matches SQLite's `LIKE <title>` unescaped. 2025+ sources skip the slug lookup for
    /// the unknown slug `-`.
    pub fn find_album(&self, title: &str, creator: &str) -> Option<&Album> {
        let slug = text::album_slug(title, "");
        let by_slug = !(self.generation == ApiGeneration::V2025 && slug == "-");
        self.albums.values().find(|a| {
            a.kind == "album"
                && ((by_slug && a.slug == slug) || text::sql_like(&a.title, title))
                && (creator.is_empty() || a.created_by == creator)
        })
    }

    /// Creates an album from a seed (any type); members are added as visible rows.
    pub fn add_album_seed(&mut self, seed: &AlbumSeed) -> String {
        let kind = if seed.album_type.is_empty() {
            "album"
        } else {
            seed.album_type.as_str()
        };
        let title = text::normalize_album_title(&seed.title);
        let creator = self.user.uid.clone();
        let uid = if seed.uid.is_empty() {
            ids::new_uid('a')
        } else {
            seed.uid.to_ascii_lowercase()
        };
        let uid = self.insert_album_with_uid(kind, title, &creator, uid);
        if let Some(a) = self.album_mut(&uid) {
            a.description = seed.description.clone();
            a.caption = seed.caption.clone();
            a.notes = seed.notes.clone();
            a.category = text::category_title(&seed.category);
            a.location = seed.location.clone();
            if !seed.country.is_empty() {
                a.country = seed.country.to_ascii_lowercase();
            }
            if !seed.order.is_empty() {
                a.order = seed.order.clone();
            }
            a.favorite = seed.favorite;
            a.private = seed.private;
            a.filter = seed.filter.clone();
            a.path = seed.path.clone();
            if kind != "album" {
                a.slug = text::slugify(if seed.path.is_empty() {
                    &a.title
                } else {
                    &seed.path
                });
            }
        }
        self.add_to_album(&uid, &seed.photos, false);
        if seed.deleted
            && let Some(a) = self.album_mut(&uid)
        {
            a.deleted_at = Some(now());
        }
        uid
    }

    /// Upserts visible rows for every existing photo in `photo_uids` (sorted by UID).
    ///
    /// With `approve`, photos in review are approved (and thereby un-archived), like the API does.
    pub fn add_to_album(
        &mut self,
        album_uid: &str,
        photo_uids: &[String],
        approve: bool,
    ) -> Vec<MembershipChange> {
        let mut resolved: Vec<String> = photo_uids
            .iter()
            .filter(|u| self.photo_ids.contains_key(u.as_str()))
            .cloned()
            .collect();
        resolved.sort();
        resolved.dedup();
        let t = now();
        let mut changes = Vec::with_capacity(resolved.len());
        let mut thumb = None;
        for uid in resolved {
            if let Some(photo) = self.photo_mut(&uid) {
                if approve && photo.quality < 3 {
                    photo.approve();
                    photo.deleted_at = None;
                }
                if thumb.is_none() {
                    thumb = photo.primary_file().map(|f| f.hash.clone());
                }
            }
            let rows = self.members.entry(album_uid.to_owned()).or_default();
            let new_row = !rows.contains_key(&uid);
            let row = rows.entry(uid.clone()).or_insert(Membership {
                hidden: false,
                created_at: Some(t),
                updated_at: t,
            });
            row.hidden = false;
            row.updated_at = t;
            let row = row.clone();
            self.photo_albums
                .entry(uid.clone())
                .or_default()
                .insert(album_uid.to_owned());
            changes.push(MembershipChange {
                photo_uid: uid,
                row,
                new_row,
            });
        }
        let generation = self.generation;
        if let Some(album) = self.album_mut(album_uid) {
            album.updated_at = t;
            // 2024 servers serve the album from a cache that adding photos does not refresh
            // (real-cover-24.txt: `get` after `add` shows `Thumb: ""`); the next album PUT
            // refreshes it (`refresh_cover`). 2026 shows the cover at once.
            if let Some(hash) = thumb
                && album.thumb_src.is_empty()
                && generation != ApiGeneration::V2024
            {
                album.thumb = hash;
            }
        }
        changes
    }

    /// Upserts hidden rows for every syntactically valid photo UID (members or not).
    pub fn hide_in_album(
        &mut self,
        album_uid: &str,
        photo_uids: &[String],
    ) -> Vec<MembershipChange> {
        let t = now();
        let mut changes = Vec::new();
        for uid in photo_uids {
            if !ids::is_uid(uid, 'p') {
                continue;
            }
            let rows = self.members.entry(album_uid.to_owned()).or_default();
            let new_row = !rows.contains_key(uid);
            let row = rows.entry(uid.clone()).or_insert(Membership {
                hidden: true,
                created_at: Some(t),
                updated_at: t,
            });
            row.hidden = true;
            row.updated_at = t;
            let row = row.clone();
            self.photo_albums
                .entry(uid.clone())
                .or_default()
                .insert(album_uid.to_owned());
            changes.push(MembershipChange {
                photo_uid: uid.clone(),
                row,
                new_row,
            });
        }
        if let Some(album) = self.album_mut(album_uid) {
            album.updated_at = t;
        }
        changes
    }

    /// UIDs of photos with a visible row in the album (any photo state).
    pub fn visible_members(&self, album_uid: &str) -> Vec<String> {
        let mut list: Vec<String> = self
            .members
            .get(album_uid)
            .map(|rows| {
                rows.iter()
                    .filter(|(_, r)| !r.hidden)
                    .map(|(uid, _)| uid.clone())
                    .collect()
            })
            .unwrap_or_default();
        list.sort();
        list
    }

    /// Number of visible rows (`PhotoCount`).
    pub fn photo_count(&self, album_uid: &str) -> usize {
        self.members
            .get(album_uid)
            .map(|rows| rows.values().filter(|r| !r.hidden).count())
            .unwrap_or(0)
    }

    /// Non-deleted albums in which the photo has a visible row, sorted by title.
    pub fn albums_of_photo(&self, photo_uid: &str) -> Vec<&Album> {
        let mut list: Vec<&Album> = self
            .photo_albums
            .get(photo_uid)
            .into_iter()
            .flatten()
            .filter(|a| {
                self.members
                    .get(*a)
                    .and_then(|rows| rows.get(photo_uid))
                    .is_some_and(|r| !r.hidden)
            })
            .filter_map(|a| self.live_album(a))
            .collect();
        list.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
        list
    }

    /// Creates the folder and month albums a real server derives from an imported photo.
    pub fn ensure_auto_albums(&mut self, photo_uid: &str) {
        let Some(photo) = self.photo(photo_uid) else {
            return;
        };
        let path = photo.path.clone();
        let (year, month) = (photo.year, photo.month);
        let creator = self.user.uid.clone();
        if !path.is_empty()
            && !self
                .albums
                .values()
                .any(|a| a.kind == "folder" && a.path == path)
        {
            let folder_title = folder_title(&path);
            let uid = self.insert_album("folder", folder_title, "");
            if let Some(a) = self.album_mut(&uid) {
                a.slug = text::slugify(&path);
                a.filter = format!("path:{path} public:true");
                a.order = "added".to_owned();
                a.path = path.clone();
                if let Some((y, m)) = year_month_of_path(&path) {
                    a.year = y;
                    a.month = m;
                    a.day = 1;
                }
            }
        }
        if year > 0
            && (1..=12).contains(&month)
            && !self
                .albums
                .values()
                .any(|a| a.kind == "month" && a.year == year && a.month == month)
        {
            let title = format!("{} {year}", text::MONTHS[(month - 1) as usize]);
            let uid = self.insert_album("month", title.clone(), &creator);
            if let Some(a) = self.album_mut(&uid) {
                a.slug = text::slugify(&title);
                a.filter = format!("public:true year:{year} month:{month}");
                a.year = year;
                a.month = month;
                a.created_by = String::new();
            }
        }
    }

    /// Drops sessions and state that belong to a session ID.
    pub fn remove_session(&mut self, session_id: &str) -> bool {
        self.uploads.retain(|(sid, _), _| sid != session_id);
        self.sessions.remove(session_id).is_some()
    }

    /// The current time (whole seconds).
    pub fn now(&self) -> OffsetDateTime {
        now()
    }
}

/// `2019/04` → `(2019, 4)`.
/// The automatic title the emulator gives a photo: the file-name branch of PhotoPrism's
/// `UpdateTitle` (`entity/photo_title.go`), the title made from the original file name, with
/// ` / <year>` of `TakenAtLocal` when the date has a source (`TakenSrc` not "") and that title is
/// at most 20 bytes long.
pub(crate) fn automatic_title(original_name: &str, taken_src: &str, local_year: i32) -> String {
    let bare = text::generated_title(original_name, 0);
    if taken_src.is_empty() || bare.len() > 20 {
        bare
    } else {
        text::generated_title(original_name, local_year)
    }
}

fn year_month_of_path(path: &str) -> Option<(i32, i32)> {
    let mut parts = path.split('/');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: i32 = parts.next()?.parse().ok()?;
    ((1900..=2100).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

/// The title of a folder album: "April 2019" for `2019/04`, else the last path segment.
fn folder_title(path: &str) -> String {
    match year_month_of_path(path) {
        Some((y, m)) => format!("{} {y}", text::MONTHS[(m - 1) as usize]),
        None => text::title_case(path.rsplit('/').next().unwrap_or(path)),
    }
}
