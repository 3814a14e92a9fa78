//! `prysm export` on libraries with odd values: the manifest it writes passes
//! `prysm validate`, and a plan for it right away has no changes; values the
//! manifest cannot express are left out with a comment saying why.

use std::io::{Read as _, Write as _};
use std::process::Output;

use assert_cmd::Command;
use prysm_emulator::{AlbumSeed, Emulator, PhotoSeed};

use crate::support::{GENERATIONS, env};

fn prysm(emulator: &Emulator) -> Command {
    let mut cmd = Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env(
            "PRYSM_JOURNAL",
            std::env::temp_dir().join("prysm-engine-test-journals"),
        )
        .env("PHOTOPRISM_URL", emulator.url())
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", "photoprism")
        .env_remove("PHOTOPRISM_TOKEN")
        .env_remove("PHOTOPRISM_CLIENT_ID")
        .env_remove("PHOTOPRISM_CLIENT_SECRET");
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

/// `PUT /api/v1/albums/:uid` sent as raw HTTP, so that values the client
/// refuses (an empty title) reach the server as a legacy or hand-edited
/// library would hold them.
fn put_album(emulator: &Emulator, token: &str, uid: &str, body: serde_json::Value) {
    let body = body.to_string();
    let address = emulator.url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    let request = format!(
        "PUT /api/v1/albums/{uid} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// Seeds albums and photos with the values a real library can hold.
fn seed_odd_library(emulator: &Emulator) {
    let photos = emulator.seed_photos(vec![
        PhotoSeed {
            title: "Plain favorite".into(),
            favorite: true,
            ..PhotoSeed::default()
        },
        PhotoSeed {
            title: "Archived favorite".into(),
            favorite: true,
            archived: true,
            ..PhotoSeed::default()
        },
        PhotoSeed {
            title: "Private favorite".into(),
            favorite: true,
            private: true,
            ..PhotoSeed::default()
        },
        PhotoSeed {
            file_name: "IMG_%_under_score 'quoted' \"double\".jpg".into(),
            ..PhotoSeed::default()
        },
    ]);
    let album = |title: &str| AlbumSeed {
        title: title.to_owned(),
        ..AlbumSeed::default()
    };
    let rome = emulator.seed_album(AlbumSeed {
        order: "foo".into(),
        photos: photos.clone(),
        ..album("Rome")
    });
    let rome_lower = emulator.seed_album(AlbumSeed {
        order: "Oldest".into(),
        ..album("rome")
    });
    let empty = emulator.seed_album(album("To be emptied"));
    let no_country = emulator.seed_album(album("No country"));
    emulator.seed_album(AlbumSeed {
        category: "food & drink / ünï_cöde #1".into(),
        ..album("Say \"cheese\": 50% off_sale")
    });
    emulator.seed_album(album(&"ä".repeat(120)));
    emulator.seed_album(AlbumSeed {
        description: "first line\n\u{1b}[31mred\u{1b}[0m \u{202e}gpj.exe\n".into(),
        caption: "# not a comment".into(),
        notes: "key: value\n- item".into(),
        location: "Lisboa, PT — Ελλάδα 中文 📷".into(),
        country: "pt".into(),
        order: "newest".into(),
        favorite: true,
        private: true,
        ..album("Café ☕ Кириллица 中文 📷")
    });
    emulator.seed_album(AlbumSeed {
        album_type: "folder".into(),
        path: "2024/07".into(),
        ..album("A folder")
    });
    emulator.seed_album(AlbumSeed {
        deleted: true,
        ..album("Deleted")
    });
    let token = emulator.create_session();
    put_album(
        emulator,
        &token,
        &rome,
        serde_json::json!({"Country": "PT"}),
    );
    put_album(
        emulator,
        &token,
        &rome_lower,
        serde_json::json!({"Country": "xx"}),
    );
    put_album(
        emulator,
        &token,
        &empty,
        serde_json::json!({"Title": "", "Country": "ZZ"}),
    );
    put_album(
        emulator,
        &token,
        &no_country,
        serde_json::json!({"Country": "", "Order": ""}),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_validates_and_plans_clean_on_an_odd_library() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        seed_odd_library(&env.emulator);
        let dir = tempfile::tempdir().expect("tempdir");
        let exported = dir.path().join("exported.yaml");

        let mut export = prysm(&env.emulator);
        export.args(["export", "-o"]).arg(&exported);
        let output = run(export).await;
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let manifest = std::fs::read_to_string(&exported).expect("exported");

        let mut validate = prysm(&env.emulator);
        validate.args(["validate", "-f"]).arg(&exported);
        let output = run(validate).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{generation:?}: the export does not validate:\n{}\n{manifest}",
            text(&output.stderr)
        );

        let mut plan = prysm(&env.emulator);
        plan.args(["plan", "--detailed-exitcode", "-f"])
            .arg(&exported);
        let output = run(plan).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{generation:?}: plan after export has changes:\n{}{}\n{manifest}",
            text(&output.stdout),
            text(&output.stderr)
        );
        assert_eq!(
            text(&output.stdout),
            "No changes. The library matches the manifest.\n"
        );

        for expected in [
            "# country \"PT\" is left out (unmanaged)",
            "# country \"xx\" is left out (unmanaged)",
            "# order \"foo\" is left out (unmanaged)",
            "# order \"Oldest\" is left out (unmanaged)",
            "(\"\") is not exported: its title is empty",
            "  \"rome\":\n",
            "  \"rome-2\":\n",
            "title: \"Café ☕ Кириллица 中文 📷\"",
            "\\e[31mred\\e[0m \\u202egpj.exe",
        ] {
            assert!(
                manifest.contains(expected),
                "{generation:?}: `{expected}` missing from\n{manifest}"
            );
        }
        // The server shortened the long title; the manifest gives it unshortened.
        assert!(
            manifest.contains(&format!("    title: \"{}\"\n", "ä".repeat(120))),
            "{manifest}"
        );
        assert!(!manifest.contains("A folder"), "{manifest}");
        assert!(!manifest.contains("Deleted"), "{manifest}");
        assert!(!manifest.contains('\u{1b}'), "{manifest}");
    }
}
