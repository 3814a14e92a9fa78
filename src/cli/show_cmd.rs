//! `prysm show FILE`: a saved plan as text, JSON or Markdown, read offline;
//! with `--html PAGE`, also as an HTML page with thumbnails from the server.

use std::path::Path;
use std::process::ExitCode;

use super::{CliError, Connection, Interrupts, ShowArgs};
use crate::photoprism::Client;
use crate::plan::{Plan, SavedPlan};
use crate::render::html::{self, HtmlOptions, Previews};
use crate::render::markdown::escape_controls;
use crate::render::{
    MarkdownOptions, SavedInfo, TextOptions, render_json, render_markdown, render_text,
};

/// Runs `prysm show`. Contacts the server only for `--html` without `--no-thumbnails`.
pub async fn run(
    connection: &Connection,
    args: &ShowArgs,
    color: bool,
) -> Result<ExitCode, CliError> {
    let saved = SavedPlan::read(&args.file)?;
    let file = args.file.display().to_string();
    if let Some(page) = &args.html {
        let options = HtmlOptions {
            per_album: args.html_per_album,
            max_bytes: args.html_max_kib.saturating_mul(1024),
            saved: Some(SavedInfo {
                file: file.clone(),
                created_at: saved.created_at.clone(),
                ..SavedInfo::default()
            }),
            note: args.no_thumbnails.then(|| {
                "Thumbnails were not fetched (--no-thumbnails): a saved plan names photos by UID \
                 and file name only."
                    .to_string()
            }),
        };
        let previews = if args.no_thumbnails {
            Previews::new()
        } else {
            let interrupts = Interrupts::install();
            let client = connection.connect(&interrupts).await?;
            let fetched = same_server(&client, &saved.plan).map(|()| async {
                interrupts
                    .or_stop(
                        "while reading thumbnails; nothing was changed",
                        fetch(&client, &saved.plan, &options, args.concurrency),
                    )
                    .await
            });
            let fetched = match fetched {
                Ok(fetching) => fetching.await,
                Err(error) => Err(error),
            };
            super::connect::finish(&client, &interrupts).await;
            fetched?
        };
        write_page(page, &saved.plan, &options, &previews)?;
    }
    if args.json {
        print!("{}", render_json(&saved.plan));
    } else if args.markdown {
        let options = MarkdownOptions {
            full_plan_command: format!("prysm show {file}"),
            saved: Some(SavedInfo {
                file: file.clone(),
                created_at: saved.created_at.clone(),
                manifests: saved
                    .manifest
                    .iter()
                    .map(|source| source.name.clone())
                    .collect(),
                targets: saved.targets.clone(),
                allow_destroy: saved.allow_destroy,
            }),
            ..MarkdownOptions::default()
        };
        print!("{}", render_markdown(&saved.plan, &options));
    } else {
        print!("{}", header(&saved, &file));
        print!(
            "{}",
            render_text(
                &saved.plan,
                &TextOptions {
                    color,
                    verbose: args.verbose,
                    ..TextOptions::default()
                }
            )
        );
        if !saved.plan.is_empty() {
            println!(
                "\nTo carry out exactly this plan, run:\n    prysm apply {}",
                escape_controls(&file)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses to decorate a plan with thumbnails from a different server.
fn same_server(client: &Client, plan: &Plan) -> Result<(), CliError> {
    let server = client.server().to_string();
    if server.trim_end_matches('/') == plan.server.trim_end_matches('/') {
        Ok(())
    } else {
        Err(CliError::usage(
            format!(
                "the saved plan was made against {} but the connection is to {}",
                escape_controls(&plan.server),
                escape_controls(&server)
            ),
            "a saved plan holds no file hashes, so --html reads the thumbnails from the plan's \
             server: pass --server (or PHOTOPRISM_URL) for it, or add --no-thumbnails",
        ))
    }
}

/// The thumbnails of the photos the page shows, `concurrency` requests at a time.
pub(super) async fn fetch(
    client: &Client,
    plan: &Plan,
    options: &HtmlOptions,
    concurrency: usize,
) -> Previews {
    let uids = html::photos_to_show(plan, options);
    html::fetch_previews(client, &uids, concurrency).await
}

/// Writes the HTML page and says so on standard error (standard output is left
/// to the text, JSON or Markdown plan).
pub(super) fn write_page(
    path: &Path,
    plan: &Plan,
    options: &HtmlOptions,
    previews: &Previews,
) -> Result<(), CliError> {
    let page = html::render(plan, options, previews);
    std::fs::write(path, &page).map_err(|source| CliError::Io {
        what: format!("cannot write the HTML plan to {}", path.display()),
        source,
    })?;
    let shown = previews
        .values()
        .filter(|preview| matches!(preview, html::Preview::Image { .. }))
        .count();
    eprintln!(
        "Wrote the HTML plan to {} ({} KiB, {shown} thumbnail{}).",
        escape_controls(&path.display().to_string()),
        page.len().div_ceil(1024),
        if shown == 1 { "" } else { "s" }
    );
    Ok(())
}

/// Where and when the saved plan was made, with the options it was made with.
/// Everything read from the file has its control characters escaped, so none
/// reaches the terminal.
fn header(saved: &SavedPlan, file: &str) -> String {
    let plan = &saved.plan;
    let clean = |text: &str| escape_controls(text);
    let made = match &saved.created_at {
        Some(created) => format!(
            "made {} by prysm {}",
            clean(created),
            clean(&plan.prysm_version)
        ),
        None => format!(
            "made by prysm {} (no time recorded)",
            clean(&plan.prysm_version)
        ),
    };
    let manifests: Vec<String> = saved
        .manifest
        .iter()
        .map(|source| clean(&source.name))
        .collect();
    let mut out = format!(
        "Saved plan {}, {}\n  server:    {}\n  manifests: {}\n",
        clean(file),
        made,
        clean(&plan.server),
        manifests.join(", ")
    );
    if let Some(undo) = &saved.undo {
        out.push_str(&format!(
            "  undoes:    {}{}\n",
            clean(&undo.journal.display().to_string()),
            if undo.force { " (--force)" } else { "" }
        ));
    }
    if !saved.targets.is_empty() {
        let targets: Vec<String> = saved.targets.iter().map(|target| clean(target)).collect();
        out.push_str(&format!("  targets:   {}\n", targets.join(", ")));
    }
    if saved.allow_destroy {
        out.push_str("  options:   --allow-destroy\n");
    }
    out.push_str(
        "  (read from the file; the server was not contacted. `prysm apply FILE` checks that it has not changed.)\n\n",
    );
    out
}
