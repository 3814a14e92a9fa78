//! [`ShareLink`]: a share link of an album.

use serde::{Deserialize, Serialize};

/// A share link (`GET/POST /api/v1/albums/:uid/links`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ShareLink {
    /// Link UID (`s…`).
    #[serde(rename = "UID")]
    pub uid: String,
    /// UID of the shared album.
    #[serde(rename = "ShareUID")]
    pub share_uid: String,
    /// URL slug.
    pub slug: String,
    /// The token in the share URL `/s/<token>/<slug>`.
    pub token: String,
    /// Seconds after the last change until the link expires; 0 = never.
    pub expires: i64,
    /// Number of visits.
    pub views: i64,
    /// Maximum number of visits; 0 = unlimited.
    pub max_views: i64,
    /// True when visitors must enter a password.
    pub verify_password: bool,
    /// Comment.
    pub comment: String,
    /// Permissions.
    pub perm: i64,
    /// UID of the creating user.
    pub created_by: String,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub modified_at: String,
}

impl ShareLink {
    /// The public URL path of the link relative to the site: `s/<token>/<slug>`.
    pub fn url_path(&self) -> String {
        format!("s/{}/{}", self.token, self.slug)
    }
}
