//! The review workflow: budgets for destructive changes, `prysm show`,
//! `prysm graph`, completions and man pages, and the CI recipes in
//! `examples/ci/` run against the emulator.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use insta::assert_snapshot;
use prysm::plan::{Action, AlbumRef, Budget, Change, Plan, Summary};
use prysm::planner::PlanOptions;
use prysm::render::{render_dot, render_mermaid};
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, PhotoSeed};

use crate::support::{Env, GENERATIONS, env};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");
const CI_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/ci/prysm-ci.sh");

/// Seeds `keep` photos labelled `keep` and `drop` labelled `drop`, all in the
/// album "Big" (`as8muc0om1tmabig`); returns the album UID.
fn seed_big_album(env: &Env, keep: usize, drop: usize) -> String {
    let seeds: Vec<PhotoSeed> = (0..keep + drop)
        .map(|i| PhotoSeed {
            file_name: format!("BIG_{i:04}.jpg"),
            path: "2022/01".to_string(),
            taken_at: "2022-01-01T10:00:00Z".to_string(),
            labels: vec![if i < keep { "keep" } else { "drop" }.to_string()],
            ..PhotoSeed::default()
        })
        .collect();
    let uids = env.emulator.seed_photos(seeds);
    env.emulator.seed_album(AlbumSeed {
        uid: "as8muc0om1tmabig".to_string(),
        title: "Big".to_string(),
        photos: uids,
        ..AlbumSeed::default()
    })
}

const BIG: &str = r#"
version: 1
albums:
  big:
    uid: as8muc0om1tmabig
    title: Big
    photos:
      - query: "label:keep"
"#;

fn budget_of(plan: &Plan, budget: Budget) -> Option<&prysm::plan::BudgetUse> {
    plan.budgets.iter().find(|b| b.budget == budget)
}

#[tokio::test]
async fn removals_within_the_share_pass_and_beyond_it_are_refused() {
    for generation in GENERATIONS {
        // 40 photos: 30 % is 12, more than the floor of 10.
        let env = env(generation).await;
        seed_big_album(&env, 28, 12);
        let planned = env.plan(BIG).await.expect("12 of 40 is within 30 %");
        let used = budget_of(&planned.plan, Budget::MaxRemove).expect("budget shown");
        assert_eq!((used.used, used.limit, used.of), (12, Some(12), Some(40)));
        assert!(!used.exceeded);

        let env = env_with(generation, 27, 13).await;
        let refused = env.plan_text(BIG).await;
        assert!(refused.contains("prysm::plan::max_remove"), "{refused}");
        if generation == ApiGeneration::V2025 {
            assert_snapshot!("max_remove_refused", refused);
        }
        // --allow-destroy passes it, and the plan says it is over budget.
        let allowed = env
            .plan_with(
                BIG,
                PlanOptions {
                    allow_destroy: true,
                    ..PlanOptions::default()
                },
            )
            .await
            .expect("allowed");
        let used = budget_of(&allowed.plan, Budget::MaxRemove).expect("budget shown");
        assert_eq!((used.used, used.limit, used.exceeded), (13, Some(12), true));
        // So does a larger share in the manifest.
        let raised = BIG.replace("albums:", "settings:\n  max_remove_percent: 40\nalbums:");
        let planned = env.plan(&raised).await.expect("40 % allows 13 of 40");
        let used = budget_of(&planned.plan, Budget::MaxRemove).expect("budget shown");
        assert_eq!(
            (used.used, used.limit, used.exceeded),
            (13, Some(16), false)
        );
    }
}

async fn env_with(generation: ApiGeneration, keep: usize, drop: usize) -> Env {
    let env = env(generation).await;
    seed_big_album(&env, keep, drop);
    env
}

