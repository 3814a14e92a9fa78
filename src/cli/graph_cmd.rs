//! `prysm graph`: the plan's dependency graph as DOT or Mermaid, from
//! manifests (reads the server) or from a saved plan (offline).

use std::process::ExitCode;

use super::{CliError, Connection, GraphArgs, Interrupts};
use crate::plan::SavedPlan;
use crate::planner::{PlanOptions, make_plan};
use crate::render::{render_dot, render_mermaid};

/// Runs `prysm graph`.
pub async fn run(connection: &Connection, args: &GraphArgs) -> Result<ExitCode, CliError> {
    let plan = match &args.plan_file {
        Some(path) => SavedPlan::read(path)?.plan,
        None => {
            let manifest = crate::manifest::load(&args.files)?;
            super::print_warnings(&manifest);
            let interrupts = Interrupts::install();
            let client = connection.connect(&interrupts).await?;
            let options = PlanOptions {
                targets: args.targets.clone(),
                allow_destroy: args.allow_destroy,
                concurrency: args.concurrency,
                progress: None,
            };
            let planned = interrupts
                .or_stop("while reading the library; nothing was changed", async {
                    let _reading = super::progress::Reading::start(&client.server().to_string());
                    make_plan(&client, &manifest, &options).await
                })
                .await;
            super::connect::finish(&client, &interrupts).await;
            planned??.plan
        }
    };
    if args.mermaid {
        print!("{}", render_mermaid(&plan));
    } else {
        print!("{}", render_dot(&plan));
    }
    Ok(ExitCode::SUCCESS)
}
