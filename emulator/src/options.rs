//! Emulator options and the emulated API generation.

use std::time::Duration;

/// Which generation of the PhotoPrism API the emulator speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ApiGeneration {
    /// December 2024 builds: photo `Description`/`DescriptionSrc`, album create always 200,
    /// no batch edit (404), i18n bodies without `messageId`.
    V2024,
    /// 2025+ builds: photo `Caption`/`CaptionSrc`, album create 201 + `Location` for new albums,
    /// `POST|PUT /api/v1/batch/photos/edit`, `TimeZone` `"Local"`, i18n bodies with `messageId`.
    #[default]
    V2025,
}

impl ApiGeneration {
    /// The `config.version` string a server of this generation reports.
    pub fn version(self) -> &'static str {
        match self {
            ApiGeneration::V2024 => "241213-382ffa89a",
            ApiGeneration::V2025 => "260630-4b33d3bd1",
        }
    }

    /// Whether photos use `Caption` (true) or `Description` (false).
    pub fn caption_key(self) -> bool {
        self == ApiGeneration::V2025
    }
}

/// How to start an emulator.
#[derive(Clone)]
pub struct EmulatorOptions {
    /// API generation to emulate (default [`ApiGeneration::V2025`]).
    pub generation: ApiGeneration,
    /// Admin login name (default `admin`).
    pub username: String,
    /// Admin password (default `photoprism`).
    pub password: String,
    /// TCP port on 127.0.0.1; 0 (default) = any free port.
    pub port: u16,
    /// How long a batch edit that changes values holds the server-wide batch-edit lock, per
    /// selected photo (default 1 ms). A real server needs about 6.7 ms a photo (recording
    /// `local-server-2026-11-probes/01-batch-edit-busy.json`: 163 photos in 1.09 s).
    pub batch_edit_per_photo: Duration,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            generation: ApiGeneration::V2025,
            username: "admin".to_owned(),
            password: "photoprism".to_owned(),
            port: 0,
            batch_edit_per_photo: Duration::from_millis(1),
        }
    }
}

impl EmulatorOptions {
    /// Default options for the given generation.
    pub fn for_generation(generation: ApiGeneration) -> Self {
        EmulatorOptions {
            generation,
            ..EmulatorOptions::default()
        }
    }
}

impl std::fmt::Debug for EmulatorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorOptions")
            .field("generation", &self.generation)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("port", &self.port)
            .field("batch_edit_per_photo", &self.batch_edit_per_photo)
            .finish()
    }
}
