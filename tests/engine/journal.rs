//! The apply journal: written incrementally, usable after failures and crashes,
//! and the `prysm apply` / `undo` / `drift` / `plan` commands around it.

use std::time::Duration;

use assert_cmd::Command;
use prysm::apply::{ApplyOptions, Silent, apply};
use prysm::journal::{self, Done, Journal, JournalWriter, Journaled, Operation};
use prysm::photoprism::{Client, PhotoUpdate};
use prysm::planner::{PlanOptions, make_plan};
use prysm::undo::{UndoOptions, undo_plan};
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};

use crate::undo::{journaled_apply, snapshot};

const P1: &str = "psj4uo0jrnl00001";
const P2: &str = "psj4uo0jrnl00002";
const P3: &str = "psj4uo0jrnl00003";

/// Three photos; "Old Trip" holds P1 and P2, "Keep 100% _x_" holds P1 and P2.
async fn library(generation: ApiGeneration) -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator");
    emulator.seed_photos(
        [P1, P2, P3]
            .iter()
            .enumerate()
            .map(|(index, uid)| PhotoSeed {
                uid: uid.to_string(),
                title: format!("Фото {index} «café»"),
                taken_at: "2024-05-01T10:00:00Z".to_string(),
                ..PhotoSeed::default()
            })
            .collect(),
    );
    for title in ["Old Trip", "Keep 100% _x_"] {
        emulator.seed_album(AlbumSeed {
            title: title.to_string(),
            photos: vec![P1.to_string(), P2.to_string()],
            description: "curated for years".to_string(),
            ..AlbumSeed::default()
        });
    }
    let client = crate::support::login(&emulator).await;
    (emulator, client)
}

/// Creates an album with members, deletes one, archives a photo (which leaves
/// "Keep"), and edits another.
const MANIFEST: &str = r#"version: 1
albums:
  trip:
    title: "Roma 2024 – Café ☕ \"best\""
    description: "O'Brien's 東京 trip"
    photos:
      - uid: psj4uo0jrnl00001
      - uid: psj4uo0jrnl00003
  old:
    title: Old Trip
    state: absent
photos:
  - match: { uid: psj4uo0jrnl00002 }
    archived: true
  - match: { uid: psj4uo0jrnl00003 }
    title: "Forum ✨"
    favorite: true
"#;

fn prysm(emulator: &Emulator, journal_dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env("PHOTOPRISM_URL", emulator.url())
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", "photoprism")
        .env("PRYSM_JOURNAL", journal_dir)
        .env_remove("PHOTOPRISM_TOKEN")
        .env_remove("PHOTOPRISM_CLIENT_ID")
        .env_remove("PHOTOPRISM_CLIENT_SECRET");
    cmd
}

