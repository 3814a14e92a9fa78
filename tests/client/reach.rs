//! Labels, album covers, share links, downloads, primary files and approval against the
//! emulator of both generations, following the transcripts in
//! `tests/fixtures/local-server-2026-11-labels-links/`.

use prysm::photoprism::{
    AlbumQuery, AlbumUpdate, Error, HIDDEN_UNCERTAINTY, Method, Photo, Secret, ShareLinkOptions,
    UploadFile,
};
use prysm_emulator::ApiGeneration;

use crate::harness::Harness;
use crate::png;

/// Uploads `n` distinct images and returns the photos.
async fn uploaded(h: &Harness, n: usize) -> Vec<Photo> {
    let files: Vec<UploadFile> = (0..n)
        .map(|i| {
            UploadFile::from_bytes(
                format!("{}-{i}.png", h.prefix),
                png::image(64, i as u64 + 7),
            )
        })
        .collect();
    h.client.upload(&files, &[]).await.expect("upload")
}

fn link_of<'a>(photo: &'a Photo, name: &str) -> Option<&'a prysm::photoprism::PhotoLabel> {
    photo
        .labels
        .iter()
        .find(|l| l.label.as_ref().is_some_and(|label| label.name == name))
}

fn keywords(photo: &Photo) -> String {
    photo
        .details
        .as_ref()
        .map(|d| d.keywords.clone())
        .unwrap_or_default()
}

