//! `prysm plan`.

use std::path::Path;
use std::process::ExitCode;

use super::{CliError, Connection, Interrupts, PlanArgs};
use crate::plan::{SavedPlan, SavedSource};
use crate::planner::{PlanOptions, Planned, make_plan};
use crate::render::{MarkdownOptions, TextOptions, render_json, render_markdown, render_text};
use crate::snapshot::{Snapshot, SnapshotOrigin};

/// Runs `prysm plan`.
pub async fn run(
    connection: &Connection,
    args: &PlanArgs,
    color: bool,
) -> Result<ExitCode, CliError> {
    let manifest = crate::manifest::load(&args.files)?;
    super::print_warnings(&manifest);
    let options = PlanOptions {
        targets: args.targets.clone(),
        allow_destroy: args.allow_destroy,
        concurrency: args.concurrency,
    };
    let (planned, origin) =
        plan_live_or_offline(connection, &manifest, &options, args.state.as_deref()).await?;
    let plan = planned.plan;
    if args.json {
        print!("{}", render_json(&plan));
    } else if args.markdown {
        let full_plan_command = match &args.out {
            Some(out) => format!("prysm show {}", out.display()),
            None => format!(
                "prysm plan {}",
                args.files
                    .iter()
                    .map(|file| format!("-f {}", file.display()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        };
        let options = MarkdownOptions {
            full_plan_command,
            ..MarkdownOptions::default()
        };
        print!("{}", render_markdown(&plan, &options));
    } else {
        let text = render_text(
            &plan,
            &TextOptions {
                color,
                verbose: args.verbose,
                ..TextOptions::default()
            },
        );
        print!("{text}");
    }
    if let Some(out) = &args.out {
        let saved = SavedPlan {
            saved_plan_version: crate::plan::saved::SAVED_PLAN_VERSION,
            plan: plan.clone(),
            manifest: manifest
                .files
                .iter()
                .map(|file| SavedSource {
                    name: file.name.clone(),
                    text: file.text.clone(),
                })
                .collect(),
            targets: args.targets.clone(),
            allow_destroy: args.allow_destroy,
            created_at: now_rfc3339(),
            snapshot: origin,
        };
        saved.write(out)?;
        if args.markdown {
            eprintln!("Saved the plan to {}.", out.display());
        } else if !args.json {
            println!(
                "\nSaved the plan to {}. To carry it out exactly, run:\n    prysm apply {}",
                out.display(),
                out.display()
            );
        }
    }
    if args.detailed_exitcode && !plan.is_empty() {
        Ok(ExitCode::from(2))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Makes the plan from the live server, or with `state` offline from a snapshot (saying so on
/// standard error); returns the snapshot's origin for saved plans.
pub(super) async fn plan_live_or_offline(
    connection: &Connection,
    manifest: &crate::manifest::Manifest,
    options: &PlanOptions,
    state: Option<&Path>,
) -> Result<(Planned, Option<SnapshotOrigin>), CliError> {
    if let Some(path) = state {
        let snapshot = Snapshot::read(path)?;
        let client = snapshot.client()?;
        let planned = make_plan(&client, manifest, options).await?;
        eprintln!(
            "note: planned offline from the snapshot {} of {}{}; the server was not contacted.",
            path.display(),
            snapshot.server.url,
            snapshot
                .created_at
                .as_deref()
                .map(|at| format!(" taken {at}"))
                .unwrap_or_default(),
        );
        if planned.plan.fingerprint != snapshot.fingerprint {
            eprintln!(
                "warning: the snapshot was taken for other manifests or targets (fingerprint {} \
                 there, {} here); take it again with the same -f and --target options",
                snapshot.fingerprint, planned.plan.fingerprint
            );
        }
        return Ok((planned, Some(snapshot.origin(path))));
    }
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let planned = interrupts
        .or_stop("while reading the library; nothing was changed", async {
            let _reading = super::progress::Reading::start(&client.server().to_string());
            make_plan(&client, manifest, options).await
        })
        .await;
    super::connect::finish(&client, &interrupts).await;
    Ok((planned??, None))
}

/// The current time in RFC 3339 (UTC, whole seconds), recorded in saved plans.
pub(super) fn now_rfc3339() -> Option<String> {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .ok()
}
