//! `prysm drift`, and the drift labels of `prysm plan`.

use std::path::Path;
use std::process::ExitCode;

use super::{CliError, Connection, DriftArgs, Interrupts};
use crate::journal::{Journal, JournalError};
use crate::photoprism::Client;
use crate::plan::Plan;
use crate::render::{MarkdownOptions, TextOptions, render_json, render_markdown, render_text};

fn baseline(dir: &Path, explicit: Option<&Path>) -> Result<Option<Journal>, JournalError> {
    match explicit {
        Some(path) => Journal::read(path).map(Some),
        None => match crate::journal::latest_apply(dir) {
            Ok(journal) => Ok(Some(journal)),
            Err(JournalError::None { .. }) => Ok(None),
            Err(error) => Err(error),
        },
    }
}

/// Labels the plan's changes with their cause, when a baseline journal exists.
/// Drift is an aid: when it cannot be computed, a warning says why and the plan stays unlabelled.
pub(super) async fn label_plan(
    client: &Client,
    plan: &mut Plan,
    current: &[crate::plan::SavedSource],
    dir: &Path,
    explicit: Option<&Path>,
    concurrency: usize,
) -> Result<(), CliError> {
    if plan.is_empty() {
        return Ok(());
    }
    let Some(journal) = baseline(dir, explicit)? else {
        return Ok(());
    };
    if journal.start.server != client.server().to_string() {
        return Ok(());
    }
    // The same manifest as the last apply: the baseline plan would be this plan (measured
    // on 20,000 photos: the second read costs as much as the plan's own).
    if crate::drift::same_manifest(&journal.start.manifest, current) {
        crate::drift::label_all_server(plan);
        return Ok(());
    }
    match crate::drift::baseline_plan(client, &journal.start.manifest, concurrency).await {
        Ok(baseline) => crate::drift::label(plan, &baseline.plan),
        Err(error) => eprintln!(
            "warning: no drift labels ({}): {error}",
            journal.path.display()
        ),
    }
    Ok(())
}

/// Runs `prysm drift`.
pub async fn run(
    connection: &Connection,
    args: &DriftArgs,
    color: bool,
) -> Result<ExitCode, CliError> {
    let Some(journal) = baseline(&args.journal_dir, args.baseline.as_deref())? else {
        return Err(JournalError::None {
            dir: args.journal_dir.clone(),
        }
        .into());
    };
    if journal.start.manifest.is_empty() {
        return Err(CliError::usage(
            format!(
                "{} holds no manifest (it is an undo's journal)",
                journal.path.display()
            ),
            "pass the journal of an apply with --baseline",
        ));
    }
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let planned = interrupts
        .or_stop(
            "while reading the library; nothing was changed",
            crate::drift::baseline_plan(&client, &journal.start.manifest, args.concurrency),
        )
        .await;
    super::connect::finish(&client, &interrupts).await;
    let plan = planned??.plan;
    if args.json {
        print!("{}", render_json(&plan));
    } else if args.markdown {
        print!("{}", render_markdown(&plan, &MarkdownOptions::default()));
    } else if plan.is_empty() {
        println!(
            "No changes on the server since the apply of {} ({}).",
            journal.start.started_at,
            journal.path.display()
        );
    } else {
        println!(
            "Changed on the server since the apply of {} ({}); the plan that would put them back:\n",
            journal.start.started_at,
            journal.path.display()
        );
        print!(
            "{}",
            render_text(
                &plan,
                &TextOptions {
                    color,
                    verbose: args.verbose,
                    ..TextOptions::default()
                }
            )
        );
    }
    Ok(if plan.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
