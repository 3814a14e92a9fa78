//! Labels and review in photo rules: plans, applies that converge on both server
//! generations, batching, keyword side effects, conflicts and approvals.

use insta::assert_snapshot;
use prysm::plan::Change;
use prysm_emulator::{ApiGeneration, PhotoSeed};

use crate::support::{Env, GENERATIONS, env, manifest};

/// The sunset photo of the example library: classifier labels `beach` and `sunset`
/// (source `image`, uncertainty 20), keywords with both words.
const SUNSET: &str = "psj4uo0k9p34y6n3";

fn labels_of(env: &Env, uid: &str) -> Vec<String> {
    let mut labels = env.emulator.photo(uid).expect("photo").labels;
    labels.sort();
    labels
}

async fn apply_and_converge(env: &Env, text: &str, generation: ApiGeneration) {
    let manifest = manifest(text);
    let report = env.apply_manifest(&manifest).await;
    assert!(report.is_success(), "{generation:?}: {}", report.render());
    env.assert_manifest_converged(&manifest).await;
}

#[tokio::test]
async fn labels_are_added_and_removed_and_converge_on_both_generations() {
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    labels:
      add: ["Red Fox", "Café 2024", "東京 Tower", "it's", "50% _off"]
      remove: [Beach]
"#;
    for generation in GENERATIONS {
        let env = env(generation).await;
        apply_and_converge(&env, text, generation).await;
        let labels = labels_of(&env, SUNSET);
        for slug in ["red-fox", "cafe-2024", "its", "50-_off", "sunset"] {
            assert!(
                labels.iter().any(|l| l == slug),
                "{generation:?}: {slug} in {labels:?}"
            );
        }
        assert!(
            labels.iter().any(|l| l.ends_with("tower")),
            "{generation:?}: {labels:?}"
        );
        assert!(!labels.iter().any(|l| l == "beach"), "{generation:?}");
        // Removing `Beach` dropped its keyword on the server (photoprism-api.md §9).
        let keywords = env.emulator.photo(SUNSET).expect("photo").keywords;
        assert!(!keywords.contains("beach"), "{generation:?}: {keywords}");
    }
}

#[tokio::test]
async fn shorthand_list_only_adds_and_leaves_other_labels_alone() {
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    labels: [Sunset, Portugal]
"#;
    for generation in GENERATIONS {
        let env = env(generation).await;
        apply_and_converge(&env, text, generation).await;
        assert_eq!(
            labels_of(&env, SUNSET),
            vec!["beach", "portugal", "sunset"],
            "{generation:?}"
        );
    }
}

#[tokio::test]
async fn keywords_and_labels_in_one_rule_converge_in_one_apply() {
    // Adding a multi-word label adds its words to the keywords on 2024 servers; removing a
    // label drops the keywords that are part of its name. The plan writes the keywords after
    // the label changes whenever those would move them.
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    keywords: [cliffs, ocean, beach]
    labels: { add: ["Golden Hour"], remove: ["Beach Sunset", sunset] }
"#;
    for generation in GENERATIONS {
        let env = env(generation).await;
        apply_and_converge(&env, text, generation).await;
        let photo = env.emulator.photo(SUNSET).expect("photo");
        assert_eq!(photo.keywords, "beach, cliffs, ocean", "{generation:?}");
        assert!(photo.labels.iter().any(|l| l == "golden-hour"));
        assert!(!photo.labels.iter().any(|l| l == "sunset"));
    }
}

#[tokio::test]
async fn a_keyword_that_names_a_removed_label_is_refused() {
    let env = env(ApiGeneration::V2025).await;
    // Two rules: the plan reports it (one rule alone is refused by validate).
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    keywords: [sunset]
  - match: { query: "label:sunset" }
    labels: { remove: [Sunset] }
"#;
    let out = env.plan_text(text).await;
    assert!(out.contains("links the label \"Sunset\""), "{out}");
    let problems = prysm::manifest::parse_str(
        "m.yaml",
        "version: 1\nphotos:\n  - match: { uid: psj4uo0k9p34y6n3 }\n    keywords: [Sunset]\n    labels: { remove: [sunset] }\n",
    )
    .expect_err("refused");
    let rendered = prysm::manifest::render_problems(&problems, false);
    assert!(rendered.contains("keyword_relinks_label"), "{rendered}");
}