async fn labels(generation: ApiGeneration) {
    let h = Harness::emulated(generation).await;
    let photo = uploaded(&h, 1).await.remove(0);
    let before = keywords(&photo);

    // `add`: a manual link, certain.
    let photo = h
        .client
        .add_photo_label(&photo.uid, "Ppemu Probe Zebra")
        .await
        .expect("add a label");
    let link = link_of(&photo, "Ppemu Probe Zebra").expect("linked");
    assert_eq!((link.label_src.as_str(), link.uncertainty), ("manual", 0));
    let label_id = link.label_id;
    // 2024 adds a multi-word label's words to the keywords; 2025+ leaves them alone.
    let kw = keywords(&photo);
    match generation {
        ApiGeneration::V2024 => {
            for word in ["ppemu", "probe", "zebra"] {
                assert!(kw.contains(word), "{kw}");
            }
        }
        ApiGeneration::V2025 => assert_eq!(kw, before),
    }

    // `add-again-50`: an existing link keeps the lower uncertainty.
    let photo = h
        .client
        .add_photo_label_with(&photo.uid, "Ppemu Probe Zebra", 50)
        .await
        .unwrap();
    assert_eq!(link_of(&photo, "Ppemu Probe Zebra").unwrap().uncertainty, 0);

    // `put-30`, `put-100`: absolute values; 100 hides the label.
    let photo = h
        .client
        .set_photo_label_uncertainty(&photo.uid, label_id, 30)
        .await
        .unwrap();
    assert_eq!(
        link_of(&photo, "Ppemu Probe Zebra").unwrap().uncertainty,
        30
    );
    let photo = h
        .client
        .set_photo_label_uncertainty(&photo.uid, label_id, HIDDEN_UNCERTAINTY)
        .await
        .unwrap();
    assert_eq!(
        link_of(&photo, "Ppemu Probe Zebra").unwrap().uncertainty,
        100
    );

    // `put-src-image` then `del-image-src`: a classifier label is hidden, not unlinked.
    let body = serde_json::json!({"LabelSrc": "image", "Uncertainty": 40});
    let path = format!("photos/{}/label/{label_id}", photo.uid);
    let answer = h
        .client
        .request(Method::PUT, &path, &[], Some(&body))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let photo = h
        .client
        .remove_photo_label(&photo.uid, label_id)
        .await
        .unwrap();
    let link = link_of(&photo, "Ppemu Probe Zebra").expect("still linked");
    assert_eq!(link.uncertainty, 100);
    let src = match generation {
        ApiGeneration::V2024 => "image",
        ApiGeneration::V2025 => "manual",
    };
    assert_eq!(link.label_src, src);
    // Removing drops every keyword that is part of the label's name.
    let kw = keywords(&photo);
    for word in ["ppemu", "probe", "zebra"] {
        assert!(!kw.contains(word), "{kw}");
    }

    // `put-manual-10`, `del-manual`, `del-again`: manual links are unlinked; a repeat is 404.
    h.client
        .set_photo_label_uncertainty(&photo.uid, label_id, 10)
        .await
        .unwrap();
    let body = serde_json::json!({"LabelSrc": "manual", "Uncertainty": 10});
    h.client
        .request(Method::PUT, &path, &[], Some(&body))
        .await
        .unwrap();
    let photo = h
        .client
        .remove_photo_label(&photo.uid, label_id)
        .await
        .unwrap();
    assert!(link_of(&photo, "Ppemu Probe Zebra").is_none());
    let again = h.client.remove_photo_label(&photo.uid, label_id).await;
    assert!(matches!(again, Err(Error::NotFound { .. })), "{again:?}");
    let abc = h
        .client
        .request(
            Method::DELETE,
            &format!("photos/{}/label/abc", photo.uid),
            &[],
            None,
        )
        .await;
    assert!(matches!(abc, Err(Error::NotFound { .. })), "{abc:?}");

    // `add-blank`: refused by the client; the server answers per generation.
    let blank = h.client.add_photo_label(&photo.uid, "  ").await;
    assert!(
        matches!(blank, Err(Error::InvalidInput { .. })),
        "{blank:?}"
    );
    let raw = h
        .client
        .request(
            Method::POST,
            &format!("photos/{}/label", photo.uid),
            &[],
            Some(&serde_json::json!({"Name": ""})),
        )
        .await;
    match generation {
        ApiGeneration::V2024 => {
            let photo: Photo = raw.unwrap().json().unwrap();
            assert!(link_of(&photo, "Unknown").is_some());
        }
        ApiGeneration::V2025 => match raw {
            Err(Error::Client {
                status: 400,
                message,
                ..
            }) => assert_eq!(message, "Invalid name"),
            other => panic!("{other:?}"),
        },
    }

    // Names users write: punctuation, Cyrillic, CJK, emoji, SQL wildcards.
    for name in ["!!!", "Кот", "猫", "🐱 Cat", "50% _off", "O'Brien"] {
        let photo = h.client.add_photo_label(&photo.uid, name).await.unwrap();
        assert!(
            photo.labels.iter().any(|l| l.uncertainty == 0
                && l.label.as_ref().is_some_and(|x| !x.name.is_empty())),
            "{name}"
        );
    }
    // An unknown photo: 404.
    let missing = h.client.add_photo_label("pqzzzzzzzzzzzzzz", "Cat").await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
    h.cleanup().await;
}

