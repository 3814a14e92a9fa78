//! [`ShareLink`]: a share link of an album.

use serde::{Deserialize, Serialize};

/// A share link (`GET/POST /api/v1/albums/:uid/links`). Its token is a secret: `Debug`
/// shows `***` instead.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

impl std::fmt::Debug for ShareLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareLink")
            .field("uid", &self.uid)
            .field("share_uid", &self.share_uid)
            .field("slug", &self.slug)
            .field("token", &"***")
            .field("expires", &self.expires)
            .field("views", &self.views)
            .field("max_views", &self.max_views)
            .field("verify_password", &self.verify_password)
            .field("comment", &self.comment)
            .field("perm", &self.perm)
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::ShareLink;

    #[test]
    fn debug_hides_the_token() {
        let link = ShareLink {
            uid: "stparozpzdqnkstd".into(),
            token: "fobdsulf7j".into(),
            slug: "my-link".into(),
            ..ShareLink::default()
        };
        let shown = format!("{link:?}");
        assert!(!shown.contains("fobdsulf7j"), "{shown}");
        assert!(shown.contains("stparozpzdqnkstd"));
    }
}
