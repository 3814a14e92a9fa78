//! Busy and flaky servers: bulk rules under PhotoPrism's one-at-a-time batch-edit lock, and
//! plan/apply runs against a server that fails 15 % of all requests.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use prysm::apply::{ActionResult, ApplyObserver, ApplyOptions, Silent, apply};
use prysm::manifest::Manifest;
use prysm::plan::Action;
use prysm::planner::{PlanOptions, make_plan};
use prysm::render::{TextOptions, render_text};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions, PhotoSeed, RandomFaults};

use crate::support::{GENERATIONS, library, login, manifest};

const EDIT: &str = "POST /api/v1/batch/photos/edit";
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");

async fn start(generation: ApiGeneration, per_photo: Duration) -> Emulator {
    Emulator::start(EmulatorOptions {
        generation,
        batch_edit_per_photo: per_photo,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator starts")
}

/// Counts the actions started but not finished, and the most at any time.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl ApplyObserver for InFlight {
    fn started(&self, actions: &[&Action]) {
        let now = self.now.fetch_add(actions.len(), Ordering::SeqCst) + actions.len();
        self.max.fetch_max(now, Ordering::SeqCst);
    }

    fn finished(&self, _result: &ActionResult) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn four_bulk_rules_of_340_photos_converge_in_one_apply_under_the_real_lock_duration() {
    // 6.7 ms a photo, as recorded (local-server-2026-11-probes/01-batch-edit-busy.json).
    let emulator = start(ApiGeneration::V2025, Duration::from_micros(6700)).await;
    let groups = ["alpha", "bravo", "charlie", "delta"];
    let seeds = (0..4 * 340)
        .map(|i| PhotoSeed {
            title: format!("Bulk {i}"),
            taken_at: "2024-08-01T12:00:00Z".to_owned(),
            labels: vec![groups[i % 4].to_owned()],
            ..PhotoSeed::default()
        })
        .collect();
    emulator.seed_photos(seeds);
    let client = login(&emulator).await;
    let artists = [
        "Ana Silva",
        "Björk Guðmundsdóttir",
        "王小明",
        "O'Brien & Co 🎉",
    ];
    let mut text = String::from("version: 1\nphotos:\n");
    for (group, artist) in groups.iter().zip(artists) {
        text.push_str(&format!(
            "  - match: {{ query: \"label:{group}\" }}\n    artist: \"{artist}\"\n    license: CC BY 4.0\n"
        ));
    }
    let manifest = manifest(&text);
    let planned = make_plan(&client, &manifest, &PlanOptions::default())
        .await
        .expect("plan");
    assert_eq!(planned.plan.actions.len(), 4 * 340);
    emulator.reset_counts();
    let in_flight = InFlight::default();
    let report = apply(&client, &planned.plan, &ApplyOptions::default(), &in_flight).await;
    assert!(report.is_success(), "{}", report.render());
    assert_eq!(
        emulator.request_count(EDIT),
        4,
        "one batch edit per rule, sent one at a time: none met the server's lock"
    );
    assert_eq!(
        in_flight.max.load(Ordering::SeqCst),
        340,
        "one batch edit at a time in the executor too: waiting ones hold no slots"
    );
    let again = make_plan(&client, &manifest, &PlanOptions::default())
        .await
        .expect("plan");
    assert!(
        again.plan.is_empty(),
        "not converged after one apply:\n{}",
        render_text(&again.plan, &TextOptions::default())
    );
    for photo in emulator.photos() {
        let index: usize = photo.title["Bulk ".len()..].parse().unwrap();
        assert_eq!(photo.artist, artists[index % 4], "{}", photo.title);
        assert_eq!(photo.license, "CC BY 4.0");
    }
}

/// More to do than the examples: albums with titles users write (SQL wildcards, quotes, accents,
/// Cyrillic, CJK, emoji) and bulk rules that go to batch edit on 2025+ servers.
const EXTRA: &str = r#"
version: 1
albums:
  wild:
    title: "Trip_2024 50% “off”"
    description: "Ünïcödé, Москва, 東京 🎉"
    photos:
      - query: "label:beach"
  cjk:
    title: "東京 🎉"
    favorite: true
    photos:
      - uid: psj4uo0fbf5jxvls
  quotes:
    title: "O'Brien's \"quoted\" album"
    category: family and friends
    location: Cork
    photos: []
photos:
  - match: { query: "label:cat" }
    artist: "Ana Silva"
    copyright: "© 2024 O'Brien & Co"
  - match: { query: "label:beach" }
    subject: "Praia 🏖"
"#;

fn flaky_manifest(dir: &std::path::Path) -> Manifest {
    let extra = dir.join("zz-extra.yaml");
    std::fs::write(&extra, EXTRA).expect("write the extra manifest");
    prysm::manifest::load(&[EXAMPLES.into(), extra]).expect("valid manifests")
}

/// What a user cares about on the server: live manual albums by title (fields and members),
/// deleted titles, and every photo's values. UIDs of new albums differ between servers.
type Snapshot = (
    BTreeMap<String, Vec<String>>,
    Vec<String>,
    BTreeMap<String, Vec<String>>,
);

fn snapshot(emulator: &Emulator) -> Snapshot {
    let albums = emulator.albums();
    let mut live = BTreeMap::new();
    let mut deleted = Vec::new();
    for album in albums.iter().filter(|a| a.album_type == "album") {
        if album.deleted {
            deleted.push(album.title.clone());
            continue;
        }
        let mut members = emulator.album_members(&album.uid);
        members.sort();
        let fields = vec![
            album.description.clone(),
            album.caption.clone(),
            album.category.clone(),
            album.location.clone(),
            album.country.clone(),
            album.order.clone(),
            album.favorite.to_string(),
            album.private.to_string(),
            members.join(","),
        ];
        let previous = live.insert(album.title.clone(), fields);
        assert!(previous.is_none(), "two live albums titled {}", album.title);
    }
    deleted.sort();
    let photos = emulator
        .photos()
        .into_iter()
        .map(|p| {
            let values = vec![
                p.title,
                p.caption,
                p.favorite.to_string(),
                p.private.to_string(),
                p.archived.to_string(),
                p.taken_at,
                p.time_zone,
                format!("{} {} {}", p.lat, p.lng, p.altitude),
                p.keywords,
                p.notes,
                p.subject,
                p.artist,
                p.copyright,
                p.license,
            ];
            (p.uid, values)
        })
        .collect();
    (live, deleted, photos)
}

/// Live manual albums sharing a title or a slug: duplicates a repeated create would leave.
fn duplicates(emulator: &Emulator) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for album in emulator.albums() {
        if album.album_type == "album" && !album.deleted {
            *seen.entry(album.title.to_lowercase()).or_default() += 1;
            *seen.entry(format!("slug:{}", album.slug)).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(key, _)| key)
        .collect()
}

/// The library after one fault-free plan and apply.
async fn reference(generation: ApiGeneration, manifest: &Manifest) -> Snapshot {
    let emulator = start(generation, Duration::from_millis(1)).await;
    library::seed_example_library(&emulator);
    let client = login(&emulator).await;
    let planned = make_plan(&client, manifest, &PlanOptions::default())
        .await
        .expect("plan");
    let report = apply(&client, &planned.plan, &ApplyOptions::default(), &Silent).await;
    assert!(report.is_success(), "{}", report.render());
    snapshot(&emulator)
}

/// Plans and applies under 15 % random 500s on every route (half of them after the server
/// acted, some as dropped connections) until a plan is empty; returns the runs it took.
async fn converge_under_faults(
    generation: ApiGeneration,
    seed: u64,
    manifest: &Manifest,
    max_runs: usize,
) -> (Emulator, usize) {
    let emulator = start(generation, Duration::from_millis(1)).await;
    library::seed_example_library(&emulator);
    let client = login(&emulator).await;
    emulator.inject_random_faults(RandomFaults {
        after_acting: 0.5,
        dropped: 0.2,
        ..RandomFaults::new(0.15, seed)
    });
    for run in 1..=max_runs {
        // A plan that could not read the server counts as a run, like a failed `prysm plan`.
        let Ok(planned) = make_plan(&client, manifest, &PlanOptions::default()).await else {
            continue;
        };
        if planned.plan.is_empty() {
            emulator.clear_faults();
            return (emulator, run);
        }
        let report = apply(&client, &planned.plan, &ApplyOptions::default(), &Silent).await;
        assert_eq!(report.results.len(), planned.plan.actions.len());
        let twins = duplicates(&emulator);
        assert!(
            twins.is_empty(),
            "{generation:?} seed {seed} run {run}: duplicate albums {twins:?}\n{}",
            report.render()
        );
    }
    panic!("{generation:?} seed {seed}: the plan was not empty after {max_runs} runs");
}

#[tokio::test]
async fn plan_and_apply_converge_on_a_server_failing_15_percent_of_requests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = flaky_manifest(dir.path());
    for generation in GENERATIONS {
        let wanted = reference(generation, &manifest).await;
        for seed in [1, 7, 42, 2026] {
            let (emulator, runs) = converge_under_faults(generation, seed, &manifest, 6).await;
            println!(
                "{generation:?} seed {seed}: the plan was empty at run {runs} ({} applies)",
                runs - 1
            );
            assert_eq!(
                snapshot(&emulator),
                wanted,
                "{generation:?} seed {seed}: the library differs from the fault-free result"
            );
            // Fault-free now: nothing left to do.
            let client = login(&emulator).await;
            let planned = make_plan(&client, &manifest, &PlanOptions::default())
                .await
                .expect("plan");
            assert!(
                planned.plan.is_empty(),
                "{}",
                render_text(&planned.plan, &TextOptions::default())
            );
        }
    }
}
