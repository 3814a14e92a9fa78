//! Serves a seeded PhotoPrism emulator until Ctrl-C.
//!
//! `cargo run -p prysm-emulator -- --port 2342 --photos 500 --generation 2025 [--seed 1]`

use std::process::ExitCode;

use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions};

/// Parsed command line.
struct Args {
    port: u16,
    photos: usize,
    seed: u64,
    generation: ApiGeneration,
}

const USAGE: &str =
    "usage: prysm-emulator [--port N] [--photos N] [--seed N] [--generation 2024|2025]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 2342,
        photos: 0,
        seed: 1,
        generation: ApiGeneration::V2025,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_owned());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |_| format!("invalid value {value:?} for {flag}\n{USAGE}");
        match flag.as_str() {
            "--port" => args.port = value.parse().map_err(bad)?,
            "--photos" => args.photos = value.parse().map_err(bad)?,
            "--seed" => args.seed = value.parse().map_err(bad)?,
            "--generation" => {
                args.generation = match value.as_str() {
                    "2024" => ApiGeneration::V2024,
                    "2025" | "2026" => ApiGeneration::V2025,
                    _ => return Err(format!("unknown generation {value:?}\n{USAGE}")),
                }
            }
            _ => return Err(format!("unknown option {flag:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let options = EmulatorOptions {
        generation: args.generation,
        port: args.port,
        ..EmulatorOptions::default()
    };
    let (username, password) = (options.username.clone(), options.password.clone());
    let emulator = match Emulator::start(options).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cannot start the emulator on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    if args.photos > 0 {
        emulator.generate_library(args.photos, args.seed);
    }
    println!(
        "PhotoPrism emulator ({:?}) at {}",
        args.generation,
        emulator.url()
    );
    println!("username: {username}");
    println!("password: {password}");
    println!("photos:   {}", args.photos);
    println!("press Ctrl-C to stop");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {e}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
