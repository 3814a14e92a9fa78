//! The emulator's entities: photos, files, albums, memberships, labels, sessions.

use time::OffsetDateTime;

/// The current time, truncated to whole seconds like PhotoPrism's database columns.
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Photo details (`Details` object, 12 writable fields + software).
#[derive(Clone, Debug)]
pub(crate) struct Details {
    pub keywords: String,
    pub keywords_src: String,
    pub notes: String,
    pub notes_src: String,
    pub subject: String,
    pub subject_src: String,
    pub artist: String,
    pub artist_src: String,
    pub copyright: String,
    pub copyright_src: String,
    pub license: String,
    pub license_src: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Details {
    /// Empty details created at `t`.
    pub fn empty(t: OffsetDateTime) -> Self {
        Details {
            keywords: String::new(),
            keywords_src: String::new(),
            notes: String::new(),
            notes_src: String::new(),
            subject: String::new(),
            subject_src: String::new(),
            artist: String::new(),
            artist_src: String::new(),
            copyright: String::new(),
            copyright_src: String::new(),
            license: String::new(),
            license_src: String::new(),
            created_at: t,
            updated_at: t,
        }
    }
}

/// One media file of a photo.
#[derive(Clone, Debug)]
pub(crate) struct PhotoFile {
    pub id: u64,
    pub uid: String,
    /// Path relative to the originals root, with extension.
    pub name: String,
    pub hash: String,
    pub size: u64,
    pub primary: bool,
    pub original_name: String,
    pub file_type: String,
    pub media_type: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub created_at: OffsetDateTime,
}

/// A label link of a photo.
#[derive(Clone, Debug)]
pub(crate) struct PhotoLabel {
    pub label_id: u64,
    pub src: String,
    pub uncertainty: i32,
}

/// A label (keyword category like `cat`).
#[derive(Clone, Debug)]
pub(crate) struct Label {
    pub id: u64,
    pub uid: String,
    pub slug: String,
    pub name: String,
    pub created_at: OffsetDateTime,
    /// Set by `POST /api/v1/batch/labels/delete` (`entity.Label.Delete` soft-deletes).
    pub deleted_at: Option<OffsetDateTime>,
}

/// A camera model.
#[derive(Clone, Debug)]
pub(crate) struct Camera {
    pub id: u64,
    pub slug: String,
    pub name: String,
    pub make: String,
    pub model: String,
    pub kind: String,
}

/// A photo with its files.
#[derive(Clone, Debug)]
pub(crate) struct Photo {
    pub id: u64,
    pub uid: String,
    pub kind: String,
    pub type_src: String,
    pub title: String,
    pub title_src: String,
    /// `Caption` (2025+) or `Description` (2024) depending on the generation.
    pub caption: String,
    pub caption_src: String,
    pub taken_at: OffsetDateTime,
    pub taken_at_local: OffsetDateTime,
    pub taken_src: String,
    pub time_zone: String,
    pub path: String,
    pub name: String,
    pub original_name: String,
    pub favorite: bool,
    pub private: bool,
    pub scan: bool,
    pub panorama: bool,
    pub place_src: String,
    pub altitude: i64,
    pub lat: f64,
    pub lng: f64,
    pub country: String,
    pub year: i32,
    pub month: i32,
    pub day: i32,
    pub iso: i64,
    pub exposure: String,
    pub f_number: f64,
    pub focal_length: i64,
    pub quality: i32,
    pub color: i64,
    pub camera_id: u64,
    pub camera_src: String,
    pub lens_id: u64,
    pub details: Details,
    pub labels: Vec<PhotoLabel>,
    pub files: Vec<PhotoFile>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub deleted_at: Option<OffsetDateTime>,
}

impl Photo {
    /// The primary file (or the first one).
    pub fn primary_file(&self) -> Option<&PhotoFile> {
        self.files
            .iter()
            .find(|f| f.primary)
            .or_else(|| self.files.first())
    }

    /// Whether the photo is archived (soft-deleted).
    pub fn archived(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// Raises a photo in review (quality < 3) to quality 3.
    pub fn approve(&mut self) {
        if self.quality < 3 {
            self.quality = 3;
        }
    }
}

/// An album of any type.
#[derive(Clone, Debug)]
pub(crate) struct Album {
    pub id: u64,
    pub uid: String,
    pub parent_uid: String,
    pub slug: String,
    pub path: String,
    pub kind: String,
    pub title: String,
    pub location: String,
    pub category: String,
    pub caption: String,
    pub description: String,
    pub notes: String,
    pub filter: String,
    pub order: String,
    pub template: String,
    pub state: String,
    pub country: String,
    pub year: i32,
    pub month: i32,
    pub day: i32,
    pub favorite: bool,
    pub private: bool,
    pub thumb: String,
    pub thumb_src: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
}

/// A membership row (`photos_albums`).
#[derive(Clone, Debug)]
pub(crate) struct Membership {
    pub hidden: bool,
    pub created_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

/// Who a session acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SessionKind {
    /// A password login of the user.
    User,
    /// A client-credentials token; `user_bound` says whether a user is attached.
    Client { client_id: String, user_bound: bool },
    /// An app password bound to the user.
    AppPassword,
}

/// An authenticated session (no `Debug`: it holds the token).
#[derive(Clone)]
pub(crate) struct Session {
    pub id: String,
    pub token: String,
    pub kind: SessionKind,
    pub provider: String,
    pub scope: String,
    pub expires_in: i64,
    pub client_name: String,
    pub ref_id: String,
}

impl Session {
    /// Whether the session acts for a registered user (not a user-less client).
    pub fn has_user(&self) -> bool {
        match &self.kind {
            SessionKind::Client { user_bound, .. } => *user_bound,
            _ => true,
        }
    }
}

/// A registered OAuth client (no `Debug`: it holds the secret).
#[derive(Clone)]
pub(crate) struct Client {
    pub secret: String,
    pub user_bound: bool,
}

/// The single admin user (no `Debug`: it holds the password).
#[derive(Clone)]
pub(crate) struct User {
    pub uid: String,
    pub name: String,
    pub password: String,
    pub preview_token: String,
    pub download_token: String,
    pub created_at: OffsetDateTime,
}
