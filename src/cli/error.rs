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

    /// Prints the error to standard error as a miette report.
    pub fn print(self) {
        let report = miette::Report::new(self);
        eprintln!("{report:?}");
    }
}
