//! `prysm plan`.

use std::path::Path;
use std::process::ExitCode;

use super::{CliError, Connection, Interrupts, PlanArgs};
use crate::plan::{SavedPlan, SavedSource};
use crate::planner::{PlanOptions, Planned, make_plan};
use crate::render::html::Previews;
use crate::render::{
    HtmlOptions, MarkdownOptions, TextOptions, render_json, render_markdown, render_text,
};
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
        progress: None,
    };
    let html_options = args.html.as_ref().map(|_| HtmlOptions {
        per_album: args.html_per_album,
        max_bytes: args.html_max_kib.saturating_mul(1024),
        note: args.state.as_ref().map(|_| {
            "Thumbnails were not fetched: the plan was made offline from a snapshot.".to_string()
        }),
        ..HtmlOptions::default()
    });
    let (planned, origin, previews) = if args.state.is_some() {
        // Offline: no server to label drift against or to read thumbnails from.
        let (planned, origin) =
            plan_live_or_offline(connection, &manifest, &options, args.state.as_deref()).await?;
        let previews = html_options.as_ref().map(|_| Ok(Previews::new()));
        (planned, origin, previews)
    } else {
        let interrupts = Interrupts::install();
        let client = connection.connect(&interrupts).await?;
        let planned = interrupts
            .or_stop("while reading the library; nothing was changed", async {
                let reading = super::progress::Reading::start(&client.server().to_string());
                let options = PlanOptions {
                    progress: reading.sink(),
                    ..options.clone()
                };
                let planned = make_plan(&client, &manifest, &options).await;
                drop(reading);
                let mut planned = planned?;
                if !args.no_drift {
                    let current: Vec<SavedSource> = manifest
                        .files
                        .iter()
                        .map(|file| SavedSource {
                            name: file.name.clone(),
                            text: file.text.clone(),
                        })
                        .collect();
                    super::drift_cmd::label_plan(
                        &client,
                        &mut planned.plan,
                        &current,
                        &args.journal_dir,
                        args.baseline.as_deref(),
                        args.concurrency,
                    )
                    .await?;
                }
                Ok::<_, CliError>(planned)
            })
            .await;
        // Thumbnails are read while the session is open, before logging out.
        let previews = match (&planned, &html_options) {
            (Ok(Ok(planned)), Some(options)) => Some(
                interrupts
                    .or_stop(
                        "while reading thumbnails; nothing was changed",
                        super::show_cmd::fetch(&client, &planned.plan, options, args.concurrency),
                    )
                    .await,
            ),
            _ => None,
        };
        super::connect::finish(&client, &interrupts).await;
        (planned??, None, previews)
    };
    let plan = planned.plan;
    if let (Some(page), Some(options), Some(previews)) = (&args.html, &html_options, previews) {
        super::show_cmd::write_page(page, &plan, options, &previews?)?;
    }
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
            undo: None,
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