#[tokio::test]
async fn small_removals_always_pass_and_the_floor_is_a_setting() {
    // 6 of 8 photos is 75 %, but not more than 10 photos.
    let env = env_with(ApiGeneration::V2025, 2, 6).await;
    let planned = env.plan(BIG).await.expect("within the floor");
    let used = budget_of(&planned.plan, Budget::MaxRemove).expect("budget shown");
    assert_eq!((used.used, used.limit, used.exceeded), (6, Some(10), false));
    // A floor of 5 refuses the same plan.
    let strict = BIG.replace("albums:", "settings:\n  max_remove_photos: 5\nalbums:");
    let refused = env.plan_text(&strict).await;
    assert!(refused.contains("prysm::plan::max_remove"), "{refused}");
    assert!(
        refused.contains("max_remove_photos: 5"),
        "points at the setting: {refused}"
    );
}

#[tokio::test]
async fn archiving_more_than_the_budget_is_refused() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let seeds: Vec<PhotoSeed> = (0..11)
            .map(|i| PhotoSeed {
                file_name: format!("JUNK_{i:02}.png"),
                path: "2021/03".to_string(),
                taken_at: "2021-03-01T10:00:00Z".to_string(),
                labels: vec!["junk".to_string()],
                ..PhotoSeed::default()
            })
            .collect();
        env.emulator.seed_photos(seeds);
        let manifest =
            "version: 1\nphotos:\n  - match: { query: \"label:junk\" }\n    archived: true\n";
        let refused = env.plan_text(manifest).await;
        assert!(refused.contains("prysm::plan::max_archive"), "{refused}");
        if generation == ApiGeneration::V2025 {
            assert_snapshot!("max_archive_refused", refused);
        }
        let raised = manifest.replace("photos:", "settings:\n  max_archive: 11\nphotos:");
        let planned = env.plan(&raised).await.expect("11 allowed");
        let used = budget_of(&planned.plan, Budget::MaxArchive).expect("budget shown");
        assert_eq!(
            (used.used, used.limit, used.exceeded),
            (11, Some(11), false)
        );
    }
}

const TYPO: &str = r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    photos:
      - query: "label:marktet"
"#;

#[tokio::test]
async fn a_query_that_matches_nothing_in_an_exact_album_is_a_likely_typo() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        // Berlin 2023 holds one photo; the misspelt query would remove it.
        let refused = env.plan_text(TYPO).await;
        assert!(refused.contains("prysm::plan::empty_query"), "{refused}");
        if generation == ApiGeneration::V2025 {
            assert_snapshot!("empty_query_refused", refused);
        }
        // A setting or --allow-destroy takes the query at its word.
        let allowed = TYPO.replace("albums:", "settings:\n  allow_empty_query: true\nalbums:");
        let planned = env.plan(&allowed).await.expect("allowed by the setting");
        assert!(budget_of(&planned.plan, Budget::EmptyQuery).is_none());
        let planned = env
            .plan_with(
                TYPO,
                PlanOptions {
                    allow_destroy: true,
                    ..PlanOptions::default()
                },
            )
            .await
            .expect("allowed by --allow-destroy");
        let used = budget_of(&planned.plan, Budget::EmptyQuery).expect("shown");
        assert_eq!(used.query.as_deref(), Some("label:marktet"));
        assert!(used.exceeded);
        // Additive albums lose nothing, and an empty album has nothing to lose.
        let additive = TYPO.replace("    photos:", "    membership: additive\n    photos:");
        env.plan(&additive).await.expect("additive is fine");
        let fresh = TYPO.replace(
            "    uid: as6s6c045hu43jsi\n    title: Berlin 2023",
            "    title: Brand new",
        );
        env.plan(&fresh).await.expect("a new album is fine");
    }
}

