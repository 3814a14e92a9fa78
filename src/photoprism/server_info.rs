//! [`ServerInfo`]: what the client learned about the server's release and features.

use super::models::{SessionConfig, TextField};

/// First release (YYMMDD) known to send `Caption` instead of `Description` on photos.
const FIRST_CAPTION_RELEASE: u32 = 250129;

/// First release (YYMMDD) with batch edit, whose album create answers 201.
const FIRST_BATCH_EDIT_RELEASE: u32 = 251130;

/// The server's release and the API generation it speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// Build string from the client configuration (`development`, `260630-4b33d3bd1-Linux-AMD64`, …); empty when unknown.
    pub version: String,
    /// `ce`, `plus`, … (empty when unknown).
    pub edition: String,
    /// Which key holds a photo's text on this server.
    pub generation: TextField,
    /// True when `POST /api/v1/batch/photos/edit` is available and enabled.
    pub batch_edit: bool,
    /// True when `POST /api/v1/albums` answers 201 for a new album (2025+), so 200 means "found".
    pub album_create_201: bool,
    /// The `appPasswords` feature flag, when the server reports it.
    pub app_passwords: Option<bool>,
}

impl Default for ServerInfo {
    /// Before login nothing is known: assume the current API (caption, no batch edit).
    fn default() -> Self {
        ServerInfo {
            version: String::new(),
            edition: String::new(),
            generation: TextField::Caption,
            batch_edit: false,
            album_create_201: false,
            app_passwords: None,
        }
    }
}

impl ServerInfo {
    /// Derives the generation from a session's client configuration.
    ///
    /// A server that knows the `batchEdit` flag is a 2025+ release; otherwise a release date
    /// (the `YYMMDD` prefix of the version) from late January 2025 on means `Caption`. Source builds
    /// (`development`) without the flag are taken as the older API. Photo answers refine this later.
    pub fn from_config(config: &SessionConfig) -> ServerInfo {
        let batch_flag = config.feature("batchEdit");
        let generation = if batch_flag.is_some() {
            TextField::Caption
        } else {
            match release_date(&config.version) {
                Some(date) if date >= FIRST_CAPTION_RELEASE => TextField::Caption,
                _ => TextField::Description,
            }
        };
        ServerInfo {
            version: config.version.clone(),
            edition: config.edition.clone(),
            generation,
            batch_edit: batch_flag.unwrap_or(false),
            album_create_201: batch_flag.is_some()
                || release_date(&config.version).is_some_and(|d| d >= FIRST_BATCH_EDIT_RELEASE),
            app_passwords: config.feature("appPasswords"),
        }
    }

    /// The release date `YYMMDD` at the start of the version string, if there is one.
    pub fn release(&self) -> Option<u32> {
        release_date(&self.version)
    }
}

fn release_date(version: &str) -> Option<u32> {
    let digits = version.get(..6)?;
    let delimited = matches!(version.as_bytes().get(6), None | Some(b'-'));
    if digits.bytes().all(|b| b.is_ascii_digit()) && delimited {
        digits.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(version: &str, features: &str) -> SessionConfig {
        serde_json::from_str(&format!(
            r#"{{"version":"{version}","settings":{{"features":{features}}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn detects_generations() {
        let old = ServerInfo::from_config(&config("development", r#"{"edit":true}"#));
        assert_eq!(old.generation, TextField::Description);
        assert!(!old.batch_edit);
        let old = ServerInfo::from_config(&config("241213-abc", "{}"));
        assert_eq!(old.generation, TextField::Description);
        assert_eq!(old.release(), Some(241213));
        let demo = ServerInfo::from_config(&config("250129-978ef660e-Linux", "{}"));
        assert_eq!(demo.generation, TextField::Caption);
        let new = ServerInfo::from_config(&config(
            "260630-4b33d3bd1-Linux-AMD64",
            r#"{"batchEdit":true,"appPasswords":true}"#,
        ));
        assert_eq!(new.generation, TextField::Caption);
        assert!(new.batch_edit);
        assert!(new.album_create_201);
        assert!(!old.album_create_201);
        assert_eq!(new.app_passwords, Some(true));
        let disabled = ServerInfo::from_config(&config("development", r#"{"batchEdit":false}"#));
        assert_eq!(disabled.generation, TextField::Caption);
        assert!(!disabled.batch_edit);
        assert_eq!(
            ServerInfo::from_config(&config("12345x", "{}")).release(),
            None
        );
    }
}
