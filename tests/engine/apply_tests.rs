//! `prysm apply`: convergence on both server generations, batch endpoints,
//! failure handling, restored albums, saved plans and interruption.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use prysm::apply::{ApplyOptions, Silent, Status, apply};
use prysm::plan::SavedPlan;
use prysm::planner::PlanOptions;
use prysm_emulator::{AlbumSeed, ApiGeneration};

use crate::support::{GENERATIONS, env};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");

fn examples() -> prysm::manifest::Manifest {
    prysm::manifest::load(&[EXAMPLES.into()]).expect("the examples are valid")
}

#[tokio::test]
async fn examples_apply_and_converge_on_both_generations() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let manifest = prysm::manifest::load(&[EXAMPLES.into()]).expect("valid");
        let planned = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect("plan");
        let report = apply(
            &env.client,
            &planned.plan,
            &ApplyOptions::default(),
            &Silent,
        )
        .await;
        assert!(report.is_success(), "{generation:?}: {}", report.render());
        let again = prysm::planner::make_plan(&env.client, &manifest, &PlanOptions::default())
            .await
            .expect("plan");
        assert!(
            again.plan.is_empty(),
            "{generation:?} did not converge:\n{}",
            prysm::render::render_text(&again.plan, &Default::default())
        );

        // The server holds what the manifest says.
        let albums = env.emulator.albums();
        let portugal = albums
            .iter()
            .find(|album| album.title == "Portugal 2024" && !album.deleted)
            .expect("Portugal 2024 was created");
        let mut members = env.emulator.album_members(&portugal.uid);
        members.sort();
        assert_eq!(
            members,
            vec![
                "psj4uo02z8iq9y7j",
                "psj4uo0k9p34y6n3",
                "psj4uo0wd25rq4f5",
                "psj4uo0zr37e3p3e"
            ]
        );
        assert!(portugal.favorite);
        assert_eq!(portugal.category, "Travel");
        let scratch = env.emulator.album("as8muc0om1tma7v3").expect("still known");
        assert!(scratch.deleted, "Scratch was deleted");
        let berlin = env.emulator.album("as6s6c045hu43jsi").expect("berlin");
        assert_eq!(berlin.title, "Berlin Christmas Market 2023");
        let sunset = env.emulator.photo("psj4uo0k9p34y6n3").expect("photo");
        assert_eq!(sunset.title, "Sunset at Cabo da Roca");
        assert_eq!(sunset.keywords, "cliffs, ocean, portugal, sunset");
        assert_eq!(sunset.artist, "Ana Silva");
        assert!(
            sunset.caption.starts_with("The westernmost point"),
            "{generation:?}: caption {:?}",
            sunset.caption
        );
        let cat = env.emulator.photo("psj4uo0fbf5jxvls").expect("cat");
        assert!(cat.favorite);
        assert_eq!(cat.subject, "Mochi");
        let screenshot = env.emulator.photo("psj4uo0q24zklmvt").expect("screenshot");
        assert!(screenshot.archived);
    }
}

#[tokio::test]
async fn batch_edit_on_new_servers_per_photo_requests_on_old_ones() {
    let text = r#"
version: 1
photos:
  - match: { query: "label:cat" }
    favorite: true
    title: A cat
  - match: { query: "label:beach" }
    private: true
"#;
    let new = env(ApiGeneration::V2025).await;
    new.emulator.reset_counts();
    let report = new.apply(text).await;
    assert!(report.is_success(), "{}", report.render());
    assert_eq!(
        new.emulator.request_count("POST /api/v1/batch/photos/edit"),
        2
    );
    assert_eq!(new.emulator.request_count("PUT /api/v1/photos/:uid"), 0);
    new.assert_converged(text).await;

    let old = env(ApiGeneration::V2024).await;
    old.emulator.reset_counts();
    let report = old.apply(text).await;
    assert!(report.is_success(), "{}", report.render());
    assert_eq!(
        old.emulator.request_count("POST /api/v1/batch/photos/edit"),
        0
    );
    assert_eq!(old.emulator.request_count("PUT /api/v1/photos/:uid"), 4);
    old.assert_converged(text).await;
}

