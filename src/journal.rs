//! The apply journal: what an apply (or an undo) did, written while it runs.
//!
//! A journal is a JSON Lines file, one per apply, named by the time it started
//! (`.prysm/journal/20261130T062233.123456789Z-apply.jsonl` by default). The first
//! line (`start`) holds the server, prysm's version, the manifest sources, the plan
//! (every field change carries its value before and after, every membership change
//! the exact photo set) and what the plan alone does not say: the fields and members
//! of each album it deletes and the albums of each photo it archives. One `result`
//! line follows per action as it finishes, then one `end` line. Every line is written
//! to the file as it happens, so an apply that is interrupted, killed or crashes leaves a
//! journal that says what was done; lines are synced to disk at least every 200 ms and
//! at the start and the end (a sync per line cost 3 ms, a minute on 20,000 photos). Journals never hold credentials: the server
//! address is stored without them, and the manifest holds none.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use miette::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::apply::{ActionResult, ApplyObserver, ApplyReport, Status};
use crate::photoprism::Client;
use crate::plan::{Action, Change, Plan, SavedSource, Value};

/// Version of the journal format.
pub const JOURNAL_VERSION: u32 = 1;

/// Where journals go unless `--journal DIR` says otherwise (relative to the working directory).
pub const DEFAULT_DIR: &str = ".prysm/journal";

/// What wrote a journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `prysm apply`.
    Apply,
    /// `prysm undo`.
    Undo,
}

/// A field's value, for albums recorded before they are deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    /// Manifest name of the field.
    pub field: String,
    /// Its value.
    pub value: Value,
}

/// An album as it was before the apply deleted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlbumBefore {
    /// Title.
    pub title: String,
    /// Every managed field.
    pub fields: Vec<FieldValue>,
    /// UIDs of its visible members.
    pub members: Vec<String>,
}

/// What the plan alone does not say about the state before the apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Before {
    /// Albums the plan deletes, by UID.
    #[serde(default)]
    pub albums: BTreeMap<String, AlbumBefore>,
    /// Photos the plan archives: the UIDs of the manual albums they were visible in
    /// (archiving hides a photo's memberships, restoring does not bring them back).
    #[serde(default)]
    pub photo_albums: BTreeMap<String, Vec<String>>,
}

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Start {
    /// [`JOURNAL_VERSION`].
    pub journal_version: u32,
    /// The prysm version that applied.
    pub prysm_version: String,
    /// Apply or undo.
    pub operation: Operation,
    /// When the apply started (UTC, RFC 3339).
    pub started_at: String,
    /// The server, without credentials.
    pub server: String,
    /// The manifest files the plan was made from (empty for an undo).
    #[serde(default)]
    pub manifest: Vec<SavedSource>,
    /// The journal an undo undid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
    /// The plan, with every value before and after.
    pub plan: Plan,
    /// Values the plan does not carry.
    pub before: Before,
}

/// How one action ended, as journalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Succeeded,
    /// The server refused or failed.
    Failed,
    /// A dependency did not succeed.
    Skipped,
    /// Interrupted before it started.
    NotStarted,
}

/// One action's result line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultLine {
    /// The action's id in the plan.
    pub id: usize,
    /// Its address.
    pub address: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The error or the reason it was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it finished.
    pub at: String,
}

/// The last line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct End {
    /// When the apply ended.
    pub finished_at: String,
    /// Ctrl-C stopped it early.
    pub interrupted: bool,
}

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// The header.
    Start(Box<Start>),
    /// One action finished.
    Result(ResultLine),
    /// The apply finished.
    End(End),
}

/// Whether an action of a journalled plan was carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// It succeeded.
    Yes,
    /// It was skipped or never started.
    No,
    /// It may have been carried out in part or in full: it failed (a create whose
    /// update failed, an answer lost after the server acted), or the journal has no
    /// result for it because it was running when the apply stopped.
    Unknown,
}

/// A journal read back from disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    /// The file it was read from.
    pub path: PathBuf,
    /// The header.
    pub start: Start,
    /// Results by action id.
    pub results: BTreeMap<usize, ResultLine>,
    /// The closing line; `None` when the apply was cut short (crash, second Ctrl-C).
    pub end: Option<End>,
}

