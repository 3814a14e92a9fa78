//! Drift attribution: why each change of a plan is there.
//!
//! The last apply's manifest is the common ancestor. Both the current manifest and
//! that baseline manifest are planned against the same, current server state:
//! a change the baseline plan makes too (to the same value) means the server moved
//! away from what the last apply left ([`Cause::Server`]); a change the baseline plan
//! does not make means only the manifest changed ([`Cause::Manifest`]); a change the
//! baseline plan makes to a different value means both changed ([`Cause::Both`], a
//! conflict). The baseline plan alone lists every server-side change since the last
//! apply (`prysm drift`).

use std::collections::BTreeSet;

use crate::photoprism::Client;
use crate::plan::{Action, Cause, Change, Plan, SavedSource};
use crate::planner::{PlanError, PlanOptions, Planned, make_plan};

/// Plans the baseline manifest (the sources a journal recorded) against the server
/// as it is now: every action is a change made on the server since that apply.
pub async fn baseline_plan(
    client: &Client,
    sources: &[SavedSource],
    concurrency: usize,
) -> Result<Planned, DriftError> {
    let files = sources
        .iter()
        .map(|source| crate::manifest::SourceFile {
            name: source.name.clone(),
            text: source.text.clone(),
        })
        .collect();
    let manifest = crate::manifest::parse_sources(files).map_err(DriftError::Manifest)?;
    let mut planned = make_plan(
        client,
        &manifest,
        &PlanOptions {
            allow_destroy: true,
            concurrency,
            ..PlanOptions::default()
        },
    )
    .await?;
    for action in &mut planned.plan.actions {
        action.cause = Some(Cause::Server);
    }
    Ok(planned)
}

/// Whether the manifest is the one the last apply recorded (the same texts in the same
/// order). Then the baseline plan is the plan itself: every change is the server's, and no
/// second read of the server is needed.
pub fn same_manifest(baseline: &[SavedSource], current: &[SavedSource]) -> bool {
    baseline.len() == current.len()
        && baseline
            .iter()
            .zip(current)
            .all(|(then, now)| then.text == now.text)
}

/// Labels every change as the server's (the manifest is unchanged since the last apply).
pub fn label_all_server(plan: &mut Plan) {
    for action in &mut plan.actions {
        action.cause = Some(Cause::Server);
    }
}

/// Why drift could not be computed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DriftError {
    /// The baseline manifest no longer parses.
    #[error("the last apply's manifest cannot be read: {0}")]
    #[diagnostic(code(prysm::drift::manifest))]
    Manifest(#[source] crate::manifest::ManifestError),
    /// The baseline could not be planned.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] PlanError),
}

/// The item-level changes of an action: `(what, value)` pairs compared between plans.
fn items(action: &Action) -> Vec<(String, String)> {
    let json = |value: &crate::plan::Value| serde_json::to_string(value).unwrap_or_default();
    match &action.change {
        Change::UpdateAlbum { fields, .. } | Change::UpdatePhoto { fields, .. } => fields
            .iter()
            .map(|field| (field.field.clone(), json(&field.new)))
            .collect(),
        Change::CreateAlbum { fields, photos, .. } => {
            let mut out: Vec<(String, String)> = fields
                .iter()
                .map(|field| (field.field.clone(), json(&field.new)))
                .collect();
            out.extend(
                photos
                    .iter()
                    .map(|photo| (format!("+{}", photo.uid), String::new())),
            );
            out
        }
        Change::AddPhotos { photos, .. } => photos
            .iter()
            .map(|photo| (format!("+{}", photo.uid), String::new()))
            .collect(),
        Change::RemovePhotos { photos, .. } => photos
            .iter()
            .map(|photo| (format!("-{}", photo.uid), String::new()))
            .collect(),
        Change::DeleteAlbum { .. } => vec![("delete".to_string(), String::new())],
        Change::ArchivePhoto { .. } => vec![("archived".to_string(), "true".to_string())],
        Change::RestorePhoto { .. } => vec![("archived".to_string(), "false".to_string())],
        Change::ApprovePhoto { .. } => vec![("approved".to_string(), "true".to_string())],
        Change::SetAlbumCover { new, .. } => vec![("cover".to_string(), new.hash.clone())],
        Change::ShareLink {
            op, link, fields, ..
        } => {
            let mut out = vec![(
                format!("link:{op:?}"),
                serde_json::to_string(link).unwrap_or_default(),
            )];
            out.extend(
                fields
                    .iter()
                    .map(|field| (field.field.clone(), json(&field.new))),
            );
            out
        }
    }
}

/// Labels every action of `plan` with its cause, `baseline` being the baseline
/// manifest's plan against the same server state.
pub fn label(plan: &mut Plan, baseline: &Plan) {
    for action in &mut plan.actions {
        let theirs: BTreeSet<(String, String)> = baseline
            .actions
            .iter()
            .filter(|other| other.address == action.address)
            .flat_map(items)
            .collect();
        let their_keys: BTreeSet<&String> = theirs.iter().map(|(key, _)| key).collect();
        let (mut server, mut manifest, mut both) = (false, false, false);
        for item in items(action) {
            if theirs.contains(&item) {
                server = true;
            } else if their_keys.contains(&item.0) {
                both = true;
            } else {
                manifest = true;
            }
        }
        action.cause = Some(if both || (server && manifest) {
            Cause::Both
        } else if server {
            Cause::Server
        } else {
            Cause::Manifest
        });
    }
}