#[tokio::test]
async fn membership_uses_one_request_per_chunk() {
    let env = env(ApiGeneration::V2025).await;
    let photos = env.emulator.generate_library(1200, 3);
    let mut text = String::from("version: 1\nalbums:\n  big:\n    title: Big\n    photos:\n");
    for uid in &photos {
        text.push_str(&format!("      - uid: {uid}\n"));
    }
    env.emulator.reset_counts();
    let report = env.apply(&text).await;
    assert!(report.is_success(), "{}", report.render());
    let adds = env
        .emulator
        .request_count("POST /api/v1/albums/:uid/photos");
    println!("1200 photos added with {adds} requests");
    assert!(adds <= 3, "{adds} add requests for 1200 photos");
    env.assert_converged(&text).await;
}

#[tokio::test]
async fn transient_faults_still_converge() {
    let env = env(ApiGeneration::V2025).await;
    env.emulator.fail_next("POST /api/v1/albums", 2, 503);
    env.emulator
        .rate_limit_next("POST /api/v1/albums/:uid/photos", 1, 0);
    env.emulator.drop_next("PUT /api/v1/albums/:uid", 1);
    env.emulator
        .fail_next("POST /api/v1/batch/photos/edit", 1, 502);
    let manifest = examples();
    let report = env.apply_manifest(&manifest).await;
    assert!(report.is_success(), "{}", report.render());
    env.assert_manifest_converged(&manifest).await;
}

#[tokio::test]
async fn a_permanent_failure_gives_a_partial_apply_and_a_rerun_completes() {
    let env = env(ApiGeneration::V2025).await;
    // Creating albums fails for good: the creates fail, everything else runs.
    env.emulator.fail_next("POST /api/v1/albums", 1000, 500);
    let manifest = examples();
    let report = env.apply_manifest(&manifest).await;
    assert!(!report.is_success());
    let failed: Vec<_> = report
        .results
        .iter()
        .filter(|result| matches!(result.status, Status::Failed(_)))
        .map(|result| result.address.as_str())
        .collect();
    assert_eq!(failed, vec!["album.cats", "album.portugal-2024"]);
    assert!(report.succeeded() > 0, "independent actions still ran");
    let rendered = report.render();
    assert!(rendered.contains("Failed:"), "{rendered}");
    assert!(rendered.contains("album.cats"), "{rendered}");

    env.emulator.clear_faults();
    let report = env.apply_manifest(&manifest).await;
    assert!(report.is_success(), "{}", report.render());
    env.assert_manifest_converged(&manifest).await;
}

#[tokio::test]
async fn dependents_of_a_failed_restore_are_skipped() {
    let env = env(ApiGeneration::V2025).await;
    env.emulator.seed_photo(prysm_emulator::PhotoSeed {
        uid: "psj4uo0aaaaaaaaa".to_string(),
        title: "Archived".to_string(),
        archived: true,
        ..Default::default()
    });
    env.emulator
        .fail_next("POST /api/v1/batch/photos/restore", 1000, 500);
    let text = r#"
version: 1
albums:
  keep:
    title: Keep
    photos:
      - uid: psj4uo0aaaaaaaaa
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    favorite: true
"#;
    let report = env.apply(text).await;
    let status = |address: &str| {
        report
            .results
            .iter()
            .find(|result| result.address == address)
            .map(|result| result.status.clone())
    };
    assert!(matches!(
        status("photo.psj4uo0aaaaaaaaa"),
        Some(Status::Failed(_))
    ));
    assert!(matches!(status("album.keep"), Some(Status::Skipped(_))));
    assert_eq!(status("photo.psj4uo0k9p34y6n3"), Some(Status::Succeeded));
}

#[tokio::test]
async fn creating_over_a_soft_deleted_album_keeps_exact_membership() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        env.emulator.seed_album(AlbumSeed {
            title: "Old Trip".to_string(),
            deleted: true,
            photos: vec![
                "psj4uo0k9p34y6n3".to_string(),
                "psj4uo0wd25rq4f5".to_string(),
            ],
            ..AlbumSeed::default()
        });
        let text = r#"
version: 1
albums:
  old-trip:
    title: Old Trip
    photos:
      - uid: psj4uo0zr37e3p3e
"#;
        let report = env.apply(text).await;
        assert!(report.is_success(), "{}", report.render());
        let album = env
            .emulator
            .albums()
            .into_iter()
            .find(|album| album.title == "Old Trip" && !album.deleted)
            .expect("album exists");
        assert_eq!(
            env.emulator.album_members(&album.uid),
            vec!["psj4uo0zr37e3p3e"]
        );
        env.assert_converged(text).await;
    }
}

