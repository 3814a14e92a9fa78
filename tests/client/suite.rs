//! Client operations, each with a success and a failure case. Every body runs against the
//! emulator of both API generations and, when configured, against a real server.

use prysm::photoprism::{
    AlbumQuery, AlbumUpdate, BatchValues, Client, CreateOutcome, Credentials, Error, PhotoQuery,
    PhotoUpdate, TextField, UploadFile,
};

use crate::harness::{Harness, test_options};
use crate::png;

fn uids_of(rows: &[prysm::photoprism::PhotoResult]) -> Vec<String> {
    rows.iter().map(|r| r.uid.clone()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A well-formed UID that names nothing.
pub const MISSING_ALBUM: &str = "aqzzzzzzzzzzzzz1";
/// A well-formed photo UID that names nothing.
pub const MISSING_PHOTO: &str = "pqzzzzzzzzzzzzz1";

pub async fn session_and_redaction(h: &Harness) {
    let session = h.client.session().await.unwrap();
    assert_eq!(session.user.name, h.username);
    assert!(!session.user.uid.is_empty());
    h.client.status().await.unwrap();
    let token = h.client.tokens().unwrap().access;
    assert!(!token.is_empty());
    for shown in [
        format!("{:?}", h.client),
        format!("{session:?}"),
        format!("{:?}", h.client.tokens()),
        format!(
            "{:?}",
            Credentials::password(h.username.clone(), h.password.clone())
        ),
    ] {
        assert!(!shown.contains(token.expose()), "token in {shown}");
        assert!(!shown.contains(&h.password), "password in {shown}");
    }
    // A second, independent session logs out without touching the first.
    let other = Client::connect(
        h.server.clone(),
        test_options(),
        &Credentials::password(h.username.clone(), h.password.clone()),
    )
    .await
    .unwrap();
    let other_token = other.tokens().unwrap().access;
    other.logout().await.unwrap();
    let stale = Client::connect(
        h.server.clone(),
        test_options(),
        &Credentials::Token(other_token),
    )
    .await;
    assert!(
        matches!(stale, Err(Error::Unauthorized { .. })),
        "{stale:?}"
    );
    h.client.status().await.unwrap();
    h.client.session().await.unwrap();
}

pub async fn bad_credentials(h: &Harness) {
    let err = Client::connect(
        h.server.clone(),
        test_options(),
        &Credentials::password(h.username.clone(), "definitely-wrong-password"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("Invalid credentials"), "{err}");
    assert!(!format!("{err:?}").contains("definitely-wrong-password"));
    let report = format!("{:?}", miette::Report::new(err));
    assert!(
        report.contains("check the username and password"),
        "{report}"
    );
}

pub async fn album_lifecycle(h: &Harness) {
    let c = &h.client;
    let title = h.title("Lifecycle");
    let created = c.create_album(&title, false).await.unwrap();
    h.track_album(&created.album.uid);
    assert_eq!(created.outcome, CreateOutcome::Created);
    assert_eq!(created.album.title, title);
    let uid = created.album.uid.clone();

    let again = c.create_album(&title, true).await.unwrap();
    // Pre-2025 servers answer 200 for both; within seconds of the creation the client cannot tell.
    let exact = c.server_info().album_create_201;
    if exact {
        assert_eq!(again.outcome, CreateOutcome::Existing);
    } else {
        assert_ne!(again.outcome, CreateOutcome::Restored);
    }
    assert_eq!(again.album.uid, uid);
    assert!(
        !again.album.favorite,
        "find-or-create does not apply Favorite"
    );

    let update = AlbumUpdate {
        caption: Some("A caption".into()),
        description: Some("A description".into()),
        notes: Some("Notes".into()),
        location: Some("Berlin".into()),
        order: Some("newest".into()),
        private: Some(true),
        ..AlbumUpdate::default()
    };
    let updated = c.update_album(&uid, &update).await.unwrap();
    assert_eq!(updated.caption, "A caption");
    assert_eq!(updated.description, "A description");
    assert_eq!(updated.location, "Berlin");
    assert_eq!(updated.order, "newest");
    assert!(updated.private);
    let read = c.album(&uid).await.unwrap();
    assert_eq!(read.notes, "Notes");
    assert_eq!(read.album_type, "album");

    c.like_album(&uid).await.unwrap();
    assert!(c.album(&uid).await.unwrap().favorite);
    c.unlike_album(&uid).await.unwrap();
    assert!(!c.album(&uid).await.unwrap().favorite);

    let renamed = c
        .update_album(
            &uid,
            &AlbumUpdate {
                title: Some(h.title("Renamed")),
                ..AlbumUpdate::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.title, h.title("Renamed"));

    let all = c.all_albums(AlbumQuery::default()).await.unwrap();
    let found = all.iter().find(|a| a.uid == uid).expect("listed");
    assert_eq!(found.title, h.title("Renamed"));
    assert_eq!(found.album_type, "album");

    let deleted = c.delete_album(&uid).await.unwrap();
    assert!(deleted.is_deleted());
    assert!(matches!(c.album(&uid).await, Err(Error::NotFound { .. })));
    let all = c.all_albums(AlbumQuery::default()).await.unwrap();
    assert!(all.iter().all(|a| a.uid != uid));

    // Timestamps have one-second resolution: let the album age so the restore is told apart
    // from a creation (see `Client::create_album`).
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let restored = c.create_album(&h.title("Renamed"), false).await.unwrap();
    assert_eq!(restored.album.uid, uid);
    assert_eq!(restored.outcome, CreateOutcome::Restored);
    assert_eq!(
        restored.album.caption, "A caption",
        "restored with old properties"
    );
}

pub async fn album_failures(h: &Harness) {
    let c = &h.client;
    assert!(matches!(
        c.album(MISSING_ALBUM).await,
        Err(Error::NotFound { .. })
    ));
    let update = AlbumUpdate {
        notes: Some("x".into()),
        ..AlbumUpdate::default()
    };
    assert!(matches!(
        c.update_album(MISSING_ALBUM, &update).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.delete_album(MISSING_ALBUM).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.like_album(MISSING_ALBUM).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.unlike_album(MISSING_ALBUM).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.create_album("  ", false).await,
        Err(Error::InvalidInput { .. })
    ));
    let empty_title = AlbumUpdate {
        title: Some(String::new()),
        ..AlbumUpdate::default()
    };
    assert!(matches!(
        c.update_album(MISSING_ALBUM, &empty_title).await,
        Err(Error::InvalidInput { .. })
    ));
    let bad = AlbumQuery {
        count: 0,
        ..AlbumQuery::default()
    };
    assert!(matches!(
        c.search_albums(&bad).await,
        Err(Error::InvalidInput { .. })
    ));
    let err = c
        .delete_albums(&[MISSING_ALBUM.to_owned()])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

pub async fn album_paging(h: &Harness) {
    let c = &h.client;
    let mut uids = Vec::new();
    for i in 0..5 {
        let a = c
            .create_album(&h.title(&format!("Page {i}")), false)
            .await
            .unwrap();
        h.track_album(&a.album.uid);
        uids.push(a.album.uid);
    }
    let query = AlbumQuery {
        count: 2,
        q: Some(h.prefix.clone()),
        ..AlbumQuery::default()
    };
    let first = c.search_albums(&query).await.unwrap();
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.limit, 2);
    assert!(first.has_more());
    let listed = c.all_albums(query).await.unwrap();
    let listed: Vec<String> = listed
        .into_iter()
        .map(|a| a.uid)
        .filter(|u| uids.contains(u))
        .collect();
    assert_eq!(sorted(listed), sorted(uids.clone()));
    c.delete_albums(&uids).await.unwrap();
    for uid in &uids {
        assert!(matches!(c.album(uid).await, Err(Error::NotFound { .. })));
    }
}

pub async fn membership(h: &Harness) {
    let c = &h.client;
    let photos = h.photos(3).await;
    let album = c
        .create_album(&h.title("Members"), false)
        .await
        .unwrap()
        .album;
    h.track_album(&album.uid);
    assert!(c.album_photo_uids(&album.uid).await.unwrap().is_empty());

    c.add_photos_to_album(&album.uid, &photos).await.unwrap();
    assert_eq!(
        sorted(c.album_photo_uids(&album.uid).await.unwrap()),
        sorted(photos.clone())
    );
    // Adding again changes nothing.
    c.add_photos_to_album(&album.uid, &photos[..1])
        .await
        .unwrap();
    assert_eq!(c.album_photo_uids(&album.uid).await.unwrap().len(), 3);

    c.remove_photos_from_album(&album.uid, &photos[..1])
        .await
        .unwrap();
    let members = c.album_photo_uids(&album.uid).await.unwrap();
    assert_eq!(sorted(members), sorted(photos[1..].to_vec()));
    let photo = c.photo(&photos[1]).await.unwrap();
    assert!(photo.albums.iter().any(|a| a.uid == album.uid));

    let copy = c.create_album(&h.title("Copy"), false).await.unwrap().album;
    h.track_album(&copy.uid);
    c.clone_album(&copy.uid, std::slice::from_ref(&album.uid))
        .await
        .unwrap();
    assert_eq!(
        sorted(c.album_photo_uids(&copy.uid).await.unwrap()),
        sorted(photos[1..].to_vec())
    );

    let err = c
        .add_photos_to_album(MISSING_ALBUM, &photos)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = c
        .remove_photos_from_album(MISSING_ALBUM, &photos)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = c.album_photo_uids(MISSING_ALBUM).await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(400),
        "an unknown scope is a search error"
    );
    assert!(matches!(
        c.clone_album(MISSING_ALBUM, std::slice::from_ref(&album.uid))
            .await,
        Err(Error::NotFound { .. })
    ));
}

pub async fn photo_search_and_paging(h: &Harness) {
    let c = &h.client;
    let photos = h.photos(5).await;
    let album = c
        .create_album(&h.title("Search"), false)
        .await
        .unwrap()
        .album;
    h.track_album(&album.uid);
    c.add_photos_to_album(&album.uid, &photos).await.unwrap();

    let query = PhotoQuery {
        scope: Some(album.uid.clone()),
        count: 2,
        ..PhotoQuery::default()
    };
    let page = c.search_photos(&query).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.count, 2);
    assert_eq!(page.limit, 2);
    assert!(page.items.iter().all(|p| photos.contains(&p.uid)));
    let all = c.all_photos(query.clone()).await.unwrap();
    assert_eq!(sorted(uids_of(&all)), sorted(photos.clone()));

    let by_uid = c
        .all_photos(PhotoQuery {
            uid: Some(photos[0].clone()),
            ..PhotoQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(uids_of(&by_uid), vec![photos[0].clone()]);

    let bad = PhotoQuery {
        order: Some("no-such-order".into()),
        ..PhotoQuery::default()
    };
    let err = c.search_photos(&bad).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:?}");
    let zero = PhotoQuery {
        count: 0,
        ..PhotoQuery::default()
    };
    assert!(matches!(
        c.search_photos(&zero).await,
        Err(Error::InvalidInput { .. })
    ));
}

pub async fn photo_lookups(h: &Harness) {
    let c = &h.client;
    let uid = h.photos(1).await.remove(0);
    let photo = c.photo(&uid).await.unwrap();
    assert_eq!(photo.uid, uid);
    assert!(photo.id > 0);
    assert_eq!(photo.text_field(), Some(h.text_field()));
    let hash = photo
        .primary_hash()
        .expect("the photo has a file")
        .to_owned();
    let file = c.file_by_hash(&hash).await.unwrap();
    assert_eq!(file.photo_uid, uid);
    assert_eq!(c.photo_by_hash(&hash).await.unwrap().uid, uid);

    assert!(matches!(
        c.photo(MISSING_PHOTO).await,
        Err(Error::NotFound { .. })
    ));
    let unknown = "0".repeat(40);
    assert!(matches!(
        c.file_by_hash(&unknown).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.photo_by_hash(&unknown).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.file_by_hash("nothex").await,
        Err(Error::InvalidInput { .. })
    ));
    let missing = std::env::temp_dir().join("prysm-no-such-file.jpg");
    assert!(matches!(
        c.photo_by_file(&missing).await,
        Err(Error::Io { .. })
    ));
}

pub async fn photo_flags(h: &Harness) {
    let c = &h.client;
    let uid = h.photos(1).await.remove(0);
    c.like_photo(&uid).await.unwrap();
    assert!(c.photo(&uid).await.unwrap().favorite);
    c.unlike_photo(&uid).await.unwrap();
    assert!(!c.photo(&uid).await.unwrap().favorite);

    // Setting twice must not toggle.
    for _ in 0..2 {
        assert!(c.set_private(&uid, true).await.unwrap().private);
    }
    assert!(c.photo(&uid).await.unwrap().private);
    assert!(!c.set_private(&uid, false).await.unwrap().private);

    let approved = c.approve_photo(&uid).await.unwrap();
    assert_eq!(approved.uid, uid);
    c.approve_photos(std::slice::from_ref(&uid)).await.unwrap();

    assert!(matches!(
        c.like_photo(MISSING_PHOTO).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.unlike_photo(MISSING_PHOTO).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.set_private(MISSING_PHOTO, true).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        c.approve_photo(MISSING_PHOTO).await,
        Err(Error::NotFound { .. })
    ));
}

pub async fn photo_update(h: &Harness) {
    let c = &h.client;
    let uid = h.photos(1).await.remove(0);
    let update = PhotoUpdate {
        title: Some("Sunset at the lake".into()),
        caption: Some("Red sky".into()),
        keywords: Some("lake, sunset".into()),
        artist: Some("Ann".into()),
        lat: Some(52.5),
        lng: Some(13.4),
        ..PhotoUpdate::default()
    };
    let updated = c.update_photo(&uid, &update).await.unwrap();
    assert_eq!(updated.title, "Sunset at the lake");
    assert_eq!(updated.title_src, "manual");
    assert_eq!(updated.caption(), "Red sky");
    assert_eq!(updated.caption_source(), "manual");
    assert_eq!(updated.text_field(), Some(h.text_field()));
    let details = updated.details.clone().unwrap();
    assert_eq!(details.artist, "Ann");
    assert!(details.keywords.contains("sunset"), "{}", details.keywords);

    // Changing one detail keeps the others (the complete Details object is sent).
    let read = c.photo(&uid).await.unwrap();
    let second = PhotoUpdate {
        copyright: Some("(c) Ann".into()),
        ..PhotoUpdate::default()
    };
    let updated = c.update_photo_from(&read, &second).await.unwrap();
    let details = updated.details.clone().unwrap();
    assert_eq!(details.copyright, "(c) Ann");
    assert_eq!(details.artist, "Ann");
    assert_eq!(
        updated.title, "Sunset at the lake",
        "title survives a later edit"
    );
    assert_eq!(
        updated.caption(),
        "Red sky",
        "caption survives a later edit"
    );

    let flags = PhotoUpdate {
        favorite: Some(true),
        ..PhotoUpdate::default()
    };
    assert!(c.update_photo(&uid, &flags).await.unwrap().favorite);

    assert!(matches!(
        c.update_photo(MISSING_PHOTO, &update).await,
        Err(Error::NotFound { .. })
    ));
    let empty = PhotoUpdate {
        title: Some(" ".into()),
        ..PhotoUpdate::default()
    };
    assert!(matches!(
        c.update_photo(&uid, &empty).await,
        Err(Error::InvalidInput { .. })
    ));
}

pub async fn archive_restore_delete(h: &Harness) {
    let c = &h.client;
    let photos = h.photos(3).await;
    let album = c
        .create_album(&h.title("Archive"), false)
        .await
        .unwrap()
        .album;
    h.track_album(&album.uid);
    c.add_photos_to_album(&album.uid, &photos).await.unwrap();

    c.archive_photos(&photos[..2]).await.unwrap();
    assert!(c.photo(&photos[0]).await.unwrap().is_archived());
    let archived = c
        .all_photos(PhotoQuery {
            archived: Some(true),
            ..PhotoQuery::default()
        })
        .await
        .unwrap();
    assert!(archived.iter().any(|p| p.uid == photos[0]));
    assert_eq!(
        c.album_photo_uids(&album.uid).await.unwrap(),
        vec![photos[2].clone()]
    );

    c.restore_photos(&photos[..1]).await.unwrap();
    assert!(!c.photo(&photos[0]).await.unwrap().is_archived());
    assert_eq!(
        c.album_photo_uids(&album.uid).await.unwrap(),
        vec![photos[2].clone()],
        "restore does not re-add"
    );

    c.delete_photos(&photos[..1]).await.unwrap();
    assert!(matches!(
        c.photo(&photos[0]).await,
        Err(Error::NotFound { .. })
    ));
    if h.emulator.is_some() {
        // Only in the emulator: a real archive may hold the owner's photos.
        c.clear_archive().await.unwrap();
        assert!(matches!(
            c.photo(&photos[1]).await,
            Err(Error::NotFound { .. })
        ));
    }
    let err = c
        .delete_photos(&[MISSING_PHOTO.to_owned()])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:?}");
}

pub async fn batch_edit(h: &Harness) {
    let c = &h.client;
    let photos = h.photos(2).await;
    let album = c
        .create_album(&h.title("Batch"), false)
        .await
        .unwrap()
        .album;
    h.track_album(&album.uid);
    let values = BatchValues::new()
        .title("Batch title")
        .caption("Batch caption")
        .private(true)
        .add_to_album(album.uid.clone());
    match c.server_info().batch_edit {
        true => {
            let answer = c.batch_edit(&photos, &values).await.unwrap();
            assert_eq!(answer.models.len(), 2);
            let photo = c.photo(&photos[0]).await.unwrap();
            assert_eq!(photo.title, "Batch title");
            assert_eq!(photo.caption(), "Batch caption");
            assert!(photo.private);
            assert_eq!(
                sorted(c.album_photo_uids(&album.uid).await.unwrap()),
                sorted(photos.clone())
            );
            // Setting again does not toggle.
            c.batch_edit(&photos, &BatchValues::new().private(true))
                .await
                .unwrap();
            assert!(c.photo(&photos[1]).await.unwrap().private);
            let read = c.batch_edit(&photos, &BatchValues::new()).await.unwrap();
            assert!(read.values.contains_key("Title"));
        }
        false => {
            let err = c.batch_edit(&photos, &values).await.unwrap_err();
            assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
        }
    }
}

pub async fn upload_and_lookup_by_file(h: &Harness) {
    let c = &h.client;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.png", h.prefix));
    std::fs::write(&path, png::image(256, rand::random())).unwrap();
    let file = UploadFile::from_path(&path).await.unwrap();
    let album = c
        .create_album(&h.title("Uploads"), false)
        .await
        .unwrap()
        .album;
    h.track_album(&album.uid);
    let photos = c
        .upload(&[file], std::slice::from_ref(&album.uid))
        .await
        .unwrap();
    assert_eq!(photos.len(), 1);
    let uid = photos[0].uid.clone();
    h.track_photo(&uid);
    assert_eq!(c.photo_by_file(&path).await.unwrap().uid, uid);
    assert_eq!(c.album_photo_uids(&album.uid).await.unwrap(), vec![uid]);
    let err = UploadFile::from_path(&dir.path().join("missing.png"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }));
}

pub async fn text_field_matches_generation(h: &Harness, expected: TextField) {
    assert_eq!(h.text_field(), expected);
    let uid = h.photos(1).await.remove(0);
    assert_eq!(
        h.client.photo(&uid).await.unwrap().text_field(),
        Some(expected)
    );
}
