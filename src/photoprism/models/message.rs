//! [`Message`]: PhotoPrism's i18n status body, `{"code":200,"message":"…"}`.

use serde::{Deserialize, Serialize};

/// An i18n answer: `{"code":200,"message":"Changes successfully saved"}` or `{"code":400,"error":"…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Message {
    /// The status code the server put in the body (not always the HTTP status).
    pub code: i64,
    /// Success message.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// Error message.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// Extra details.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub details: String,
}

impl Message {
    /// The message, or the error when there is no message.
    pub fn text(&self) -> &str {
        if self.message.is_empty() {
            &self.error
        } else {
            &self.message
        }
    }
}

/// `{"status":"deleted","session_id":"…"}` from logout and revoke.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StatusResponse {
    /// `deleted`, `operational`, …
    pub status: String,
    /// Session id, when one was deleted.
    pub session_id: String,
}
