//! `prysm upload`, `prysm import` and `prysm index` end to end against the emulator.

use std::process::Output;

use assert_cmd::Command;
use prysm::photoprism::UploadFile;
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, EmulatorOptions};

use crate::support::login;

fn prysm(emulator: &Emulator) -> Command {
    let mut cmd = Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env_remove("PHOTOPRISM_TOKEN")
        .env_remove("PHOTOPRISM_CLIENT_ID")
        .env_remove("PHOTOPRISM_CLIENT_SECRET")
        .env("PHOTOPRISM_URL", emulator.url())
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", "photoprism");
    cmd
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join")
}

async fn emulator(generation: ApiGeneration) -> Emulator {
    Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn upload_walks_dedups_and_skips_known(generation: ApiGeneration) {
    let emu = emulator(generation).await;
    let album = emu.seed_album(AlbumSeed {
        title: "Trip 50% _ Кот 🐱".into(),
        ..AlbumSeed::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Фото ü");
    std::fs::create_dir_all(root.join("sub dir")).unwrap();
    std::fs::write(root.join("one.jpg"), b"first image bytes").unwrap();
    std::fs::write(root.join("sub dir/two 'x'.jpg"), b"second image bytes").unwrap();
    std::fs::write(root.join("copy of one.jpg"), b"first image bytes").unwrap();
    std::fs::write(root.join(".hidden.jpg"), b"hidden bytes").unwrap();
    let known = dir.path().join("known.jpg");
    std::fs::write(&known, b"already there").unwrap();
    // One file is on the server already.
    let client = login(&emu).await;
    client
        .upload(
            &[UploadFile::from_bytes(
                "known.jpg",
                b"already there".to_vec(),
            )],
            &[],
        )
        .await
        .unwrap();
    let before = emu.photos().len();

    let mut cmd = prysm(&emu);
    cmd.arg("upload")
        .arg(&root)
        .arg(&known)
        .args(["--album", "Trip 50% _ Кот 🐱"]);
    let output = run(cmd).await;
    let out = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        out.contains("2 new file(s) uploaded (35 bytes), 1 already on the server."),
        "{out}"
    );
    assert_eq!(emu.photos().len(), before + 2);
    assert_eq!(emu.album_members(&album).len(), 2);
    assert!(emu.photos().iter().all(|p| !p.title.contains("hidden")));

    // Again: nothing new.
    let mut cmd = prysm(&emu);
    cmd.arg("upload").arg(&root);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("0 new file(s) uploaded (0 bytes), 2 already on the server."),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(emu.photos().len(), before + 2);
}

#[tokio::test]
async fn upload_v2024() {
    upload_walks_dedups_and_skips_known(ApiGeneration::V2024).await;
}

#[tokio::test]
async fn upload_v2025() {
    upload_walks_dedups_and_skips_known(ApiGeneration::V2025).await;
}

#[tokio::test]
async fn upload_refuses_unreadable_paths_and_unknown_albums_before_uploading() {
    let emu = emulator(ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.jpg");
    std::fs::write(&file, b"bytes").unwrap();
    let missing = dir.path().join("nope ü.jpg");

    let mut cmd = prysm(&emu);
    cmd.arg("upload").arg(&file).arg(&missing);
    let output = run(cmd).await;
    assert_ne!(output.status.code(), Some(0));
    assert!(
        text(&output.stderr).contains("nope ü.jpg"),
        "{}",
        text(&output.stderr)
    );
    assert!(emu.photos().is_empty());

    let mut cmd = prysm(&emu);
    cmd.arg("upload")
        .arg(&file)
        .args(["--album", "No such album"]);
    let output = run(cmd).await;
    assert_ne!(output.status.code(), Some(0));
    assert!(
        text(&output.stderr).contains("no album has the UID or title `No such album`"),
        "{}",
        text(&output.stderr)
    );
    assert!(emu.photos().is_empty());
}

#[tokio::test]
async fn import_and_index_wait_for_the_job() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = emulator(generation).await;
        emu.stage_import(
            "trip/2024",
            vec![("a.jpg".into(), b"imported bytes".to_vec())],
        );
        let mut cmd = prysm(&emu);
        cmd.args(["import", "trip/2024"]);
        let output = run(cmd).await;
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert!(
            text(&output.stdout).contains("Import completed"),
            "{}",
            text(&output.stdout)
        );
        assert_eq!(emu.photos().len(), 1);

        let mut cmd = prysm(&emu);
        cmd.args(["index", "--rescan"]);
        let output = run(cmd).await;
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert!(!text(&output.stdout).trim().is_empty());
    }
}
