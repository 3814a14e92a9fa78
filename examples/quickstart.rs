//! Quickstart: prysm's main job against the built-in PhotoPrism emulator.
//!
//! Starts an in-memory PhotoPrism on 127.0.0.1, seeds the small library the
//! manifests in `examples/manifests/` are written for, then does what a user
//! does with a real server:
//!
//! 1. `prysm plan -f examples/manifests`   (shows what would change)
//! 2. `prysm apply -f examples/manifests --auto-approve`
//! 3. `prysm plan -f examples/manifests`   (nothing left to do)
//!
//! Run it with `cargo run --example quickstart`. Pass `--generation 2024` to
//! talk to an emulated December 2024 server instead of a 2025+ one.

#[path = "common/library.rs"]
mod library;

use std::path::PathBuf;

use miette::IntoDiagnostic;
use prysm::apply::{ActionResult, ApplyObserver, ApplyOptions, Status, apply};
use prysm::photoprism::{Client, ClientOptions, Credentials, Secret, ServerUrl};
use prysm::plan::Action;
use prysm::planner::{PlanOptions, make_plan};
use prysm::render::{TextOptions, render_text};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions};

/// Prints one line per finished action, like `prysm apply` without a terminal.
struct Lines;

impl ApplyObserver for Lines {
    fn started(&self, _actions: &[&Action]) {}

    fn finished(&self, result: &ActionResult) {
        let mark = match &result.status {
            Status::Succeeded => "ok     ",
            Status::Failed(_) => "FAILED ",
            Status::Skipped(_) => "skipped",
            Status::NotStarted => "not started",
        };
        println!("{mark} {}: {}", result.address, result.description);
    }
}

#[tokio::main]
async fn main() -> miette::Result<()> {
    let generation = if std::env::args().any(|arg| arg == "2024") {
        ApiGeneration::V2024
    } else {
        ApiGeneration::V2025
    };
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .into_diagnostic()?;
    library::seed_example_library(&emulator);
    println!(
        "PhotoPrism emulator ({generation:?} API) at {} with {} photos, user admin / photoprism.\n",
        emulator.url(),
        library::PHOTOS.len()
    );

    let manifests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/manifests");
    let manifest = prysm::manifest::load(std::slice::from_ref(&manifests))?;
    let credentials = Credentials::Password {
        username: "admin".to_string(),
        password: Secret::new("photoprism"),
    };
    let client = Client::connect(
        ServerUrl::parse(&emulator.url())?,
        ClientOptions::default(),
        &credentials,
    )
    .await?;
    let text = TextOptions::default();

    println!("$ prysm plan -f examples/manifests\n");
    let planned = make_plan(&client, &manifest, &PlanOptions::default()).await?;
    print!("{}", render_text(&planned.plan, &text));

    println!("\n$ prysm apply -f examples/manifests --auto-approve\n");
    emulator.reset_counts();
    let report = apply(&client, &planned.plan, &ApplyOptions::default(), &Lines).await;
    println!();
    print!("{}", report.render());
    println!(
        "({} requests to the server for {} actions)",
        emulator.total_requests(),
        planned.plan.actions.len()
    );

    println!("\n$ prysm plan -f examples/manifests\n");
    emulator.reset_counts();
    let again = make_plan(&client, &manifest, &PlanOptions::default()).await?;
    print!("{}", render_text(&again.plan, &text));
    println!("({} requests to read the state)", emulator.total_requests());

    client.logout().await?;
    emulator.shutdown().await;
    if report.is_success() && again.plan.is_empty() {
        Ok(())
    } else {
        Err(miette::miette!("the quickstart did not converge"))
    }
}