#[tokio::test]
async fn rules_that_add_and_remove_one_label_conflict() {
    let env = env(ApiGeneration::V2024).await;
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    labels: [Portugal]
  - match: { query: "label:beach" }
    labels: { remove: [portugal] }
"#;
    let out = env.plan_text(text).await;
    assert!(
        out.contains("photo rules 1 and 2 disagree on the label \"Portugal\""),
        "{out}"
    );
    assert!(out.contains("adds \"Portugal\""), "{out}");
    assert!(out.contains("removes \"portugal\""), "{out}");
}

#[tokio::test]
async fn label_plan_snapshot() {
    let env = env(ApiGeneration::V2024).await;
    let out = env
        .plan_text(
            r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    labels: { add: ["Red Fox", "Кот"], remove: [beach] }
"#,
        )
        .await;
    assert_snapshot!(out);
}

#[tokio::test]
async fn label_changes_are_batched_on_2025_and_per_label_on_2024() {
    let text = r#"
version: 1
photos:
  - match: { query: "label:beach" }
    labels: { add: [Holiday], remove: [beach] }
"#;
    // Two photos carry `beach` in the example library.
    let new = env(ApiGeneration::V2025).await;
    apply_and_converge(&new, text, ApiGeneration::V2025).await;
    // One read-only batch edit read the labels of both photos; both hold `beach`, whose
    // removal drops the keyword `beach` (shown in the plan and written as the server leaves
    // it), so a second read-only batch edit read their keywords (they differ, so each was then
    // read whole); one edit per photo changed labels and keywords, and the convergence plan
    // read the labels again in one: a hidden classifier label still matches `label:beach`
    // (transcript `real-labels-26.txt`, "search label after 100").
    let edits = new.emulator.request_count("POST /api/v1/batch/photos/edit");
    assert_eq!(edits, 5, "{:?}", new.emulator.request_counts());
    // Once no removal is due, a plan reads no keywords: one batch read of the labels, no
    // photo read whole.
    new.emulator.reset_counts();
    let planned = new.plan(text).await.expect("plan");
    assert!(planned.plan.is_empty());
    assert_eq!(
        new.emulator.request_count("POST /api/v1/batch/photos/edit"),
        1,
        "{:?}",
        new.emulator.request_counts()
    );
    assert_eq!(new.emulator.request_count("GET /api/v1/photos/:uid"), 0);
    assert_eq!(
        new.emulator.request_count("POST /api/v1/photos/:uid/label"),
        0
    );

    let old = env(ApiGeneration::V2024).await;
    apply_and_converge(&old, text, ApiGeneration::V2024).await;
    assert_eq!(
        old.emulator.request_count("POST /api/v1/photos/:uid/label"),
        2
    );
    assert_eq!(
        old.emulator
            .request_count("DELETE /api/v1/photos/:uid/label/:id"),
        2
    );
}

fn review_seed(uid: &str, archived: bool) -> PhotoSeed {
    PhotoSeed {
        uid: uid.to_owned(),
        title: format!("Review {uid}"),
        path: "2025/01".to_owned(),
        name: format!("R_{uid}"),
        quality: 1,
        archived,
        ..PhotoSeed::default()
    }
}

#[tokio::test]
async fn approved_true_approves_photos_in_review_in_one_batch() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        env.emulator
            .seed_photo(review_seed("psj4uo0aaaaaaa01", false));
        env.emulator
            .seed_photo(review_seed("psj4uo0aaaaaaa02", false));
        env.emulator
            .seed_photo(review_seed("psj4uo0aaaaaaa03", true));
        let text = r#"
