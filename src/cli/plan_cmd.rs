//! `prysm plan`.

use std::process::ExitCode;

use super::{CliError, Connection, PlanArgs};
use crate::plan::{SavedPlan, SavedSource};
use crate::planner::{PlanOptions, make_plan};
use crate::render::{TextOptions, render_json, render_text};

/// Runs `prysm plan`.
pub async fn run(
    connection: &Connection,
    args: &PlanArgs,
    color: bool,
) -> Result<ExitCode, CliError> {
    let manifest = crate::manifest::load(&args.files)?;
    super::print_warnings(&manifest);
    let client = connection.connect().await?;
    let reading = super::progress::Reading::start(&connection.server);
    let options = PlanOptions {
        targets: args.targets.clone(),
        allow_destroy: args.allow_destroy,
        concurrency: args.concurrency,
        progress: reading.sink(),
    };
    let planned = make_plan(&client, &manifest, &options).await;
    drop(reading);
    super::connect::finish(&client, connection).await;
    let planned = planned?;
    let plan = planned.plan;
    if args.json {
        print!("{}", render_json(&plan));
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
        };
        saved.write(out)?;
        if !args.json {
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
