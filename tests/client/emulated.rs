//! The shared suite against the emulator, once per API generation, plus fault-injection tests.

use prysm::photoprism::{
    Client, ClientOptions, Credentials, Error, PhotoQuery, RetryPolicy, ServerUrl, TextField,
};
use prysm_emulator::ApiGeneration;

use crate::harness::{Harness, test_options};
use crate::suite;

/// Runs each suite body against a fresh emulator of each generation.
macro_rules! for_both_generations {
    ($($body:ident),* $(,)?) => {
        mod v2024 {
            $(
                #[tokio::test]
                async fn $body() {
                    let h = crate::harness::Harness::emulated(prysm_emulator::ApiGeneration::V2024).await;
                    crate::suite::$body(&h).await;
                    h.cleanup().await;
                }
            )*
        }
        mod v2025 {
            $(
                #[tokio::test]
                async fn $body() {
                    let h = crate::harness::Harness::emulated(prysm_emulator::ApiGeneration::V2025).await;
                    crate::suite::$body(&h).await;
                    h.cleanup().await;
                }
            )*
        }
    };
}

for_both_generations!(
    session_and_redaction,
    bad_credentials,
    album_lifecycle,
    album_failures,
    album_paging,
    membership,
    photo_search_and_paging,
    photo_lookups,
    photo_flags,
    photo_update,
    archive_restore_delete,
    batch_edit,
    upload_and_lookup_by_file,
);

#[tokio::test]
async fn generations_are_detected() {
    for (generation, field, batch) in [
        (ApiGeneration::V2024, TextField::Description, false),
        (ApiGeneration::V2025, TextField::Caption, true),
    ] {
        let h = Harness::emulated(generation).await;
        assert_eq!(h.client.server_info().batch_edit, batch, "{generation:?}");
        suite::text_field_matches_generation(&h, field).await;
    }
}

#[tokio::test]
async fn transient_failures_are_retried() {
    for generation in crate::harness::GENERATIONS {
        let h = Harness::emulated(generation).await;
        let emu = h.emu();
        h.photos(2).await;
        emu.reset_counts();
        emu.fail_next("GET /api/v1/photos", 2, 503);
        let page = h
            .client
            .search_photos(&PhotoQuery::default())
            .await
            .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(emu.request_count("GET /api/v1/photos"), 3);

        emu.rate_limit_next("GET /api/v1/albums", 1, 0);
        h.client.search_albums(&Default::default()).await.unwrap();

        emu.drop_next("GET /api/v1/photos/:uid", 1);
        let uid = page.items[0].uid.clone();
        h.client.photo(&uid).await.unwrap();

        emu.fail_next("POST /api/v1/photos/:uid/like", 1, 502);
        h.client.like_photo(&uid).await.unwrap();
        assert!(h.client.photo(&uid).await.unwrap().favorite);
    }
}

#[tokio::test]
async fn persistent_failures_give_up_with_a_clear_error() {
    let h = Harness::emulated(ApiGeneration::V2025).await;
    let emu = h.emu();
    emu.reset_counts();
    emu.fail_next("GET /api/v1/albums", 100, 503);
    let err = h
        .client
        .search_albums(&Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("GET /api/v1/albums: server error (503)"),
        "{err}"
    );
    assert_eq!(
        emu.request_count("GET /api/v1/albums"),
        5,
        "1 try + 4 retries"
    );
    emu.clear_faults();

    // Unsafe requests are not repeated after a server error.
    let photos = h.photos(1).await;
    emu.reset_counts();
    emu.fail_next("POST /api/v1/batch/photos/delete", 1, 503);
    let err = h.client.delete_photos(&photos).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(emu.request_count("POST /api/v1/batch/photos/delete"), 1);

    // Dropped connections on a safe request exhaust the retries too.
    emu.drop_next("GET /api/v1/status", 100);
    let err = h.client.status().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    emu.clear_faults();
    h.client.status().await.unwrap();
}

#[tokio::test]
async fn no_retries_when_disabled() {
    let h = Harness::emulated(ApiGeneration::V2025).await;
    let options = ClientOptions {
        retry: RetryPolicy::none(),
        ..test_options()
    };
    let client = Client::connect(
        h.server.clone(),
        options,
        &Credentials::password(h.username.clone(), h.password.clone()),
    )
    .await
    .unwrap();
    h.emu().reset_counts();
    h.emu().fail_next("GET /api/v1/status", 1, 503);
    assert_eq!(client.status().await.unwrap_err().status(), Some(503));
    assert_eq!(h.emu().request_count("GET /api/v1/status"), 1);
}

