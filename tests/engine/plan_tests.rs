//! `prysm plan`: rendered plans for representative manifests against the
//! seeded emulator, errors that point at the manifest, and request counts.

use insta::assert_snapshot;
use prysm::plan::{Change, Plan};
use prysm::planner::PlanOptions;
use prysm_emulator::{AlbumSeed, ApiGeneration};

use crate::support::{GENERATIONS, env};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");

#[tokio::test]
async fn example_manifests_first_plan() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let manifest = prysm::manifest::load(&[EXAMPLES.into()]).expect("examples are valid");
        let planned = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect("plan");
        let text = prysm::render::render_text(&planned.plan, &Default::default())
            .replace(&env.emulator.url(), "http://emulator");
        // Old and new servers get the same plan, but for their own defaults
        // (the 2025+ time zone of a photo is "Local", before it was "").
        assert_snapshot!(format!("example_manifests_first_plan_{generation:?}"), text);
    }
}

#[tokio::test]
async fn no_changes_when_the_library_matches() {
    let env = env(ApiGeneration::V2025).await;
    let text = env
        .plan_text(
            r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin 2023
    photos:
      - uid: psj4uo0zb6cn6z43
"#,
        )
        .await;
    assert_snapshot!(text, @"No changes. The library matches the manifest.");
}

