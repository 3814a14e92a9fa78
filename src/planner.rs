//! The plan pipeline: state (fetch) -> resolve -> diff -> graph.

use std::sync::Arc;

use miette::Diagnostic;

use crate::graph::{self, GraphOptions};
use crate::manifest::Manifest;
use crate::photoprism::Client;
use crate::plan::{Plan, PlanProblem, PlanProblems};
use crate::resolve::{self, Resolution};
use crate::state::{self, FetchOptions, LibraryState, ReadProgress};

/// Options for making a plan.
#[derive(Clone)]
pub struct PlanOptions {
    /// Limit the plan to these addresses (and their dependencies).
    pub targets: Vec<String>,
    /// Allow more album deletes than `settings.max_destroy`.
    pub allow_destroy: bool,
    /// How many read requests may run at once.
    pub concurrency: usize,
    /// Told how many pages have been read of how many are known (a progress display).
    pub progress: Option<Arc<dyn ReadProgress>>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            targets: Vec::new(),
            allow_destroy: false,
            concurrency: 8,
            progress: None,
        }
    }
}

impl std::fmt::Debug for PlanOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanOptions")
            .field("targets", &self.targets)
            .field("allow_destroy", &self.allow_destroy)
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// A plan with the state and resolution it was computed from.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The plan.
    pub plan: Plan,
    /// The server state it was made from.
    pub state: LibraryState,
    /// What the manifest's entries resolved to.
    pub resolution: Resolution,
}

/// Why no plan could be made.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum PlanError {
    /// The server could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Server(#[from] crate::photoprism::Error),
    /// The manifest does not fit the server (unresolved selectors, conflicts...).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Problems(#[from] PlanProblems),
}

impl From<Vec<PlanProblem>> for PlanError {
    fn from(problems: Vec<PlanProblem>) -> Self {
        PlanError::Problems(PlanProblems::new(problems))
    }
}

/// Fetches the state the manifest needs and computes the plan. Never writes
/// to the server.
pub async fn make_plan(
    client: &Client,
    manifest: &Manifest,
    options: &PlanOptions,
) -> Result<Planned, PlanError> {
    check_targets(manifest, &options.targets)?;
    let fetched = state::fetch(
        client,
        manifest,
        &FetchOptions {
            concurrency: options.concurrency.max(1),
            progress: options.progress.clone(),
        },
    )
    .await?;
    let state = fetched.state;
    let resolution = resolve::resolve(manifest, &state, fetched.albums)?;
    let changes = crate::diff::diff(manifest, &state, &resolution)?;
    let plan = graph::build(
        changes,
        &client.server().to_string(),
        &state.fingerprint(),
        &GraphOptions {
            targets: options.targets.clone(),
            max_destroy: manifest.settings.max_destroy,
            allow_destroy: options.allow_destroy,
        },
    )?;
    Ok(Planned {
        plan,
        state,
        resolution,
    })
}

/// A `--target` must name something the manifest declares: `album.KEY`,
/// `album.KEY.photos`, `album[UID]` or `photo.UID`.
fn check_targets(manifest: &Manifest, targets: &[String]) -> Result<(), PlanError> {
    let mut known: Vec<String> = Vec::new();
    for entry in &manifest.albums {
        known.push(format!("album.{}", entry.key));
        known.push(format!("album.{}.photos", entry.key));
    }
    let mut problems = Vec::new();
    for target in targets {
        let well_formed = known.contains(target)
            || target.starts_with("photo.p")
            || (target.starts_with("album[") && target.contains(']'))
            || target == "album"
            || target == "photo";
        if !well_formed {
            let suggestion = known
                .iter()
                .map(|candidate| (strsim::jaro_winkler(candidate, target), candidate))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, candidate)| format!("did you mean `{candidate}`? "))
                .unwrap_or_default();
            problems.push(
                PlanProblem::new(
                    "prysm::plan::unknown_target",
                    format!("--target {target} names nothing the manifest declares"),
                )
                .help(format!(
                    "{suggestion}targets look like album.KEY, album.KEY.photos, album[UID] or photo.UID"
                )),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.into())
    }
}
