//! `prysm import [PATH]` and `prysm index [PATH] [--rescan]`: start the job and wait for it
//! (the API answers when the job is done and reports no progress: a spinner shows it runs).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::ProgressBar;

use super::{CliError, Connection, Interrupts};
use crate::photoprism::{ImportOptions, IndexOptions};
use crate::render::text::terminal_safe;

/// Arguments of `prysm import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Folder below the server's import folder (default: all of it).
    #[arg(value_name = "PATH", default_value = "")]
    pub path: String,
    /// Move files instead of copying them.
    #[arg(long = "move")]
    pub move_files: bool,
}

/// Arguments of `prysm index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Folder below the server's originals folder (default: all of it).
    #[arg(value_name = "PATH", default_value = "")]
    pub path: String,
    /// Re-read files that did not change.
    #[arg(long)]
    pub rescan: bool,
}

fn spinner(message: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(120));
    Some(spinner)
}

/// Runs `prysm import`.
pub async fn import(connection: &Connection, args: &ImportArgs) -> Result<ExitCode, CliError> {
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let options = ImportOptions {
        path: args.path.clone(),
        move_files: args.move_files,
        albums: Vec::new(),
    };
    let spin = spinner("Importing (the server answers when done)...");
    let result = client.start_import(&options).await;
    if let Some(spin) = spin {
        spin.finish_and_clear();
    }
    super::connect::finish(&client, &interrupts).await;
    println!("{}", terminal_safe(&result?));
    Ok(ExitCode::SUCCESS)
}

/// Runs `prysm index`.
pub async fn index(connection: &Connection, args: &IndexArgs) -> Result<ExitCode, CliError> {
    let interrupts = Interrupts::install();
    let client = connection.connect(&interrupts).await?;
    let options = IndexOptions {
        path: args.path.clone(),
        rescan: args.rescan,
        cleanup: false,
    };
    let spin = spinner("Indexing (the server answers when done)...");
    let result = client.start_index(&options).await;
    if let Some(spin) = spin {
        spin.finish_and_clear();
    }
    super::connect::finish(&client, &interrupts).await;
    println!("{}", terminal_safe(&result?));
    Ok(ExitCode::SUCCESS)
}
