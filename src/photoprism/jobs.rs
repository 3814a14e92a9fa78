//! Library jobs: import and index (both block until done) and their cancellation.

use serde::Serialize;
use serde_json::json;

use super::client::Client;
use super::error::Error;
use super::models::Message;
use super::transport::Request;

/// Options of `POST /api/v1/import/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportOptions {
    /// Folder relative to the import folder (empty = all of it).
    pub path: String,
    /// Move files instead of copying them.
    #[serde(rename = "move")]
    pub move_files: bool,
    /// Album UIDs (or titles, find-or-create) to add the imported photos to.
    pub albums: Vec<String>,
}

/// Options of `POST /api/v1/index`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexOptions {
    /// Folder relative to the originals (empty = all).
    pub path: String,
    /// Remove orphaned index entries (admin only).
    pub cleanup: bool,
    /// Re-read files that did not change.
    pub rescan: bool,
}

impl Client {
    /// Imports files from the import folder; returns the server's message
    /// (e.g. `Import completed in 3 s`). Blocks until the import finishes.
    pub async fn start_import(&self, options: &ImportOptions) -> Result<String, Error> {
        let body =
            json!({"path": options.path, "move": options.move_files, "albums": options.albums});
        // The route is `/import/*path`: the trailing slash avoids a redirect.
        // Not repeated: a repeat would import again (or fail while the first still runs).
        let message: Message = self.send_json(Request::post("import/").json(body)).await?;
        Ok(message.text().to_owned())
    }

    /// `DELETE /import`: cancels a running import.
    pub async fn cancel_import(&self) -> Result<(), Error> {
        // Safe to repeat: cancelling twice changes nothing.
        self.send(Request::delete("import").idempotent())
            .await
            .map(|_| ())
    }

    /// Indexes the originals; returns the server's message (e.g. `Indexing completed in 5 s`).
    /// Blocks until done; a concurrent run gives a 500 "Already running".
    pub async fn start_index(&self, options: &IndexOptions) -> Result<String, Error> {
        let body =
            json!({"path": options.path, "cleanup": options.cleanup, "rescan": options.rescan});
        // Not repeated: a repeat would index again (or fail with "Already running").
        let message: Message = self.send_json(Request::post("index").json(body)).await?;
        Ok(message.text().to_owned())
    }

    /// `DELETE /index`: cancels a running index.
    pub async fn cancel_index(&self) -> Result<(), Error> {
        // Safe to repeat: cancelling twice changes nothing.
        self.send(Request::delete("index").idempotent())
            .await
            .map(|_| ())
    }
}