#[tokio::test]
async fn plans_without_destruction_carry_no_budgets_in_json() {
    let env = env(ApiGeneration::V2025).await;
    let planned = env
        .plan("version: 1\nalbums:\n  new:\n    title: New\n")
        .await
        .expect("plan");
    let json = prysm::render::render_json(&planned.plan);
    assert!(!json.contains("budgets"), "{json}");
    let planned = env
        .plan(TYPO.replace("label:marktet", "label:drink").as_str())
        .await
        .expect("plan");
    let json: serde_json::Value =
        serde_json::from_str(&prysm::render::render_json(&planned.plan)).expect("json");
    assert_eq!(json["budgets"][0]["budget"], "max_remove");
    assert_eq!(json["budgets"][0]["address"], "album.berlin.photos");
    // A plan saved before budgets existed still reads.
    let mut old = json.clone();
    old.as_object_mut().expect("object").remove("budgets");
    let plan: Plan = serde_json::from_value(old).expect("older plan");
    assert!(plan.budgets.is_empty());
}

#[test]
fn budget_settings_are_checked_and_merged() {
    let bad = prysm::manifest::parse_str(
        "m.yaml",
        "version: 1\nsettings:\n  max_remove_percent: 150\n  max_archive: -1\n  allow_empty_query: yes\n",
    )
    .expect_err("invalid");
    let text = prysm::manifest::render_problems(&bad, false);
    assert!(
        text.contains("`max_remove_percent` must be between 0 and 100, not 150"),
        "{text}"
    );
    assert!(
        text.contains("`max_archive` must be between 0 and 4294967295, not -1"),
        "{text}"
    );
    assert!(text.contains("allow_empty_query"), "{text}");
    let good = prysm::manifest::parse_str(
        "m.yaml",
        "version: 1\nsettings:\n  max_remove_percent: 0\n  max_remove_photos: 3\n  max_archive: 0\n  allow_empty_query: true\n",
    )
    .expect("valid");
    let budgets = prysm::budget::Budgets::of(&good.settings);
    assert_eq!(budgets.remove_limit(100), 3);
    assert_eq!(budgets.max_archive, 0);
    assert!(budgets.allow_empty_query);
    let defaults = prysm::budget::Budgets::of(&prysm::manifest::Settings::default());
    assert_eq!(defaults.remove_limit(100), 30);
    assert_eq!(defaults.remove_limit(20), 10);
    assert_eq!(defaults.max_archive, 10);
    assert!(!defaults.allow_empty_query);
}

/// A plan with dependencies: a photo restored before it joins a new album,
/// and a photo edited before it is archived.
const WITH_EDGES: &str = r#"
version: 1
albums:
  best-of:
    title: Best of "2024"
    photos:
      - uid: psj4uo0zr37e3p3e
photos:
  - match: { uid: psj4uo0q24zklmvt }
    title: Old screenshot
    archived: true
"#;

async fn env_with_archived_photo() -> Env {
    let env = env(ApiGeneration::V2025).await;
    let client = &env.client;
    client
        .archive_photos(&["psj4uo0zr37e3p3e".to_string()])
        .await
        .expect("archive");
    env
}

#[tokio::test]
async fn graph_as_dot_and_mermaid() {
    let env = env_with_archived_photo().await;
    let planned = env.plan(WITH_EDGES).await.expect("plan");
    let dot = render_dot(&planned.plan).replace(&env.emulator.url(), "http://emulator");
    assert!(
        dot.contains("\"photo.psj4uo0zr37e3p3e\" -> \"album.best-of\";"),
        "{dot}"
    );
    assert!(
        dot.contains(
            "\"photo.psj4uo0q24zklmvt (update)\" -> \"photo.psj4uo0q24zklmvt (archive)\";"
        ),
        "{dot}"
    );
    assert_snapshot!("graph_dot", dot);
    let mermaid = render_mermaid(&planned.plan);
    assert_snapshot!("graph_mermaid", mermaid);
    // The same plan as Markdown: the restore and the archive get their sections.
    let markdown = prysm::render::render_markdown(&planned.plan, &Default::default());
    let parsed = crate::markdown::assert_well_formed(&markdown);
    let headings: Vec<&str> = parsed.headings.iter().map(String::as_str).collect();
    assert_eq!(
        headings[1..],
        [
            "⚠️ Archive 1 photo",
            "♻️ Restore 1 photo from the archive",
            "➕ Create album Best of “2024“ · album.best-of",
            "✏️ Update photo 2024/05/SCREENSHOT_0300.png · photo.psj4uo0q24zklmvt",
        ],
        "{markdown}"
    );
}