/// Problems with journals.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum JournalError {
    /// A journal file or directory could not be read or written.
    #[error("{what} {path}: {source}")]
    #[diagnostic(code(prysm::journal::io))]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A journal's contents are not a journal.
    #[error("{path} is not a prysm journal: {message}")]
    #[diagnostic(
        code(prysm::journal::invalid),
        help(
            "pass a file written by `prysm apply` (in .prysm/journal/ unless --journal said otherwise)"
        )
    )]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No journal in the directory.
    #[error("no journal in {dir}")]
    #[diagnostic(
        code(prysm::journal::none),
        help(
            "`prysm apply` writes one per apply into .prysm/journal/ (or --journal DIR); pass the file to use"
        )
    )]
    None {
        /// The directory searched.
        dir: PathBuf,
    },
    /// The server could not be read before the apply.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Server(#[from] crate::photoprism::Error),
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

impl Journal {
    /// Reads a journal. A last line cut short by a crash is ignored.
    pub fn read(path: &Path) -> Result<Journal, JournalError> {
        let text = std::fs::read_to_string(path).map_err(|source| JournalError::Io {
            what: "cannot read the journal",
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |message: String| JournalError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let lines: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .collect();
        let mut start = None;
        let mut results = BTreeMap::new();
        let mut end = None;
        for (index, line) in lines.iter().enumerate() {
            let record: Record = match serde_json::from_str(line) {
                Ok(record) => record,
                // Only the last line can be torn by a crash.
                Err(_) if index + 1 == lines.len() && !text.ends_with('\n') => break,
                Err(error) => return Err(invalid(format!("line {}: {error}", index + 1))),
            };
            match record {
                Record::Start(header) if index == 0 => start = Some(*header),
                Record::Start(_) => {
                    return Err(invalid(format!("line {}: a second start", index + 1)));
                }
                Record::Result(result) => {
                    results.insert(result.id, result);
                }
                Record::End(closing) => end = Some(closing),
            }
        }
        let Some(start) = start else {
            return Err(invalid("it does not begin with a start line".to_string()));
        };
        if start.journal_version != JOURNAL_VERSION {
            return Err(invalid(format!(
                "journal version {} (this prysm reads {JOURNAL_VERSION})",
                start.journal_version
            )));
        }
        Ok(Journal {
            path: path.to_path_buf(),
            start,
            results,
            end,
        })
    }

    /// Whether the action with this id was carried out.
    pub fn done(&self, id: usize) -> Done {
        match self.results.get(&id).map(|result| result.outcome) {
            Some(Outcome::Succeeded) => Done::Yes,
            Some(Outcome::Skipped | Outcome::NotStarted) => Done::No,
            Some(Outcome::Failed) | None => Done::Unknown,
        }
    }
}

/// The journals in `dir`, oldest first (by name, which starts with the time).
pub fn list(dir: &Path) -> Result<Vec<PathBuf>, JournalError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(JournalError::Io {
                what: "cannot list the journal directory",
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    Ok(files)
}

/// The newest journal in `dir` (an apply's or an undo's).
///
/// `prysm undo` takes back the last apply ([`latest_apply`]); an undo is undone by
/// naming its journal.
pub fn latest(dir: &Path) -> Result<Journal, JournalError> {
    match list(dir)?.last() {
        Some(path) => Journal::read(path),
        None => Err(JournalError::None {
            dir: dir.to_path_buf(),
        }),
    }
}

/// The newest journal of an apply made from a manifest: what `prysm undo` takes back
/// by default, and the baseline for drift.
pub fn latest_apply(dir: &Path) -> Result<Journal, JournalError> {
    for path in list(dir)?.iter().rev() {
        let journal = Journal::read(path)?;
        if journal.start.operation == Operation::Apply && !journal.start.manifest.is_empty() {
            return Ok(journal);
        }
    }
    Err(JournalError::None {
        dir: dir.to_path_buf(),
    })
}

/// Reads what the plan does not carry: the fields and members of the albums it
/// deletes, the albums of the photos it archives.
pub async fn read_before(client: &Client, plan: &Plan) -> Result<Before, JournalError> {
    let mut before = Before::default();
    for action in &plan.actions {
        match &action.change {
            Change::DeleteAlbum { album, .. } => {
                let Some(uid) = &album.uid else { continue };
                let server = client.album(uid).await?;
                let members = album_members(client, uid).await?;
                before.albums.insert(
                    uid.clone(),
                    AlbumBefore {
                        title: server.title.clone(),
                        fields: album_fields(&server),
                        members,
                    },
                );
            }
            // Archiving hides every album row of the photo; restoring keeps rows that an
            // archived photo still had (an archived photo added to an album gets a visible
            // row, photoprism-api.md §7), which archiving it again in an undo would hide.
            Change::ArchivePhoto { photo } | Change::RestorePhoto { photo } => {
                let server = client.photo(&photo.uid).await?;
                let albums = server
                    .albums
                    .iter()
                    .filter(|album| album.album_type == "album" && !album.is_deleted())
                    .map(|album| album.uid.clone())
                    .collect();
                before.photo_albums.insert(photo.uid.clone(), albums);
            }
            _ => {}
        }
    }
    Ok(before)
}

/// The photos with a visible row in a live manual album: those the album lists, and the
/// archived ones it lists only with `archived=true` (photoprism-api.md §2.12, §7).
pub async fn album_members(
    client: &Client,
    uid: &str,
) -> Result<Vec<String>, crate::photoprism::Error> {
    let mut members: BTreeSet<String> = client.album_photo_uids(uid).await?.into_iter().collect();
    let archived = client
        .all_photos(crate::photoprism::PhotoQuery {
            scope: Some(uid.to_owned()),
            count: 1000,
            merged: true,
            archived: Some(true),
            ..crate::photoprism::PhotoQuery::default()
        })
        .await?;
    members.extend(archived.into_iter().map(|photo| photo.uid));
    Ok(members.into_iter().collect())
}

/// The managed fields of an album, as the manifest names them.
pub fn album_fields(album: &crate::photoprism::Album) -> Vec<FieldValue> {
    let text = |field: &str, value: &str| FieldValue {
        field: field.to_string(),
        value: Value::Text(value.to_string()),
    };
    let flag = |field: &str, value: bool| FieldValue {
        field: field.to_string(),
        value: Value::Bool(value),
    };
    vec![
        text("title", &album.title),
        text("description", &album.description),
        text("caption", &album.caption),
        text("notes", &album.notes),
        text("category", &album.category),
        text("location", &album.location),
        text("country", &album.country),
        text("order", &album.order),
        flag("favorite", album.favorite),
        flag("private", album.private),
    ]
}

/// Writes a journal line by line while an apply runs.
#[derive(Debug)]
pub struct JournalWriter {
    path: PathBuf,
    /// The file, and when it was last synced to disk.
    file: Mutex<(File, std::time::Instant)>,
    error: Mutex<Option<std::io::Error>>,
    /// How many times the file was synced to disk.
    syncs: std::sync::atomic::AtomicUsize,
}

/// How long result lines may wait for a sync to disk. Every line is written to the file at
/// once (a crashed or killed prysm loses none: they are in the kernel's page cache); a sync,
/// which guards against a power or kernel failure, takes milliseconds and is done at most this
/// often, and always for the first and the last line. A result lost that way reads as "not
/// known" and undo checks the server for it.
const SYNC_INTERVAL: std::time::Duration = std::time::Duration::from_millis(200);

impl JournalWriter {
    /// Creates the journal file in `dir` (made if missing) and writes the start line.
    pub fn create(dir: &Path, start: &Start) -> Result<JournalWriter, JournalError> {
        std::fs::create_dir_all(dir).map_err(|source| JournalError::Io {
            what: "cannot create the journal directory",
            path: dir.to_path_buf(),
            source,
        })?;
        let stamp = jiff::Timestamp::now();
        let base = format!(
            "{}.{:09}Z-{}",
            stamp.strftime("%Y%m%dT%H%M%S"),
            stamp.subsec_nanosecond(),
            match start.operation {
                Operation::Apply => "apply",
                Operation::Undo => "undo",
            }
        );
        let mut attempt = 0;
        let (path, file) = loop {
            let name = if attempt == 0 {
                format!("{base}.jsonl")
            } else {
                format!("{base}-{attempt}.jsonl")
            };
            let path = dir.join(name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => break (path, file),
                Err(error)
                    if error.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 =>
                {
                    attempt += 1;
                }
                Err(source) => {
                    return Err(JournalError::Io {
                        what: "cannot create the journal",
                        path,
                        source,
                    });
                }
            }
        };
        let writer = JournalWriter {
            path,
            file: Mutex::new((file, std::time::Instant::now())),
            error: Mutex::new(None),
            syncs: std::sync::atomic::AtomicUsize::new(0),
        };
        writer
            .write(&Record::Start(Box::new(start.clone())), true)
            .map_err(|source| JournalError::Io {
                what: "cannot write the journal",
                path: writer.path.clone(),
                source,
            })?;
        Ok(writer)
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one line; syncs it to disk when `sync` or when the last sync is
    /// [`SYNC_INTERVAL`] old.
    fn write(&self, record: &Record, sync: bool) -> std::io::Result<()> {
        let mut line = serde_json::to_string(record).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut guard = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("journal lock poisoned"))?;
        let (file, synced) = &mut *guard;
        file.write_all(line.as_bytes())?;
        if sync || synced.elapsed() >= SYNC_INTERVAL {
            file.sync_data()?;
            *synced = std::time::Instant::now();
            self.syncs
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }

    fn keep(&self, result: std::io::Result<()>) {
        if let Err(error) = result {
            if let Ok(mut slot) = self.error.lock() {
                slot.get_or_insert(error);
            }
        }
    }

    /// Appends one action's result.
    pub fn record(&self, result: &ActionResult) {
        let (outcome, message) = match &result.status {
            // A note says where a new share link is (its UID, never its token).
            Status::Succeeded => (Outcome::Succeeded, result.note.clone()),
            Status::Failed(message) => (Outcome::Failed, Some(message.clone())),
            Status::Skipped(message) => (Outcome::Skipped, Some(message.clone())),
            Status::NotStarted => (Outcome::NotStarted, None),
        };
        let line = Record::Result(ResultLine {
            id: result.id,
            address: result.address.clone(),
            outcome,
            message,
            at: now(),
        });
        self.keep(self.write(&line, false));
    }

    /// Writes the end line; returns the first write error of the whole journal, if any.
    pub fn finish(&self, report: &ApplyReport) -> Result<(), JournalError> {
        let end = Record::End(End {
            finished_at: now(),
            interrupted: report.interrupted,
        });
        self.keep(self.write(&end, true));
        let error = self.error.lock().ok().and_then(|mut slot| slot.take());
        match error {
            Some(source) => Err(JournalError::Io {
                what: "cannot write the journal",
                path: self.path.clone(),
                source,
            }),
            None => Ok(()),
        }
    }
}

/// An observer that journals every result and passes events on.
pub struct Journaled<'a> {
    /// The observer that shows progress.
    pub inner: &'a dyn ApplyObserver,
    /// The journal.
    pub writer: &'a JournalWriter,
}

impl ApplyObserver for Journaled<'_> {
    fn started(&self, actions: &[&Action]) {
        self.inner.started(actions);
    }

    fn finished(&self, result: &ActionResult) {
        self.writer.record(result);
        self.inner.finished(result);
    }
}

/// The start line for `plan`, applied against `client`'s server.
pub fn start(
    client: &Client,
    operation: Operation,
    plan: &Plan,
    manifest: Vec<SavedSource>,
    before: Before,
) -> Start {
    Start {
        journal_version: JOURNAL_VERSION,
        prysm_version: env!("CARGO_PKG_VERSION").to_string(),
        operation,
        started_at: now(),
        server: client.server().to_string(),
        manifest,
        undoes: None,
        plan: plan.clone(),
        before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_written_at_once_and_synced_in_batches() {
        let dir = tempfile::tempdir().expect("dir");
        let plan = crate::graph::build(
            Vec::new(),
            "http://127.0.0.1/",
            "f",
            &crate::graph::GraphOptions::default(),
        )
        .expect("plan");
        let start = Start {
            journal_version: JOURNAL_VERSION,
            prysm_version: "test".to_string(),
            operation: Operation::Apply,
            started_at: now(),
            server: "http://127.0.0.1/".to_string(),
            manifest: Vec::new(),
            undoes: None,
            plan,
            before: Before::default(),
        };
        let writer = JournalWriter::create(dir.path(), &start).expect("journal");
        let started = std::time::Instant::now();
        for id in 0..2000 {
            writer.record(&ActionResult {
                id,
                address: format!("photo.psj4uo0test{id:05}"),
                description: "update photo «Ёлка»".to_string(),
                status: Status::Succeeded,
                note: None,
            });
        }
        // Every line is in the file before any end line, as a killed apply would leave it.
        let journal = Journal::read(writer.path()).expect("reads");
        assert_eq!(journal.results.len(), 2000);
        assert!(journal.end.is_none());
        // One sync for the start line, then at most one per interval (not one per line).
        let intervals = started.elapsed().as_millis() / SYNC_INTERVAL.as_millis() + 1;
        let syncs = writer.syncs.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            syncs as u128 <= 1 + intervals,
            "{syncs} syncs for 2000 lines"
        );
        writer.finish(&ApplyReport::default()).expect("end");
        assert!(Journal::read(writer.path()).expect("reads").end.is_some());
    }
}
