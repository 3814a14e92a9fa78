//! Snapshots of the server state a plan reads (`prysm snapshot`, `prysm plan --state`).
//!
//! A snapshot is made at the HTTP level: `prysm snapshot` makes the plan with a client that
//! records every read (see [`crate::photoprism::Exchange`]), and `prysm plan --state` makes it
//! again with a client that answers from that recording and never contacts the server. Both
//! plans therefore read exactly the same answers and are the same plan.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::manifest::Manifest;
use crate::photoprism::{Client, Exchange, RecordedServer};
use crate::planner::{PlanError, PlanOptions, Planned, make_plan};

/// Version of the snapshot file layout.
pub const SNAPSHOT_VERSION: u32 = 1;

/// The server state a plan of some manifests reads, saved by `prysm snapshot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Snapshot {
    /// Layout version; see [`SNAPSHOT_VERSION`].
    pub snapshot_version: u32,
    /// The prysm version that took the snapshot.
    pub prysm_version: String,
    /// When the snapshot was taken (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The server, its release and API generation.
    pub server: RecordedServer,
    /// Fingerprint of the server state the plan read (the plan's `fingerprint`).
    pub fingerprint: String,
    /// The `--target` addresses the snapshot was taken for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// Every read request of the plan and the server's answer, sorted.
    pub exchanges: Vec<Exchange>,
}

/// Where an offline plan's state came from; recorded in saved plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotOrigin {
    /// The snapshot file as given on the command line.
    pub file: String,
    /// When the snapshot was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The fingerprint recorded in the snapshot.
    pub fingerprint: String,
}

/// A snapshot that cannot be read or written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SnapshotError {
    /// The file cannot be read or written.
    #[error("cannot access the snapshot {path}")]
    #[diagnostic(code(prysm::snapshot::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a snapshot.
    #[error("{path} is not a prysm snapshot this version can read")]
    #[diagnostic(
        code(prysm::snapshot::format),
        help("take it again with `prysm snapshot -f MANIFEST -o FILE`")
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The file has another layout version.
    #[error("{path} has snapshot version {found}; this prysm reads version {SNAPSHOT_VERSION}")]
    #[diagnostic(
        code(prysm::snapshot::version),
        help("take it again with this prysm: `prysm snapshot -f MANIFEST -o FILE`")
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
    },
    /// The replay client cannot be built (a bad server URL in the file).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Client(#[from] crate::photoprism::Error),
}

impl Snapshot {
    /// Makes the plan of `manifest` through `client` and records every read it makes.
    ///
    /// Budgets are passed while recording (`allow_destroy`), so a plan that would stop at a
    /// budget still leaves a complete snapshot; the offline plan checks them again.
    pub async fn take(
        client: &Client,
        manifest: &Manifest,
        options: &PlanOptions,
        created_at: Option<String>,
    ) -> Result<(Snapshot, Planned), PlanError> {
        client.start_recording();
        let recording_options = PlanOptions {
            allow_destroy: true,
            ..options.clone()
        };
        let planned = make_plan(client, manifest, &recording_options).await;
        let exchanges = client.take_recording();
        let planned = planned?;
        let snapshot = Snapshot {
            snapshot_version: SNAPSHOT_VERSION,
            prysm_version: env!("CARGO_PKG_VERSION").to_string(),
            created_at,
            server: RecordedServer::of(client),
            fingerprint: planned.plan.fingerprint.clone(),
            targets: options.targets.clone(),
            exchanges,
        };
        Ok((snapshot, planned))
    }

    /// A client that answers from this snapshot and never contacts the server.
    pub fn client(&self) -> Result<Client, SnapshotError> {
        Ok(Client::replay(&self.server, self.exchanges.clone())?)
    }

    /// Writes the snapshot as compact JSON (one line per exchange) with a trailing newline.
    pub fn to_json(&self) -> String {
        // Exchanges one per line: compact, and still readable and diffable.
        let mut text = String::from("{");
        let value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let serde_json::Value::Object(map) = value {
            let mut first = true;
            for (key, value) in map {
                if !first {
                    text.push(',');
                }
                first = false;
                text.push_str(&format!("\n{}:", serde_json::Value::String(key.clone())));
                match (key.as_str(), value) {
                    ("exchanges", serde_json::Value::Array(items)) => {
                        text.push('[');
                        for (i, item) in items.iter().enumerate() {
                            text.push_str(if i == 0 { "\n" } else { ",\n" });
                            text.push_str(&item.to_string());
                        }
                        text.push_str("\n]");
                    }
                    (_, value) => text.push_str(&value.to_string()),
                }
            }
        }
        text.push_str("\n}\n");
        text
    }

    /// Writes the snapshot to `path`.
    pub fn write(&self, path: &Path) -> Result<(), SnapshotError> {
        std::fs::write(path, self.to_json()).map_err(|source| SnapshotError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a snapshot written by [`Snapshot::write`].
    pub fn read(path: &Path) -> Result<Snapshot, SnapshotError> {
        let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| SnapshotError::Format {
                path: path.to_path_buf(),
                source,
            })?;
        let found = value
            .get("snapshot_version")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if found != u64::from(SNAPSHOT_VERSION) {
            return Err(SnapshotError::Version {
                path: path.to_path_buf(),
                found,
            });
        }
        serde_json::from_value(value).map_err(|source| SnapshotError::Format {
            path: path.to_path_buf(),
            source,
        })
    }

    /// What a saved plan made from this snapshot records about it.
    pub fn origin(&self, file: &Path) -> SnapshotOrigin {
        SnapshotOrigin {
            file: file.display().to_string(),
            created_at: self.created_at.clone(),
            fingerprint: self.fingerprint.clone(),
        }
    }
}

/// The JSON Schema (draft 2020-12) of the snapshot file; `schemas/snapshot.schema.json`
/// holds it.
pub fn snapshot_json_schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Snapshot>();
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "$comment".to_string(),
            serde_json::Value::String(
                "Generated by `prysm schema --snapshot` from prysm's snapshot types; do not edit by hand."
                    .to_string(),
            ),
        );
    }
    value
}

/// [`snapshot_json_schema`] as pretty JSON with a trailing newline.
pub fn snapshot_json_schema_string() -> String {
    format!("{:#}\n", snapshot_json_schema())
}
