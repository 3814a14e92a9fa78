//! Saved plans (`prysm plan --out FILE`, `prysm apply FILE`).
//!
//! A saved plan holds the plan, the manifest text it was made from and the
//! options used, so `apply` can fetch the server state again, compare its
//! fingerprint with the one recorded, and refuse when the server changed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Plan;

/// Version of the saved-plan file layout.
pub const SAVED_PLAN_VERSION: u32 = 1;

/// One manifest file as it was when the plan was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSource {
    /// The path it was read from.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// A plan written to disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// Layout version; see [`SAVED_PLAN_VERSION`].
    pub saved_plan_version: u32,
    /// The plan.
    pub plan: Plan,
    /// The manifest files.
    pub manifest: Vec<SavedSource>,
    /// The `--target` addresses used.
    pub targets: Vec<String>,
    /// Whether `--allow-destroy` was given.
    pub allow_destroy: bool,
    /// When the plan was made (RFC 3339, UTC); absent in plans saved by older prysm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The plan was made offline from this snapshot (`prysm plan --state FILE`), not from the
    /// live server; `prysm apply` still compares its fingerprint with the live server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<crate::snapshot::SnapshotOrigin>,
    /// The plan is an undo (`prysm undo --out FILE`): `prysm apply` makes the undo plan of this
    /// journal again and compares its fingerprint, instead of planning a manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<SavedUndo>,
}

/// What a saved undo plan was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedUndo {
    /// The journal of the apply it takes back (an absolute path when it could be made one).
    pub journal: PathBuf,
    /// Whether `--force` was given (conflicting items are reverted too).
    pub force: bool,
}

/// A saved plan that cannot be read or written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SavedPlanError {
    /// The file cannot be read or written.
    #[error("cannot access the saved plan {path}")]
    #[diagnostic(code(prysm::saved_plan::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a saved plan of this version.
    #[error("{path} is not a prysm saved plan this version can read")]
    #[diagnostic(
        code(prysm::saved_plan::format),
        help("make the plan again with `prysm plan -f MANIFEST --out FILE`")
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The file was written by an incompatible prysm.
    #[error("{path} has saved-plan version {found}; this prysm reads version {SAVED_PLAN_VERSION}")]
    #[diagnostic(
        code(prysm::saved_plan::version),
        help("make the plan again with this prysm")
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
}

impl SavedPlan {
    /// Writes the plan as JSON.
    pub fn write(&self, path: &Path) -> Result<(), SavedPlanError> {
        let mut text =
            serde_json::to_string_pretty(self).map_err(|source| SavedPlanError::Format {
                path: path.to_path_buf(),
                source,
            })?;
        text.push('\n');
        std::fs::write(path, text).map_err(|source| SavedPlanError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a plan written by [`SavedPlan::write`].
    pub fn read(path: &Path) -> Result<SavedPlan, SavedPlanError> {
        let text = std::fs::read_to_string(path).map_err(|source| SavedPlanError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| SavedPlanError::Format {
                path: path.to_path_buf(),
                source,
            })?;
        let found = value
            .get("saved_plan_version")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if found != u64::from(SAVED_PLAN_VERSION) {
            return Err(SavedPlanError::Version {
                path: path.to_path_buf(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
            });
        }
        serde_json::from_value(value).map_err(|source| SavedPlanError::Format {
            path: path.to_path_buf(),
            source,
        })
    }
}