/// The `prysm` binary with the emulator's connection in its environment.
fn prysm_cli(emulator: &prysm_emulator::Emulator) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env_remove("PHOTOPRISM_TOKEN")
        .env_remove("PHOTOPRISM_CLIENT_ID")
        .env_remove("PHOTOPRISM_CLIENT_SECRET")
        .env("PHOTOPRISM_URL", emulator.url())
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", "photoprism");
    cmd
}

/// Runs the command off the async runtime (the emulator keeps serving).
async fn run_cli(mut cmd: assert_cmd::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join")
}

/// Everything the emulator holds that a plan can change.
fn server_state(
    emulator: &prysm_emulator::Emulator,
) -> (
    Vec<prysm_emulator::AlbumView>,
    Vec<prysm_emulator::PhotoView>,
    Vec<Vec<String>>,
) {
    let albums = emulator.albums();
    let members = albums
        .iter()
        .map(|album| emulator.album_members(&album.uid))
        .collect();
    (albums, emulator.photos(), members)
}

/// Requests that could change the server (anything but GET, and logins).
fn writes(emulator: &prysm_emulator::Emulator) -> u64 {
    emulator
        .request_counts()
        .into_iter()
        .filter(|(route, _)| !route.starts_with("GET ") && !route.contains("/session"))
        .map(|(_, count)| count)
        .sum()
}

/// `prysm plan --out FILE` then `prysm apply FILE`: the apply does what the saved plan says
/// (and nothing is left to do); a plan saved before the server changed is refused, and the
/// refused apply changes nothing. Both server generations.
#[tokio::test(flavor = "multi_thread")]
async fn saved_plan_applies_and_refuses_when_the_server_changed() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let manifest_path = dir.path().join("manifest.yaml");
        let text = "version: 1\nalbums:\n  cats:\n    title: \"Cats & Kittens “2024”\"\n    description: \"\"\n    photos:\n      - query: \"label:cat\"\nphotos:\n  - match: { query: \"label:cat\" }\n    favorite: true\n    caption: \"Ünïcode caption 🐈\"\n";
        std::fs::write(&manifest_path, text).expect("write manifest");

        // Save a plan, check the file round-trips, and apply it.
        let plan_path = dir.path().join("plan.json");
        let mut plan = prysm_cli(&env.emulator);
        plan.args(["plan", "-f"])
            .arg(&manifest_path)
            .arg("--out")
            .arg(&plan_path);
        let output = run_cli(plan).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{generation:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let saved = SavedPlan::read(&plan_path).expect("read the saved plan");
        assert_eq!(saved.manifest[0].text, text);
        assert!(!saved.plan.is_empty());
        let planned = env.plan(text).await.expect("plan");
        assert_eq!(saved.plan.actions, planned.plan.actions, "{generation:?}");
        assert_eq!(saved.plan.fingerprint, planned.plan.fingerprint);

        let cats: Vec<String> = env
            .emulator
            .photos()
            .into_iter()
            .filter(|photo| photo.labels.contains(&"cat".to_string()) && !photo.archived)
            .map(|photo| photo.uid)
            .collect();
        assert!(!cats.is_empty());
        let mut apply = prysm_cli(&env.emulator);
        apply.arg("apply").arg(&plan_path);
        let output = run_cli(apply).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{generation:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // The server changed as planned.
        let album = env
            .emulator
            .albums()
            .into_iter()
            .find(|album| album.title == "Cats & Kittens “2024”" && !album.deleted)
            .expect("the album was created");
        let mut members = env.emulator.album_members(&album.uid);
        members.sort();
        let mut expected = cats.clone();
        expected.sort();
        assert_eq!(members, expected, "{generation:?}");
        for uid in &cats {
            let photo = env.emulator.photo(uid).expect("photo");
            assert!(photo.favorite, "{generation:?}: {uid}");
            assert_eq!(photo.caption, "Ünïcode caption 🐈", "{generation:?}");
        }
        env.assert_converged(text).await;

        // Save another plan, change the server behind it: the apply is refused.
        let changed_text = text.replace("favorite: true", "favorite: false");
        std::fs::write(&manifest_path, &changed_text).expect("write manifest");
        let stale_path = dir.path().join("stale.json");
        let mut plan = prysm_cli(&env.emulator);
        plan.args(["plan", "-f"])
            .arg(&manifest_path)
            .arg("--out")
            .arg(&stale_path);
        assert_eq!(run_cli(plan).await.status.code(), Some(0));
        assert!(!SavedPlan::read(&stale_path).expect("read").plan.is_empty());
        env.emulator.seed_album(AlbumSeed {
            title: "Someone else's".to_string(),
            ..AlbumSeed::default()
        });
        let before = server_state(&env.emulator);
        env.emulator.reset_counts();
        let mut stale = prysm_cli(&env.emulator);
        stale.arg("apply").arg(&stale_path);
        let output = run_cli(stale).await;
        assert_eq!(output.status.code(), Some(1), "{generation:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr)
                .contains("the server changed since this plan was saved"),
            "{generation:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        // Nothing was changed.
        assert_eq!(
            writes(&env.emulator),
            0,
            "{:?}",
            env.emulator.request_counts()
        );
        assert_eq!(server_state(&env.emulator), before, "{generation:?}");
        for uid in &cats {
            assert!(env.emulator.photo(uid).expect("photo").favorite);
        }
    }

    // A file that is not a saved plan of this version is refused.
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"saved_plan_version\": 99}").expect("write");
    assert!(SavedPlan::read(&broken).is_err());
}