version: 1
photos:
  - match: [{ uid: psj4uo0aaaaaaa01 }, { uid: psj4uo0aaaaaaa02 }, { uid: psj4uo0aaaaaaa03 }, { uid: psj4uo0k9p34y6n3 }]
    approved: true
"#;
        let planned = env.plan(text).await.expect("plan");
        let approvals: Vec<(String, bool)> = planned
            .plan
            .actions
            .iter()
            .filter_map(|a| match &a.change {
                Change::ApprovePhoto { photo, restores } => Some((photo.uid.clone(), *restores)),
                _ => None,
            })
            .collect();
        // The sunset photo is not in review: nothing to do for it.
        assert_eq!(
            approvals,
            vec![
                ("psj4uo0aaaaaaa01".to_owned(), false),
                ("psj4uo0aaaaaaa02".to_owned(), false),
                ("psj4uo0aaaaaaa03".to_owned(), true),
            ],
            "{generation:?}"
        );
        let rendered = prysm::render::render_text(&planned.plan, &Default::default());
        assert!(rendered.contains("approved = false -> true"), "{rendered}");
        assert!(
            rendered.contains("approving restores them from the archive")
                || rendered.contains("approving restores it from the archive"),
            "{rendered}"
        );
        apply_and_converge(&env, text, generation).await;
        assert_eq!(
            env.emulator
                .request_count("POST /api/v1/batch/photos/approve"),
            1,
            "{generation:?}"
        );
        for uid in ["psj4uo0aaaaaaa01", "psj4uo0aaaaaaa02", "psj4uo0aaaaaaa03"] {
            let photo = env.emulator.photo(uid).expect("photo");
            assert!(photo.quality >= 3, "{generation:?} {uid}");
            assert!(!photo.archived, "{generation:?} {uid}");
        }
    }
}

#[tokio::test]
async fn approving_and_archiving_one_photo_conflict() {
    let env = env(ApiGeneration::V2025).await;
    env.emulator
        .seed_photo(review_seed("psj4uo0aaaaaaa01", false));
    let out = env
        .plan_text(
            r#"
version: 1
photos:
  - match: { uid: psj4uo0aaaaaaa01 }
    approved: true
  - match: [{ uid: psj4uo0aaaaaaa01 }, { uid: psj4uo0k9p34y6n3 }]
    archived: true
"#,
        )
        .await;
    assert!(out.contains("prysm::plan::approve_conflict"), "{out}");
    assert!(out.contains("approves the photo"), "{out}");
    assert!(out.contains("archives the photo"), "{out}");
    let problems = prysm::manifest::parse_str(
        "m.yaml",
        "version: 1\nphotos:\n  - match: { uid: psj4uo0aaaaaaa01 }\n    approved: false\n",
    )
    .expect_err("refused");
    let rendered = prysm::manifest::render_problems(&problems, false);
    assert!(
        rendered.contains("`approved: false` is not possible"),
        "{rendered}"
    );
}

#[tokio::test]
async fn the_labels_example_applies_and_converges_on_both_generations() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/labels/labels.yaml");
    let manifest = prysm::manifest::load(&[path.into()]).expect("the example is valid");
    for generation in GENERATIONS {
        let env = env(generation).await;
        let report = env.apply_manifest(&manifest).await;
        assert!(report.is_success(), "{generation:?}: {}", report.render());
        env.assert_manifest_converged(&manifest).await;
        let labels = labels_of(&env, SUNSET);
        assert!(labels.iter().any(|l| l == "golden-hour"), "{labels:?}");
        assert!(labels.iter().any(|l| l == "holiday"), "{labels:?}");
        assert!(!labels.iter().any(|l| l == "sunset"), "{labels:?}");
    }
}

#[tokio::test]
async fn a_keyword_naming_a_label_joins_label_queries_on_the_next_apply() {
    // PhotoPrism links the label a keyword names when the keyword is written (transcript
    // `real-kwlabels-2x.txt`), so the photo then matches `label:` queries: a known case
    // that needs a second apply, after which nothing changes.
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0wd25rq4f5 }
    keywords: [tram, beach]
  - match: { query: "label:beach" }
    subject: Seaside
