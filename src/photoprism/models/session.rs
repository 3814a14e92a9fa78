//! Sessions, users, the client configuration and OAuth token answers.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::serde_util::null_default;
use crate::photoprism::secret::Secret;

/// A login session (`POST /api/v1/session`, `GET /api/v1/session`). `Debug` hides the token.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "RawSession")]
pub struct Session {
    /// The bearer token (`access_token`, or the deprecated `id` on old servers).
    pub access_token: Secret,
    /// `Bearer`.
    pub token_type: String,
    /// SHA-256 of the token: the session's database key.
    pub session_id: String,
    /// Seconds until the session expires; 0 = never.
    pub expires_in: i64,
    /// `local`, `application` (app password), `client`, …
    pub provider: String,
    /// Scope of the session; empty or `*` = everything.
    pub scope: String,
    /// `success` on login.
    pub status: String,
    /// The logged-in user.
    pub user: User,
    /// Client configuration (version, features, download/preview tokens).
    pub config: SessionConfig,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawSession {
    id: Option<Secret>,
    access_token: Option<Secret>,
    token_type: String,
    session_id: String,
    expires_in: i64,
    provider: String,
    scope: String,
    status: String,
    #[serde(deserialize_with = "null_default")]
    user: User,
    #[serde(deserialize_with = "null_default")]
    config: SessionConfig,
}

impl From<RawSession> for Session {
    fn from(raw: RawSession) -> Self {
        let access_token = raw
            .access_token
            .filter(|t| !t.is_empty())
            .or(raw.id)
            .unwrap_or_default();
        Session {
            access_token,
            token_type: raw.token_type,
            session_id: raw.session_id,
            expires_in: raw.expires_in,
            provider: raw.provider,
            scope: raw.scope,
            status: raw.status,
            user: raw.user,
            config: raw.config,
        }
    }
}

/// The user of a session.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct User {
    /// Numeric id.
    #[serde(rename = "ID")]
    pub id: i64,
    /// User UID (`u…`), needed for uploads.
    #[serde(rename = "UID")]
    pub uid: String,
    /// Login name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// E-mail address.
    pub email: String,
    /// Role: `admin`, `guest`, `visitor`, …
    pub role: String,
    /// Super admin flag.
    pub super_admin: bool,
    /// May log in.
    pub can_login: bool,
    /// WebDAV access.
    #[serde(rename = "WebDAV")]
    pub webdav: bool,
    /// Base folder of the user's originals.
    pub base_path: String,
    /// Upload folder.
    pub upload_path: String,
    /// Auth provider.
    pub auth_provider: String,
    /// Creation time.
    pub created_at: String,
    /// Update time.
    pub updated_at: String,
}

/// The part of the client configuration the client needs. `Debug` hides the tokens.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SessionConfig {
    /// Build string: `development`, `250129-978ef660e-…`, `260630-4b33d3bd1-Linux-AMD64`.
    pub version: String,
    /// `ce`, `plus`, …
    pub edition: String,
    /// Authorizes `/dl/…` URLs.
    pub download_token: Secret,
    /// Authorizes `/t/…` thumbnail URLs.
    pub preview_token: Secret,
    /// True in public (no-auth) mode.
    pub public: bool,
    /// True in read-only mode.
    pub readonly: bool,
    /// User-facing settings, including feature flags.
    #[serde(deserialize_with = "null_default")]
    pub settings: ConfigSettings,
}

/// `config.settings`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ConfigSettings {
    /// Feature flags by name (`batchEdit`, `appPasswords`, `upload`, …).
    #[serde(deserialize_with = "null_default")]
    pub features: BTreeMap<String, serde_json::Value>,
}

impl SessionConfig {
    /// The value of a feature flag, `None` when the server does not know it.
    pub fn feature(&self, name: &str) -> Option<bool> {
        self.settings
            .features
            .get(name)
            .and_then(serde_json::Value::as_bool)
    }
}

/// The tokens of the current session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Bearer token of the session.
    pub access: Secret,
    /// Download token for `/dl/…` URLs.
    pub download: Secret,
    /// Preview token for thumbnail URLs.
    pub preview: Secret,
}

/// Answer of `POST /api/v1/oauth/token`: a client token or a new app password. `Debug` hides it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppPassword {
    /// The token or app password.
    pub access_token: Secret,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds until expiry; 0 = never.
    pub expires_in: i64,
    /// Name of the client.
    pub client_name: String,
    /// Normalized scope.
    pub scope: String,
    /// Session id (SHA-256 of the token).
    pub session_id: String,
    /// `success`.
    pub status: String,
}
