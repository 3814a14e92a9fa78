//! The command line's error: what went wrong, rendered with miette.

use miette::Diagnostic;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum CliError {
    /// The manifest has problems.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Manifest(#[from] crate::manifest::ManifestError),
    /// The plan could not be made.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] crate::planner::PlanError),
    /// A request to the server failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Server(#[from] crate::photoprism::Error),
    /// A saved plan cannot be used.
    #[error(transparent)]
    #[diagnostic(transparent)]
    SavedPlan(#[from] crate::plan::SavedPlanError),
    /// A journal cannot be read or written.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Journal(#[from] crate::journal::JournalError),
    /// No undo plan could be made.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Undo(#[from] crate::undo::UndoError),
    /// Drift could not be computed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Drift(#[from] crate::drift::DriftError),
    /// A snapshot cannot be used.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Snapshot(#[from] crate::snapshot::SnapshotError),
    /// `prysm adopt` cannot rewrite the manifests.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Adopt(#[from] crate::adopt::AdoptError),
    /// The command was used wrongly or refused to run.
    #[error("{message}")]
    #[diagnostic(code(prysm::usage))]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do.
        #[help]
        help: Option<String>,
    },
    /// Ctrl-C stopped the command (exit code 130).
    #[error("interrupted {what}")]
    #[diagnostic(code(prysm::interrupted))]
    Interrupted {
        /// When, and what that means for the library.
        what: String,
    },
    /// A local file could not be read or written.
    #[error("{what}: {source}")]
    #[diagnostic(code(prysm::io))]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl CliError {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> CliError {
        CliError::Usage {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// Ctrl-C stopped the command; `what` completes "interrupted …".
    pub fn interrupted(what: impl Into<String>) -> CliError {
        CliError::Interrupted { what: what.into() }
    }

    /// The process exit code for this error: 130 after Ctrl-C (as a shell
    /// reports a SIGINT), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Interrupted { .. } => 130,
            _ => 1,
        }
    }

    /// Prints the error to standard error as a miette report. Text that came
    /// from the server is shown with control characters escaped.
    pub fn print(self) {
        if let CliError::Interrupted { what } = &self {
            eprintln!("Interrupted {what}.");
            return;
        }
        eprintln!("{}", super::clean::render(&self));
    }
}
