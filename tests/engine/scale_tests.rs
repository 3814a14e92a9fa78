//! Requests at the API's minimum: what a plan has read is never read again,
//! details come in batches, and apply does not repeat reads or writes.
//! (The large measurements are in `benches/scale.rs`; these are the small,
//! fast variants that assert the counts.)

use std::sync::Arc;

use prysm::apply::{ApplyOptions, Silent, apply};
use prysm::plan::{Change, Value};
use prysm::planner::{PlanOptions, make_plan};
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};

use crate::support::{GENERATIONS, login, manifest};

/// An empty emulator of `generation` and a client logged in to it.
async fn empty(generation: ApiGeneration) -> (Emulator, prysm::photoprism::Client) {
    let emulator = Emulator::start(EmulatorOptions::for_generation(generation))
        .await
        .expect("emulator starts");
    let client = login(&emulator).await;
    (emulator, client)
}

/// A UID that sorts by `index` (the `000000` time part is valid).
fn uid(index: usize) -> String {
    format!("p000000{index:09}")
}

#[tokio::test]
async fn a_no_op_plan_reads_each_page_once_and_looks_nothing_up() {
    for generation in GENERATIONS {
        let (emulator, client) = empty(generation).await;
        let uids = emulator.generate_library(2000, 11);
        let photos = emulator.photos();
        // 40 albums of 50 photos, every photo in one album.
        let mut albums = Vec::new();
        for (index, chunk) in uids.chunks(50).enumerate() {
            let title = format!("Älbum {index:02} — 100% «real» _x_");
            let uid = emulator.seed_album(AlbumSeed {
                title: title.clone(),
                photos: chunk.to_vec(),
                ..AlbumSeed::default()
            });
            albums.push((uid, title, chunk.to_vec()));
        }
        for kind in ["uid", "hash", "path"] {
            let mut text = String::from("version: 1\nalbums:\n");
            for (index, (uid, title, members)) in albums.iter().enumerate() {
                text.push_str(&format!(
                    "  a{index}:\n    uid: {uid}\n    title: {}\n    photos:\n",
                    serde_json::to_string(title).expect("json")
                ));
                for member in members {
                    let photo = photos.iter().find(|p| p.uid == *member).expect("photo");
                    let value = match kind {
                        "uid" => member.clone(),
                        "hash" => photo.hashes[0].clone(),
                        _ => format!("{}/{}.jpg", photo.path, photo.name),
                    };
                    text.push_str(&format!("      - {kind}: \"{value}\"\n"));
                }
            }
            emulator.reset_counts();
            let planned = make_plan(&client, &manifest(&text), &PlanOptions::default())
                .await
                .expect("plan");
            assert!(
                planned.plan.is_empty(),
                "{generation:?} {kind}: {:?}",
                planned.plan.actions.first()
            );
            // The minimum: the album listing and one member page per album.
            assert_eq!(
                emulator.total_requests(),
                1 + 40,
                "{generation:?} {kind}: {:?}",
                emulator.request_counts()
            );
        }
    }
}

#[tokio::test]
async fn selectors_nothing_read_answers_are_looked_up_in_batches() {
    let (emulator, client) = empty(ApiGeneration::V2025).await;
    let uids = emulator.generate_library(600, 5);
    // Photos in no album, selected by a rule: looked up 184 UIDs at a time;
    // only the one still missing then is looked up among archived photos.
    emulator.seed_photo(PhotoSeed {
        uid: uid(1),
        archived: true,
        ..PhotoSeed::default()
    });
    let mut text = String::from("version: 1\nphotos:\n  - match:\n");
    for member in uids.iter().take(300) {
        text.push_str(&format!("      - uid: {member}\n"));
    }
    text.push_str(&format!("      - uid: {}\n    private: true\n", uid(1)));
    emulator.reset_counts();
    let planned = make_plan(&client, &manifest(&text), &PlanOptions::default())
        .await
        .expect("plan");
    assert!(!planned.plan.is_empty());
    // Albums, 2 lookups of active photos (184 + 117 UIDs), 1 archived lookup.
    assert_eq!(
        emulator.request_count("GET /api/v1/photos"),
        3,
        "{:?}",
        emulator.request_counts()
    );
}

/// 200 photos with pinned, ordered UIDs and the given artists.
async fn artists(
    generation: ApiGeneration,
    artist: impl Fn(usize) -> &'static str,
) -> (Emulator, prysm::photoprism::Client, String) {
    let (emulator, client) = empty(generation).await;
    let seeds = (0..200)
        .map(|index| PhotoSeed {
            uid: uid(index),
            artist: artist(index).to_string(),
            title: format!("Photo {index}"),
            ..PhotoSeed::default()
        })
        .collect();
    emulator.seed_photos(seeds);
    let mut text = String::from("version: 1\nphotos:\n  - match:\n");
    for index in 0..200 {
        text.push_str(&format!("      - uid: {}\n", uid(index)));
    }
    text.push_str("    artist: \"Ann Ó'Brien\"\n");
    (emulator, client, text)
}