async fn run(mut cmd: Command) -> (i32, String, String) {
    let output = tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn apply_undo_drift_end_to_end(generation: ApiGeneration) {
    let (emulator, client) = library(generation).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let journals = dir.path().join("journals");
    let manifest = dir.path().join("library.yaml");
    std::fs::write(&manifest, MANIFEST).expect("manifest");
    let before = snapshot(&emulator);

    // Before any apply, drift has no baseline.
    let mut cmd = prysm(&emulator, &journals);
    cmd.arg("drift");
    let (code, _, stderr) = run(cmd).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no journal"), "{stderr}");

    let mut cmd = prysm(&emulator, &journals);
    cmd.args(["apply", "--auto-approve", "-f"]).arg(&manifest);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let files = journal::list(&journals).expect("list");
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).expect("journal");
    assert!(
        !text.contains("photoprism\""),
        "the password leaked: {text}"
    );
    let read = Journal::read(&files[0]).expect("reads");
    assert_eq!(read.start.operation, Operation::Apply);
    assert_eq!(read.start.prysm_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(read.start.manifest.len(), 1);
    assert!(read.end.is_some());
    assert_eq!(read.results.len(), read.start.plan.actions.len());
    assert!((0..read.start.plan.actions.len()).all(|id| read.done(id) == Done::Yes));
    // The deleted album's fields and members and the archived photo's albums are recorded.
    let old = read
        .start
        .before
        .albums
        .values()
        .next()
        .expect("deleted album");
    assert_eq!(old.title, "Old Trip");
    let mut members = old.members.clone();
    members.sort();
    assert_eq!(members, vec![P1.to_string(), P2.to_string()]);
    assert_eq!(read.start.before.photo_albums[P2].len(), 2);

    // Nothing changed on the server since: drift exits 0, plan has no changes.
    let mut cmd = prysm(&emulator, &journals);
    cmd.arg("drift");
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");

    // Someone edits a managed photo in PhotoPrism.
    client
        .update_photo(
            P3,
            &PhotoUpdate {
                title: Some("Edited in PhotoPrism".to_string()),
                ..PhotoUpdate::default()
            },
        )
        .await
        .expect("edit");
    let mut cmd = prysm(&emulator, &journals);
    cmd.arg("drift");
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.contains("photo.psj4uo0jrnl00003"), "{stdout}");
    assert!(stdout.contains("Edited in PhotoPrism"), "{stdout}");
    let mut cmd = prysm(&emulator, &journals);
    cmd.args(["plan", "-f"]).arg(&manifest);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("photo.psj4uo0jrnl00003  server: changed in PhotoPrism"),
        "{stdout}"
    );
    // The manifest is the last apply's: drift labels cost no second read of the server.
    let total = |emulator: &Emulator| emulator.request_counts().values().sum::<u64>();
    let start = total(&emulator);
    let mut cmd = prysm(&emulator, &journals);
    cmd.args(["plan", "--no-drift", "-f"]).arg(&manifest);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let without_drift = total(&emulator) - start;
    let start = total(&emulator);
    let mut cmd = prysm(&emulator, &journals);
    cmd.args(["plan", "-f"]).arg(&manifest);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("server: changed in PhotoPrism"), "{stdout}");
    assert_eq!(total(&emulator) - start, without_drift);

    // The undo plan marks the edited title as a conflict and leaves it alone.
    let mut cmd = prysm(&emulator, &journals);
    cmd.args(["undo", "--detailed-exitcode"]);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.contains("Conflicts"), "{stdout}");
    assert!(stdout.contains("photo.psj4uo0jrnl00003.title"), "{stdout}");
    // Saved, the undo plan is applied by `prysm apply FILE`, and only while the server still
    // gives the same undo plan (as for `prysm plan --out`).
    let saved = dir.path().join("undo plan «1».json");
    let mut cmd = prysm(&emulator, &journals);
    cmd.args(["undo", "--out"]).arg(&saved);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("prysm apply"), "{stdout}");
    assert_eq!(
        journal::list(&journals).expect("list").len(),
        1,
        "nothing applied"
    );
    let mut cmd = prysm(&emulator, &journals);
    cmd.arg("show").arg(&saved);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("undoes:") && stdout.contains("-apply.jsonl"),
        "{stdout}"
    );
    client.unlike_photo(P3).await.expect("unlike");
    let mut cmd = prysm(&emulator, &journals);
    cmd.arg("apply").arg(&saved);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("changed since this undo plan was saved"),
        "{stderr}"
    );
    assert_eq!(
        journal::list(&journals).expect("list").len(),
        1,
        "nothing applied"
    );
    client.like_photo(P3).await.expect("like");
    let mut cmd = prysm(&emulator, &journals);
    cmd.arg("apply").arg(&saved);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let files = journal::list(&journals).expect("list");
    assert_eq!(files.len(), 2, "the undo's journal");
    let undo_journal = Journal::read(&files[1]).expect("reads");
    assert_eq!(undo_journal.start.operation, Operation::Undo);
    assert!(undo_journal.start.undoes.is_some());
    // Put the conflicting title back by hand: then the library is exactly as before.
    client
        .update_photo(
            P3,
            &PhotoUpdate {
                title: Some("Фото 2 «café»".to_string()),
                ..PhotoUpdate::default()
            },
        )
        .await
        .expect("edit");
    assert_eq!(snapshot(&emulator), before);
    // `prysm undo` takes back the last apply, not the undo: nothing is left to do.
    let mut cmd = prysm(&emulator, &journals);
    cmd.args(["undo", "--detailed-exitcode"]);
    let (code, stdout, stderr) = run(cmd).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_undo_drift_end_to_end_v2025() {
    apply_undo_drift_end_to_end(ApiGeneration::V2025).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_undo_drift_end_to_end_v2024() {
    apply_undo_drift_end_to_end(ApiGeneration::V2024).await;
}

async fn plan(client: &Client) -> prysm::plan::Plan {
    let manifest = prysm::manifest::parse_str("library.yaml", MANIFEST).expect("manifest");
    make_plan(
        client,
        &manifest,
        &PlanOptions {
            allow_destroy: true,
            ..PlanOptions::default()
        },
    )
    .await
    .expect("plan")
    .plan
}

/// Failed actions are journalled as failed, and undo leaves them out.
#[tokio::test]
async fn failed_actions_are_journalled_and_the_rest_undone() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let (emulator, client) = library(generation).await;
        let before = snapshot(&emulator);
        let plan = plan(&client).await;
        let dir = tempfile::tempdir().expect("tempdir");
        emulator.fail_next("DELETE /api/v1/albums/:uid", 20, 500);
        let report = journaled_apply(&client, &plan, Operation::Apply, dir.path(), None).await;
        emulator.clear_faults();
        assert_eq!(report.failed(), 1, "{}", report.render());
        let read = journal::latest(dir.path()).expect("journal");
        assert!(read.end.is_some());
        // A failed action may have been carried out in part: undo checks the server.
        let failed: Vec<usize> = (0..plan.actions.len())
            .filter(|&id| read.done(id) != Done::Yes)
            .collect();
        assert_eq!(read.done(failed[0]), Done::Unknown);
        assert_eq!(failed.len(), 1);
        assert!(plan.actions[failed[0]].address == "album.old");
        assert!(read.results[&failed[0]].message.is_some());
        let undo = undo_plan(&client, &read, UndoOptions::default())
            .await
            .expect("undo plan");
        assert!(undo.conflicts.is_empty(), "{:?}", undo.conflicts);
        assert!(
            undo.actions
                .iter()
                .all(|action| action.address != "album.old")
        );
        let report = journaled_apply(&client, &undo, Operation::Undo, dir.path(), None).await;
        assert!(report.is_success(), "{}", report.render());
        assert_eq!(snapshot(&emulator), before, "{generation:?}");
        emulator.shutdown().await;
    }
}

