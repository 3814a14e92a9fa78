//! `prysm undo`, and the journal plumbing `prysm apply` shares with it.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::progress::LinePrinter;
use super::{ApplyArgs, CliError, Connection, Interrupts, JournalArgs, UndoArgs};
use crate::apply::{ApplyObserver, ApplyOptions, ApplyReport, apply};
use crate::journal::{Journal, JournalWriter, Journaled, Operation};
use crate::photoprism::Client;
use crate::plan::{Plan, SavedPlan, SavedSource, SavedUndo};
use crate::render::{TextOptions, render_json, render_text};
use crate::undo::{UndoOptions, undo_plan};

/// Reads what the plan does not carry and starts the journal, unless `--no-journal`.
pub(super) async fn open_journal(
    client: &Client,
    plan: &Plan,
    operation: Operation,
    manifest: Vec<SavedSource>,
    undoes: Option<String>,
    args: &JournalArgs,
) -> Result<Option<JournalWriter>, CliError> {
    if args.no_journal {
        return Ok(None);
    }
    let before = crate::journal::read_before(client, plan).await?;
    let mut start = crate::journal::start(client, operation, plan, manifest, before);
    start.undoes = undoes;
    let writer = JournalWriter::create(&args.journal_dir, &start)?;
    eprintln!("Journal: {}", writer.path().display());
    Ok(Some(writer))
}

/// Ends the journal; a failure to write it is reported, not fatal (the apply is done).
pub(super) fn close_journal(writer: &JournalWriter, report: &ApplyReport) {
    if let Err(error) = writer.finish(report) {
        eprintln!("warning: {error}");
    }
}

/// Runs `prysm undo`.
pub async fn run(
    connection: &Connection,
    args: &UndoArgs,
    color: bool,
) -> Result<ExitCode, CliError> {
    let journal = match &args.file {
        Some(path) => Journal::read(path)?,
        None => crate::journal::latest_apply(&args.journal.journal_dir)?,
    };
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let result = undo(&client, &journal, args, color, &interrupts, None).await;
    super::connect::finish(&client, &interrupts).await;
    result
}

/// Runs `prysm apply FILE` for an undo plan saved by `prysm undo --out FILE`: the undo plan of
/// the same journal is made again and carried out only when its fingerprint is the saved one.
pub(super) async fn apply_saved(
    connection: &Connection,
    saved: &SavedPlan,
    from: &SavedUndo,
    args: &ApplyArgs,
    color: bool,
) -> Result<ExitCode, CliError> {
    let journal = Journal::read(&from.journal)?;
    let undo_args = UndoArgs {
        file: Some(from.journal.clone()),
        journal: JournalArgs {
            journal_dir: args.journal.journal_dir.clone(),
            no_journal: args.journal.no_journal,
        },
        force: from.force,
        out: None,
        json: args.json,
        detailed_exitcode: false,
        // A saved plan was reviewed when it was saved, as `prysm apply FILE` assumes.
        auto_approve: true,
        parallelism: args.parallelism,
        verbose: args.verbose,
    };
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let result = undo(
        &client,
        &journal,
        &undo_args,
        color,
        &interrupts,
        Some(&saved.plan),
    )
    .await;
    super::connect::finish(&client, &interrupts).await;
    result
}

async fn undo(
    client: &Client,
    journal: &Journal,
    args: &UndoArgs,
    color: bool,
    interrupts: &Interrupts,
    saved: Option<&Plan>,
) -> Result<ExitCode, CliError> {
    let server = client.server().to_string();
    if journal.start.server != server {
        return Err(CliError::usage(
            format!(
                "{} is the journal of an apply to {}, not to {server}",
                journal.path.display(),
                journal.start.server
            ),
            "connect to the server the journal was written for",
        ));
    }
    let plan = interrupts
        .or_stop(
            "while reading the library; nothing was changed",
            undo_plan(client, journal, UndoOptions { force: args.force }),
        )
        .await??;
    if saved.is_some_and(|saved| saved.fingerprint != plan.fingerprint) {
        return Err(CliError::usage(
            "the server changed since this undo plan was saved; it is no longer safe to apply",
            "make a new one with `prysm undo --out FILE`, review it, and apply that",
        ));
    }
    let only_show = args.out.is_some() || args.detailed_exitcode;
    if let Some(out) = &args.out {
        let saved = SavedPlan {
            saved_plan_version: crate::plan::saved::SAVED_PLAN_VERSION,
            plan: plan.clone(),
            manifest: Vec::new(),
            targets: Vec::new(),
            allow_destroy: true,
            created_at: super::plan_cmd::now_rfc3339(),
            snapshot: None,
            undo: Some(SavedUndo {
                journal: std::fs::canonicalize(&journal.path)
                    .unwrap_or_else(|_| journal.path.clone()),
                force: args.force,
            }),
        };
        saved.write(out)?;
    }
    if args.json && only_show {
        print!("{}", render_json(&plan));
    } else if !args.json {
        println!(
            "Undo of the {} started {} ({}):\n",
            match journal.start.operation {
                Operation::Apply => "apply",
                Operation::Undo => "undo",
            },
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
        if journal.end.is_none() {
            println!(
                "\nThat apply did not finish: actions without a result in its journal are undone \
                 where the server shows they were carried out."
            );
        }
    }
    if let (Some(out), false) = (&args.out, args.json) {
        println!(
            "\nSaved the undo plan to {}. To carry it out exactly, run:\n    prysm apply {}",
            out.display(),
            out.display()
        );
    }
    if only_show {
        return Ok(if args.detailed_exitcode && !plan.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }
    if plan.is_empty() {
        if args.json {
            super::apply_cmd::print_json(&plan, &ApplyReport::default());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !args.auto_approve {
        interrupts
            .or_stop(
                "at the confirmation prompt; nothing was changed",
                super::apply_cmd::confirm(),
            )
            .await??;
    }
    let writer = open_journal(
        client,
        &plan,
        Operation::Undo,
        Vec::new(),
        Some(journal.path.display().to_string()),
        &args.journal,
    )
    .await?;
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
    let options = ApplyOptions {
        parallelism: args.parallelism,
        interrupt,
        // Undo's changes are computed from fresh reads: nothing known to reuse.
        known: None,
    };
    let printer: &dyn ApplyObserver = if args.json {
        &crate::apply::Silent
    } else {
        &LinePrinter
    };
    let journaled = writer.as_ref().map(|writer| Journaled {
        inner: printer,
        writer,
    });
    let observer: &dyn ApplyObserver = match &journaled {
        Some(journaled) => journaled,
        None => printer,
    };
    let report = tokio::select! {
        report = apply(client, &plan, &options, observer) => Some(report),
        () = interrupts.reached(2) => None,
    };
    watcher.abort();
    let Some(report) = report else {
        return Err(CliError::interrupted(
            "twice during the undo: actions that were running may or may not have been carried out; \
             run `prysm undo` again to see what is left",
        ));
    };
    if let Some(writer) = &writer {
        close_journal(writer, &report);
    }
    if args.json {
        super::apply_cmd::print_json(&plan, &report);
    } else {
        println!();
        print!("{}", report.render());
    }
    Ok(if report.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
