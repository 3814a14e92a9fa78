//! [`PhotoFile`]: a media file of a photo.

use serde::{Deserialize, Serialize};

use super::serde_util::{lenient_i64, opt_time};

/// A file as returned by `GET /api/v1/files/:hash` and inside photos.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PhotoFile {
    /// File UID (`f…`).
    #[serde(rename = "UID")]
    pub uid: String,
    /// UID of the photo the file belongs to.
    #[serde(rename = "PhotoUID")]
    pub photo_uid: String,
    /// Path relative to the root.
    pub name: String,
    /// Root: `/` for originals, `sidecar`, …
    pub root: String,
    /// SHA-1 of the content.
    pub hash: String,
    /// Size in bytes.
    #[serde(deserialize_with = "lenient_i64")]
    pub size: i64,
    /// True for the photo's primary file.
    pub primary: bool,
    /// Original name at upload.
    pub original_name: String,
    /// `jpg`, `png`, `heic`, …
    pub file_type: String,
    /// Media type.
    pub media_type: String,
    /// MIME type.
    pub mime: String,
    /// Codec.
    pub codec: String,
    /// Sidecar file.
    pub sidecar: bool,
    /// Missing on disk.
    pub missing: bool,
    /// Video file.
    pub video: bool,
    /// Width in pixels.
    #[serde(deserialize_with = "lenient_i64")]
    pub width: i64,
    /// Height in pixels.
    #[serde(deserialize_with = "lenient_i64")]
    pub height: i64,
    /// EXIF orientation.
    #[serde(deserialize_with = "lenient_i64")]
    pub orientation: i64,
    /// Duration in nanoseconds.
    #[serde(deserialize_with = "lenient_i64")]
    pub duration: i64,
    /// Indexing error, if any.
    pub error: String,
    /// Modification time (Unix seconds).
    #[serde(deserialize_with = "lenient_i64")]
    pub mod_time: i64,
    /// Creation time.
    pub created_at: String,
    /// Update time.
    pub updated_at: String,
    /// Deletion time, if deleted.
    #[serde(deserialize_with = "opt_time")]
    pub deleted_at: Option<String>,
}
