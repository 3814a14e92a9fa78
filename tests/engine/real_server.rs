//! Apply against a real PhotoPrism when `PRYSM_TEST_URL`, `PRYSM_TEST_USERNAME`
//! and `PRYSM_TEST_PASSWORD` are set (skipped otherwise). The same scenario
//! also runs against the emulator, so it is exercised on every CI run.
//!
//! The scenario uploads its own generated images and manages only albums whose
//! titles carry a unique `prysm-test-` prefix; it removes all of them (and the
//! uploaded photos) at the end, also when a check fails.

use std::panic::AssertUnwindSafe;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::FutureExt;
use prysm::apply::{ApplyOptions, Silent, apply};
use prysm::photoprism::{
    AlbumQuery, Client, ClientOptions, Credentials, Secret, ServerUrl, UploadFile,
};
use prysm::planner::{PlanOptions, make_plan};
use prysm::render::{TextOptions, render_text};

#[path = "../client/png.rs"]
mod png;

/// What the scenario created, for cleanup.
#[derive(Default)]
struct Created {
    prefix: String,
    photos: Vec<String>,
}

async fn plan_apply_converge(client: &Client, text: &str) {
    let manifest = crate::support::manifest(text);
    let planned = make_plan(client, &manifest, &PlanOptions::default())
        .await
        .expect("plan");
    let report = apply(client, &planned.plan, &ApplyOptions::default(), &Silent).await;
    assert!(report.is_success(), "{}", report.render());
    let again = make_plan(client, &manifest, &PlanOptions::default())
        .await
        .expect("plan");
    assert!(
        again.plan.is_empty(),
        "not converged:\n{}",
        render_text(&again.plan, &TextOptions::default())
    );
}

async fn scenario(client: &Client, created: &mut Created) {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    created.prefix = format!("prysm-test-{}", nanos % 1_000_000_000_000);
    let prefix = created.prefix.clone();
    let files: Vec<UploadFile> = (0..3u64)
        .map(|index| {
            UploadFile::from_bytes(
                format!("{prefix}-{index}.png"),
                png::image(48, (nanos as u64).wrapping_add(index)),
            )
        })
        .collect();
    let photos = client.upload(&files, &[]).await.expect("upload");
    created.photos = photos.iter().map(|photo| photo.uid.clone()).collect();
    assert_eq!(created.photos.len(), 3, "three photos uploaded");
    let [p0, p1, p2] = [&created.photos[0], &created.photos[1], &created.photos[2]];

    // Create two albums, fill them, set album and photo properties.
    let first = format!(
        r#"
version: 1
albums:
  trip:
    title: "{prefix} Trip"
    description: Made by prysm's tests.
    category: testing
    favorite: true
    photos:
      - uid: {p0}
      - uid: {p1}
  scratch:
    title: "{prefix} Scratch"
    photos:
      - uid: {p2}
photos:
  - match: {{ uid: {p0} }}
    title: "{prefix} first photo"
    caption: A generated image.
    favorite: true
    keywords: [prysm, test]
"#
    );
    plan_apply_converge(client, &first).await;

    // Change membership exactly, rename through the uid, delete the scratch album.
    let trip_uid = client
        .all_albums(AlbumQuery::default())
        .await
        .expect("albums")
        .into_iter()
        .find(|album| album.title == format!("{prefix} Trip"))
        .map(|album| album.uid)
        .expect("the trip album exists");
    let second = format!(
        r#"
version: 1
albums:
  trip:
    uid: {trip_uid}
    title: "{prefix} Trip (renamed)"
    favorite: false
    photos:
      - uid: {p1}
      - uid: {p2}
  scratch:
    title: "{prefix} Scratch"
    state: absent
photos:
  - match: {{ uid: {p0} }}
    favorite: false
"#
    );
    plan_apply_converge(client, &second).await;
    let members = client.album_photo_uids(&trip_uid).await.expect("members");
    let mut members = members;
    members.sort();
    let mut expected = vec![p1.clone(), p2.clone()];
    expected.sort();
    assert_eq!(members, expected);
}

async fn cleanup(client: &Client, created: &Created) {
    if !created.prefix.is_empty() {
        if let Ok(albums) = client.all_albums(AlbumQuery::default()).await {
            for album in albums
                .into_iter()
                .filter(|album| album.title.starts_with(&created.prefix))
            {
                let _ = client.purge_album(&album.uid).await;
            }
        }
    }
    if !created.photos.is_empty() {
        let _ = client.archive_photos(&created.photos).await;
        let _ = client.delete_photos(&created.photos).await;
    }
}

async fn run(client: Client) {
    let mut created = Created::default();
    let outcome = AssertUnwindSafe(scenario(&client, &mut created))
        .catch_unwind()
        .await;
    cleanup(&client, &created).await;
    let _ = client.logout().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test]
async fn real_server_apply_scenario() {
    let (Ok(url), Ok(username), Ok(password)) = (
        std::env::var("PRYSM_TEST_URL"),
        std::env::var("PRYSM_TEST_USERNAME"),
        std::env::var("PRYSM_TEST_PASSWORD"),
    ) else {
        eprintln!(
            "note: real-server apply test skipped; set PRYSM_TEST_URL, PRYSM_TEST_USERNAME and PRYSM_TEST_PASSWORD to run it"
        );
        return;
    };
    let client = Client::connect(
        ServerUrl::parse(&url).expect("PRYSM_TEST_URL is a URL"),
        ClientOptions::default(),
        &Credentials::Password {
            username,
            password: Secret::new(password),
        },
    )
    .await
    .expect("login to the real server");
    run(client).await;
}

#[tokio::test]
async fn real_server_apply_scenario_against_the_emulator() {
    for generation in crate::support::GENERATIONS {
        let env = crate::support::env(generation).await;
        run(env.client).await;
        let leftovers: Vec<_> = env
            .emulator
            .albums()
            .into_iter()
            .filter(|album| album.title.starts_with("prysm-test-") && !album.deleted)
            .collect();
        assert!(
            leftovers.is_empty(),
            "{generation:?}: cleanup left {leftovers:?}"
        );
    }
}