#[tokio::test]
async fn client_credentials_login_and_logout() {
    let h = Harness::emulated(ApiGeneration::V2025).await;
    h.emu()
        .add_client("cs5cpu17n6gj2qo5", "0123456789abcdefghijklmnopqrstuv", true);
    let credentials = Credentials::client("cs5cpu17n6gj2qo5", "0123456789abcdefghijklmnopqrstuv");
    let client = Client::connect(h.server.clone(), test_options(), &credentials)
        .await
        .unwrap();
    client.status().await.unwrap();
    let created = client
        .create_album(&h.title("By client"), false)
        .await
        .unwrap();
    assert!(!created.album.uid.is_empty());
    let token = client.tokens().map(|t| t.access);
    client.logout().await.unwrap();
    assert!(!client.is_logged_in());
    if let Some(token) = token {
        let stale =
            Client::connect(h.server.clone(), test_options(), &Credentials::Token(token)).await;
        assert!(
            matches!(stale, Err(Error::Unauthorized { .. })),
            "revoked: {stale:?}"
        );
    }
    let wrong = Credentials::client("cs5cpu17n6gj2qo5", "wrongwrongwrongwrongwrongwrong12");
    let err = Client::connect(h.server.clone(), test_options(), &wrong)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("wrongwrong"));
}