async fn cover(generation: ApiGeneration) {
    let h = Harness::emulated(generation).await;
    let photos = uploaded(&h, 2).await;
    let created = h
        .client
        .create_album(&h.title("Cover ü"), false)
        .await
        .unwrap();
    let album = created.album.uid.clone();
    let uids: Vec<String> = photos.iter().map(|p| p.uid.clone()).collect();
    h.client.add_photos_to_album(&album, &uids).await.unwrap();
    let hash_of = |p: &Photo| {
        p.files
            .iter()
            .find(|f| f.primary)
            .map(|f| f.hash.clone())
            .unwrap()
    };
    // Automatic cover: the member with the highest ID (the one uploaded last).
    let newest = photos.iter().max_by_key(|p| p.id).unwrap();
    let oldest = photos.iter().min_by_key(|p| p.id).unwrap();
    // 2024 answers a GET right after adding photos from its album cache, without the cover
    // (real-cover-24.txt); the search shows it on both.
    let got = h.client.album(&album).await.unwrap();
    let expected = match generation {
        ApiGeneration::V2024 => String::new(),
        _ => hash_of(newest),
    };
    assert_eq!(got.thumb, expected);
    assert_eq!(got.thumb_src, "");
    let rows = h.client.all_albums(AlbumQuery::default()).await.unwrap();
    let row = rows.iter().find(|a| a.uid == album).unwrap();
    assert_eq!(row.thumb, hash_of(newest));

    // `put cover`, `put title keeps cover`.
    let set = h
        .client
        .set_album_cover(&album, &hash_of(oldest))
        .await
        .unwrap();
    assert_eq!(
        (set.thumb.as_str(), set.thumb_src.as_str()),
        (hash_of(oldest).as_str(), "manual")
    );
    let update = AlbumUpdate {
        title: Some(h.title("Renamed")),
        ..AlbumUpdate::default()
    };
    h.client.update_album(&album, &update).await.unwrap();
    let got = h.client.album(&album).await.unwrap();
    assert_eq!(
        (got.thumb.as_str(), got.thumb_src.as_str()),
        (hash_of(oldest).as_str(), "manual")
    );
    let rows = h.client.all_albums(AlbumQuery::default()).await.unwrap();
    let row = rows.iter().find(|a| a.uid == album).unwrap();
    assert_eq!(row.thumb, hash_of(oldest));

    // The server takes any string; the client checks for a SHA-1.
    let bogus = h.client.set_album_cover(&album, "not-a-hash").await;
    assert!(
        matches!(bogus, Err(Error::InvalidInput { .. })),
        "{bogus:?}"
    );

    // `put reset`, then `get`: automatic again.
    let reset = h.client.reset_album_cover(&album).await.unwrap();
    assert_eq!(reset.thumb_src, "");
    let got = h.client.album(&album).await.unwrap();
    assert_eq!(got.thumb, hash_of(newest));
    h.cleanup().await;
}

