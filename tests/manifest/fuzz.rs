//! Fuzzing the file readers beyond `properties.rs`: arbitrary bytes read from disk (not only
//! valid UTF-8), several files at once, YAML alias bombs and deep nesting (no hang, no stack
//! overflow), and the saved-plan reader on arbitrary and mutated files. Every problem is a
//! diagnostic that points inside its file.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use prysm::manifest::{self, ManifestError};
use prysm::plan::SavedPlanError;

const VALID: &str = include_str!("valid/contract-example.yaml");

/// Bounds each input: a reader that takes longer than this is hanging on it.
const PER_INPUT: Duration = Duration::from_secs(5);

fn spans_inside(err: &ManifestError) -> Result<(), TestCaseError> {
    prop_assert!(!err.problems().is_empty());
    for problem in err.problems() {
        for loc in problem.locs() {
            let start = loc.span.offset();
            let end = start + loc.span.len();
            let text = &loc.source.text;
            prop_assert!(end <= text.len(), "{:?} ends past {}", problem, text.len());
            prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }
    let _ = manifest::render_problems(err, false);
    Ok(())
}

fn load_timed(
    paths: &[PathBuf],
) -> Result<Result<manifest::Manifest, ManifestError>, TestCaseError> {
    let started = Instant::now();
    let result = manifest::load(paths);
    prop_assert!(
        started.elapsed() < PER_INPUT,
        "took {:?}",
        started.elapsed()
    );
    Ok(result)
}

/// A real saved plan (made once against the emulator), as written by `prysm plan --out`.
fn saved_plan_text() -> String {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let emulator = prysm_emulator::Emulator::start(Default::default())
                .await
                .expect("emulator");
            let client = prysm::photoprism::Client::connect(
                prysm::photoprism::ServerUrl::parse(&emulator.url()).expect("url"),
                Default::default(),
                &prysm::photoprism::Credentials::password("admin", "photoprism"),
            )
            .await
            .expect("login");
            let text = "version: 1\nalbums:\n  cats:\n    title: \"Cats 🐈 «Кошки» 猫 100%_\"\n    \
                        description: \"It's \\\"quoted\\\"\"\n    photos:\n      - query: \"label:cat\"\n  \
                        dogs:\n    title: Dogs\n";
            let manifest = manifest::parse_str("manifest.yaml", text).expect("manifest");
            let planned = prysm::planner::make_plan(&client, &manifest, &Default::default())
                .await
                .expect("plan");
            client.logout().await.expect("logout");
            let saved = prysm::plan::SavedPlan {
                saved_plan_version: prysm::plan::saved::SAVED_PLAN_VERSION,
                plan: planned.plan,
                manifest: vec![prysm::plan::SavedSource {
                    name: "manifest.yaml".to_owned(),
                    text: text.to_owned(),
                }],
                targets: Vec::new(),
                allow_destroy: false,
                created_at: Some("2026-11-30T06:00:00Z".to_owned()),
                snapshot: None,
                undo: None,
            };
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("plan.json");
            saved.write(&path).expect("write");
            std::fs::read_to_string(&path).expect("read")
        })
    })
    .clone()
}

fn read_plan(text: &[u8]) -> Result<Result<(), SavedPlanError>, TestCaseError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plan.json");
    std::fs::write(&path, text).expect("write");
    let started = Instant::now();
    let result = prysm::plan::SavedPlan::read(&path).map(|_| ());
    prop_assert!(started.elapsed() < PER_INPUT);
    if let Err(err) = &result {
        // The error names the file; a syntax error says where (line and column inside the file).
        let shown = format!("{err}");
        prop_assert!(shown.contains("plan.json"), "{}", shown);
        if let SavedPlanError::Format { source, .. } = err {
            let lines = String::from_utf8_lossy(text).lines().count().max(1);
            prop_assert!(
                source.line() <= lines + 1,
                "line {} of {}",
                source.line(),
                lines
            );
        }
        let _ = miette::Report::msg(shown);
    }
    Ok(result)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_from_disk_give_diagnostics(
        files in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 1..4)
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut paths = Vec::new();
        for (i, bytes) in files.iter().enumerate() {
            let path = dir.path().join(format!("m{i}.yaml"));
            std::fs::write(&path, bytes).expect("write");
            paths.push(path);
        }
        if let Err(err) = load_timed(&paths)? {
            spans_inside(&err)?;
        }
    }

    #[test]
    fn valid_files_with_mutated_bytes_give_diagnostics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte) in &flips {
            let i = at.index(bytes.len());
            bytes[i] = *byte;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mutated.yaml");
        std::fs::write(&path, &bytes).expect("write");
        if let Err(err) = load_timed(&[path])? {
            spans_inside(&err)?;
        }
    }

    #[test]
    fn arbitrary_saved_plans_are_refused_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        read_plan(&bytes)?.ok();
    }

    #[test]
    fn mutated_saved_plans_are_read_or_refused_cleanly(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, "[\\[\\]{}\",:0-9a-z ]{0,3}"), 1..5)
    ) {
        let mut text = saved_plan_text();
        for (at, kind, piece) in &edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            match kind {
                0 => text.insert_str(i, piece),
                1 => text.truncate(i),
                _ => {
                    let end = (i + piece.len() + 1).min(text.len());
                    let mut end = end;
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(i..end, "");
                }
            }
        }
        read_plan(text.as_bytes())?.ok();
    }
}

#[test]
fn the_saved_plan_sample_reads() {
    read_plan(saved_plan_text().as_bytes())
        .expect("in time")
        .expect("the sample plan reads");
}

#[test]
fn alias_bombs_and_deep_nesting_end_quickly() {
    // "Billion laughs": each level refers to the one before ten times.
    let mut bomb = String::from("a0: &a0 [\"lol\"]\n");
    for level in 1..12 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        bomb.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let nested_flow = format!(
        "version: 1\nalbums: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let nested_block: String = (0..20_000)
        .map(|depth| format!("{}k{depth}:\n", " ".repeat(depth % 200)))
        .collect();
    for (name, text) in [
        ("bomb.yaml", bomb),
        ("flow.yaml", nested_flow),
        ("block.yaml", nested_block),
        (
            "anchors.yaml",
            format!("version: 1\n{}", "x: &x *x\n".repeat(1000)),
        ),
    ] {
        let started = Instant::now();
        let result = manifest::parse_str(name, &text);
        assert!(
            started.elapsed() < PER_INPUT,
            "{name} took {:?}",
            started.elapsed()
        );
        let err = result.expect_err(name);
        spans_inside(&err).expect(name);
    }
}
