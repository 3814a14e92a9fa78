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
    /// Pass every destructive-change budget (`settings.max_destroy` and the
    /// budgets of [`crate::budget`]).
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
    let targets = resolve_targets(client, &state, &resolution, &options.targets).await?;
    let changes = crate::diff::diff(manifest, &state, &resolution)?;
    let mut plan = graph::build_with_reads(
        changes,
        &client.server().to_string(),
        &state.fingerprint(),
        &GraphOptions {
            targets,
            max_destroy: manifest.settings.max_destroy,
            allow_destroy: options.allow_destroy,
        },
        &resolve::album_reads(manifest, &resolution),
    )?;
    plan.warnings = resolution.warnings.clone();
    crate::budget::check(
        &mut plan,
        manifest,
        &state,
        &resolution,
        options.allow_destroy,
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
            || target.starts_with("photo.")
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

/// What a `photo.UID` or `album[UID]` target names, now that the server has been read.
///
/// `album[UID]` of an album the manifest declares becomes `album.KEY` (the address its
/// changes carry); `album[UID]` of another manual album and `photo.UID` of a photo that
/// exists are kept, even when they have no changes. A UID that names nothing on the
/// server is an error with a "did you mean" among the albums and photos the plan knows.
async fn resolve_targets(
    client: &Client,
    state: &LibraryState,
    resolution: &Resolution,
    targets: &[String],
) -> Result<Vec<String>, PlanError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for target in targets {
        if let Some(rest) = target.strip_prefix("album[") {
            let Some((uid, tail)) = rest.split_once(']') else {
                out.push(target.clone());
                continue;
            };
            if !tail.is_empty() && tail != ".photos" {
                problems.push(unknown_target(
                    target,
                    Some(format!("album[{uid}].photos")),
                    "the part after `album[UID]` can only be `.photos`",
                ));
                continue;
            }
            let declared = resolution
                .albums
                .iter()
                .find(|(_, found)| found.as_deref() == Some(uid))
                .map(|(key, _)| key);
            if let Some(key) = declared {
                out.push(format!("album.{key}{tail}"));
            } else if state.album(uid).is_some() {
                out.push(target.clone());
            } else {
                // Suggest the album whose UID is a typo away, by its address in this plan.
                let candidates = state.albums.iter().map(|album| {
                    let address = match resolution
                        .albums
                        .iter()
                        .find(|(_, found)| found.as_deref() == Some(album.uid.as_str()))
                    {
                        Some((key, _)) => format!("album.{key}{tail}"),
                        None => format!("album[{}]{tail}", album.uid),
                    };
                    (album.uid.as_str(), address)
                });
                problems.push(unknown_target(
                    target,
                    closest_uid(uid, candidates),
                    &format!("no manual album has the UID {uid}"),
                ));
            }
        } else if let Some(uid) = target.strip_prefix("photo.") {
            let parsed = crate::state::Uid::parse(uid);
            let known = parsed.is_some_and(|parsed| {
                state.photo(parsed).is_some()
                    || resolution
                        .rule_photos
                        .iter()
                        .chain(resolution.album_photos.values())
                        .any(|photos| photos.contains(&parsed))
            });
            if known || photo_exists(client, uid).await? {
                out.push(target.clone());
            } else {
                let candidates = state
                    .photos
                    .iter()
                    .map(|known| (known.uid.as_str(), format!("photo.{}", known.uid)));
                problems.push(unknown_target(
                    target,
                    closest_uid(uid, candidates),
                    &format!("no photo has the UID {uid}"),
                ));
            }
        } else {
            out.push(target.clone());
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.into())
    }
}

/// Whether the server has a photo with this UID (archived ones included).
async fn photo_exists(client: &Client, uid: &str) -> Result<bool, PlanError> {
    let well_formed = uid.len() == 16
        && uid.starts_with('p')
        && uid
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
    if !well_formed {
        return Ok(false);
    }
    match client.photo(uid).await {
        Ok(_) => Ok(true),
        Err(crate::photoprism::Error::NotFound { .. }) => Ok(false),
        Err(error) => Err(PlanError::Server(error)),
    }
}

/// The address of the candidate whose UID is closest to `uid`, when it is at most three
/// typos away (UIDs of one import share their first characters, so only edits count).
fn closest_uid<'a>(
    uid: &str,
    candidates: impl Iterator<Item = (&'a str, String)>,
) -> Option<String> {
    candidates
        .map(|(known, address)| {
            (
                strsim::levenshtein(&known.to_lowercase(), &uid.to_lowercase()),
                address,
            )
        })
        .filter(|(distance, _)| *distance <= 3)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
        .map(|(_, address)| address)
}

/// `--target X names nothing`, with a suggestion and the reason.
fn unknown_target(target: &str, suggestion: Option<String>, why: &str) -> PlanProblem {
    let suggestion = suggestion
        .map(|candidate| format!("did you mean `{candidate}`? "))
        .unwrap_or_default();
    PlanProblem::new(
        "prysm::plan::unknown_target",
        format!("--target {target} names nothing: {why}"),
    )
    .help(format!(
        "{suggestion}targets look like album.KEY, album.KEY.photos, album[UID] or photo.UID"
    ))
}