/// An apply that dies half-way (the process is gone: its future is dropped) leaves a
/// journal without an end that undo can still use, on random faults too.
#[tokio::test]
async fn a_crashed_apply_leaves_a_usable_journal() {
    for (generation, cut) in [
        (ApiGeneration::V2024, 130),
        (ApiGeneration::V2025, 330),
        (ApiGeneration::V2025, 530),
    ] {
        let (emulator, client) = library(generation).await;
        let before = snapshot(&emulator);
        let plan = plan(&client).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let state = journal::read_before(&client, &plan).await.expect("before");
        let start = journal::start(&client, Operation::Apply, &plan, Vec::new(), state);
        let writer = JournalWriter::create(dir.path(), &start).expect("journal");
        let observer = Journaled {
            inner: &Silent,
            writer: &writer,
        };
        emulator.set_latency(Duration::from_millis(100));
        let options = ApplyOptions {
            parallelism: 1,
            ..ApplyOptions::default()
        };
        let outcome = tokio::time::timeout(
            Duration::from_millis(cut),
            apply(&client, &plan, &options, &observer),
        )
        .await;
        assert!(outcome.is_err(), "the apply should have been cut short");
        drop(writer);
        emulator.set_latency(Duration::ZERO);
        // Let requests in flight when the apply died reach the emulator.
        tokio::time::sleep(Duration::from_millis(150)).await;

        let read = journal::latest(dir.path()).expect("journal");
        assert!(read.end.is_none());
        assert!(read.results.len() < plan.actions.len());
        let undo = undo_plan(&client, &read, UndoOptions::default())
            .await
            .expect("undo plan");
        assert!(undo.conflicts.is_empty(), "{:?}", undo.conflicts);
        let report = apply(&client, &undo, &ApplyOptions::default(), &Silent).await;
        assert!(report.is_success(), "{}", report.render());
        assert_eq!(
            snapshot(&emulator),
            before,
            "{generation:?} cut at {cut} ms"
        );
        emulator.shutdown().await;
    }
}
