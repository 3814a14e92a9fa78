//! `prysm apply`.

use std::io::{BufRead as _, IsTerminal, Write as _};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::progress::{Bar, LinePrinter};
use super::{ApplyArgs, CliError, Connection, Interrupts};
use crate::apply::{ApplyObserver, ApplyOptions, ApplyReport, apply};
use crate::manifest::SourceFile;
use crate::plan::{Plan, SavedPlan};
use crate::planner::{PlanOptions, make_plan};
use crate::render::{TextOptions, render_text};

/// Runs `prysm apply`.
pub async fn run(
    connection: &Connection,
    args: &ApplyArgs,
    color: bool,
) -> Result<ExitCode, CliError> {
    let (manifest, options, saved) = match &args.plan_file {
        Some(path) => {
            let saved = SavedPlan::read(path)?;
            if let Some(from) = &saved.undo {
                return super::undo_cmd::apply_saved(connection, &saved, from, args, color).await;
            }
            let files = saved
                .manifest
                .iter()
                .map(|source| SourceFile {
                    name: source.name.clone(),
                    text: source.text.clone(),
                })
                .collect();
            let manifest = crate::manifest::parse_sources(files)?;
            let options = PlanOptions {
                targets: saved.targets.clone(),
                allow_destroy: saved.allow_destroy,
                ..PlanOptions::default()
            };
            (manifest, options, Some(saved))
        }
        None => {
            if args.files.is_empty() {
                return Err(CliError::usage(
                    "nothing to apply",
                    "pass -f MANIFEST to plan and apply, or the FILE of a plan saved with `prysm plan --out FILE`",
                ));
            }
            let manifest = crate::manifest::load(&args.files)?;
            super::print_warnings(&manifest);
            let options = PlanOptions {
                targets: args.targets.clone(),
                allow_destroy: args.allow_destroy,
                ..PlanOptions::default()
            };
            (manifest, options, None)
        }
    };

    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let result = plan_and_apply(
        &client,
        &manifest,
        &options,
        saved,
        args,
        color,
        &interrupts,
    )
    .await;
    super::connect::finish(&client, &interrupts).await;
    result
}

async fn plan_and_apply(
    client: &crate::photoprism::Client,
    manifest: &crate::manifest::Manifest,
    options: &PlanOptions,
    saved: Option<SavedPlan>,
    args: &ApplyArgs,
    color: bool,
    interrupts: &Interrupts,
) -> Result<ExitCode, CliError> {
    let planned = interrupts
        .or_stop("while reading the library; nothing was changed", async {
            let reading = super::progress::Reading::start(&client.server().to_string());
            let options = &PlanOptions {
                progress: reading.sink(),
                ..options.clone()
            };
            let planned = make_plan(client, manifest, options).await;
            drop(reading);
            planned
        })
        .await??;
    // What the plan read: photo updates are computed from it, not read again.
    let known = Arc::new(planned.state);
    let plan: Plan = match saved {
        Some(saved) => {
            if saved.plan.fingerprint != planned.plan.fingerprint {
                return Err(CliError::usage(
                    "the server changed since this plan was saved; it is no longer safe to apply",
                    "make a new plan with `prysm plan -f MANIFEST --out FILE`, review it, and apply that",
                ));
            }
            saved.plan
        }
        None => planned.plan,
    };

    if !args.json {
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
    if plan.is_empty() {
        if args.json {
            print_json(&plan, &ApplyReport::default());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !args.auto_approve && args.plan_file.is_none() {
        interrupts
            .or_stop("at the confirmation prompt; nothing was changed", confirm())
            .await??;
    }

    interrupts.on_first_press(
        "Interrupted: letting running actions finish, starting no new ones. Press Ctrl-C again to stop at once.",
    );
    let interrupt = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupt);
    let first_press = interrupts.clone();
    let watcher = tokio::spawn(async move {
        first_press.reached(1).await;
        flag.store(true, Ordering::SeqCst);
    });
    let apply_options = ApplyOptions {
        parallelism: args.parallelism,
        interrupt: Arc::clone(&interrupt),
        known: Some(known),
    };
    let bar_wanted = !args.json && std::io::stderr().is_terminal();
    let bar = bar_wanted.then(|| Bar::new(plan.actions.len()));
    let observer: &dyn ApplyObserver = match &bar {
        Some(bar) => bar,
        None if args.json => &crate::apply::Silent,
        None => &LinePrinter,
    };
    let sources = manifest
        .files
        .iter()
        .map(|file| crate::plan::SavedSource {
            name: file.name.clone(),
            text: file.text.clone(),
        })
        .collect();
    let writer = super::undo_cmd::open_journal(
        client,
        &plan,
        crate::journal::Operation::Apply,
        sources,
        None,
        &args.journal,
    )
    .await?;
    let journaled = writer.as_ref().map(|writer| crate::journal::Journaled {
        inner: observer,
        writer,
    });
    let observer: &dyn ApplyObserver = match &journaled {
        Some(journaled) => journaled,
        None => observer,
    };
    // A second Ctrl-C stops waiting for running actions.
    let report = tokio::select! {
        report = apply(client, &plan, &apply_options, observer) => Some(report),
        () = interrupts.reached(2) => None,
    };
    if let Some(bar) = &bar {
        bar.finish();
    }
    watcher.abort();
    if let (Some(writer), Some(report)) = (&writer, &report) {
        super::undo_cmd::close_journal(writer, report);
    }
    let Some(report) = report else {
        return Err(CliError::interrupted(
            "twice during the apply: actions that were running may or may not have been carried \
             out; run `prysm plan` to see what is left",
        ));
    };

    if args.json {
        print_json(&plan, &report);
    } else {
        println!();
        print!("{}", report.render());
    }
    if report.is_success() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(1))
    }
}

pub(super) fn print_json(plan: &Plan, report: &ApplyReport) {
    let value = serde_json::json!({
        "format_version": crate::plan::FORMAT_VERSION,
        "plan": plan,
        "results": report.results,
        "interrupted": report.interrupted,
        "summary": {
            "succeeded": report.succeeded(),
            "failed": report.failed(),
            "skipped": report.skipped(),
            "not_started": report.not_started(),
        },
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| String::from("{}"))
    );
}

/// Asks the user to type `yes`. The answer is read on a blocking thread, so
/// that Ctrl-C at the prompt is seen by the command (which then logs out).
pub(super) async fn confirm() -> Result<(), CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(
            "refusing to apply without confirmation: standard input is not a terminal",
            "review the plan, then run again with --auto-approve (as CI does), or apply a saved plan",
        ));
    }
    print!(
        "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
    );
    let _ = std::io::stdout().flush();
    let answer = tokio::task::spawn_blocking(|| {
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map(|_| answer)
    })
    .await
    .map_err(|error| CliError::Io {
        what: "cannot read the answer".to_string(),
        source: std::io::Error::other(error),
    })?
    .map_err(|source| CliError::Io {
        what: "cannot read the answer".to_string(),
        source,
    })?;
    if answer.trim() == "yes" {
        println!();
        Ok(())
    } else {
        Err(CliError::usage(
            "apply cancelled: the answer was not `yes`",
            "nothing was changed",
        ))
    }
}
