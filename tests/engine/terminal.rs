//! Text from the server never steers the terminal: a library seeded with
//! hostile titles, file names, captions and descriptions is planned and
//! applied through the `prysm` binary, and its text output holds no control
//! characters (other than line breaks) and no bidirectional controls, while
//! the JSON output keeps every value exactly.

use std::process::Output;

use assert_cmd::Command;
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, PhotoSeed};

use crate::support::{GENERATIONS, env};

/// An OSC 8 hyperlink whose visible text hides where it points.
const LINK: &str = "\u{1b}]8;;http://evil.example/\u{7}click\u{1b}]8;;\u{7}";
/// Clears the screen and homes the cursor.
const CLEAR: &str = "\u{1b}[2J\u{1b}[H";
/// Right-to-left override: `gpj.exe` shows as `exe.jpg`.
const RLO: &str = "\u{202e}gpj.exe";

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

/// Fails when `bytes` hold anything that could steer a terminal.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => panic!("{what}: not UTF-8: {error}"),
    };
    for (line_no, line) in text.lines().enumerate() {
        let bad = line.chars().find(|&c| {
            (c < ' ' && c != '\n')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
        });
        if let Some(c) = bad {
            panic!(
                "{what}: line {} holds {:?}: {line:?}\n{text}",
                line_no + 1,
                c
            );
        }
    }
}

struct Hostile {
    album: String,
    album_title: String,
    photos: Vec<String>,
    file_names: Vec<String>,
}

fn seed(emulator: &Emulator) -> Hostile {
    let file_names = vec![
        format!("{LINK}.jpg"),
        format!("{CLEAR}bell\u{7}back\u{8}space.jpg"),
        format!("{RLO}"),
        "line\nbreak\rreturn\ttab.jpg".to_owned(),
        "del\u{7f}c1\u{9b}31m\u{85}nel.jpg".to_owned(),
    ];
    let photos = emulator.seed_photos(
        file_names
            .iter()
            .enumerate()
            .map(|(n, name)| PhotoSeed {
                file_name: name.clone(),
                title: format!("Title {n} {CLEAR}\u{2066}isolate\u{2069}\nsecond line"),
                caption: format!("caption {n}\n{LINK}\nbidi {RLO}\n"),
                keywords: "beach, sunset".into(),
                ..PhotoSeed::default()
            })
            .collect(),
    );
    let album_title = format!("Album {RLO} {LINK} two\nlines");
    let album = emulator.seed_album(AlbumSeed {
        title: album_title.clone(),
        description: format!("old line\n{CLEAR}cleared\n\u{1b}[31mred\n"),
        category: "Travel".into(),
        ..AlbumSeed::default()
    });
    let album_title = emulator.album(&album).expect("album").title;
    emulator.seed_album(AlbumSeed {
        title: format!("Doomed {CLEAR}\u{200f}"),
        ..AlbumSeed::default()
    });
    Hostile {
        album,
        album_title,
        photos,
        file_names,
    }
}

/// A manifest that touches every hostile value: an album update with a
/// multi-line diff, photos added to a new album (their file names listed),
/// photo updates (titles and captions diffed), and a prune.
fn manifest(hostile: &Hostile) -> String {
    let mut text =
        String::from("version: 1\nsettings:\n  prune: true\n  max_destroy: 100\nalbums:\n");
    text.push_str(&format!(
        "  hostile:\n    uid: {}\n    title: \"Renamed\"\n    description: \"new line\\nsecond\\n\"\n",
        hostile.album
    ));
    text.push_str("  collected:\n    title: \"Collected\"\n    photos:\n");
    for uid in &hostile.photos {
        text.push_str(&format!("      - uid: {uid}\n"));
    }
    text.push_str("photos:\n");
    for uid in &hostile.photos {
        text.push_str(&format!(
            "  - match: {{ uid: {uid} }}\n    title: \"Safe\"\n    caption: \"safe\\ncaption\\n\"\n    keywords: [calm]\n"
        ));
    }
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_server_text_is_escaped_in_plan_and_apply() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let hostile = seed(&env.emulator);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("hostile.yaml");
        std::fs::write(&path, manifest(&hostile)).expect("write");

        for verbose in [false, true] {
            let mut plan = prysm(&env.emulator);
            plan.args(["plan", "-f"]).arg(&path);
            if verbose {
                plan.arg("--verbose");
            }
            let output = run(plan).await;
            let out = String::from_utf8_lossy(&output.stdout).into_owned();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{generation:?}: {out}{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_terminal_safe("plan stdout", &output.stdout);
            assert_terminal_safe("plan stderr", &output.stderr);
            // The hostile text is there, visibly escaped, and a name with a line break stays
            // on one line.
            assert!(
                out.contains("\\u{1b}]8;;http://evil.example/\\u{7}click"),
                "{out}"
            );
            assert!(out.contains("\\u{202e}gpj.exe"), "{out}");
            assert!(out.contains("line\\nbreak\\rreturn\\ttab.jpg"), "{out}");
            assert!(out.contains("\\u{1b}[2J\\u{1b}[H"), "{out}");
            assert!(out.contains("Doomed"), "{out}");
        }

        // JSON keeps every value exactly.
        let mut json = prysm(&env.emulator);
        json.args(["plan", "--json", "-f"]).arg(&path);
        let output = run(json).await;
        assert_eq!(output.status.code(), Some(0));
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        let all_strings = collect_strings(&value);
        for name in &hostile.file_names {
            // Photos are named by their folder and file name.
            let suffix = format!("/{name}");
            assert!(
                all_strings.iter().any(|text| text.ends_with(&suffix)),
                "{generation:?}: {name:?} not exact in JSON: {all_strings:?}"
            );
        }
        assert!(
            all_strings.contains(&hostile.album_title),
            "album title exact in JSON"
        );

        // Apply: progress lines and the report.
        let mut apply = prysm(&env.emulator);
        apply.args(["apply", "--auto-approve", "-f"]).arg(&path);
        let output = run(apply).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_terminal_safe("apply stdout", &output.stdout);
        assert_terminal_safe("apply stderr", &output.stderr);
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains("\\u{202e}gpj.exe"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_titles_in_errors_are_escaped() {
    let env = env(ApiGeneration::V2025).await;
    // Two albums whose titles differ only in case: a manifest entry without `uid` is ambiguous,
    // and the error names both titles.
    for title in [format!("Evil {CLEAR}{RLO}"), format!("evil {CLEAR}{RLO}")] {
        env.emulator.seed_album(AlbumSeed {
            title,
            ..AlbumSeed::default()
        });
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ambiguous.yaml");
    std::fs::write(
        &path,
        "version: 1\nalbums:\n  evil:\n    title: \"EVIL \\e[2J\\e[H\\u202egpj.exe\"\n",
    )
    .expect("write");
    let mut plan = prysm(&env.emulator);
    plan.args(["plan", "-f"]).arg(&path);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(1));
    assert_terminal_safe("error", &output.stderr);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("\\u{202e}gpj.exe"), "{err}");
}

fn collect_strings(value: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| out.extend(collect_strings(v)))
        }
        serde_json::Value::Object(map) => map.values().for_each(|v| out.extend(collect_strings(v))),
        _ => {}
    }
    out
}