#[tokio::test]
async fn app_passwords_can_be_created_used_and_revoked() {
    let h = Harness::emulated(ApiGeneration::V2025).await;
    let app = h
        .client
        .create_app_password("prysm-test", &h.password.clone().into(), "*")
        .await
        .unwrap();
    assert!(!format!("{app:?}").contains(app.access_token.expose()));
    let client = Client::connect(
        h.server.clone(),
        test_options(),
        &Credentials::Token(app.access_token.clone()),
    )
    .await
    .unwrap();
    client.status().await.unwrap();
    client.all_albums(Default::default()).await.unwrap();
    h.client.revoke(&app.access_token).await.unwrap();
    let err = client.all_albums(Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");

    let err = h
        .client
        .create_app_password("prysm-test", &"wrong-password".into(), "*")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn scoped_session_helper_logs_out() {
    let h = Harness::emulated(ApiGeneration::V2024).await;
    let credentials = Credentials::password(h.username.clone(), h.password.clone());
    let token = Client::with_session(h.server.clone(), test_options(), &credentials, async |c| {
        c.status().await?;
        Ok(c.tokens().map(|t| t.access))
    })
    .await
    .unwrap()
    .unwrap();
    let stale = Client::connect(h.server.clone(), test_options(), &Credentials::Token(token)).await;
    assert!(
        matches!(stale, Err(Error::Unauthorized { .. })),
        "{stale:?}"
    );
    let server = ServerUrl::parse(&h.emu().url()).unwrap();
    let err = Client::with_session(server, test_options(), &credentials, async |c| {
        c.album(suite::MISSING_ALBUM).await
    })
    .await
    .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
}

#[tokio::test]
async fn writes_land_in_server_state() {
    for generation in crate::harness::GENERATIONS {
        let h = Harness::emulated(generation).await;
        let uid = h.photos(1).await.remove(0);
        let update = prysm::photoprism::PhotoUpdate {
            title: Some("Kept title".into()),
            caption: Some("Kept caption".into()),
            subject: Some("Lake".into()),
            ..Default::default()
        };
        h.client.update_photo(&uid, &update).await.unwrap();
        h.client.set_private(&uid, true).await.unwrap();
        h.client.set_private(&uid, true).await.unwrap();
        let view = h.emu().photo(&uid).unwrap();
        assert_eq!(view.title, "Kept title", "{generation:?}");
        assert_eq!(view.title_src, "manual", "{generation:?}");
        assert_eq!(view.caption, "Kept caption", "{generation:?}");
        assert_eq!(view.caption_src, "manual", "{generation:?}");
        assert_eq!(view.details.subject, "Lake", "{generation:?}");
        assert_eq!(view.details.subject_src, "manual", "{generation:?}");
        assert!(view.private, "{generation:?}: set twice must not toggle");

        let album = h
            .client
            .create_album(&h.title("State"), false)
            .await
            .unwrap()
            .album;
        h.client
            .add_photos_to_album(&album.uid, std::slice::from_ref(&uid))
            .await
            .unwrap();
        assert_eq!(h.emu().album_members(&album.uid), vec![uid.clone()]);
        h.client.delete_album(&album.uid).await.unwrap();
        assert!(h.emu().album(&album.uid).unwrap().deleted, "{generation:?}");
    }
}

#[tokio::test]
async fn import_and_index_jobs() {
    for generation in crate::harness::GENERATIONS {
        let h = Harness::emulated(generation).await;
        let bytes = crate::png::image(32, 99);
        let hash = prysm::photoprism::UploadFile::from_bytes("x.png", bytes.clone()).sha1();
        let album = h
            .client
            .create_album(&h.title("Imported"), false)
            .await
            .unwrap()
            .album;
        h.emu()
            .stage_import("trip/2024", vec![("beach.png".to_owned(), bytes)]);
        let options = prysm::photoprism::ImportOptions {
            path: "trip/2024".into(),
            move_files: true,
            albums: vec![album.uid.clone()],
        };
        let message = h.client.start_import(&options).await.unwrap();
        assert!(!message.is_empty(), "{generation:?}");
        let photo = h.client.photo_by_hash(&hash).await.unwrap();
        assert_eq!(
            h.client.album_photo_uids(&album.uid).await.unwrap(),
            vec![photo.uid]
        );
        h.client.cancel_import().await.unwrap();

        let message = h.client.start_index(&Default::default()).await.unwrap();
        assert!(!message.is_empty(), "{generation:?}");
        h.client.cancel_index().await.unwrap();

        let anonymous = Client::new(h.server.clone(), test_options()).unwrap();
        let err = anonymous
            .start_index(&Default::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
        let err = anonymous.start_import(&options).await.unwrap_err();
        assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn taken_at_is_sent_as_local_time_in_the_photos_zone() {
    use prysm::photoprism::{PhotoUpdate, Timestamp};
    use prysm_emulator::PhotoSeed;

    for generation in crate::harness::GENERATIONS {
        let h = Harness::emulated(generation).await;
        let taken_at = Timestamp::parse("2024-07-12T19:44:00Z").unwrap();

        // The zone comes with the update.
        let uid = h.photos(1).await.remove(0);
        let update = PhotoUpdate {
            taken_at: Some(taken_at),
            time_zone: Some("Europe/Lisbon".into()),
            ..PhotoUpdate::default()
        };
        h.client.update_photo(&uid, &update).await.unwrap();
        let photo = h.client.photo(&uid).await.unwrap();
        assert_eq!(photo.taken_at, "2024-07-12T19:44:00Z", "{generation:?}");
        assert_eq!(
            photo.taken_at_local, "2024-07-12T20:44:00Z",
            "{generation:?}"
        );
        assert_eq!(photo.time_zone, "Europe/Lisbon", "{generation:?}");
        assert_eq!(photo.taken_src, "manual", "{generation:?}");

        // The zone is the photo's own.
        let uid = h.emu().seed_photo(PhotoSeed {
            title: "New York".into(),
            taken_at: "2020-01-01T12:00:00Z".into(),
            time_zone: "America/New_York".into(),
            ..PhotoSeed::default()
        });
        let update = PhotoUpdate {
            taken_at: Some(taken_at),
            ..PhotoUpdate::default()
        };
        h.client.update_photo(&uid, &update).await.unwrap();
        let photo = h.client.photo(&uid).await.unwrap();
        assert_eq!(photo.taken_at, "2024-07-12T19:44:00Z", "{generation:?}");
        assert_eq!(
            photo.taken_at_local, "2024-07-12T15:44:00Z",
            "{generation:?}"
        );
        assert_eq!(photo.time_zone, "America/New_York", "{generation:?}");
        let view = h.emu().photo(&uid).unwrap();
        assert_eq!(
            (view.year, view.month, view.day),
            (2024, 7, 12),
            "{generation:?}"
        );

        // A new zone alone keeps the moment and moves the local time.
        let update = PhotoUpdate {
            time_zone: Some("Asia/Tokyo".into()),
            ..PhotoUpdate::default()
        };
        h.client.update_photo(&uid, &update).await.unwrap();
        let photo = h.client.photo(&uid).await.unwrap();
        assert_eq!(photo.taken_at, "2024-07-12T19:44:00Z", "{generation:?}");
        assert_eq!(
            photo.taken_at_local, "2024-07-13T04:44:00Z",
            "{generation:?}"
        );
        assert_eq!(photo.time_zone, "Asia/Tokyo", "{generation:?}");
        h.cleanup().await;
    }
}
