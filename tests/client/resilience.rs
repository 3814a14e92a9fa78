//! Busy and flaky servers: the batch-edit lock, retries on 5xx and broken connections, album
//! creates whose outcome is unknown, and the answers that must stop a request at once.

use std::time::{Duration, Instant};

use prysm::photoprism::{
    BatchValues, BusyPolicy, Client, ClientOptions, CreateOutcome, Credentials, Error,
    IndexOptions, RetryPolicy, ServerUrl,
};
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};

const EDIT: &str = "POST /api/v1/batch/photos/edit";
const CREATE: &str = "POST /api/v1/albums";

/// Quick retries and quick busy waits, so these tests take milliseconds per retry.
fn options(busy_budget: Duration) -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(20),
        },
        busy: BusyPolicy {
            first_wait: Duration::from_millis(10),
            max_wait: Duration::from_millis(40),
            budget: busy_budget,
        },
        ..ClientOptions::default()
    }
}

async fn emulator(generation: ApiGeneration, per_photo: Duration) -> Emulator {
    Emulator::start(EmulatorOptions {
        batch_edit_per_photo: per_photo,
        ..EmulatorOptions::for_generation(generation)
    })
    .await
    .expect("emulator starts")
}

async fn client(emu: &Emulator, options: ClientOptions) -> Client {
    Client::connect(
        ServerUrl::parse(&emu.url()).expect("url"),
        options,
        &Credentials::password("admin", "photoprism"),
    )
    .await
    .expect("login")
}

fn seed(emu: &Emulator, count: usize) -> Vec<String> {
    emu.seed_photos(
        (0..count)
            .map(|i| PhotoSeed {
                title: format!("Photo {i}"),
                taken_at: "2024-07-01T10:00:00Z".to_owned(),
                ..PhotoSeed::default()
            })
            .collect(),
    )
}

// --- the batch-edit lock ---------------------------------------------------------------------

#[tokio::test]
async fn concurrent_batch_edits_from_one_client_all_succeed_without_meeting_the_lock() {
    let emu = emulator(ApiGeneration::V2025, Duration::from_millis(2)).await;
    let client = client(&emu, options(Duration::from_secs(60))).await;
    let photos = seed(&emu, 700);
    emu.reset_counts();
    let groups: Vec<&[String]> = vec![
        &photos[..120],
        &photos[120..240],
        &photos[240..360],
        &photos[360..700], // one call, one chunk of 340
    ];
    let artists = [
        "Ana Silva",
        "Björk Ó",
        "王小明",
        "O'Brien & \"Co\" 50%_off 🎉",
    ];
    let edits = groups.iter().zip(artists).map(|(uids, artist)| {
        let client = client.clone();
        let uids = uids.to_vec();
        async move {
            client
                .batch_edit(&uids, &BatchValues::new().artist(artist))
                .await
        }
    });
    // A read-only call alongside: it needs no turn.
    let nothing = BatchValues::new();
    let read = client.batch_edit(&photos[..3], &nothing);
    let (results, read) = tokio::join!(futures::future::join_all(edits), read);
    for result in results {
        result.expect("every concurrent batch edit succeeds");
    }
    assert_eq!(read.expect("read-only batch edit").models.len(), 3);
    assert_eq!(
        emu.request_count(EDIT),
        5,
        "one request per chunk plus the read: the edits never met the server's lock"
    );
    for (uids, artist) in groups.iter().zip(artists) {
        for uid in *uids {
            assert_eq!(emu.photo(uid).unwrap().artist, artist);
        }
    }
}

#[tokio::test]
async fn a_batch_edit_waits_while_another_client_holds_the_lock() {
    let emu = emulator(ApiGeneration::V2025, Duration::from_millis(3)).await;
    let web_ui = client(&emu, options(Duration::from_secs(60))).await;
    let prysm = client(&emu, options(Duration::from_secs(60))).await;
    let photos = seed(&emu, 300);
    emu.reset_counts();
    // The other client holds the lock for 300 × 3 ms = 0.9 s.
    let theirs = BatchValues::new().copyright("Theirs");
    let holder = web_ui.batch_edit(&photos, &theirs);
    let waiter = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        prysm
            .batch_edit(&photos[..20], &BatchValues::new().license("CC0"))
            .await
    };
    let (held, waited) = tokio::join!(holder, waiter);
    held.expect("the holder finishes");
    waited.expect("the busy answers were waited out");
    assert!(
        emu.request_count(EDIT) > 2,
        "the second edit was refused at least once ({} requests)",
        emu.request_count(EDIT)
    );
    assert_eq!(emu.photo(&photos[0]).unwrap().license, "CC0");
    assert_eq!(emu.photo(&photos[0]).unwrap().copyright, "Theirs");
}

