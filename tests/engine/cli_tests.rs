//! The `prysm` binary end to end: exit codes, output streams, confirmation,
//! saved plans, export, and secrets that never show.

use std::process::Output;

use assert_cmd::Command;
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator};

use crate::support::env;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");
const PASSWORD: &str = "photoprism";

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
                .env("PHOTOPRISM_PASSWORD", PASSWORD);
        }
        None => {
            cmd.env_remove("PHOTOPRISM_URL")
                .env_remove("PHOTOPRISM_USERNAME")
                .env_remove("PHOTOPRISM_PASSWORD");
        }
    }
    cmd
}

/// Runs the command off the async runtime (the emulator keeps serving).
async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn validate_accepts_the_examples_and_rejects_mistakes() {
    let output = prysm(None)
        .args(["validate", "-f", EXAMPLES])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("The manifest is valid: 4 albums, 5 photo rules in 4 files."));

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "version: 1\nalbums:\n  x:\n    titel: X\n").expect("write");
    let output = prysm(None)
        .args(["validate", "-f"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("titel"), "{err}");
    assert!(err.contains("title"), "did you mean: {err}");
    assert!(err.contains("bad.yaml:4:5"), "{err}");
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let output = prysm(None).arg("schema").output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let checked_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/prysm.schema.json"
    ))
    .expect("schema file");
    assert_eq!(stdout(&output), checked_in);
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_apply_plan_with_exit_codes() {
    let env = env(ApiGeneration::V2025).await;
    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "-f", EXAMPLES, "--detailed-exitcode"]);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("# album.portugal-2024 will be created"),
        "{text}"
    );
    assert!(text.contains("Plan: 2 to add,"), "{text}");
    assert!(!text.contains(PASSWORD));

    // Without a terminal and without --auto-approve, apply refuses.
    let mut refused = prysm(Some(&env.emulator));
    refused.args(["apply", "-f", EXAMPLES]).write_stdin("yes\n");
    let output = run(refused).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("refusing to apply without confirmation"),
        "{}",
        stderr(&output)
    );

    let mut apply = prysm(Some(&env.emulator));
    apply.args(["apply", "-f", EXAMPLES, "--auto-approve"]);
    let output = run(apply).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("Apply complete!"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("ok      album.portugal-2024"),
        "{}",
        stderr(&output)
    );

    let mut again = prysm(Some(&env.emulator));
    again.args(["plan", "-f", EXAMPLES, "--detailed-exitcode"]);
    let output = run(again).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "No changes. The library matches the manifest.\n"
    );

    let mut twice = prysm(Some(&env.emulator));
    twice.args(["apply", "-f", EXAMPLES, "--auto-approve"]);
    let output = run(twice).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("No changes."));
}

#[tokio::test(flavor = "multi_thread")]
async fn saved_plans_apply_and_refuse_after_a_change() {
    let env = env(ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("plan.json");
    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "-f", EXAMPLES, "-o"]).arg(&saved);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("prysm apply"),
        "{}",
        stdout(&output)
    );

    env.emulator.seed_album(AlbumSeed {
        title: "Changed meanwhile".to_string(),
        ..AlbumSeed::default()
    });
    let mut stale = prysm(Some(&env.emulator));
    stale.arg("apply").arg(&saved);
    let output = run(stale).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the server changed since this plan was saved"),
        "{}",
        stderr(&output)
    );

    let mut fresh = prysm(Some(&env.emulator));
    fresh.args(["plan", "-f", EXAMPLES, "--out"]).arg(&saved);
    assert_eq!(run(fresh).await.status.code(), Some(0));
    let mut apply = prysm(Some(&env.emulator));
    apply.args(["apply", "--auto-approve"]).arg(&saved);
    let output = run(apply).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("Apply complete!"));
}

#[tokio::test(flavor = "multi_thread")]
async fn json_outputs_parse() {
    let env = env(ApiGeneration::V2024).await;
    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "-f", EXAMPLES, "--json"]);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("plan JSON");
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["summary"]["add"], 2);

    let mut apply = prysm(Some(&env.emulator));
    apply.args(["apply", "-f", EXAMPLES, "--auto-approve", "--json"]);
    let output = run(apply).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("apply JSON");
    assert_eq!(value["summary"]["failed"], 0);
    assert!(
        value["results"]
            .as_array()
            .is_some_and(|results| !results.is_empty())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_or_missing_credentials_are_explained() {
    let env = env(ApiGeneration::V2025).await;
    let mut bad = prysm(Some(&env.emulator));
    bad.env("PHOTOPRISM_PASSWORD", "wrong-secret-123")
        .args(["plan", "-f", EXAMPLES]);
    let output = run(bad).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(!err.contains("wrong-secret-123"), "{err}");
    assert!(
        err.to_lowercase().contains("credentials") || err.contains("401"),
        "{err}"
    );

    let mut none = prysm(None);
    none.env("PHOTOPRISM_URL", env.emulator.url())
        .args(["plan", "-f", EXAMPLES]);
    let output = run(none).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no credentials"),
        "{}",
        stderr(&output)
    );

    let mut down = prysm(None);
    down.args(["--server", "http://127.0.0.1:9", "--username", "admin"])
        .env("PHOTOPRISM_PASSWORD", PASSWORD)
        .args(["plan", "-f", EXAMPLES]);
    let output = run(down).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("127.0.0.1:9"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_file_and_export_round_trip() {
    let env = env(ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let password = dir.path().join("password");
    std::fs::write(&password, format!("{PASSWORD}\n")).expect("write");
    let exported = dir.path().join("exported.yaml");
    let mut export = prysm(None);
    export
        .args([
            "--server",
            &env.emulator.url(),
            "--username",
            "admin",
            "--password-file",
        ])
        .arg(&password)
        .args(["export", "-o"])
        .arg(&exported);
    let output = run(export).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&exported).expect("exported");
    assert!(text.contains("uid: as6s6c045hu43jsi"), "{text}");

    let mut validate = prysm(None);
    validate.args(["validate", "-f"]).arg(&exported);
    assert_eq!(run(validate).await.status.code(), Some(0));

    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "--detailed-exitcode", "-f"])
        .arg(&exported);
    let output = run(plan).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}
