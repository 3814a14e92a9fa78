//! `prysm snapshot` and `prysm plan --state`: a plan made offline from a snapshot is the plan
//! made against the live server, byte for byte, on both API generations.

use std::path::PathBuf;

use prysm::planner::{PlanOptions, make_plan};
use prysm::render::{TextOptions, render_json, render_text};
use prysm::snapshot::Snapshot;

use crate::support::{GENERATIONS, env, manifest};

fn examples() -> prysm::manifest::Manifest {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests"));
    prysm::manifest::load(&[dir]).expect("examples load")
}

#[tokio::test]
async fn an_offline_plan_from_a_snapshot_is_the_live_plan() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let manifest = examples();
        let options = PlanOptions::default();
        let live = make_plan(&env.client, &manifest, &options)
            .await
            .expect("live plan");
        assert!(!live.plan.is_empty(), "the example plan has changes");
        let (snapshot, recorded) = Snapshot::take(&env.client, &manifest, &options, None)
            .await
            .expect("snapshot");
        assert_eq!(recorded.plan, live.plan, "{generation:?}");
        assert_eq!(snapshot.fingerprint, live.plan.fingerprint);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        snapshot.write(&path).expect("write");
        let read = Snapshot::read(&path).expect("read");
        assert_eq!(read, snapshot);
        // The emulator stops answering: the offline plan must not need it.
        let url = env.emulator.url();
        drop(env);
        let client = read.client().expect("replay client");
        let offline = make_plan(&client, &manifest, &options)
            .await
            .expect("offline plan");
        assert_eq!(render_json(&offline.plan), render_json(&live.plan));
        assert_eq!(
            render_text(&offline.plan, &TextOptions::default()),
            render_text(&live.plan, &TextOptions::default())
        );
        assert!(render_json(&offline.plan).contains(&url));
        let generation_name = if generation == prysm_emulator::ApiGeneration::V2024 {
            "description"
        } else {
            "caption"
        };
        assert_eq!(read.server.generation, generation_name);
    }
}

#[tokio::test]
async fn a_snapshot_keeps_bodies_compact_and_only_reads() {
    let env = env(prysm_emulator::ApiGeneration::V2025).await;
    let (snapshot, _) = Snapshot::take(&env.client, &examples(), &PlanOptions::default(), None)
        .await
        .expect("snapshot");
    assert!(!snapshot.exchanges.is_empty());
    for exchange in &snapshot.exchanges {
        assert_eq!(exchange.method, "GET");
        assert!(!exchange.body.contains("\n"), "{}", exchange.path);
        let mut sorted = exchange.query.clone();
        sorted.sort();
        assert_eq!(sorted, exchange.query);
    }
    // No credentials of any kind are kept.
    let text = snapshot.to_json();
    assert!(
        !text.to_lowercase().contains("photoprism\""),
        "password in snapshot"
    );
    if let Some(tokens) = env.client.tokens() {
        assert!(!text.contains(tokens.access.expose()));
    }
}

#[tokio::test]
async fn a_request_the_snapshot_lacks_is_a_clear_error() {
    let env = env(prysm_emulator::ApiGeneration::V2024).await;
    let small = manifest("version: 1\nalbums:\n  b:\n    title: Berlin 2023\n");
    let (snapshot, _) = Snapshot::take(&env.client, &small, &PlanOptions::default(), None)
        .await
        .expect("snapshot");
    let client = snapshot.client().expect("replay");
    let error = make_plan(&client, &examples(), &PlanOptions::default())
        .await
        .expect_err("needs reads the snapshot lacks");
    let text = error.to_string();
    assert!(
        text.contains("the snapshot does not hold GET ") && text.contains("prysm snapshot"),
        "{text}"
    );
}

#[test]
fn snapshot_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/snapshot.schema.json");
    let fresh = prysm::snapshot::snapshot_json_schema_string();
    if std::env::var_os("PRYSM_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &fresh).expect("write schema");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "schemas/snapshot.schema.json is stale; regenerate it with \
         `cargo run -- schema --snapshot > schemas/snapshot.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&fresh).expect("json");
    let required = schema["required"].as_array().expect("required");
    for key in ["snapshot_version", "server", "fingerprint", "exchanges"] {
        assert!(required.iter().any(|k| k == key), "{key}");
    }
}