/// The (photo, old, new) of every artist change of a plan.
fn artist_changes(plan: &prysm::plan::Plan) -> Vec<(String, Option<Value>, Value)> {
    plan.actions
        .iter()
        .filter_map(|action| match &action.change {
            Change::UpdatePhoto { photo, fields, .. } => fields
                .iter()
                .find(|field| field.field == "artist")
                .map(|field| (photo.uid.clone(), field.old.clone(), field.new.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn shared_details_are_read_in_batches_and_mixed_ones_narrowed_down() {
    let ann = "Ann Ó'Brien";
    // Clustered: the first 150 photos are right already, the last 50 have no artist.
    let clustered = |index: usize| if index < 150 { "Ann Ó'Brien" } else { "" };
    // Scattered: every third photo has another artist.
    let scattered = |index: usize| match index % 3 {
        0 => "Bob",
        _ => "Ann Ó'Brien",
    };
    for (name, artist, most) in [
        ("clustered", &clustered as &dyn Fn(usize) -> &'static str, 5),
        ("scattered", &scattered, 200 + 200 / 8),
    ] {
        let (old, old_client, text) = artists(ApiGeneration::V2024, artist).await;
        let expected = artist_changes(
            &make_plan(&old_client, &manifest(&text), &PlanOptions::default())
                .await
                .expect("plan")
                .plan,
        );
        assert_eq!(old.request_count("GET /api/v1/photos/:uid"), 200);
        let (new, new_client, text) = artists(ApiGeneration::V2025, artist).await;
        new.reset_counts();
        let planned = make_plan(&new_client, &manifest(&text), &PlanOptions::default())
            .await
            .expect("plan");
        // The same changes, with the same old values, as photo-by-photo reads give.
        assert_eq!(artist_changes(&planned.plan), expected, "{name}");
        assert!(
            expected
                .iter()
                .all(|(_, _, new)| *new == Value::Text(ann.into()))
        );
        let reads = new.request_count("POST /api/v1/batch/photos/edit")
            + new.request_count("GET /api/v1/photos/:uid");
        assert!(
            reads <= most,
            "{name}: {reads} reads: {:?}",
            new.request_counts()
        );
        if name == "clustered" {
            assert_eq!(new.request_count("GET /api/v1/photos/:uid"), 0);
            assert_eq!(expected.len(), 50);
        }
    }
}

#[tokio::test]
async fn apply_updates_photos_from_what_the_plan_read() {
    let text = r#"
version: 1
photos:
  - match: [{ uid: psj4uo0k9p34y6n3 }, { uid: psj4uo0wd25rq4f5 }]
    artist: "Zoë"
    copyright: "© 2025, 100% _mine_"
    caption: "Ünïcode caption"
  - match: { uid: psj4uo0zr37e3p3e }
    time_zone: Europe/Lisbon
"#;
    for known in [true, false] {
        let env = crate::support::env(ApiGeneration::V2024).await;
        let planned = make_plan(&env.client, &manifest(text), &PlanOptions::default())
            .await
            .expect("plan");
        assert_eq!(planned.plan.actions.len(), 3);
        env.emulator.reset_counts();
        let options = ApplyOptions {
            known: known.then(|| Arc::new(planned.state.clone())),
            ..ApplyOptions::default()
        };
        let report = apply(&env.client, &planned.plan, &options, &Silent).await;
        assert!(report.is_success(), "{}", report.render());
        assert_eq!(env.emulator.request_count("PUT /api/v1/photos/:uid"), 3);
        // Without what the plan read, each photo is read again before its PUT.
        let reads = if known { 0 } else { 3 };
        assert_eq!(
            env.emulator.request_count("GET /api/v1/photos/:uid"),
            reads,
            "known: {known}"
        );
        env.assert_converged(text).await;
        let photo = env.emulator.photo("psj4uo0k9p34y6n3").expect("photo");
        assert_eq!(photo.artist, "Zoë");
        assert_eq!(photo.caption, "Ünïcode caption");
        // The details the rule does not manage are kept, with their sources.
        let before = crate::support::env(ApiGeneration::V2024).await;
        let untouched = before.emulator.photo("psj4uo0k9p34y6n3").expect("photo");
        assert_eq!(photo.details.keywords, untouched.details.keywords);
        assert_eq!(photo.details.keywords_src, untouched.details.keywords_src);
        assert_eq!(photo.details.notes_src, untouched.details.notes_src);
    }
}

#[tokio::test]
async fn a_new_album_gets_no_put_that_repeats_what_the_create_set() {
    for generation in GENERATIONS {
        let env = crate::support::env(generation).await;
        env.emulator.reset_counts();
        let report = env
            .apply("version: 1\nalbums:\n  fresh:\n    title: \"Frésh & new album 100\"\n    favorite: true\n")
            .await;
        assert!(report.is_success(), "{}", report.render());
        assert_eq!(env.emulator.request_count("POST /api/v1/albums"), 1);
        assert_eq!(
            env.emulator.request_count("PUT /api/v1/albums/:uid"),
            0,
            "{generation:?}: {:?}",
            env.emulator.request_counts()
        );
        env.emulator.reset_counts();
        let text = "version: 1\nalbums:\n  second:\n    title: Second\n    description: \"Made by prysm\"\n";
        let report = env.apply(text).await;
        assert!(report.is_success(), "{}", report.render());
        assert_eq!(env.emulator.request_count("PUT /api/v1/albums/:uid"), 1);
        env.assert_converged(text).await;
    }
}

/// Records what a plan reports about its reads.
#[derive(Default)]
struct Recorded(std::sync::Mutex<Vec<(usize, usize)>>);

impl prysm::state::ReadProgress for Recorded {
    fn pages(&self, read: usize, known: usize) {
        if let Ok(mut seen) = self.0.lock() {
            seen.push((read, known));
        }
    }
}

#[tokio::test]
async fn a_plan_reports_the_pages_it_reads() {
    let (emulator, client) = empty(ApiGeneration::V2025).await;
    let uids = emulator.generate_library(2500, 3);
    // One album of 1,500 photos (two pages), two small ones, and a rule whose
    // artist is read in batches.
    let mut text = String::from("version: 1\nalbums:\n");
    for (index, chunk) in [&uids[..1500], &uids[1500..1600], &uids[1600..1700]]
        .into_iter()
        .enumerate()
    {
        let uid = emulator.seed_album(AlbumSeed {
            title: format!("Progress {index}"),
            photos: chunk.to_vec(),
            ..AlbumSeed::default()
        });
        text.push_str(&format!(
            "  p{index}:\n    uid: {uid}\n    title: Progress {index}\n    photos:\n"
        ));
        for member in chunk {
            text.push_str(&format!("      - uid: {member}\n"));
        }
    }
    text.push_str("photos:\n  - match: { query: \"label:cat\" }\n    artist: Ann\n");
    let recorded = Arc::new(Recorded::default());
    emulator.reset_counts();
    let options = PlanOptions {
        progress: Some(recorded.clone()),
        ..PlanOptions::default()
    };
    make_plan(&client, &manifest(&text), &options)
        .await
        .expect("plan");
    let seen = recorded.0.lock().expect("lock").clone();
    let pages = emulator.total_requests() as usize;
    assert!(pages > 5, "{pages}");
    assert!(seen.iter().all(|(read, known)| read <= known), "{seen:?}");
    assert_eq!(
        seen.last(),
        Some(&(pages, pages)),
        "{:?}",
        emulator.request_counts()
    );
}

/// Counts how many operations run at once.
#[derive(Default)]
struct Overlap {
    running: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

impl prysm::apply::ApplyObserver for Overlap {
    fn started(&self, _actions: &[&prysm::plan::Action]) {
        use std::sync::atomic::Ordering;
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
    }

    fn finished(&self, _result: &prysm::apply::ActionResult) {
        self.running
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn batch_edits_are_sent_one_at_a_time() {
    let text = r#"
version: 1
photos:
  - match: { uid: psj4uo0k9p34y6n3 }
    title: "Cabo — 1"
  - match: { uid: psj4uo0wd25rq4f5 }
    title: "Tram «2»"
  - match: { uid: psj4uo0zr37e3p3e }
    title: "Nata 100%"
"#;
    let env = crate::support::env(ApiGeneration::V2025).await;
    let planned = make_plan(&env.client, &manifest(text), &PlanOptions::default())
        .await
        .expect("plan");
    assert_eq!(planned.plan.actions.len(), 3);
    env.emulator
        .set_latency(std::time::Duration::from_millis(40));
    env.emulator.reset_counts();
    let overlap = Overlap::default();
    let report = apply(
        &env.client,
        &planned.plan,
        &ApplyOptions::default(),
        &overlap,
    )
    .await;
    env.emulator.clear_faults();
    assert!(report.is_success(), "{}", report.render());
    assert_eq!(
        env.emulator.request_count("POST /api/v1/batch/photos/edit"),
        3
    );
    assert_eq!(overlap.most.load(std::sync::atomic::Ordering::SeqCst), 1);
    env.assert_converged(text).await;
}
