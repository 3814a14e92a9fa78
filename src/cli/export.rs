//! `prysm export`: a manifest that describes the server as it is.

use std::process::ExitCode;

use super::{CliError, Connection, ExportArgs, Interrupts};

/// Runs `prysm export`.
pub async fn run(connection: &Connection, args: &ExportArgs) -> Result<ExitCode, CliError> {
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let result = interrupts
        .or_stop(
            "while reading the library; nothing was written",
            crate::export::export(&client, &crate::export::ExportOptions::default()),
        )
        .await;
    super::connect::finish(&client, &interrupts).await;
    let text = result??;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|source| CliError::Io {
                what: format!("cannot write {}", path.display()),
                source,
            })?;
            eprintln!("Wrote {}.", path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