#[test]
fn graph_labels_cannot_break_out_of_their_quotes() {
    let change = Change::CreateAlbum {
        album: AlbumRef {
            key: Some("a\"b\\c\n".to_string()),
            uid: None,
            title: "T".to_string(),
        },
        fields: Vec::new(),
        photos: Vec::new(),
        exact: false,
        note: None,
    };
    let actions = vec![Action {
        id: 0,
        address: prysm::graph::address(&change),
        effect: change.effect(),
        change,
        depends_on: Vec::new(),
        cause: None,
    }];
    let mut plan = Plan {
        format_version: 1,
        prysm_version: "0.1.0".to_string(),
        server: String::new(),
        fingerprint: String::new(),
        summary: Summary::of(&actions),
        actions,
        budgets: Vec::new(),
        conflicts: Vec::new(),
        warnings: Vec::new(),
    };
    plan.server = "http://x/\"];evil".to_string();
    let dot = render_dot(&plan);
    assert!(
        dot.contains(r#"label="prysm plan on http://x/\"];evil"#),
        "{dot}"
    );
    assert!(
        dot.contains(r#""album.a\"b\\c\\n" [label="+ album.a\"b\\c\\n\ncreate album","#),
        "{dot}"
    );
    let mermaid = render_mermaid(&plan);
    assert!(
        mermaid.contains("n0[\"+ album.a#quot;b\\c\\n<br/>create album\"]:::create"),
        "{mermaid}"
    );
}

// ---- the binary ----------------------------------------------------------

fn prysm(emulator: Option<&Emulator>) -> Command {
    let mut cmd = Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env(
            "PRYSM_JOURNAL",
            std::env::temp_dir().join("prysm-engine-test-journals"),
        )
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
            // Nothing listens on port 9: a command that tried to connect would fail.
            cmd.env("PHOTOPRISM_URL", "http://127.0.0.1:9")
                .env("PHOTOPRISM_USERNAME", "admin")
                .env("PHOTOPRISM_PASSWORD", "photoprism");
        }
    }
    cmd
}

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

