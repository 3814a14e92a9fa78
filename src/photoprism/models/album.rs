//! Album entities, album search rows and the answers of album membership calls.

use serde::{Deserialize, Serialize};

use super::serde_util::{null_default, opt_time};

/// An album as returned by `GET/POST/PUT/DELETE /api/v1/albums[/:uid]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Album {
    /// Numeric database id.
    #[serde(rename = "ID")]
    pub id: i64,
    /// Album UID (`a…`).
    #[serde(rename = "UID")]
    pub uid: String,
    /// UID of the parent album, if any.
    #[serde(rename = "ParentUID")]
    pub parent_uid: String,
    /// URL slug derived from the title.
    pub slug: String,
    /// Originals folder (folder albums).
    pub path: String,
    /// `album`, `folder`, `moment`, `month` or `state`.
    #[serde(rename = "Type")]
    pub album_type: String,
    /// Title.
    pub title: String,
    /// Location text.
    pub location: String,
    /// Category.
    pub category: String,
    /// Caption (albums have both caption and description).
    pub caption: String,
    /// Description.
    pub description: String,
    /// Notes.
    pub notes: String,
    /// Search filter of smart albums; empty for manual albums.
    pub filter: String,
    /// Photo sort order hint.
    pub order: String,
    /// Template.
    pub template: String,
    /// State / region.
    pub state: String,
    /// Two-letter country code, `zz` = unknown.
    pub country: String,
    /// Year (calendar albums).
    pub year: i64,
    /// Month (calendar albums).
    pub month: i64,
    /// Day.
    pub day: i64,
    /// Marked as favorite.
    pub favorite: bool,
    /// Private.
    pub private: bool,
    /// Cover file hash.
    pub thumb: String,
    /// Source of the cover choice.
    pub thumb_src: String,
    /// UID of the creating user.
    pub created_by: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last update time (RFC 3339).
    pub updated_at: String,
    /// Publication time, if set.
    #[serde(deserialize_with = "opt_time")]
    pub published_at: Option<String>,
    /// Soft-deletion time; `Some` means deleted.
    #[serde(deserialize_with = "opt_time")]
    pub deleted_at: Option<String>,
}

impl Album {
    /// True when the album is soft-deleted.
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// One row of `GET /api/v1/albums` (no `ID`, adds counts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct AlbumResult {
    /// Album UID (`a…`).
    #[serde(rename = "UID")]
    pub uid: String,
    /// UID of the parent album, if any.
    #[serde(rename = "ParentUID")]
    pub parent_uid: String,
    /// Cover file hash.
    pub thumb: String,
    /// Source of the cover choice.
    pub thumb_src: String,
    /// URL slug.
    pub slug: String,
    /// `album`, `folder`, `moment`, `month` or `state`.
    #[serde(rename = "Type")]
    pub album_type: String,
    /// Title.
    pub title: String,
    /// Location text.
    pub location: String,
    /// Category.
    pub category: String,
    /// Caption.
    pub caption: String,
    /// Description.
    pub description: String,
    /// Notes.
    pub notes: String,
    /// Smart-album filter.
    pub filter: String,
    /// Photo sort order hint.
    pub order: String,
    /// Template.
    pub template: String,
    /// Originals folder (folder albums).
    pub path: String,
    /// State / region.
    pub state: String,
    /// Two-letter country code.
    pub country: String,
    /// Year.
    pub year: i64,
    /// Month.
    pub month: i64,
    /// Day.
    pub day: i64,
    /// Marked as favorite.
    pub favorite: bool,
    /// Private.
    pub private: bool,
    /// Number of visible members.
    pub photo_count: i64,
    /// Number of share links.
    pub link_count: i64,
    /// Creation time.
    pub created_at: String,
    /// Last update time.
    pub updated_at: String,
    /// Deletion time (search results never include deleted albums).
    #[serde(deserialize_with = "opt_time")]
    pub deleted_at: Option<String>,
}

/// A membership row (`PhotoAlbum`) echoed by add/remove/clone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PhotoAlbum {
    /// Photo UID.
    #[serde(rename = "PhotoUID")]
    pub photo_uid: String,
    /// Album UID.
    #[serde(rename = "AlbumUID")]
    pub album_uid: String,
    /// Sort position.
    pub order: i64,
    /// True when the photo was removed from the album.
    pub hidden: bool,
    /// True when the photo's file is missing.
    pub missing: bool,
    /// Row creation time.
    pub created_at: String,
    /// Row update time.
    pub updated_at: String,
}

/// Answer of `POST|DELETE /api/v1/albums/:uid/photos` and `POST /api/v1/albums/:uid/clone`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AlbumPhotosResponse {
    /// i18n status code.
    pub code: i64,
    /// i18n message.
    pub message: String,
    /// The album as it was before the change.
    #[serde(deserialize_with = "null_default")]
    pub album: Album,
    /// Resolved (add) or echoed (remove) photo UIDs.
    #[serde(deserialize_with = "null_default")]
    pub photos: Vec<String>,
    /// Rows upserted by an add or clone.
    #[serde(deserialize_with = "null_default")]
    pub added: Vec<PhotoAlbum>,
    /// Rows hidden by a remove.
    #[serde(deserialize_with = "null_default")]
    pub removed: Vec<PhotoAlbum>,
}
