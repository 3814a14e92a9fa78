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
