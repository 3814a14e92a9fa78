//! `prysm snapshot`.

use std::process::ExitCode;

use super::{CliError, Connection, Interrupts, SnapshotArgs};
use crate::planner::PlanOptions;
use crate::snapshot::Snapshot;

/// Runs `prysm snapshot`: reads what a plan of the manifests reads and saves it.
pub async fn run(connection: &Connection, args: &SnapshotArgs) -> Result<ExitCode, CliError> {
    let manifest = crate::manifest::load(&args.files)?;
    super::print_warnings(&manifest);
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let options = PlanOptions {
        targets: args.targets.clone(),
        allow_destroy: false,
        concurrency: args.concurrency,
        progress: None,
    };
    let taken = interrupts
        .or_stop("while reading the library; nothing was changed", async {
            let _reading = super::progress::Reading::start(&client.server().to_string());
            Snapshot::take(&client, &manifest, &options, super::plan_cmd::now_rfc3339()).await
        })
        .await;
    super::connect::finish(&client, &interrupts).await;
    let (snapshot, _) = taken??;
    snapshot.write(&args.out)?;
    println!(
        "Saved the state of {} ({} reads, fingerprint {}) to {}. Plan from it offline with:\n    prysm plan --state {} {}",
        snapshot.server.url,
        snapshot.exchanges.len(),
        snapshot.fingerprint,
        args.out.display(),
        args.out.display(),
        args.files
            .iter()
            .map(|file| format!("-f {}", file.display()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(ExitCode::SUCCESS)
}