#[tokio::test]
async fn interrupted_apply_starts_nothing_new() {
    let env = env(ApiGeneration::V2025).await;
    let planned = prysm::planner::make_plan(&env.client, &examples(), &PlanOptions::default())
        .await
        .expect("plan");
    let options = ApplyOptions {
        parallelism: 2,
        interrupt: Arc::new(AtomicBool::new(true)),
        ..ApplyOptions::default()
    };
    env.emulator.reset_counts();
    let report = apply(&env.client, &planned.plan, &options, &Silent).await;
    assert!(report.interrupted);
    assert!(!report.is_success());
    assert_eq!(report.not_started(), planned.plan.actions.len());
    assert_eq!(env.emulator.total_requests(), 0);
}

#[tokio::test]
async fn taken_at_with_a_time_zone_converges() {
    for generation in GENERATIONS {
        let env = env(generation).await;
        // The seeded photo is already taken at this moment: only the zone changes.
        let lisbon = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    taken_at: "2024-07-12T19:44:00Z"
    time_zone: Europe/Lisbon
"#;
        // Then the moment changes in the same zone.
        let later = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    taken_at: "2024-07-12T21:05:00+02:00"
    time_zone: Europe/Lisbon
"#;
        for (text, utc, local) in [
            (lisbon, "2024-07-12T19:44:00Z", "2024-07-12T20:44:00Z"),
            (later, "2024-07-12T19:05:00Z", "2024-07-12T20:05:00Z"),
        ] {
            let report = env.apply(text).await;
            assert!(report.is_success(), "{generation:?}: {}", report.render());
            env.assert_converged(text).await;
            let photo = env.emulator.photo("psj4uo0k9p34y6n3").expect("photo");
            assert_eq!(photo.taken_at, utc, "{generation:?}");
            assert_eq!(photo.taken_at_local, local, "{generation:?}");
            assert_eq!(photo.time_zone, "Europe/Lisbon", "{generation:?}");
        }
    }
}

#[tokio::test]
async fn place_and_keywords_are_set_in_two_steps() {
    // PhotoPrism appends a manually set place's words to the keywords; setting
    // the place first and the keywords second leaves the keywords as written.
    let env = env(ApiGeneration::V2024).await;
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    lat: 38.7804
    lng: -9.4989
    keywords: [cliffs, sunset]
    title: Cabo da Roca
"#;
    env.emulator.reset_counts();
    let report = env.apply(text).await;
    assert!(report.is_success(), "{}", report.render());
    assert_eq!(env.emulator.request_count("PUT /api/v1/photos/:uid"), 2);
    let photo = env.emulator.photo("psj4uo0k9p34y6n3").expect("photo");
    assert_eq!(photo.keywords, "cliffs, sunset");
    assert_eq!(photo.title, "Cabo da Roca");
    env.assert_converged(text).await;
}