"#;
    for generation in GENERATIONS {
        let env = env(generation).await;
        let manifest = manifest(text);
        assert!(env.apply_manifest(&manifest).await.is_success());
        let again = env.plan(text).await.expect("plan");
        assert_eq!(again.plan.actions.len(), 1, "{generation:?}");
        assert!(env.apply_manifest(&manifest).await.is_success());
        env.assert_manifest_converged(&manifest).await;
        let tram = env.emulator.photo("psj4uo0wd25rq4f5").expect("photo");
        assert_eq!(tram.subject, "Seaside", "{generation:?}");
    }
}

#[tokio::test]
async fn labels_and_approvals_render_in_markdown_html_and_json() {
    let env = env(ApiGeneration::V2025).await;
    env.emulator
        .seed_photo(review_seed("psj4uo0aaaaaaa01", false));
    let planned = env
        .plan(
            r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    labels: { add: ["Red Fox"], remove: [beach] }
  - match: { uid: psj4uo0aaaaaaa01 }
    approved: true
"#,
        )
        .await
        .expect("plan");
    let markdown =
        prysm::render::render_markdown(&planned.plan, &prysm::render::MarkdownOptions::default());
    assert!(
        markdown.contains("✅ Approve 1 photo in review"),
        "{markdown}"
    );
    assert!(markdown.contains("labels"), "{markdown}");
    assert!(markdown.contains("Red Fox"), "{markdown}");
    let html = prysm::render::render_html(
        &planned.plan,
        &prysm::render::HtmlOptions::default(),
        &prysm::render::html::Previews::new(),
    );
    assert!(html.contains("Approved photos (1)"), "{html}");
    assert!(html.contains("Red Fox"), "{html}");
    let json: serde_json::Value =
        serde_json::from_str(&prysm::render::render_json(&planned.plan)).expect("json");
    let kinds: Vec<&str> = json["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"approve_photo"), "{json}");
    let update = json["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["kind"] == "update_photo")
        .expect("update");
    assert_eq!(update["label_refs"][0]["name"], "Beach", "{update}");
    // The saved form reads back to the same plan.
    let back: prysm::plan::Plan =
        serde_json::from_value(json.clone()).expect("the plan reads back");
    assert_eq!(back, planned.plan);
}

#[tokio::test]
async fn six_hundred_photos_get_a_label_in_two_batch_edits() {
    let env = env(ApiGeneration::V2025).await;
    let seeds: Vec<PhotoSeed> = (0..600)
        .map(|i| PhotoSeed {
            title: format!("Bulk {i}"),
            path: "2025/02".to_owned(),
            name: format!("B_{i:04}"),
            labels: vec!["bulk".into()],
            ..PhotoSeed::default()
        })
        .collect();
    env.emulator.seed_photos(seeds);
    let text = r#"
version: 1
photos:
  - match: { query: "label:bulk" }
    labels: ["Trip 2025"]
"#;
    let manifest = manifest(text);
    let before = env.emulator.request_count("POST /api/v1/batch/photos/edit");
    let report = env.apply_manifest(&manifest).await;
    assert!(report.is_success(), "{}", report.render());
    let used = env.emulator.request_count("POST /api/v1/batch/photos/edit") - before;
    // Reading: 2 read-only batch edits (500 + 100 photos, all labels shared); writing: 2
    // edits (chunks of 500). No per-photo request.
    assert_eq!(used, 4, "{:?}", env.emulator.request_counts());
    assert_eq!(env.emulator.request_count("GET /api/v1/photos/:uid"), 0);
    env.assert_manifest_converged(&manifest).await;
}

#[tokio::test]
async fn approval_plan_snapshot() {
    let env = env(ApiGeneration::V2024).await;
    env.emulator
        .seed_photo(review_seed("psj4uo0aaaaaaa01", false));
    env.emulator
        .seed_photo(review_seed("psj4uo0aaaaaaa02", true));
    let out = env
        .plan_text(
            r#"
version: 1
photos:
  - match: { uid: psj4uo0aaaaaaa01 }
    approved: true
  - match: { uid: psj4uo0aaaaaaa02 }
    approved: true
    labels: [Holiday]
"#,
        )
        .await;
    assert_snapshot!(out);
}

#[tokio::test]
async fn an_archived_photo_in_review_is_approved_then_labelled() {
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0aaaaaaa02 }
    approved: true
    labels: [Holiday]
"#;
    for generation in GENERATIONS {
        let env = env(generation).await;
        env.emulator
            .seed_photo(review_seed("psj4uo0aaaaaaa02", true));
        apply_and_converge(&env, text, generation).await;
        let photo = env.emulator.photo("psj4uo0aaaaaaa02").expect("photo");
        assert!(!photo.archived && photo.quality >= 3, "{generation:?}");
        assert!(
            photo.labels.iter().any(|l| l == "holiday"),
            "{generation:?}"
        );
    }
}

#[tokio::test]
async fn undo_brings_labels_back_and_leaves_approvals() {
    use prysm::journal::{self, Operation};
    use prysm::undo::{UndoOptions, undo_plan};

    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    labels: { add: ["Red Fox"], remove: [beach] }
  - match: { uid: psj4uo0aaaaaaa01 }
    approved: true
"#;
    for generation in GENERATIONS {
        let env = env(generation).await;
        env.emulator
            .seed_photo(review_seed("psj4uo0aaaaaaa01", false));
        let before = labels_of(&env, SUNSET);
        let dir = tempfile::tempdir().expect("dir");
        let planned = env.plan(text).await.expect("plan");
        let report = crate::undo::journaled_apply(
            &env.client,
            &planned.plan,
            Operation::Apply,
            dir.path(),
            None,
        )
        .await;
        assert!(report.is_success(), "{generation:?}: {}", report.render());
        let journal = journal::latest(dir.path()).expect("journal");
        let undo = undo_plan(&env.client, &journal, UndoOptions::default())
            .await
            .expect("undo plan");
        // The approval stays (reported), the labels go back.
        assert_eq!(
            undo.conflicts.len(),
            1,
            "{generation:?}: {:?}",
            undo.conflicts
        );
        assert_eq!(undo.conflicts[0].field.as_deref(), Some("approved"));
        let report =
            crate::undo::journaled_apply(&env.client, &undo, Operation::Undo, dir.path(), None)
                .await;
        assert!(report.is_success(), "{generation:?}: {}", report.render());
        assert_eq!(labels_of(&env, SUNSET), before, "{generation:?}");
    }
}

#[tokio::test]
async fn adopt_reports_server_label_edits_instead_of_rewriting_labels() {
    let env = env(ApiGeneration::V2024).await;
    let text = "version: 1\nphotos:\n  - match: { uid: psj4uo0k9p34y6n3 }\n    labels: { add: [\"Red Fox\"] }\n";
    let manifest = manifest(text);
    assert!(env.apply_manifest(&manifest).await.is_success());
    // On the server: someone removes the label again.
    env.apply("version: 1\nphotos:\n  - match: { uid: psj4uo0k9p34y6n3 }\n    labels: { remove: [\"Red Fox\"] }\n")
        .await;
    let planned = env.plan(text).await.expect("plan");
    assert!(!planned.plan.is_empty());
    let adopted = prysm::adopt::adopt(&manifest, &planned.plan, &[]).expect("adopt");
    assert!(adopted.files.is_empty(), "labels are not rewritten");
    assert!(
        adopted.problems.iter().any(|p| p
            .message()
            .contains("its labels were changed on the server")),
        "{:?}",
        adopted
            .problems
            .iter()
            .map(|p| p.message())
            .collect::<Vec<_>>()
    );
}