#[tokio::test]
async fn a_server_that_stays_busy_fails_with_a_clear_error() {
    let emu = emulator(ApiGeneration::V2025, Duration::from_millis(5)).await;
    let web_ui = client(&emu, options(Duration::from_secs(60))).await;
    let prysm = client(&emu, options(Duration::from_millis(300))).await;
    let impatient = client(&emu, options(Duration::ZERO)).await;
    let photos = seed(&emu, 400);
    // The other client holds the lock for 400 × 5 ms = 2 s.
    let theirs = BatchValues::new().subject("Theirs");
    let holder = web_ui.batch_edit(&photos, &theirs);
    let waiter = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        emu.reset_counts();
        let started = Instant::now();
        let error = prysm
            .batch_edit(&photos[..5], &BatchValues::new().subject("Mine"))
            .await
            .expect_err("the lock outlasts the busy budget");
        let elapsed = started.elapsed();
        let requests = emu.request_count(EDIT);
        emu.reset_counts();
        let at_once = impatient
            .batch_edit(&photos[..5], &BatchValues::new().subject("Mine"))
            .await
            .expect_err("no busy budget");
        (error, elapsed, requests, at_once, emu.request_count(EDIT))
    };
    let (held, (error, elapsed, requests, at_once, once)) = tokio::join!(holder, waiter);
    held.expect("the holder finishes");
    assert!(matches!(error, Error::Busy { .. }), "{error:?}");
    assert_eq!(error.status(), Some(429));
    let text = error.to_string();
    assert!(
        text.starts_with("POST /api/v1/batch/photos/edit: the server stayed busy for 0."),
        "{text}"
    );
    assert!(text.ends_with("Busy, please try again later"), "{text}");
    let report = format!("{:?}", miette::Report::new(error));
    assert!(report.contains("another batch edit"), "{report}");
    assert!(
        elapsed >= Duration::from_millis(280) && elapsed < Duration::from_millis(1500),
        "gave up after the 300 ms budget, not before and not much later: {elapsed:?}"
    );
    assert!(requests > 3, "it kept trying ({requests} requests)");
    assert!(matches!(at_once, Error::Busy { .. }), "{at_once:?}");
    assert_eq!(once, 1, "a zero budget gives up at the first busy answer");
    assert!(
        photos
            .iter()
            .all(|uid| emu.photo(uid).unwrap().subject == "Theirs")
    );
}

// --- 5xx and broken connections ----------------------------------------------------------------

#[tokio::test]
async fn reads_and_idempotent_writes_are_retried_on_5xx_and_broken_connections() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = emulator(generation, Duration::ZERO).await;
        let client = client(&emu, options(Duration::from_secs(5))).await;
        let photos = seed(&emu, 3);
        let album = emu.seed_album(AlbumSeed {
            title: "Flaky".to_owned(),
            ..AlbumSeed::default()
        });
        emu.reset_counts();

        emu.fail_next("GET /api/v1/albums", 3, 500);
        client.all_albums(Default::default()).await.expect("read");
        assert_eq!(emu.request_count("GET /api/v1/albums"), 4);

        emu.drop_next("GET /api/v1/photos/:uid", 2);
        client.photo(&photos[0]).await.expect("read");

        // Writes of absolute values are repeated even when the first try acted.
        emu.fail_next_after_acting("PUT /api/v1/albums/:uid", 1, 500);
        let update = prysm::photoprism::AlbumUpdate {
            description: Some("Ünïcödé “quotes” 50%_off".to_owned()),
            ..Default::default()
        };
        client.update_album(&album, &update).await.expect("update");
        assert_eq!(emu.request_count("PUT /api/v1/albums/:uid"), 2);
        assert_eq!(
            emu.album(&album).unwrap().description,
            "Ünïcödé “quotes” 50%_off"
        );

        emu.drop_next_after_acting("POST /api/v1/albums/:uid/photos", 1);
        client
            .add_photos_to_album(&album, &photos)
            .await
            .expect("add");
        emu.fail_next("DELETE /api/v1/albums/:uid/photos", 1, 503);
        client
            .remove_photos_from_album(&album, &photos[..1])
            .await
            .expect("remove");
        let mut members = emu.album_members(&album);
        members.sort();
        let mut wanted = photos[1..].to_vec();
        wanted.sort();
        assert_eq!(members, wanted);

        emu.fail_next_after_acting("POST /api/v1/photos/:uid/like", 1, 500);
        client.like_photo(&photos[1]).await.expect("like");
        emu.fail_next("DELETE /api/v1/albums/:uid/like", 1, 500);
        client.unlike_album(&album).await.expect("unlike");
        emu.fail_next_after_acting("POST /api/v1/batch/photos/archive", 1, 500);
        client.archive_photos(&photos[2..]).await.expect("archive");
        emu.fail_next_after_acting("POST /api/v1/batch/photos/restore", 1, 502);
        client.restore_photos(&photos[2..]).await.expect("restore");
        assert!(emu.photo(&photos[1]).unwrap().favorite);
        assert!(!emu.photo(&photos[2]).unwrap().archived);
    }
}

