//! Serve the PhotoPrism emulator with the example library, to try the `prysm`
//! command line by hand:
//!
//! ```text
//! cargo run --example serve            # terminal 1: http://127.0.0.1:2342
//! export PHOTOPRISM_URL=http://127.0.0.1:2342 PHOTOPRISM_USERNAME=admin PHOTOPRISM_PASSWORD=photoprism
//! cargo run -- plan -f examples/manifests      # terminal 2
//! ```
//!
//! Options: `--port N` (default 2342), `--generation 2024|2025` (default 2025).
//! Stops on Ctrl-C.

#[path = "common/library.rs"]
mod library;

use miette::IntoDiagnostic;
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions};

#[tokio::main]
async fn main() -> miette::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|index| args.get(index + 1))
            .cloned()
    };
    let port = match value("--port") {
        Some(port) => port
            .parse()
            .map_err(|_| miette::miette!("--port takes a number, not {port}"))?,
        None => 2342,
    };
    let generation = match value("--generation").as_deref() {
        Some("2024") => ApiGeneration::V2024,
        Some("2025") | None => ApiGeneration::V2025,
        Some(other) => return Err(miette::miette!("--generation is 2024 or 2025, not {other}")),
    };
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        port,
        ..EmulatorOptions::default()
    })
    .await
    .into_diagnostic()?;
    library::seed_example_library(&emulator);
    println!(
        "PhotoPrism emulator ({generation:?} API) with the example library at {}",
        emulator.url()
    );
    println!("user: admin   password: photoprism   (Ctrl-C to stop)");
    tokio::signal::ctrl_c().await.into_diagnostic()?;
    emulator.shutdown().await;
    Ok(())
}
