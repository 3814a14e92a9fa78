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
        out.contains(
            "2 new file(s) uploaded (35 bytes), 1 already on the server (added to the album)."
        ),
        "{out}"
    );
    assert_eq!(emu.photos().len(), before + 2);
    // The two new photos and the known one: the command puts the files it is given there.
    assert_eq!(emu.album_members(&album).len(), 3);
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

/// Uploads are batched: hash checks in searches of 100 hashes, up to 50 files an upload, files
/// with the same base name in different uploads (PhotoPrism keeps base names only).
async fn upload_batches_requests(generation: ApiGeneration) {
    let emu = emulator(generation).await;
    let dir = tempfile::tempdir().unwrap();
    for i in 0..120 {
        let sub = dir.path().join(format!("d{}", i % 3));
        std::fs::create_dir_all(&sub).unwrap();
        // Same base names in d0, d1, d2: `img 0.jpg` … `img 39.jpg`.
        std::fs::write(
            sub.join(format!("img {}.jpg", i / 3)),
            format!("bytes of photo {i} ü"),
        )
        .unwrap();
    }
    let client = login(&emu).await;
    client
        .upload(
            &[UploadFile::from_bytes(
                "pre.jpg",
                b"bytes of photo 7 \xc3\xbc".to_vec(),
            )],
            &[],
        )
        .await
        .unwrap();
    emu.reset_counts();
    let mut cmd = prysm(&emu);
    cmd.arg("upload").arg(dir.path());
    let output = run(cmd).await;
    let out = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        out.contains("119 new file(s) uploaded") && out.contains("1 already on the server."),
        "{out}"
    );
    assert_eq!(emu.photos().len(), 120);
    assert_eq!(out.lines().filter(|l| l.starts_with("+ p")).count(), 119);
    let counts = emu.request_counts();
    let count = |route: &str| counts.get(route).copied().unwrap_or(0);
    assert_eq!(count("GET /api/v1/files/:hash"), 0, "{counts:?}");
    assert_eq!(count("GET /api/v1/photos/:uid"), 0, "{counts:?}");
    // 119 new files, 40 base names each up to three times: three uploads.
    assert_eq!(
        count("POST /api/v1/users/:uid/upload/:token"),
        3,
        "{counts:?}"
    );
    assert_eq!(
        count("PUT /api/v1/users/:uid/upload/:token"),
        3,
        "{counts:?}"
    );
    // Before: 2 searches (120 hashes) + 2 archived searches (119 missing); after each upload,
    // one search (and none archived: every file is found).
    assert_eq!(count("GET /api/v1/photos"), 4 + 3, "{counts:?}");
}

#[tokio::test]
async fn upload_batches_v2024() {
    upload_batches_requests(ApiGeneration::V2024).await;
}

#[tokio::test]
async fn upload_batches_v2025() {
    upload_batches_requests(ApiGeneration::V2025).await;
}

/// `--album KEY -f MANIFEST`: the key names the album the manifest declares (by title or uid).
#[tokio::test]
async fn upload_album_by_manifest_key() {
    let emu = emulator(ApiGeneration::V2025).await;
    let trip = emu.seed_album(AlbumSeed {
        title: "Trip 100% _ 2024".into(),
        ..AlbumSeed::default()
    });
    // A look-alike that a LIKE search would also find.
    let other = emu.seed_album(AlbumSeed {
        title: "Trip 100x _ 2024 extra".into(),
        ..AlbumSeed::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("albums.yaml");
    std::fs::write(
        &manifest,
        format!(
            "version: 1\nalbums:\n  trip:\n    title: \"Trip 100% _ 2024\"\n  pinned:\n    uid: {other}\n    title: Whatever\n  later:\n    title: Not Yet Created\n"
        ),
    )
    .unwrap();
    let photo = dir.path().join("a.jpg");
    std::fs::write(&photo, b"album key bytes").unwrap();

    let mut cmd = prysm(&emu);
    cmd.arg("upload")
        .arg(&photo)
        .args(["--album", "trip", "-f"])
        .arg(&manifest);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(emu.album_members(&trip).len(), 1);
    assert_eq!(emu.album_members(&other).len(), 0);

    let mut cmd = prysm(&emu);
    cmd.arg("upload")
        .arg(&photo)
        .args(["--album", "pinned", "-f"])
        .arg(&manifest);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        emu.album_members(&other).len(),
        1,
        "known photo added by uid"
    );

    let mut cmd = prysm(&emu);
    cmd.arg("upload")
        .arg(&photo)
        .args(["--album", "later", "-f"])
        .arg(&manifest);
    let output = run(cmd).await;
    assert_ne!(output.status.code(), Some(0));
    let err = text(&output.stderr);
    assert!(
        err.contains("album.later does not exist on the server yet"),
        "{err}"
    );
    assert!(err.contains("prysm apply"), "{err}");
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
