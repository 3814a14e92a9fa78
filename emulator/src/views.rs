//! Read-only snapshots of emulator state for test assertions.

/// A snapshot of an album.
#[derive(Clone, Debug, PartialEq)]
pub struct AlbumView {
    /// Album UID.
    pub uid: String,
    /// Numeric ID.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Slug.
    pub slug: String,
    /// `album`, `folder`, `moment`, `month` or `state`.
    pub album_type: String,
    /// Description.
    pub description: String,
    /// Caption.
    pub caption: String,
    /// Notes.
    pub notes: String,
    /// Category.
    pub category: String,
    /// Location.
    pub location: String,
    /// Country code.
    pub country: String,
    /// Sort order hint.
    pub order: String,
    /// Smart-album filter.
    pub filter: String,
    /// Favorite flag.
    pub favorite: bool,
    /// Private flag.
    pub private: bool,
    /// Soft-deleted flag.
    pub deleted: bool,
    /// Creator's user UID (empty for user-less clients and auto albums).
    pub created_by: String,
    /// Number of visible membership rows (`PhotoCount`).
    pub photo_count: usize,
    /// Cover file hash.
    pub thumb: String,
    /// `ThumbSrc`: `manual` for a chosen cover, empty for an automatic one.
    pub thumb_src: String,
}

/// A snapshot of photo details.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DetailsView {
    /// Keywords (normalized).
    pub keywords: String,
    /// Keywords source.
    pub keywords_src: String,
    /// Notes.
    pub notes: String,
    /// Notes source.
    pub notes_src: String,
    /// Subject.
    pub subject: String,
    /// Subject source.
    pub subject_src: String,
    /// Artist.
    pub artist: String,
    /// Artist source.
    pub artist_src: String,
    /// Copyright.
    pub copyright: String,
    /// Copyright source.
    pub copyright_src: String,
    /// License.
    pub license: String,
    /// License source.
    pub license_src: String,
}

/// A snapshot of a photo.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoView {
    /// Photo UID.
    pub uid: String,
    /// Numeric ID (`Details.PhotoID`).
    pub id: u64,
    /// Media type.
    pub photo_type: String,
    /// Title.
    pub title: String,
    /// Title source.
    pub title_src: String,
    /// Caption (`Description` on 2024 servers).
    pub caption: String,
    /// Caption source.
    pub caption_src: String,
    /// Favorite flag.
    pub favorite: bool,
    /// Private flag.
    pub private: bool,
    /// Archived flag.
    pub archived: bool,
    /// Quality score.
    pub quality: i32,
    /// Taken time, RFC 3339.
    pub taken_at: String,
    /// Local taken time, RFC 3339.
    pub taken_at_local: String,
    /// Time zone.
    pub time_zone: String,
    /// Year (-1 unknown).
    pub year: i32,
    /// Month (-1 unknown).
    pub month: i32,
    /// Day (-1 unknown).
    pub day: i32,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Altitude.
    pub altitude: i64,
    /// Country code.
    pub country: String,
    /// Folder.
    pub path: String,
    /// Base name.
    pub name: String,
    /// Original name (without extension).
    pub original_name: String,
    /// Details.
    pub details: DetailsView,
    /// Details keywords (same as `details.keywords`).
    pub keywords: String,
    /// Details notes (same as `details.notes`).
    pub notes: String,
    /// Details subject (same as `details.subject`).
    pub subject: String,
    /// Details artist (same as `details.artist`).
    pub artist: String,
    /// Details copyright (same as `details.copyright`).
    pub copyright: String,
    /// Details license (same as `details.license`).
    pub license: String,
    /// Label slugs.
    pub labels: Vec<String>,
    /// UIDs of non-deleted albums with a visible membership row, sorted by album title.
    pub albums: Vec<String>,
    /// SHA-1 hashes of all files, primary first.
    pub hashes: Vec<String>,
    /// When the photo was last edited through the API, RFC 3339.
    pub edited_at: Option<String>,
}

/// A snapshot of a label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelView {
    /// Label UID (`l…`).
    pub uid: String,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Whether the label is deleted (`POST /api/v1/batch/labels/delete`).
    pub deleted: bool,
}
