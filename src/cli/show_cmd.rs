//! `prysm show FILE`: a saved plan as text, JSON or Markdown, read offline.

use std::process::ExitCode;

use super::{CliError, ShowArgs};
use crate::plan::SavedPlan;
use crate::render::markdown::escape_controls;
use crate::render::{
    MarkdownOptions, SavedInfo, TextOptions, render_json, render_markdown, render_text,
};

/// Runs `prysm show`. Never contacts the server.
pub fn run(args: &ShowArgs, color: bool) -> Result<ExitCode, CliError> {
    let saved = SavedPlan::read(&args.file)?;
    let file = args.file.display().to_string();
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