#[tokio::test(flavor = "multi_thread")]
async fn plan_markdown_then_show_and_graph_the_saved_plan_offline() {
    let env = env(ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("plan.json");
    let mut plan = prysm(Some(&env.emulator));
    plan.args([
        "plan",
        "-f",
        EXAMPLES,
        "--markdown",
        "--detailed-exitcode",
        "--out",
    ])
    .arg(&saved);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let markdown = stdout(&output);
    assert!(
        markdown.starts_with("### prysm plan: 2 to add, 7 to change, 1 to destroy"),
        "{markdown}"
    );
    crate::markdown::assert_well_formed(&markdown);
    assert!(
        stderr(&output).contains("Saved the plan to"),
        "{}",
        stderr(&output)
    );

    // Offline from here: the server URL points at a closed port.
    let mut show = prysm(None);
    show.arg("show").arg(&saved);
    let output = run(show).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("Saved plan "), "{text}");
    assert!(
        text.contains(&format!("  server:    {}/", env.emulator.url())),
        "{text}"
    );
    let made = text
        .split(", made ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next());
    let made = made.expect("a creation time");
    assert!(
        time::OffsetDateTime::parse(made, &time::format_description::well_known::Rfc3339).is_ok(),
        "{made}"
    );
    assert!(
        text.contains("# album.portugal-2024 will be created"),
        "{text}"
    );
    assert!(text.contains("prysm apply "), "{text}");

    let mut json = prysm(None);
    json.args(["show", "--json"]).arg(&saved);
    let output = run(json).await;
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("plan JSON");
    assert_eq!(value["summary"]["add"], 2);

    let mut md = prysm(None);
    md.args(["show", "--markdown"]).arg(&saved);
    let output = run(md).await;
    let shown = stdout(&output);
    crate::markdown::assert_well_formed(&shown);
    assert!(shown.contains(" · saved plan `"), "{shown}");
    assert!(shown.contains(", made `"), "{shown}");
    // The same plan as `plan --markdown`, with where and when it was made.
    let body = |text: &str| {
        text.split_once("\n\n| change")
            .map(|(_, rest)| rest.to_string())
    };
    assert_eq!(body(&shown), body(&markdown));

    // A plan saved by an older prysm has no time: show says so.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).expect("saved")).expect("json");
    value.as_object_mut().expect("object").remove("created_at");
    let older = dir.path().join("older.json");
    std::fs::write(&older, value.to_string()).expect("write");
    let mut show = prysm(None);
    show.arg("show").arg(&older);
    let output = run(show).await;
    assert!(
        stdout(&output).contains("(no time recorded)"),
        "{}",
        stdout(&output)
    );

    let mut conflict = prysm(None);
    conflict.args(["plan", "-f", EXAMPLES, "--json", "--markdown"]);
    assert_eq!(run(conflict).await.status.code(), Some(2));

    let mut both = prysm(None);
    both.args(["show", "--json", "--markdown"]).arg(&saved);
    assert_eq!(run(both).await.status.code(), Some(2));

    let mut graph = prysm(None);
    graph.arg("graph").arg(&saved);
    let output = run(graph).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("digraph prysm_plan {"));
    let mut mermaid = prysm(None);
    mermaid.args(["graph", "--mermaid"]).arg(&saved);
    let output = run(mermaid).await;
    assert!(
        stdout(&output).starts_with("flowchart LR\n"),
        "{}",
        stdout(&output)
    );

    // From manifests, the graph reads the server.
    let mut live = prysm(Some(&env.emulator));
    live.args(["graph", "-f", EXAMPLES]);
    let output = run(live).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("\"album.scratch\""),
        "{}",
        stdout(&output)
    );

    let mut missing = prysm(None);
    missing.args(["show"]).arg(dir.path().join("nope.json"));
    let output = run(missing).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("nope.json"), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn budgets_refuse_on_the_command_line_and_allow_destroy_passes() {
    let env = env(ApiGeneration::V2024).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("typo.yaml");
    std::fs::write(&manifest, TYPO).expect("write");
    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "-f"]).arg(&manifest);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("label:marktet"),
        "{}",
        stderr(&output)
    );
    let mut allowed = prysm(Some(&env.emulator));
    allowed
        .args(["plan", "--allow-destroy", "-f"])
        .arg(&manifest);
    let output = run(allowed).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .contains("Budget: album.berlin.photos query \"label:marktet\" matches nothing"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = prysm(None)
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        for word in ["prysm", "show", "graph", "markdown", "allow-destroy"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let output = prysm(None)
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));

    let output = prysm(None).arg("man").output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH prysm 1"),
        "{page}"
    );
    for word in [
        "completions",
        "graph",
        "show",
        "default: http://localhost:2342",
    ] {
        assert!(page.contains(word), "man page lacks {word}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let output = prysm(None)
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for page in ["prysm.1", "prysm-plan.1", "prysm-show.1", "prysm-graph.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).expect(page);
        assert!(text.contains(".TH"), "{page}");
    }
}

// ---- the CI recipes ------------------------------------------------------

/// Runs `prysm-ci.sh STEP` as a CI job would: `prysm` found on PATH (the
/// binary under test), the server and login in the environment.
async fn ci_step(emulator: &Emulator, manifests: &Path, out: &Path, step: &str) -> Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_prysm"));
    let bin_dir = bin.parent().expect("bin dir").to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(CI_SCRIPT)
        .arg(step)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env(
            "PRYSM_JOURNAL",
            std::env::temp_dir().join("prysm-engine-test-journals"),
        )
        .env("PHOTOPRISM_URL", emulator.url())
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", "photoprism")
        .env_remove("PHOTOPRISM_TOKEN")
        .env("PRYSM_MANIFESTS", manifests)
        .env("PRYSM_OUT", out);
    tokio::task::spawn_blocking(move || cmd.output().expect("bash runs"))
        .await
        .expect("join")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[tokio::test(flavor = "multi_thread")]
async fn ci_recipe_plans_comments_applies_the_saved_plan_and_converges() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("prysm-plan");
        let manifests = Path::new(EXAMPLES);

        let plan = ci_step(&env.emulator, manifests, &out, "plan").await;
        assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
        assert_eq!(read(out.join("changes")), "true\n");
        let comment = read(out.join("comment.md"));
        assert!(
            comment.starts_with("### prysm plan: 2 to add, 7 to change, 1 to destroy"),
            "{comment}"
        );
        crate::markdown::assert_well_formed(&comment);
        assert!(out.join("plan.json").is_file());

        let apply = ci_step(&env.emulator, manifests, &out, "apply").await;
        assert_eq!(
            apply.status.code(),
            Some(0),
            "{}{}",
            stdout(&apply),
            stderr(&apply)
        );
        let log = stdout(&apply);
        assert!(log.starts_with("Saved plan "), "{log}");
        assert!(
            log.contains("Apply complete! 10 actions succeeded."),
            "{log}"
        );
        assert!(
            log.ends_with("No changes. The library matches the manifest.\n"),
            "{log}"
        );

        // A stale saved plan is refused and changes nothing.
        let again = ci_step(&env.emulator, manifests, &out, "plan").await;
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        assert_eq!(read(out.join("changes")), "false\n");
        assert!(read(out.join("comment.md")).starts_with("### prysm plan: no changes"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ci_recipe_explains_a_refused_plan_in_the_comment() {
    let env = env(ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let manifests = dir.path().join("manifests");
    std::fs::create_dir(&manifests).expect("mkdir");
    std::fs::write(manifests.join("berlin.yaml"), TYPO).expect("write");
    let out = dir.path().join("out");
    let plan = ci_step(&env.emulator, &manifests, &out, "plan").await;
    assert_eq!(plan.status.code(), Some(1));
    let comment = read(out.join("comment.md"));
    assert!(comment.starts_with("### prysm plan failed\n"), "{comment}");
    assert!(comment.contains("prysm::plan::empty_query"), "{comment}");
    let parsed = crate::markdown::parse(&comment);
    assert_eq!(
        parsed.blocks.len(),
        1,
        "the error is one code block: {comment}"
    );
    assert!(!out.join("plan.json").exists());
    let apply = ci_step(&env.emulator, &manifests, &out, "apply").await;
    assert_eq!(apply.status.code(), Some(1));
    assert!(
        stderr(&apply).contains("no saved plan"),
        "{}",
        stderr(&apply)
    );
}

#[test]
fn ci_workflows_call_the_tested_script() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    for (file, steps) in [
        (
            "github-actions.yml",
            ["bash ci/prysm-ci.sh plan", "bash ci/prysm-ci.sh apply"],
        ),
        (
            "gitlab-ci.yml",
            ["bash ci/prysm-ci.sh plan", "bash ci/prysm-ci.sh apply"],
        ),
    ] {
        let text = read(dir.join(file));
        let docs = <saphyr::Yaml as saphyr::LoadableYamlNode>::load_from_str(&text)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(docs.len(), 1, "{file}");
        for step in steps {
            assert!(text.contains(step), "{file} does not run `{step}`");
        }
        assert!(
            text.contains("comment.md"),
            "{file} does not post the comment"
        );
        assert!(
            text.contains("prysm-plan"),
            "{file} does not keep the saved plan"
        );
    }
}