#[tokio::test]
async fn writes_that_must_not_run_twice_are_not_repeated_after_a_5xx() {
    let emu = emulator(ApiGeneration::V2025, Duration::ZERO).await;
    let client = client(&emu, options(Duration::from_secs(5))).await;
    let album = emu.seed_album(AlbumSeed {
        title: "Once".to_owned(),
        ..AlbumSeed::default()
    });
    emu.reset_counts();
    emu.fail_next("DELETE /api/v1/albums/:uid", 1, 500);
    let error = client.delete_album(&album).await.expect_err("not repeated");
    assert_eq!(error.status(), Some(500));
    assert_eq!(emu.request_count("DELETE /api/v1/albums/:uid"), 1);

    emu.fail_next("POST /api/v1/index", 1, 500);
    let error = client
        .start_index(&IndexOptions::default())
        .await
        .expect_err("not repeated");
    assert_eq!(error.status(), Some(500));
    assert_eq!(emu.request_count("POST /api/v1/index"), 1);

    emu.drop_next("POST /api/v1/batch/albums/delete", 1);
    let error = client
        .delete_albums(std::slice::from_ref(&album))
        .await
        .expect_err("not repeated after the request was sent");
    assert!(
        matches!(error, Error::Transport { connect: false, .. }),
        "{error:?}"
    );
    assert_eq!(emu.request_count("POST /api/v1/batch/albums/delete"), 1);
}

#[tokio::test]
async fn client_errors_stop_at_once() {
    let emu = emulator(ApiGeneration::V2025, Duration::ZERO).await;
    let client = client(&emu, options(Duration::from_secs(5))).await;
    for status in [400u16, 403, 404, 413] {
        emu.reset_counts();
        emu.fail_next("GET /api/v1/albums", 1, status);
        let error = client
            .all_albums(Default::default())
            .await
            .expect_err("a client error");
        assert_eq!(error.status(), Some(status));
        assert!(!error.is_retryable(), "{status}");
        assert_eq!(emu.request_count("GET /api/v1/albums"), 1, "{status}");
    }
    emu.clear_faults();

    // A 401 during the run: the session is renewed once (the client holds the password), then
    // a second 401 stops (see tests/client/hostile.rs for the whole story).
    emu.reset_counts();
    emu.fail_next("GET /api/v1/albums", 2, 401);
    let error = client
        .all_albums(Default::default())
        .await
        .expect_err("a second 401");
    assert_eq!(error.status(), Some(401));
    assert_eq!(emu.request_count("GET /api/v1/albums"), 2);
    assert_eq!(emu.request_count("POST /api/v1/session"), 1);
    emu.clear_faults();

    // A wrong password is never repeated: PhotoPrism rate-limits failed logins.
    emu.reset_counts();
    let error = Client::connect(
        ServerUrl::parse(&emu.url()).unwrap(),
        options(Duration::from_secs(5)),
        &Credentials::password("admin", "wrong password"),
    )
    .await
    .expect_err("wrong password");
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert_eq!(emu.request_count("POST /api/v1/session"), 1);

    // A login that met a 500 is repeated (it is not a failed login).
    emu.reset_counts();
    emu.fail_next("POST /api/v1/session", 2, 500);
    client_with_login(&emu).await;
    assert_eq!(emu.request_count("POST /api/v1/session"), 3);
}

