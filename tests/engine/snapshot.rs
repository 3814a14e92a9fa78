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
        // Reads only: GETs, and the read-only batch edit of the batched details read.
        assert!(
            exchange.method == "GET"
                || (exchange.method == "POST" && exchange.path == "batch/photos/edit"),
            "{} {}",
            exchange.method,
            exchange.path
        );
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

mod cli {
    use std::process::Output;

    use assert_cmd::Command;
    use prysm_emulator::{ApiGeneration, Emulator};

    use crate::support::env;

    const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");

    fn prysm(emulator: Option<&Emulator>) -> Command {
        let mut cmd = Command::cargo_bin("prysm").expect("binary");
        cmd.env("NO_COLOR", "1")
            .env_remove("PHOTOPRISM_TOKEN")
            .env_remove("PHOTOPRISM_CLIENT_ID")
            .env_remove("PHOTOPRISM_CLIENT_SECRET");
        match emulator {
            Some(emulator) => {
                cmd.env("PHOTOPRISM_URL", emulator.url())
                    .env("PHOTOPRISM_USERNAME", "admin")
                    .env("PHOTOPRISM_PASSWORD", "photoprism");
            }
            None => {
                // No server and no credentials at all.
                cmd.env("PHOTOPRISM_URL", "http://127.0.0.1:9")
                    .env_remove("PHOTOPRISM_USERNAME")
                    .env_remove("PHOTOPRISM_PASSWORD");
            }
        }
        cmd
    }

    async fn run(mut cmd: Command) -> Output {
        tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
            .await
            .expect("join")
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    #[tokio::test]
    async fn snapshot_plan_offline_then_apply_the_saved_plan_live() {
        for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
            let env = env(generation).await;
            let dir = tempfile::tempdir().expect("tempdir");
            let state = dir.path().join("state.json");
            let saved = dir.path().join("plan.json");
            let state_arg = state.to_str().expect("utf-8");
            let saved_arg = saved.to_str().expect("utf-8");

            let mut cmd = prysm(Some(&env.emulator));
            cmd.args(["snapshot", "-f", EXAMPLES, "-o", state_arg]);
            let out = run(cmd).await;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

            for format in [None, Some("--json")] {
                let mut live = prysm(Some(&env.emulator));
                live.args(["plan", "-f", EXAMPLES]).args(format);
                let live = run(live).await;
                let mut offline = prysm(None);
                offline
                    .args(["plan", "-f", EXAMPLES, "--state", state_arg])
                    .args(format);
                let offline = run(offline).await;
                assert_eq!(offline.status.code(), Some(0), "{}", text(&offline.stderr));
                assert_eq!(text(&offline.stdout), text(&live.stdout), "{format:?}");
                assert!(
                    text(&offline.stderr).contains("planned offline from the snapshot"),
                    "{}",
                    text(&offline.stderr)
                );
            }

            let mut offline = prysm(None);
            offline.args([
                "plan", "-f", EXAMPLES, "--state", state_arg, "-o", saved_arg,
            ]);
            let out = run(offline).await;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            let file = std::fs::read_to_string(&saved).expect("saved plan");
            assert!(file.contains("\"snapshot\""), "the saved plan says so");

            // The live server still has the snapshot's state: the saved plan applies.
            let mut apply = prysm(Some(&env.emulator));
            apply.args(["apply", saved_arg, "--auto-approve"]);
            let out = run(apply).await;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

            // Now the server differs from the snapshot: a plan saved from it is refused.
            let mut offline = prysm(None);
            offline.args([
                "plan", "-f", EXAMPLES, "--state", state_arg, "-o", saved_arg,
            ]);
            assert_eq!(run(offline).await.status.code(), Some(0));
            let mut apply = prysm(Some(&env.emulator));
            apply.args(["apply", saved_arg, "--auto-approve"]);
            let out = run(apply).await;
            assert_eq!(out.status.code(), Some(1));
            assert!(
                text(&out.stderr).contains("the server changed since this plan was saved"),
                "{}",
                text(&out.stderr)
            );
        }
    }

    #[tokio::test]
    async fn adopt_dry_run_from_a_snapshot_prints_a_diff_and_writes_nothing() {
        let env = env(ApiGeneration::V2025).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let manifest = dir.path().join("berlin.yaml");
        let original = "version: 1\nalbums:\n  berlin:   # keep me\n    uid: as6s6c045hu43jsi\n    title: 'Berlin Christmas'\n";
        std::fs::write(&manifest, original).expect("write");
        let state = dir.path().join("state.json");
        let (m, s) = (
            manifest.to_str().expect("utf-8"),
            state.to_str().expect("utf-8"),
        );
        let mut cmd = prysm(Some(&env.emulator));
        cmd.args(["snapshot", "-f", m, "-o", s]);
        assert_eq!(run(cmd).await.status.code(), Some(0));

        let mut cmd = prysm(None);
        cmd.args(["adopt", "-f", m, "--state", s, "--dry-run"]);
        let out = run(cmd).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let diff = text(&out.stdout);
        assert!(
            diff.contains("-    title: 'Berlin Christmas'\n+    title: 'Berlin 2023'\n"),
            "{diff}"
        );
        assert_eq!(std::fs::read_to_string(&manifest).expect("read"), original);

        let mut cmd = prysm(None);
        cmd.args(["adopt", "-f", m, "--state", s]);
        assert_eq!(run(cmd).await.status.code(), Some(0));
        assert_eq!(
            std::fs::read_to_string(&manifest).expect("read"),
            original.replace("'Berlin Christmas'", "'Berlin 2023'")
        );
        let mut cmd = prysm(None);
        cmd.args(["plan", "-f", m, "--state", s, "--detailed-exitcode"]);
        assert_eq!(
            run(cmd).await.status.code(),
            Some(0),
            "empty plan after adopt"
        );
    }
}
