//! What happened to each action of an apply.

use serde::Serialize;

use crate::plan::Action;
use crate::render::text::terminal_safe;

/// The final status of one action.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "message", rename_all = "snake_case")]
pub enum Status {
    /// Done.
    Succeeded,
    /// The server refused or failed, after the client's retries; the message says why.
    Failed(String),
    /// Not attempted because an action it depends on did not succeed.
    Skipped(String),
    /// Not started because the apply was interrupted.
    NotStarted,
}

/// One action's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionResult {
    /// The action's id in the plan.
    pub id: usize,
    /// Its address.
    pub address: String,
    /// A short description (`create album "Rome"`).
    pub description: String,
    /// What happened.
    #[serde(flatten)]
    pub status: Status,
    /// Something to know about the result (where to find a share link the action created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ActionResult {
    /// The result of `action` with `status`.
    pub fn new(action: &Action, status: Status) -> ActionResult {
        ActionResult {
            id: action.id,
            address: action.address.clone(),
            description: describe(action),
            status,
            note: None,
        }
    }
}

/// A one-line description of an action, for progress output. Names from the
/// server are kept as they are (the JSON report carries them exactly): pass
/// the text through [`crate::render::text::terminal_safe`] before printing it.
pub fn describe(action: &Action) -> String {
    use crate::plan::Change;
    match &action.change {
        Change::CreateAlbum { album, photos, .. } if photos.is_empty() => {
            format!("create album {:?}", album.title)
        }
        Change::CreateAlbum { album, photos, .. } => format!(
            "create album {:?} with {} photo{}",
            album.title,
            photos.len(),
            if photos.len() == 1 { "" } else { "s" }
        ),
        Change::UpdateAlbum { album, fields } => format!(
            "update album {:?} ({})",
            album.title,
            fields
                .iter()
                .map(|field| field.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Change::DeleteAlbum { album, .. } => format!("delete album {:?}", album.title),
        Change::AddPhotos { album, photos } => {
            format!("add {} photo(s) to album {:?}", photos.len(), album.title)
        }
        Change::RemovePhotos { album, photos } => {
            format!(
                "remove {} photo(s) from album {:?}",
                photos.len(),
                album.title
            )
        }
        Change::UpdatePhoto { photo, fields, .. } => format!(
            "update photo {} ({})",
            photo.name,
            fields
                .iter()
                .map(|field| field.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Change::RestorePhoto { photo } => format!("restore photo {}", photo.name),
        Change::ArchivePhoto { photo } => format!("archive photo {}", photo.name),
        Change::ApprovePhoto { photo, .. } => format!("approve photo {}", photo.name),
        Change::SetAlbumCover { album, new, .. } if new.manual => format!(
            "set the cover of album {:?} to {}",
            album.title,
            new.display()
        ),
        Change::SetAlbumCover { album, .. } => {
            format!("give album {:?} an automatic cover again", album.title)
        }
        Change::ShareLink {
            album,
            op,
            link_uid,
            link,
            ..
        } => {
            let uid = link_uid.as_deref().unwrap_or_default();
            match op {
                crate::plan::LinkOp::Create => format!(
                    "create a share link of album {:?} ({})",
                    album.title,
                    link.describe()
                ),
                crate::plan::LinkOp::Update => {
                    format!("update share link {uid} of album {:?}", album.title)
                }
                crate::plan::LinkOp::Delete => {
                    format!("delete share link {uid} of album {:?}", album.title)
                }
            }
        }
    }
}

/// The outcome of a whole apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApplyReport {
    /// Every action of the plan, by id.
    pub results: Vec<ActionResult>,
    /// Whether Ctrl-C stopped the apply early.
    pub interrupted: bool,
}

impl ApplyReport {
    fn count(&self, pred: impl Fn(&Status) -> bool) -> usize {
        self.results
            .iter()
            .filter(|result| pred(&result.status))
            .count()
    }

    /// Actions that succeeded.
    pub fn succeeded(&self) -> usize {
        self.count(|status| matches!(status, Status::Succeeded))
    }

    /// Actions that failed.
    pub fn failed(&self) -> usize {
        self.count(|status| matches!(status, Status::Failed(_)))
    }

    /// Actions skipped because a dependency failed.
    pub fn skipped(&self) -> usize {
        self.count(|status| matches!(status, Status::Skipped(_)))
    }

    /// Actions never started (interrupted).
    pub fn not_started(&self) -> usize {
        self.count(|status| matches!(status, Status::NotStarted))
    }

    /// True when every action succeeded and nothing was interrupted.
    pub fn is_success(&self) -> bool {
        !self.interrupted && self.succeeded() == self.results.len()
    }

    /// The human-readable closing report.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for note in self
            .results
            .iter()
            .filter_map(|result| result.note.as_deref())
        {
            let _ = writeln!(out, "{}", crate::render::text::terminal_safe(note));
        }
        if self.is_success() {
            let _ = writeln!(
                out,
                "Apply complete! {} action{} succeeded.",
                self.succeeded(),
                if self.succeeded() == 1 { "" } else { "s" }
            );
            return out;
        }
        let _ = writeln!(
            out,
            "Apply {}: {} succeeded, {} failed, {} skipped, {} not started.",
            if self.interrupted {
                "interrupted"
            } else {
                "finished with errors"
            },
            self.succeeded(),
            self.failed(),
            self.skipped(),
            self.not_started()
        );
        let mut section = |title: &str, pick: &dyn Fn(&Status) -> Option<String>| {
            let lines: Vec<String> = self
                .results
                .iter()
                .filter_map(|result| {
                    pick(&result.status).map(|why| {
                        let address = terminal_safe(&result.address);
                        let description = terminal_safe(&result.description);
                        if why.is_empty() {
                            format!("  {address}: {description}")
                        } else {
                            format!("  {address}: {description}\n      {}", terminal_safe(&why))
                        }
                    })
                })
                .collect();
            if !lines.is_empty() {
                let _ = writeln!(out, "\n{title}:");
                for line in lines {
                    let _ = writeln!(out, "{line}");
                }
            }
        };
        section("Failed", &|status| match status {
            Status::Failed(message) => Some(message.clone()),
            _ => None,
        });
        section("Skipped", &|status| match status {
            Status::Skipped(why) => Some(why.clone()),
            _ => None,
        });
        section("Not started", &|status| match status {
            Status::NotStarted => Some(String::new()),
            _ => None,
        });
        let _ = writeln!(
            out,
            "\nNothing was half-applied silently: run `prysm plan` to see what is left, and `prysm apply` again once the cause is fixed."
        );
        out
    }
}