async fn client_with_login(emu: &Emulator) -> Client {
    client(emu, options(Duration::from_secs(5))).await
}

// --- album creates of unknown outcome -----------------------------------------------------------

/// Titles users write: punctuation, quotes, accents, Cyrillic, CJK, emoji, SQL wildcards.
const TITLES: [&str; 6] = [
    "Trip_2024",
    "50% off",
    "Ünïcödé \"quoted\" Москва",
    "東京 🎉",
    "  : Padded & trimmed |",
    "O'Brien's",
];

fn live_with_title(emu: &Emulator, title: &str) -> usize {
    emu.albums()
        .iter()
        .filter(|a| !a.deleted && a.album_type == "album" && a.title == title)
        .count()
}

#[tokio::test]
async fn an_album_create_that_failed_after_acting_is_found_not_repeated() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = emulator(generation, Duration::ZERO).await;
        let client = client(&emu, options(Duration::from_secs(5))).await;
        for (i, title) in TITLES.iter().enumerate() {
            emu.reset_counts();
            if i % 2 == 0 {
                emu.fail_next_after_acting(CREATE, 1, 500);
            } else {
                emu.drop_next_after_acting(CREATE, 1);
            }
            let created = client
                .create_album(title, false)
                .await
                .unwrap_or_else(|e| panic!("{generation:?} {title}: {e}"));
            assert_eq!(
                created.outcome,
                CreateOutcome::Created,
                "{generation:?} {title}"
            );
            assert_eq!(emu.request_count(CREATE), 1, "{generation:?} {title}");
            let stored = prysm::manifest::normalize_album_title(title);
            assert_eq!(created.album.title, stored);
            assert_eq!(live_with_title(&emu, &stored), 1, "{generation:?} {title}");
        }
    }
}

#[tokio::test]
async fn an_album_create_that_failed_before_acting_is_looked_up_then_repeated() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = emulator(generation, Duration::ZERO).await;
        let client = client(&emu, options(Duration::from_secs(5))).await;
        for title in ["Trip_2024", "Summer 🌞 “quoted”"] {
            emu.reset_counts();
            emu.fail_next(CREATE, 2, 500);
            let created = client.create_album(title, true).await.expect("create");
            assert_eq!(emu.request_count(CREATE), 3, "{generation:?} {title}");
            assert_eq!(
                emu.request_count("GET /api/v1/albums"),
                2,
                "looked up before each repeat"
            );
            assert_eq!(created.album.title, title);
            assert_eq!(created.outcome, CreateOutcome::Created);
            assert_eq!(live_with_title(&emu, title), 1);
        }
        // A create that keeps failing gives up with the server's error.
        emu.reset_counts();
        emu.fail_next(CREATE, 100, 500);
        let error = client
            .create_album("Never", false)
            .await
            .expect_err("gives up");
        assert_eq!(error.status(), Some(500));
        assert_eq!(emu.request_count(CREATE), 5, "1 try + 4 retries");
        assert_eq!(live_with_title(&emu, "Never"), 0);
    }
}

#[tokio::test]
async fn a_create_of_unknown_outcome_reports_an_existing_or_restored_album() {
    let run = |generation| async move {
        let emu = emulator(generation, Duration::ZERO).await;
        let client = client(&emu, options(Duration::from_secs(5))).await;
        emu.seed_album(AlbumSeed {
            title: "Kept Trip".to_owned(),
            ..AlbumSeed::default()
        });
        emu.seed_album(AlbumSeed {
            title: "Old Trip".to_owned(),
            deleted: true,
            ..AlbumSeed::default()
        });
        // Timestamps have one-second resolution: let both albums age past the judging window.
        tokio::time::sleep(Duration::from_millis(3200)).await;
        emu.reset_counts();
        emu.fail_next_after_acting(CREATE, 1, 500);
        let kept = client.create_album("Kept Trip", false).await.expect("kept");
        emu.drop_next_after_acting(CREATE, 1);
        let old = client.create_album("Old Trip", false).await.expect("old");
        assert_eq!(emu.request_count(CREATE), 2, "{generation:?}");
        assert_eq!(kept.outcome, CreateOutcome::Existing, "{generation:?}");
        assert_eq!(old.outcome, CreateOutcome::Restored, "{generation:?}");
        assert_eq!(live_with_title(&emu, "Old Trip"), 1);
    };
    tokio::join!(run(ApiGeneration::V2024), run(ApiGeneration::V2025));
}
