//! [`Subject`]: a person (or other subject) recognized in photos.

use serde::{Deserialize, Serialize};

use super::serde_util::opt_time;

/// A subject (`j…`), as returned by `GET /api/v1/subjects/:uid`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Subject {
    /// Subject UID.
    #[serde(rename = "UID")]
    pub uid: String,
    /// Type, e.g. `person`.
    #[serde(rename = "Type")]
    pub subject_type: String,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Alias.
    pub alias: String,
    /// About text.
    pub about: String,
    /// Biography.
    pub bio: String,
    /// Notes.
    pub notes: String,
    /// Favorite.
    pub favorite: bool,
    /// Hidden.
    pub hidden: bool,
    /// Private.
    pub private: bool,
    /// Excluded from face matching.
    pub excluded: bool,
    /// Number of files.
    pub file_count: i64,
    /// Number of photos.
    pub photo_count: i64,
    /// Cover hash.
    pub thumb: String,
    /// Creation time.
    pub created_at: String,
    /// Update time.
    pub updated_at: String,
    /// Deletion time, if deleted.
    #[serde(deserialize_with = "opt_time")]
    pub deleted_at: Option<String>,
}
