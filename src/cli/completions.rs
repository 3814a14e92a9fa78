//! `prysm completions SHELL` and `prysm man`: both generated from the clap
//! definitions, so they always match the command line.

use std::process::ExitCode;

use clap::CommandFactory as _;

use super::{Cli, CliError, CompletionsArgs, ManArgs};

/// Prints the completion script for a shell.
pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, CliError> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "prysm", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// Prints `prysm.1`, or writes it and one page per command into `--dir`.
pub fn man(args: &ManArgs) -> Result<ExitCode, CliError> {
    let command = Cli::command();
    match &args.dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|source| CliError::Io {
                    what: "cannot render the manual page".to_string(),
                    source,
                })?;
            use std::io::Write as _;
            std::io::stdout()
                .write_all(&page)
                .map_err(|source| CliError::Io {
                    what: "cannot write the manual page".to_string(),
                    source,
                })?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
                what: format!("cannot create {}", dir.display()),
                source,
            })?;
            clap_mangen::generate_to(command, dir).map_err(|source| CliError::Io {
                what: format!("cannot write the manual pages to {}", dir.display()),
                source,
            })?;
            eprintln!("Wrote the manual pages to {}.", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
