//! Benchmark: plan, apply and re-plan a manifest against a 100,000-photo
//! library in the emulator, printing requests made, wall time and peak memory.
//!
//! Run with `cargo bench --bench plan_apply` (add `-- --photos 20000` for a
//! quicker run). The emulator runs in the same process, so the peak memory
//! figure covers the emulator's library as well as prysm.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use prysm::apply::{ApplyOptions, Silent, apply};
use prysm::photoprism::{Client, ClientOptions, Credentials, Secret, ServerUrl};
use prysm::planner::{PlanOptions, make_plan};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions};

/// The manifest: 24 month albums filled by queries, one album of every cat,
/// and two bulk photo rules.
fn manifest_text() -> String {
    let mut text = String::from("version: 1\nalbums:\n");
    for year in [2024, 2025] {
        for month in 1..=12 {
            text.push_str(&format!(
                "  m-{year}-{month:02}:\n    title: \"{year}-{month:02}\"\n    favorite: {}\n    photos:\n      - query: \"year:{year} month:{month}\"\n",
                month % 2 == 0
            ));
        }
    }
    text.push_str("  cats:\n    title: All cats\n    category: pets\n    photos:\n      - query: \"label:cat\"\n");
    text.push_str("photos:\n");
    text.push_str("  - match: { query: \"label:sunset\" }\n    favorite: true\n");
    text.push_str(
        "  - match: { query: \"label:portrait\" }\n    private: false\n    title: Portrait\n",
    );
    text
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .map(|line| line.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "n/a".to_string())
}

fn top_routes(counts: &BTreeMap<String, u64>) -> String {
    let mut routes: Vec<(&String, &u64)> = counts.iter().collect();
    routes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    routes
        .iter()
        .take(6)
        .map(|(route, count)| format!("{count} x {route}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn report(phase: &str, emulator: &Emulator, elapsed: Duration, extra: &str) {
    println!(
        "  {phase:<10} {:>6} requests  {:>8.2?}  peak RSS {:>10}  {extra}",
        emulator.total_requests(),
        elapsed,
        peak_rss()
    );
    println!("             {}", top_routes(&emulator.request_counts()));
    emulator.reset_counts();
}

async fn run(generation: ApiGeneration, photos: usize) -> Result<(), String> {
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .map_err(|error| error.to_string())?;
    let started = Instant::now();
    emulator.generate_library(photos, 42);
    println!(
        "\n{generation:?} API, {photos} photos (seeded in {:.2?})",
        started.elapsed()
    );
    let client = Client::connect(
        ServerUrl::parse(&emulator.url()).map_err(|error| error.to_string())?,
        ClientOptions::default(),
        &Credentials::Password {
            username: "admin".to_string(),
            password: Secret::new("photoprism"),
        },
    )
    .await
    .map_err(|error| error.to_string())?;
    let manifest = prysm::manifest::parse_str("bench.yaml", &manifest_text())
        .map_err(|error| error.to_string())?;
    emulator.reset_counts();

    let started = Instant::now();
    let planned = make_plan(&client, &manifest, &PlanOptions::default())
        .await
        .map_err(|error| error.to_string())?;
    let summary = planned.plan.summary;
    let photo_changes: usize = planned
        .plan
        .actions
        .iter()
        .map(|action| match &action.change {
            prysm::plan::Change::CreateAlbum { photos, .. }
            | prysm::plan::Change::AddPhotos { photos, .. } => photos.len(),
            _ => 1,
        })
        .sum();
    report(
        "plan",
        &emulator,
        started.elapsed(),
        &format!(
            "{} to add, {} to change ({photo_changes} photo changes)",
            summary.add, summary.change
        ),
    );

    let started = Instant::now();
    let result = apply(&client, &planned.plan, &ApplyOptions::default(), &Silent).await;
    report(
        "apply",
        &emulator,
        started.elapsed(),
        &format!(
            "{} actions succeeded, {} failed",
            result.succeeded(),
            result.failed()
        ),
    );

    let started = Instant::now();
    let again = make_plan(&client, &manifest, &PlanOptions::default())
        .await
        .map_err(|error| error.to_string())?;
    report(
        "re-plan",
        &emulator,
        started.elapsed(),
        &format!("{} actions left", again.plan.actions.len()),
    );
    client.logout().await.map_err(|error| error.to_string())?;
    emulator.shutdown().await;
    if result.is_success() && again.plan.is_empty() {
        Ok(())
    } else {
        Err("the benchmark run did not converge".to_string())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let photos = args
        .iter()
        .position(|arg| arg == "--photos")
        .and_then(|index| args.get(index + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(100_000);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the runtime: {error}");
            std::process::exit(1);
        }
    };
    println!("prysm plan/apply benchmark (requests, wall time, peak RSS of emulator + prysm)");
    for (generation, size) in [
        (ApiGeneration::V2025, photos),
        (ApiGeneration::V2024, photos / 10),
    ] {
        if let Err(error) = runtime.block_on(run(generation, size)) {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}