#[tokio::test]
async fn rename_via_uid_and_field_changes() {
    let env = env(ApiGeneration::V2025).await;
    let text = env
        .plan_text(
            r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin "Weihnachtsmarkt" 2023
    description: |
      Glühwein and lights.
      Two evenings in December.
    category: travel
    favorite: true
"#,
        )
        .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn membership_exact_and_additive() {
    let env = env(ApiGeneration::V2025).await;
    let exact = env
        .plan_text(
            r#"
version: 1
albums:
  berlin:
    title: Berlin 2023
    photos:
      - uid: psj4uo0dvyrkttnj
"#,
        )
        .await;
    assert_snapshot!("membership_exact", exact);
    let additive = env
        .plan_text(
            r#"
version: 1
albums:
  berlin:
    title: Berlin 2023
    membership: additive
    photos:
      - uid: psj4uo0dvyrkttnj
"#,
        )
        .await;
    assert_snapshot!("membership_additive", additive);
}

#[tokio::test]
async fn photo_property_changes() {
    let env = env(ApiGeneration::V2025).await;
    let text = env
        .plan_text(
            r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    title: Sunset
    caption: |
      First line.
      Second line.
    keywords: [Sunset, ocean, sunset]
    artist: Ana
  - match: { query: "label:cat" }
    favorite: true
    private: true
"#,
        )
        .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn prune_deletes_undeclared_albums_only_when_asked() {
    let env = env(ApiGeneration::V2025).await;
    let manifest = r#"
version: 1
albums:
  berlin:
    title: Berlin 2023
"#;
    let without = env.plan_text(manifest).await;
    assert_snapshot!(without, @"No changes. The library matches the manifest.");
    let with = env
        .plan_text(&format!("{manifest}settings:\n  prune: true\n"))
        .await;
    assert_snapshot!("prune_on", with);
}

#[tokio::test]
async fn absent_albums_are_deleted_and_max_destroy_guards() {
    let env = env(ApiGeneration::V2025).await;
    let manifest = r#"
version: 1
settings:
  max_destroy: 1
albums:
  scratch:
    title: Scratch
    state: absent
  berlin:
    uid: as6s6c045hu43jsi
    state: absent
  never-existed:
    title: Never existed
    state: absent
"#;
    let refused = env.plan_text(manifest).await;
    assert_snapshot!("max_destroy_refused", refused);
    let allowed = env
        .plan_text_with(
            manifest,
            PlanOptions {
                allow_destroy: true,
                ..PlanOptions::default()
            },
        )
        .await;
    assert_snapshot!("absent_allowed", allowed);
}

#[tokio::test]
async fn unresolved_selectors_point_at_their_lines() {
    let env = env(ApiGeneration::V2025).await;
    let text = env
        .plan_text(
            r#"
version: 1
albums:
  trip:
    title: Trip
    photos:
      - uid: psj4uo0k9p34y6n3
      - uid: psj4uo0zzzzzzzzz
      - hash: deadbeef00000000000000000000000000000000
      - path: 2024/07/NOPE.jpg
"#,
        )
        .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn conflicting_rules_name_both_lines() {
    let env = env(ApiGeneration::V2025).await;
    let text = env
        .plan_text(
            r#"
version: 1
photos:
  - match: { query: "label:cat" }
    title: A cat
  - match: { uid: psj4uo0fbf5jxvls }
    title: Mochi
  - match: { uid: psj4uo0fbf5jxvls }
    favorite: true
"#,
        )
        .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn archiving_a_photo_an_album_selects_is_a_conflict() {
    let env = env(ApiGeneration::V2025).await;
    let text = env
        .plan_text(
            r#"
version: 1
albums:
  cats:
    title: Cats
    photos:
      - query: "label:cat"
photos:
  - match: { query: "label:cat" }
    archived: true
"#,
        )
        .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn ambiguous_title_needs_a_uid() {
    let env = env(ApiGeneration::V2025).await;
    env.emulator.seed_album(AlbumSeed {
        uid: "as8muc0om1tma7v9".to_string(),
        title: "berlin 2023".to_string(),
        ..AlbumSeed::default()
    });
    let text = env
        .plan_text(
            r#"
version: 1
albums:
  berlin:
    title: Berlin 2023
"#,
        )
        .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn target_limits_the_plan() {
    let env = env(ApiGeneration::V2025).await;
    let manifest = prysm::manifest::load(&[EXAMPLES.into()]).expect("examples are valid");
    let planned = prysm::planner::make_plan(
        &env.client,
        &manifest,
        &PlanOptions {
            targets: vec!["album.cats".to_string()],
            ..PlanOptions::default()
        },
    )
    .await
    .expect("plan");
    let text = prysm::render::render_text(&planned.plan, &Default::default())
        .replace(&env.emulator.url(), "http://emulator");
    assert_snapshot!(text);
    let unknown = env
        .plan_text_with(
            "version: 1\nalbums:\n  cats:\n    title: Cats\n",
            PlanOptions {
                targets: vec!["album.cat".to_string()],
                ..PlanOptions::default()
            },
        )
        .await;
    assert_snapshot!("target_unknown", unknown);
}

#[tokio::test]
async fn same_input_gives_byte_identical_plans() {
    let env = env(ApiGeneration::V2025).await;
    let manifest = prysm::manifest::load(&[EXAMPLES.into()]).expect("examples are valid");
    let mut outputs = Vec::new();
    for _ in 0..3 {
        let planned = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect("plan");
        outputs.push(prysm::render::render_json(&planned.plan));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[1], outputs[2]);
}

#[tokio::test]
async fn json_plan_round_trips_and_has_the_documented_shape() {
    let env = env(ApiGeneration::V2025).await;
    let manifest = prysm::manifest::load(&[EXAMPLES.into()]).expect("examples are valid");
    let planned = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
        .await
        .expect("plan");
    let json = prysm::render::render_json(&planned.plan);
    let back: Plan = serde_json::from_str(&json).expect("the JSON plan parses back");
    assert_eq!(back, planned.plan);
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["format_version"], 1);
    assert!(value["summary"]["add"].is_u64());
    assert!(value["summary"]["change"].is_u64());
    assert!(value["summary"]["destroy"].is_u64());
    let first = &value["actions"][0];
    for key in ["id", "address", "effect", "kind", "depends_on"] {
        assert!(first.get(key).is_some(), "action has `{key}`: {first}");
    }
    assert!(
        planned
            .plan
            .actions
            .iter()
            .any(|action| matches!(action.change, Change::CreateAlbum { .. }))
    );
}

#[tokio::test]
async fn no_op_plan_costs_about_one_request_per_result_page() {
    let env = env(ApiGeneration::V2025).await;
    // 40 albums of 30 photos each, all declared and all matching.
    let photos = env.emulator.generate_library(1200, 7);
    let mut text = String::from("version: 1\nalbums:\n");
    for (index, chunk) in photos.chunks(30).enumerate() {
        let uid = env.emulator.seed_album(AlbumSeed {
            title: format!("Generated {index:02}"),
            photos: chunk.to_vec(),
            ..AlbumSeed::default()
        });
        text.push_str(&format!(
            "  gen-{index:02}:\n    uid: {uid}\n    title: Generated {index:02}\n    photos:\n      - query: \"album:{uid}\"\n"
        ));
    }
    env.emulator.reset_counts();
    let planned = env.plan(&text).await.expect("plan");
    assert!(
        planned.plan.is_empty(),
        "{:?}",
        planned.plan.actions.first()
    );
    let total = env.emulator.total_requests();
    // 1 album page + 40 member pages + 40 query pages: one request per result page.
    println!("no-op plan of 40 albums x 30 photos: {total} requests");
    assert!(
        total <= 85,
        "{total} requests: {:?}",
        env.emulator.request_counts()
    );
    assert_eq!(env.emulator.request_count("GET /api/v1/photos/:uid"), 0);
}

#[test]
fn plan_schema_is_current_and_describes_the_format() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/plan.schema.json");
    let fresh = prysm::plan::plan_json_schema_string();
    if std::env::var_os("PRYSM_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &fresh).expect("write schema");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "schemas/plan.schema.json is stale; regenerate it with \
         `cargo run -- schema --plan > schemas/plan.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&fresh).expect("json");
    let required = schema["required"].as_array().expect("required");
    for key in ["format_version", "actions", "summary", "fingerprint"] {
        assert!(
            required.iter().any(|value| value == key),
            "{key} is required"
        );
    }
}

#[tokio::test]
async fn keywords_are_read_in_batches_where_the_server_can() {
    let text = r#"
version: 1
photos:
  - match: { query: "label:cat" }
    keywords: [cat, pet]
  - match: { uid: psj4uo0k9p34y6n3 }
    artist: Ana
"#;
    let new = env(ApiGeneration::V2025).await;
    new.emulator.reset_counts();
    let planned = new.plan(text).await.expect("plan");
    assert_eq!(planned.plan.actions.len(), 3);
    // Keywords of the two cats come from one read-only batch-edit request, the
    // artist of the other photo from the value another one reports for it.
    assert_eq!(
        new.emulator.request_count("POST /api/v1/batch/photos/edit"),
        2
    );
    assert_eq!(new.emulator.request_count("GET /api/v1/photos/:uid"), 0);

    let old = env(ApiGeneration::V2024).await;
    old.emulator.reset_counts();
    let planned = old.plan(text).await.expect("plan");
    assert_eq!(planned.plan.actions.len(), 3);
    assert_eq!(
        old.emulator.request_count("POST /api/v1/batch/photos/edit"),
        0
    );
    assert_eq!(old.emulator.request_count("GET /api/v1/photos/:uid"), 3);
}

#[tokio::test]
async fn a_plan_never_writes_to_the_server() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let before = (
            format!("{:?}", env.emulator.albums()),
            format!("{:?}", env.emulator.photos()),
        );
        let manifest = prysm::manifest::load(&[EXAMPLES.into()]).expect("examples are valid");
        let planned = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect("plan");
        assert!(!planned.plan.is_empty());
        let after = (
            format!("{:?}", env.emulator.albums()),
            format!("{:?}", env.emulator.photos()),
        );
        assert_eq!(before, after, "{generation:?}: the plan changed the server");
        for (route, count) in env.emulator.request_counts() {
            let read = route.starts_with("GET ")
                || route == "POST /api/v1/session"
                || route == "POST /api/v1/batch/photos/edit";
            assert!(read, "{generation:?}: the plan sent {count} x {route}");
        }
    }
}

/// Parses manifest text, then makes its selector at `line` (1-based) the UID `uid`: the only
/// way to hand the planner a UID that `prysm validate` refuses. The selector's location then
/// points into the text with that UID written in (UIDs all have 16 characters).
fn manifest_with_uid_at(text: &str, line: usize, uid: &str) -> prysm::manifest::Manifest {
    let mut manifest = crate::support::manifest(text);
    let mut patched: Vec<String> = text.split('\n').map(str::to_string).collect();
    let written = patched[line - 1]
        .split_whitespace()
        .last()
        .expect("a uid")
        .to_string();
    assert_eq!(written.len(), uid.len());
    patched[line - 1] = patched[line - 1].replace(&written, uid);
    let source = std::sync::Arc::new(prysm::manifest::SourceFile::new(
        "manifest.yaml",
        patched.join("\n"),
    ));
    let mut replaced = 0;
    let selectors = manifest
        .albums
        .iter_mut()
        .flat_map(|entry| entry.photos.iter_mut().flatten())
        .chain(
            manifest
                .photos
                .iter_mut()
                .flat_map(|rule| rule.selectors.iter_mut()),
        );
    for selector in selectors {
        if selector.loc.line_col().0 == line {
            selector.kind = prysm::manifest::SelectorKind::Uid(uid.to_string());
            selector.loc.source = source.clone();
            replaced += 1;
        }
    }
    assert_eq!(replaced, 1, "one selector at line {line}");
    manifest
}

#[tokio::test]
async fn a_refused_uid_in_a_batched_lookup_is_narrowed_to_its_selector() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        // 150 UIDs: two lookup batches (100 + 50), each asked for live and archived photos.
        let uids = env.emulator.generate_library(150, 11);
        let mut text = String::from("version: 1\nalbums:\n  big:\n    title: Big\n    photos:\n");
        for uid in &uids {
            text.push_str(&format!("      - uid: {uid}\n"));
        }
        // Line 6 + 37: a valid UID that the test then swaps for one the server refuses.
        let bad_line = 6 + 37;
        let manifest = manifest_with_uid_at(&text, bad_line, "pzzzzzzzzzzzzzzz");
        env.emulator.reset_counts();
        let error = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect_err("the refused UID fails the plan");
        let prysm::planner::PlanError::Problems(problems) = &error else {
            panic!("{generation:?}: a plan problem, not {error}");
        };
        let codes: Vec<&str> = problems.problems().iter().map(|p| p.code_str()).collect();
        assert_eq!(codes, ["prysm::plan::selector_refused"], "{generation:?}");
        let rendered = crate::support::render_error(error);
        assert!(
            rendered.contains(&format!("manifest.yaml:{bad_line}:")),
            "{generation:?}: {rendered}"
        );
        assert!(!rendered.contains("request rejected"), "{rendered}");
        // 4 batch requests, then about 2 per halving for the two refused batches.
        let searches = env.emulator.request_count("GET /api/v1/photos");
        println!("{generation:?}: narrowing 1 bad UID among 150 took {searches} searches");
        assert!(
            searches <= 4 + 2 * 2 * 7,
            "{generation:?}: {searches} searches"
        );
    }
}

#[tokio::test]
async fn refused_selectors_point_at_their_lines() {
    let env = env(ApiGeneration::V2025).await;
    let text = r#"
version: 1
albums:
  trip:
    title: Trip
    photos:
      - uid: psj4uo0k9p34y6n3
      - uid: psj4uo0wd25rq4f5
      - query: "labl:cat"
      - query: "label:beach uid:pzzzzzzzzzzzzzzz"
photos:
  - match: { uid: psj4uo0zr37e3p3e }
    favorite: true
"#;
    let manifest = manifest_with_uid_at(text, 8, "pzzzzzzzzzzzzzzz");
    let error = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
        .await
        .expect_err("refused");
    assert_snapshot!(crate::support::render_error(error));
}

#[tokio::test]
async fn a_target_that_names_nothing_is_an_error_with_a_suggestion() {
    let env = env(ApiGeneration::V2025).await;
    let text = r#"
version: 1
albums:
  berlin:
    uid: as6s6c045hu43jsi
    title: Berlin Christmas Market 2023
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    title: Sunset at Cabo da Roca
  - match: { uid: psj4uo0wd25rq4f5 }
    favorite: true
"#;
    let with = |targets: &[&str]| PlanOptions {
        targets: targets.iter().map(|t| t.to_string()).collect(),
        ..PlanOptions::default()
    };
    // A photo UID one typo away from a photo of the plan, an album UID one typo away from a
    // declared album, an album that does not exist at all, and a bad tail.
    for (target, expected) in [
        ("photo.psj4uo0wd25rq4f6", Some("photo.psj4uo0wd25rq4f5")),
        ("photo.PSJ4UO0WD25RQ4F5", Some("photo.psj4uo0wd25rq4f5")),
        ("album[as6s6c045hu43jsj]", Some("album.berlin")),
        (
            "album[as6s6c045hu43jsj].photos",
            Some("album.berlin.photos"),
        ),
        ("album[aqz2f5h0qbkm3c1u]", None),
        ("photo.pqz4n1k2m3b5v6c7", None),
        ("photo.nonsense", None),
    ] {
        let error = env
            .plan_with(text, with(&[target]))
            .await
            .expect_err(target);
        let rendered = crate::support::render_error(error);
        assert!(
            rendered.contains("prysm::plan::unknown_target"),
            "{target}: {rendered}"
        );
        match expected {
            Some(suggestion) => assert!(
                rendered.contains(&format!("did you mean `{suggestion}`?")),
                "{target}: {rendered}"
            ),
            None => assert!(!rendered.contains("did you mean"), "{target}: {rendered}"),
        }
    }
    let typo = env
        .plan_text_with(text, with(&["photo.psj4uo0wd25rq4f6"]))
        .await;
    assert_snapshot!("target_unknown_photo", typo);

    // Real things with nothing to change are still "No changes": the photo a rule already
    // matches, a photo on the server that the manifest does not touch, another manual album.
    for target in [
        "photo.psj4uo0k9p34y6n3",
        "photo.psj4uo0zb6cn6z43",
        "album[as8muc0om1tma7v3]",
    ] {
        let text = env.plan_text_with(text, with(&[target])).await;
        assert_eq!(
            text.trim_end(),
            "No changes. The library matches the manifest.",
            "{target}"
        );
    }
    // Real things with changes: `album[UID]` of a declared album is that album's address.
    let planned = env
        .plan_with(text, with(&["album[as6s6c045hu43jsi]"]))
        .await
        .expect("plan");
    let addresses: Vec<&str> = planned
        .plan
        .actions
        .iter()
        .map(|action| action.address.as_str())
        .collect();
    assert_eq!(addresses, ["album.berlin"]);
    let planned = env
        .plan_with(text, with(&["photo.psj4uo0wd25rq4f5"]))
        .await
        .expect("plan");
    let addresses: Vec<&str> = planned
        .plan
        .actions
        .iter()
        .map(|action| action.address.as_str())
        .collect();
    assert_eq!(addresses, ["photo.psj4uo0wd25rq4f5"]);
}

#[tokio::test]
async fn an_empty_caption_clears_it_on_both_generations() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let uid = env.emulator.seed_photos(vec![prysm_emulator::PhotoSeed {
            title: "Captioned".into(),
            caption: "Läuft – 東京 🌸 100%_done".into(),
            taken_at: "2021-03-04T05:06:07Z".into(),
            ..prysm_emulator::PhotoSeed::default()
        }])[0]
            .clone();
        let text = format!(
            "version: 1\nphotos:\n  - match: {{ uid: {uid} }}\n    caption: \"\"\n    notes: \"\"\n"
        );
        let report = env.apply(&text).await;
        assert!(report.is_success(), "{generation:?}: {}", report.render());
        let photo = env
            .emulator
            .photos()
            .into_iter()
            .find(|photo| photo.uid == uid)
            .expect("photo");
        assert_eq!(photo.caption, "", "{generation:?}");
        assert_eq!(
            photo.title, "Captioned",
            "{generation:?}: the title is untouched"
        );
        env.assert_converged(&text).await;
    }
}
