//! Labels and their links to photos.

use serde::{Deserialize, Serialize};

use super::serde_util::opt_time;

/// A label (`l…`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Label {
    /// Numeric id (used by `DELETE /photos/:uid/label/:id`).
    #[serde(rename = "ID")]
    pub id: i64,
    /// Label UID.
    #[serde(rename = "UID")]
    pub uid: String,
    /// Slug.
    pub slug: String,
    /// Custom slug.
    pub custom_slug: String,
    /// Name.
    pub name: String,
    /// Priority.
    pub priority: i64,
    /// Favorite.
    pub favorite: bool,
    /// Description.
    pub description: String,
    /// Notes.
    pub notes: String,
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

/// The link between a photo and a label.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PhotoLabel {
    /// Numeric photo id.
    #[serde(rename = "PhotoID")]
    pub photo_id: i64,
    /// Numeric label id.
    #[serde(rename = "LabelID")]
    pub label_id: i64,
    /// Source of the link (`manual`, `image`, …).
    pub label_src: String,
    /// Uncertainty 0–100 (100 = effectively hidden).
    pub uncertainty: i64,
    /// The label itself.
    pub label: Option<Label>,
}
