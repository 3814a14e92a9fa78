//! `prysm adopt`.

use std::process::ExitCode;

use super::{AdoptArgs, CliError, Connection};
use crate::adopt::{AdoptError, adopt, problems_error};
use crate::planner::PlanOptions;

/// Runs `prysm adopt`: plans (live or from `--state`), then rewrites the manifests so the
/// plan's changes at the targeted addresses disappear. Exit 1 when something could not be
/// adopted (each such change is shown at its manifest node).
pub async fn run(connection: &Connection, args: &AdoptArgs) -> Result<ExitCode, CliError> {
    let manifest = crate::manifest::load(&args.files)?;
    super::print_warnings(&manifest);
    let options = PlanOptions {
        targets: args.targets.clone(),
        // Adopt never deletes anything on the server: the budgets do not apply.
        allow_destroy: true,
        concurrency: args.concurrency,
        progress: None,
    };
    let (planned, _) = super::plan_cmd::plan_live_or_offline(
        connection,
        &manifest,
        &options,
        args.state.as_deref(),
    )
    .await?;
    let adopted = adopt(&manifest, &planned.plan, &args.targets)?;
    for file in &adopted.files {
        if args.dry_run {
            print!("{}", file.unified_diff());
        } else {
            std::fs::write(&file.name, &file.after).map_err(|source| AdoptError::Io {
                file: file.name.clone(),
                source,
            })?;
        }
    }
    let verb = if args.dry_run {
        "Would adopt"
    } else {
        "Adopted"
    };
    eprintln!(
        "{verb} {} change{} into {} file{}.",
        adopted.adopted,
        if adopted.adopted == 1 { "" } else { "s" },
        adopted.files.len(),
        if adopted.files.len() == 1 { "" } else { "s" },
    );
    if adopted.problems.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        let error = problems_error(adopted.problems);
        eprintln!("{}", crate::manifest::render_problems(&error, false));
        Ok(ExitCode::from(1))
    }
}