async fn links(generation: ApiGeneration) {
    let h = Harness::emulated(generation).await;
    let created = h
        .client
        .create_album(&h.title("Links"), false)
        .await
        .unwrap();
    let album = created.album.uid.clone();
    assert!(h.client.album_links(&album).await.unwrap().is_empty());
    let empty = h
        .client
        .create_album_link(&album, &ShareLinkOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (empty.slug.as_str(), empty.expires, empty.max_views),
        ("", 0, 0)
    );
    assert!(!empty.token.is_empty());
    assert!(
        !format!("{empty:?}").contains(&empty.token),
        "Debug shows the token"
    );
    let full = h
        .client
        .create_album_link(
            &album,
            &ShareLinkOptions {
                slug: Some("My Link Über".into()),
                expires: 3600,
                max_views: 5,
                password: Some(Secret::new("s3cret")),
                ..ShareLinkOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(full.slug, "my-link-uber");
    assert!(full.verify_password);
    let listed = h.client.album_links(&album).await.unwrap();
    assert_eq!(listed.len(), 2);
    let rows = h.client.all_albums(AlbumQuery::default()).await.unwrap();
    assert_eq!(rows.iter().find(|a| a.uid == album).unwrap().link_count, 2);

    // `put`, then `put-empty`: fields not sent are cleared, the token stays.
    let put = h
        .client
        .update_album_link(
            &album,
            &empty.uid,
            &ShareLinkOptions {
                slug: Some("new-slug".into()),
                token: Some("customtok".into()),
                expires: 60,
                max_views: 2,
                ..ShareLinkOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            put.slug.as_str(),
            put.token.as_str(),
            put.expires,
            put.max_views
        ),
        ("new-slug", "customtok", 60, 2)
    );
    let cleared = h
        .client
        .update_album_link(&album, &empty.uid, &ShareLinkOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (
            cleared.slug.as_str(),
            cleared.token.as_str(),
            cleared.expires,
            cleared.max_views
        ),
        ("", "customtok", 0, 0)
    );
    // `put-negexp` accepted, `put-negmax` rejected.
    let negative = ShareLinkOptions {
        expires: -5,
        ..ShareLinkOptions::default()
    };
    assert_eq!(
        h.client
            .update_album_link(&album, &empty.uid, &negative)
            .await
            .unwrap()
            .expires,
        -5
    );
    let negmax = ShareLinkOptions {
        max_views: -1,
        ..ShareLinkOptions::default()
    };
    let refused = h
        .client
        .update_album_link(&album, &empty.uid, &negmax)
        .await;
    assert!(
        matches!(refused, Err(Error::Client { status: 400, .. })),
        "{refused:?}"
    );
    // `put-unknown-link`: 500, empty body.
    let unknown = h.client.delete_album_link(&album, "stzzzzzzzzzzzzzz").await;
    assert!(
        matches!(unknown, Err(Error::Server { status: 500, .. })),
        "{unknown:?}"
    );
    // `del1`, `del1-again`, `get-end`.
    h.client
        .delete_album_link(&album, &empty.uid)
        .await
        .unwrap();
    let again = h.client.delete_album_link(&album, &empty.uid).await;
    assert!(
        matches!(again, Err(Error::Server { status: 500, .. })),
        "{again:?}"
    );
    h.client.delete_album_link(&album, &full.uid).await.unwrap();
    assert!(h.client.album_links(&album).await.unwrap().is_empty());
    // `links-of-deleted-album`: 404.
    h.client.delete_album(&album).await.unwrap();
    let gone = h.client.album_links(&album).await;
    assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");
    h.cleanup().await;
}

async fn downloads_and_primary(generation: ApiGeneration) {
    let h = Harness::emulated(generation).await;
    let photos = uploaded(&h, 2).await;
    let photo = &photos[0];
    let file = photo.files.iter().find(|f| f.primary).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("Фото 1 ü.png");
    let got = h.client.download_file(&file.hash, &dest).await.unwrap();
    let bytes = std::fs::read(&dest).unwrap();
    assert_eq!(got.bytes, bytes.len() as u64);
    use sha1::Digest;
    assert_eq!(hex::encode(sha1::Sha1::digest(&bytes)), file.hash);
    assert!(!dir.path().join("Фото 1 ü.png.part").exists());

    // Unknown hash: 404, nothing written.
    let other = dir.path().join("missing.png");
    let missing = h.client.download_file(&"0".repeat(40), &other).await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
    assert!(!other.exists());

    // A bad token: 403 with an SVG body; a single range: 206.
    let http = reqwest::Client::new();
    let url = h.client.api_url(&format!("dl/{}", file.hash));
    let bad = http
        .get(url.clone())
        .query(&[("t", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 403);
    assert!(
        bad.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("svg")
    );
    let token = h.client.tokens().unwrap().download;
    let part = http
        .get(url)
        .query(&[("t", token.expose())])
        .header("Range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[..10]);

    // Primary file: own file fine; a foreign file is refused by the client, and the server
    // (raw) leaves the photo without a primary file.
    let own = h
        .client
        .set_primary_file(&photo.uid, &file.uid)
        .await
        .unwrap();
    assert!(own.files.iter().any(|f| f.uid == file.uid && f.primary));
    let foreign = &photos[1].files[0].uid;
    let refused = h.client.set_primary_file(&photo.uid, foreign).await;
    assert!(
        matches!(refused, Err(Error::InvalidInput { .. })),
        "{refused:?}"
    );
    let raw = h
        .client
        .request(
            Method::POST,
            &format!("photos/{}/files/{foreign}/primary", photo.uid),
            &[],
            None,
        )
        .await
        .unwrap();
    let after: Photo = raw.json().unwrap();
    assert!(after.files.iter().all(|f| !f.primary));
    let untouched = h.client.photo(&photos[1].uid).await.unwrap();
    assert!(untouched.files[0].primary);
    let restored = h
        .client
        .set_primary_file(&photo.uid, &file.uid)
        .await
        .unwrap();
    assert!(restored.files.iter().any(|f| f.primary));
    h.cleanup().await;
}

/// `POST /batch/labels/delete`: the labels go from every photo (also a second photo's link
/// and a label with accents and a digit), a label the request does not name stays, an unknown
/// UID is ignored, a repeat is fine, and adding the name again brings the label back.
/// The link of the label called `name` (PhotoPrism title-cases names, so case is ignored).
fn link_named<'a>(photo: &'a Photo, name: &str) -> Option<&'a prysm::photoprism::PhotoLabel> {
    photo.labels.iter().find(|l| {
        l.label
            .as_ref()
            .is_some_and(|label| label.name.to_lowercase() == name.to_lowercase())
    })
}

async fn delete_labels(generation: ApiGeneration) {
    let h = Harness::emulated(generation).await;
    let photos = uploaded(&h, 2).await;
    let (first, second) = (&photos[0].uid, &photos[1].uid);
    let doomed = format!("{} Café Nº 7", h.prefix);
    let kept = format!("{} Kept", h.prefix);
    h.client.add_photo_label(first, &doomed).await.unwrap();
    h.client.add_photo_label(first, &kept).await.unwrap();
    let photo = h.client.add_photo_label(second, &doomed).await.unwrap();
    let link = link_named(&photo, &doomed).expect("linked");
    let uid = link.label.as_ref().map(|l| l.uid.clone()).expect("label");
    let label_id = link.label_id;

    h.client
        .delete_labels(&[uid.clone(), "lzzzzzzzzzzzzzzz".to_owned()])
        .await
        .expect("delete labels");
    for photo_uid in [first, second] {
        let photo = h.client.photo(photo_uid).await.unwrap();
        assert!(link_named(&photo, &doomed).is_none(), "{:?}", photo.labels);
    }
    let photo = h.client.photo(first).await.unwrap();
    assert!(link_named(&photo, &kept).is_some(), "{:?}", photo.labels);
    let views = h.emulator.as_ref().unwrap().labels();
    let view = views.iter().find(|l| l.uid == uid).expect("label kept");
    assert!(view.deleted, "{view:?}");
    assert!(
        views
            .iter()
            .any(|l| l.name.eq_ignore_ascii_case(&kept) && !l.deleted)
    );
    // Safe to repeat: deleted and unknown labels are ignored.
    h.client
        .delete_labels(std::slice::from_ref(&uid))
        .await
        .unwrap();
    // Nothing is sent for an empty list; a blank UID is refused before sending.
    h.client.delete_labels(&[]).await.unwrap();
    let blank = h.client.delete_labels(&[" ".to_owned()]).await;
    assert!(
        matches!(blank, Err(Error::InvalidInput { .. })),
        "{blank:?}"
    );
    // An empty selection sent anyway is 400 "No labels selected".
    let body = serde_json::json!({"labels": []});
    let empty = h
        .client
        .request(Method::POST, "batch/labels/delete", &[], Some(&body))
        .await;
    assert_eq!(
        empty.as_ref().err().and_then(Error::status),
        Some(400),
        "{empty:?}"
    );

    // Adding the name again restores the label (same UID, same numeric id).
    let photo = h.client.add_photo_label(first, &doomed).await.unwrap();
    let link = link_named(&photo, &doomed).expect("linked again");
    assert_eq!(link.label_id, label_id);
    assert_eq!(
        link.label.as_ref().map(|l| l.uid.as_str()),
        Some(uid.as_str())
    );
    let views = h.emulator.as_ref().unwrap().labels();
    assert!(views.iter().any(|l| l.uid == uid && !l.deleted));
    h.cleanup().await;
}

macro_rules! both {
    ($($name:ident),*) => {
        mod v2024 { $( #[tokio::test] async fn $name() { super::$name(prysm_emulator::ApiGeneration::V2024).await } )* }
        mod v2025 { $( #[tokio::test] async fn $name() { super::$name(prysm_emulator::ApiGeneration::V2025).await } )* }
    };
}

both!(labels, cover, links, downloads_and_primary, delete_labels);
