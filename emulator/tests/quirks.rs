//! Behaviour tests of the quirks a reconciler depends on, fault injection, counters and scale.

use std::time::{Duration, Instant};

use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A logged-in HTTP client for one emulator.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// Status, headers and JSON body (`Null` when the body is not JSON).
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Api {
    async fn login(emu: &Emulator) -> Api {
        let http = reqwest::Client::new();
        let base = emu.url();
        let res: Value = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": "admin", "password": "photoprism"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = res["access_token"].as_str().unwrap().to_owned();
        Api { http, base, token }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        Answer {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str, body: Option<Value>) -> Answer {
        self.call(Method::DELETE, path, body).await
    }

    async fn uids(&self, path: &str) -> Vec<String> {
        let answer = self.get(path).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        answer
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["UID"].as_str().unwrap().to_owned())
            .collect()
    }
}

async fn start(generation: ApiGeneration) -> Emulator {
    Emulator::start(EmulatorOptions::for_generation(generation))
        .await
        .unwrap()
}

fn photo(title: &str, taken_at: &str) -> PhotoSeed {
    PhotoSeed {
        title: title.into(),
        taken_at: taken_at.into(),
        ..PhotoSeed::default()
    }
}

#[tokio::test]
async fn album_create_finds_restores_or_creates_per_generation() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let p = emu.seed_photo(photo("One", "2024-01-01"));
        let created = api
            .post("/api/v1/albums", json!({"Title": "Trips 2024"}))
            .await;
        let uid = created.body["UID"].as_str().unwrap().to_owned();
        match generation {
            ApiGeneration::V2024 => {
                assert_eq!(created.status, 200);
                assert_eq!(created.header("location"), "");
            }
            ApiGeneration::V2025 => {
                assert_eq!(created.status, 201);
                assert_eq!(created.header("location"), format!("/api/v1/albums/{uid}"));
            }
        }
        assert_eq!(created.body["Order"], "oldest");
        assert_eq!(created.body["Country"], "zz");
        // Same slug, different case and punctuation: the existing album, unchanged.
        let found = api
            .post(
                "/api/v1/albums",
                json!({"Title": "trips: 2024!", "Favorite": true}),
            )
            .await;
        assert_eq!(found.status, 200);
        assert_eq!(found.body["UID"], json!(uid));
        assert_eq!(found.body["Favorite"], json!(false));
        // Delete keeps the rows; re-creating restores album and members.
        api.post(
            &format!("/api/v1/albums/{uid}/photos"),
            json!({"photos": [p]}),
        )
        .await;
        let deleted = api.delete(&format!("/api/v1/albums/{uid}"), None).await;
        assert!(deleted.body["DeletedAt"].is_string());
        assert_eq!(api.get(&format!("/api/v1/albums/{uid}")).await.status, 404);
        let scope = api.get(&format!("/api/v1/photos?count=10&s={uid}")).await;
        assert_eq!(scope.status, 400);
        assert!(emu.album(&uid).unwrap().deleted);
        let restored = api
            .post("/api/v1/albums", json!({"Title": "Trips 2024"}))
            .await;
        assert_eq!(restored.status, 200);
        assert_eq!(restored.body["UID"], json!(uid));
        assert!(restored.body["DeletedAt"].is_null());
        assert_eq!(
            api.uids(&format!("/api/v1/photos?count=10&s={uid}")).await,
            vec![p.clone()]
        );
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn force_delete_purges_only_on_2025_servers() {
    for (generation, purged) in [(ApiGeneration::V2024, false), (ApiGeneration::V2025, true)] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let uid = emu.seed_album(AlbumSeed {
            title: "Purge Me".into(),
            ..AlbumSeed::default()
        });
        let answer = api
            .delete(&format!("/api/v1/albums/{uid}?force=true"), None)
            .await;
        assert_eq!(answer.status, 200);
        assert_eq!(emu.album(&uid).is_none(), purged, "{generation:?}");
        let again = api
            .post("/api/v1/albums", json!({"Title": "Purge Me"}))
            .await;
        assert_eq!(again.body["UID"] != json!(uid), purged);
    }
}

#[tokio::test]
async fn membership_rows_hide_instead_of_deleting() {
    let emu = start(ApiGeneration::V2024).await;
    let api = Api::login(&emu).await;
    let uids = emu.seed_photos(vec![
        photo("A", "2024-01-01"),
        photo("B", "2024-01-02"),
        photo("C", "2024-01-03"),
    ]);
    let album = emu.seed_album(AlbumSeed {
        title: "Hidden Rows".into(),
        ..AlbumSeed::default()
    });
    let path = format!("/api/v1/albums/{album}/photos");
    let added = api.post(&path, json!({"photos": [uids[0], uids[1]]})).await;
    assert_eq!(added.body["added"].as_array().unwrap().len(), 2);
    // Already a member: still echoed as added.
    let again = api.post(&path, json!({"photos": [uids[0]]})).await;
    assert_eq!(again.body["added"].as_array().unwrap().len(), 1);
    // Removing a non-member and an unknown but valid UID creates hidden rows; junk is skipped.
    let unknown = format!("{}zzzzzzzzz", &uids[2][..7]);
    let removed = api
        .delete(
            &path,
            Some(json!({"photos": [uids[2], unknown, "not-a-uid"]})),
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(removed.body["photos"].as_array().unwrap().len(), 3);
    let rows = removed.body["removed"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["Hidden"] == json!(true)));
    let empty = api.delete(&path, Some(json!({"photos": []}))).await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.body["error"], "No items selected");
    let listed = api
        .get(&format!("/api/v1/albums?count=10&type=album&uid={album}"))
        .await;
    assert_eq!(listed.body[0]["PhotoCount"], json!(2));
    assert_eq!(listed.body[0]["DeletedAt"], "0001-01-01T00:00:00Z");
    assert!(listed.body[0].get("ID").is_none());
    let mut members = vec![uids[0].clone(), uids[1].clone()];
    members.sort();
    assert_eq!(emu.album_members(&album), members);
    let unknown_album = api
        .post(
            "/api/v1/albums/azzzzzzzzzzzzzzz/photos",
            json!({"photos": [uids[0]]}),
        )
        .await;
    assert_eq!(unknown_album.status, 404);
    assert_eq!(unknown_album.body["error"], "Album not found");
}

#[tokio::test]
async fn archive_hides_memberships_and_restore_does_not_bring_them_back() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    let p = emu.seed_photo(photo("Kept", "2023-05-05"));
    let album = emu.seed_album(AlbumSeed {
        title: "Archive Test".into(),
        photos: vec![p.clone()],
        ..AlbumSeed::default()
    });
    let archived = api
        .post("/api/v1/batch/photos/archive", json!({"photos": [p]}))
        .await;
    assert_eq!(archived.body["message"], "Selection archived");
    assert!(emu.photo(&p).unwrap().archived);
    assert!(emu.album_members(&album).is_empty());
    assert!(api.uids("/api/v1/photos?count=10").await.is_empty());
    assert_eq!(
        api.uids("/api/v1/photos?count=10&archived=true").await,
        vec![p.clone()]
    );
    api.post("/api/v1/batch/photos/restore", json!({"photos": [p]}))
        .await;
    assert!(!emu.photo(&p).unwrap().archived);
    assert!(emu.album_members(&album).is_empty());
    assert!(emu.photo(&p).unwrap().albums.is_empty());
}

#[tokio::test]
async fn batch_private_toggles() {
    let emu = start(ApiGeneration::V2024).await;
    let api = Api::login(&emu).await;
    let p = emu.seed_photo(photo("Toggle", "2023-05-05"));
    for expected in [true, false, true] {
        let answer = api
            .post("/api/v1/batch/photos/private", json!({"photos": [p]}))
            .await;
        assert_eq!(answer.body["message"], "Selection marked as private");
        assert_eq!(emu.photo(&p).unwrap().private, expected);
    }
    let empty = api
        .post("/api/v1/batch/photos/private", json!({"photos": []}))
        .await;
    assert_eq!(empty.status, 400);
}

#[tokio::test]
async fn details_apply_only_with_the_photo_id_and_replace_all_fields() {
    let emu = start(ApiGeneration::V2024).await;
    let api = Api::login(&emu).await;
    let p = emu.seed_photo(PhotoSeed {
        artist: "Old Artist".into(),
        notes: "old notes".into(),
        ..photo("Details", "2020-02-02")
    });
    let id = emu.photo(&p).unwrap().id;
    let path = format!("/api/v1/photos/{p}");
    api.put(
        &path,
        json!({"TitleSrc": "manual", "Details": {"Artist": "Nobody"}}),
    )
    .await;
    assert_eq!(emu.photo(&p).unwrap().details.artist, "Old Artist");
    let answer = api
        .put(
            &path,
            json!({"Details": {"PhotoID": id, "Artist": "New", "ArtistSrc": "manual",
                "Keywords": "Beach, sunset, beach, A, 2024, Sunset", "KeywordsSrc": "manual"}}),
        )
        .await;
    assert_eq!(answer.status, 200);
    let details = emu.photo(&p).unwrap().details;
    assert_eq!(details.artist, "New");
    assert_eq!(details.notes, "", "omitted detail fields are cleared");
    assert_eq!(details.keywords, "beach, sunset");
    assert_eq!(answer.body["Details"]["Keywords"], "beach, sunset");
    assert!(emu.photo(&p).unwrap().edited_at.is_some());
    let wrong_type = api.put(&path, json!({"Favorite": "yes"})).await;
    assert_eq!(wrong_type.status, 400);
}

#[tokio::test]
async fn automatic_titles_overwrite_titles_and_captions_without_source() {
    let emu = start(ApiGeneration::V2024).await;
    let api = Api::login(&emu).await;
    let p = emu.seed_photo(PhotoSeed {
        original_name: "red-square.jpg".into(),
        ..photo("", "2023-06-15T10:30:00Z")
    });
    assert_eq!(emu.photo(&p).unwrap().title, "Red Square / 2023");
    let path = format!("/api/v1/photos/{p}");
    let answer = api
        .put(&path, json!({"Title": "Mine", "Description": "Text"}))
        .await;
    assert_eq!(answer.body["Title"], "Red Square / 2023");
    assert_eq!(answer.body["Description"], "");
    assert!(answer.body.get("Caption").is_none());
    let answer = api
        .put(
            &path,
            json!({"Title": "Mine", "TitleSrc": "manual", "Description": "Kept"}),
        )
        .await;
    assert_eq!(answer.body["Title"], "Mine");
    assert_eq!(answer.body["Description"], "Kept");
}

#[tokio::test]
async fn caption_and_description_differ_between_generations() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    let p = emu.seed_photo(photo("Cap", "2021-01-01"));
    let path = format!("/api/v1/photos/{p}");
    let got = api.get(&path).await;
    assert!(got.body.get("Caption").is_some());
    assert!(got.body.get("Description").is_none());
    assert!(
        got.body.get("EditedAt").is_none(),
        "null times are omitted in 2025+"
    );
    assert_eq!(got.body["TimeZone"], "Local");
    // Description is copied into an empty caption, else ignored.
    api.put(
        &path,
        json!({"Description": "first", "DescriptionSrc": "manual"}),
    )
    .await;
    assert_eq!(emu.photo(&p).unwrap().caption, "first");
    api.put(
        &path,
        json!({"Description": "second", "DescriptionSrc": "manual"}),
    )
    .await;
    assert_eq!(emu.photo(&p).unwrap().caption, "first");
    api.put(&path, json!({"Caption": "third", "CaptionSrc": "manual"}))
        .await;
    assert_eq!(emu.photo(&p).unwrap().caption, "third");

    let old = start(ApiGeneration::V2024).await;
    let old_api = Api::login(&old).await;
    let q = old.seed_photo(photo("Desc", "2021-01-01"));
    let got = old_api.get(&format!("/api/v1/photos/{q}")).await;
    assert!(got.body.get("Description").is_some());
    assert!(got.body.get("Caption").is_none());
    assert!(got.body["EditedAt"].is_null());
    let batch = old_api
        .post("/api/v1/batch/photos/edit", json!({"photos": [q]}))
        .await;
    assert_eq!(batch.status, 404);
    assert_eq!(batch.body, json!({"error": "Not found"}));
    let like = old_api
        .post("/api/v1/albums/azzzzzzzzzzzzzzz/like", json!({}))
        .await;
    assert!(like.body.get("messageId").is_none());
    let like = api
        .post("/api/v1/albums/azzzzzzzzzzzzzzz/like", json!({}))
        .await;
    assert_eq!(like.body["messageId"], "Album not found");
}

#[tokio::test]
async fn batch_edit_sets_values_and_albums() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    let uids = emu.seed_photos(vec![photo("A", "2020-01-01"), photo("B", "2021-01-01")]);
    let archived = emu.seed_photo(PhotoSeed {
        archived: true,
        ..photo("Z", "2020-01-01")
    });
    let album = emu.seed_album(AlbumSeed {
        title: "Batch".into(),
        ..AlbumSeed::default()
    });
    let read = api
        .post(
            "/api/v1/batch/photos/edit",
            json!({"photos": [uids[0], uids[1], archived]}),
        )
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["models"].as_array().unwrap().len(), 2);
    assert_eq!(read.body["values"]["Title"]["mixed"], json!(true));
    assert_eq!(read.body["values"]["Year"]["value"], json!(-2));
    let update = api
        .call(
            Method::PUT,
            "/api/v1/batch/photos/edit",
            Some(json!({"photos": uids, "values": {
                "Title": {"value": "Same", "action": "update"},
                "Private": {"value": true, "action": "update"},
                "DetailsArtist": {"value": "Me", "action": "update"},
                "Albums": {"action": "update", "items": [
                    {"value": album, "title": "Batch", "action": "add"},
                    {"value": "", "title": "New By Title", "action": "add"}]}}})),
        )
        .await;
    assert_eq!(update.status, 200, "{}", update.body);
    assert_eq!(update.body["values"]["Title"]["value"], "Same");
    for uid in &uids {
        let p = emu.photo(uid).unwrap();
        assert_eq!((p.title.as_str(), p.title_src.as_str()), ("Same", "batch"));
        assert!(p.private);
        assert_eq!(p.details.artist_src, "batch");
        assert_eq!(p.albums.len(), 2);
    }
    assert!(emu.albums().iter().any(|a| a.title == "New By Title"));
    let empty = api
        .post("/api/v1/batch/photos/edit", json!({"photos": []}))
        .await;
    assert_eq!(empty.status, 400);
    let huge = "p".repeat(1 << 20);
    let too_big = api
        .post("/api/v1/batch/photos/edit", json!({"photos": [huge]}))
        .await;
    assert_eq!(too_big.status, 413);
}

#[tokio::test]
async fn search_paging_merging_and_filters() {
    let emu = start(ApiGeneration::V2024).await;
    let api = Api::login(&emu).await;
    let uids = emu.seed_photos(vec![
        PhotoSeed {
            extra_files: vec!["cr2".into()],
            labels: vec!["cat".into()],
            favorite: true,
            path: "2019/03".into(),
            name: "IMG_0001".into(),
            ..photo("Alpha", "2019-03-01")
        },
        PhotoSeed {
            labels: vec!["beach".into()],
            private: true,
            path: "2019/03/sub".into(),
            ..photo("Beta", "2020-04-02")
        },
        PhotoSeed {
            keywords: "holiday".into(),
            ..photo("Gamma", "2021-05-03")
        },
    ]);
    // Unmerged: one row per file; merged folds them, X-Count stays the number of file rows.
    let rows = api.get("/api/v1/photos?count=10").await;
    assert_eq!(rows.body.as_array().unwrap().len(), 4);
    assert_eq!(rows.header("x-count"), "4");
    let merged = api.get("/api/v1/photos?count=10&merged=true").await;
    assert_eq!(merged.body.as_array().unwrap().len(), 3);
    assert_eq!(merged.header("x-count"), "4");
    let alpha = merged
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["UID"] == json!(uids[0]))
        .unwrap();
    assert_eq!(alpha["Files"].as_array().unwrap().len(), 2);
    // Paging.
    let page = api
        .get("/api/v1/photos?count=1&offset=1&order=oldest")
        .await;
    assert_eq!(page.header("x-limit"), "1");
    assert_eq!(page.header("x-offset"), "1");
    assert_eq!(
        page.body[0]["UID"],
        json!(uids[0]),
        "the RAW row of the oldest photo"
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=1&offset=2&order=oldest")
            .await,
        vec![uids[1].clone()]
    );
    // Errors.
    let missing = api.get("/api/v1/photos").await;
    assert_eq!(missing.status, 400);
    assert!(missing.header("content-type").starts_with("text/plain"));
    assert_eq!(
        api.get("/api/v1/photos?count=5&order=favorites")
            .await
            .status,
        400
    );
    assert_eq!(
        api.get("/api/v1/photos?count=5&q=bogus:1").await.status,
        400
    );
    // Filters.
    let one = |v: &[&String]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        api.uids("/api/v1/photos?count=10&label=cat&merged=true")
            .await,
        one(&[&uids[0]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&q=label:beach").await,
        one(&[&uids[1]])
    );
    assert!(
        api.uids("/api/v1/photos?count=10&label=unknown")
            .await
            .is_empty()
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&favorite=true&merged=true")
            .await,
        one(&[&uids[0]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&private=true").await,
        one(&[&uids[1]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&year=2020|2021").await,
        one(&[&uids[2], &uids[1]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&path=2019/03/&merged=true")
            .await,
        one(&[&uids[0]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&path=2019/03&merged=true")
            .await,
        one(&[&uids[1], &uids[0]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&q=title:%22Gam*%22").await,
        one(&[&uids[2]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&q=holiday").await,
        one(&[&uids[2]])
    );
    assert_eq!(
        api.uids("/api/v1/photos?count=10&name=IMG_0001&merged=true")
            .await,
        one(&[&uids[0]])
    );
    let hash = emu.photo(&uids[2]).unwrap().hashes[0].clone();
    assert_eq!(
        api.uids(&format!("/api/v1/photos?count=10&hash={hash}"))
            .await,
        one(&[&uids[2]])
    );
    assert_eq!(
        api.uids(&format!("/api/v1/photos?count=10&uid={hash}"))
            .await,
        one(&[&uids[2]])
    );
    let by_uid = format!("/api/v1/photos?count=10&uid={}|{}", uids[0], uids[2]);
    assert_eq!(
        api.uids(&format!("{by_uid}&merged=true")).await,
        one(&[&uids[2], &uids[0]])
    );
    let file = api.get(&format!("/api/v1/files/{hash}")).await;
    assert_eq!(file.body["PhotoUID"], json!(uids[2]));
    assert_eq!(
        api.get("/api/v1/files/0000000000000000000000000000000000000000")
            .await
            .status,
        404
    );
    // Album listing: count required, type filter, unknown q filter, paging headers.
    for title in ["Zeta", "Alpha Trip", "Mid"] {
        api.post("/api/v1/albums", json!({"Title": title})).await;
    }
    let albums = api
        .get("/api/v1/albums?count=2&type=album&order=name")
        .await;
    assert_eq!(albums.header("x-count"), "2");
    assert_eq!(albums.body[0]["Title"], "Alpha Trip");
    assert!(!albums.header("x-preview-token").is_empty());
    assert_eq!(api.get("/api/v1/albums?count=0").await.status, 400);
    let unknown = api.get("/api/v1/albums?count=5&q=foo:bar").await;
    assert_eq!(unknown.body, json!({"error": "Unknown filter: foo"}));
    let text = api.get("/api/v1/albums?count=5&q=trip").await;
    assert_eq!(text.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn uploads_dedupe_by_hash_and_still_join_albums() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    let user = emu.user_uid();
    let upload = |token: &'static str, name: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "files",
            reqwest::multipart::Part::bytes(b"same bytes".to_vec()).file_name(name),
        );
        api.http
            .post(format!("{}/api/v1/users/{user}/upload/{token}", api.base))
            .bearer_auth(&api.token)
            .multipart(form)
            .send()
    };
    let res = upload("tok1", "20230615_103000.jpg").await.unwrap();
    assert_eq!(res.status(), 200);
    let path = format!("/api/v1/users/{user}/upload/tok1");
    let done = api.put(&path, json!({"albums": ["First Album"]})).await;
    assert_eq!(done.body["message"], "Upload has been processed");
    upload("tok2", "copy.jpg").await.unwrap();
    api.put(
        &format!("/api/v1/users/{user}/upload/tok2"),
        json!({"albums": ["Second Album"]}),
    )
    .await;
    let photos = emu.photos();
    assert_eq!(photos.len(), 1, "identical bytes are imported once");
    assert_eq!(photos[0].taken_at, "2023-06-15T10:30:00Z");
    assert_eq!(photos[0].path, "2023/06");
    assert_eq!(photos[0].albums.len(), 2);
    assert!(emu.albums().iter().any(|a| a.album_type == "folder"));
    let foreign = api
        .put("/api/v1/users/uzzzzzzzzzzzzzzz/upload/tok3", json!({}))
        .await;
    assert_eq!(foreign.status, 403);
    // Import from the staged import folder.
    emu.stage_import(
        "trip",
        vec![
            ("a.jpg".into(), b"aaa".to_vec()),
            ("b.jpg".into(), b"bbb".to_vec()),
        ],
    );
    let imported = api
        .post(
            "/api/v1/import/",
            json!({"path": "trip", "albums": ["Trip"]}),
        )
        .await;
    assert_eq!(imported.body["message"], "Import completed in 0 s");
    assert_eq!(emu.photos().len(), 3);
    let trip = emu
        .albums()
        .into_iter()
        .find(|a| a.title == "Trip")
        .unwrap();
    assert_eq!(trip.photo_count, 2);
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/api/v1/import", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 307);
}

/// photoprism-api.md §4.1: only base names are kept in the upload folder, so a second file
/// with the same base name (in the same or a later multipart request under the same token)
/// replaces the first.
#[tokio::test]
async fn uploads_keep_base_names_so_same_names_replace() {
    let emu = start(ApiGeneration::V2024).await;
    let api = Api::login(&emu).await;
    let user = emu.user_uid();
    let form = reqwest::multipart::Form::new()
        .part(
            "files",
            reqwest::multipart::Part::bytes(b"first".to_vec()).file_name("a/IMG 1.jpg"),
        )
        .part(
            "files",
            reqwest::multipart::Part::bytes(b"second".to_vec()).file_name("b/IMG 1.jpg"),
        );
    let res = api
        .http
        .post(format!("{}/api/v1/users/{user}/upload/tok", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    api.put(&format!("/api/v1/users/{user}/upload/tok"), json!({}))
        .await;
    let photos = emu.photos();
    assert_eq!(photos.len(), 1, "one file survives in the upload folder");
}

#[tokio::test]
async fn authentication_variants_and_permissions() {
    let emu = start(ApiGeneration::V2025).await;
    let http = reqwest::Client::new();
    let base = emu.url();
    let bad = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "admin", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    assert_eq!(
        bad.json::<Value>().await.unwrap(),
        json!({"error": "Invalid credentials"})
    );
    let api = Api::login(&emu).await;
    let session = api.get("/api/v1/session").await;
    assert_eq!(session.body["user"]["UID"], json!(emu.user_uid()));
    assert_eq!(
        session.body["config"]["settings"]["features"]["batchEdit"],
        json!(true)
    );
    assert_eq!(session.body["config"]["version"], "260630-4b33d3bd1");
    let via_header = http
        .get(format!("{base}/api/v1/config"))
        .header("X-Auth-Token", &api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(via_header.status(), 200);
    let none = http
        .get(format!("{base}/api/v1/photos?count=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    // App password via the password grant (form-encoded), usable as a bearer token.
    let app: Value = http
        .post(format!("{base}/api/v1/oauth/token"))
        .bearer_auth(&api.token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=password&username=admin&password=photoprism&client_name=prysm&scope=*")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_token = app["access_token"].as_str().unwrap();
    assert_eq!(app_token.len(), 27);
    let with_app = http
        .get(format!("{base}/api/v1/albums?count=1"))
        .bearer_auth(app_token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_app.status(), 200);
    // Client credentials: a JSON body can never carry the secret.
    let (id, secret) = emu.new_client(false);
    let json_body = http
        .post(format!("{base}/api/v1/oauth/token"))
        .json(
            &json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), 401);
    assert_eq!(json_body.json::<Value>().await.unwrap()["code"], json!(40));
    let client: Value = http
        .post(format!("{base}/api/v1/oauth/token"))
        .basic_auth(&id, Some(&secret))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_api = Api {
        http: http.clone(),
        base: base.clone(),
        token: client["access_token"].as_str().unwrap().to_owned(),
    };
    let p = emu.seed_photo(photo("P", "2020-01-01"));
    let album = emu.seed_album(AlbumSeed {
        title: "Client".into(),
        ..AlbumSeed::default()
    });
    assert_eq!(
        client_api
            .get(&format!("/api/v1/albums/{album}"))
            .await
            .status,
        403
    );
    assert_eq!(client_api.get("/api/v1/photos?count=1").await.status, 400);
    assert_eq!(
        client_api.get("/api/v1/albums?count=1").await.body,
        json!({"error": "Permission denied"})
    );
    let like = client_api
        .post(&format!("/api/v1/photos/{p}/like"), json!({}))
        .await;
    assert_eq!(like.status, 200);
    assert!(
        !emu.photo(&p).unwrap().favorite,
        "user-less likes are silently ignored"
    );
    let revoked = http
        .post(format!("{base}/api/v1/oauth/revoke"))
        .bearer_auth(&client_api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(client_api.get("/api/v1/config").await.status, 401);
    // Logout invalidates the token.
    assert_eq!(
        api.delete("/api/v1/session", None).await.body["status"],
        "deleted"
    );
    assert_eq!(api.get("/api/v1/config").await.status, 401);
    // Ten failed logins trip the limiter.
    for _ in 0..10 {
        http.post(format!("{base}/api/v1/session"))
            .json(&json!({"username": "admin", "password": "wrong"}))
            .send()
            .await
            .unwrap();
    }
    let limited = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "admin", "password": "photoprism"}))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
}

#[tokio::test]
async fn unknown_routes_and_bad_bodies() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    let missing = api.get("/api/v1/nothing/here").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, json!({"error": "Not found"}));
    assert_eq!(
        api.call(Method::PATCH, "/api/v1/albums", None).await.status,
        404
    );
    let res = api
        .http
        .post(format!("{}/api/v1/albums", api.base))
        .bearer_auth(&api.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "Unable to do that"
    );
    assert_eq!(
        api.get("/api/v1/status").await.body,
        json!({"status": "operational"})
    );
    assert_eq!(
        api.get("/api/v1/photos/pzzzzzzzzzzzzzzz").await.body["error"],
        "Entity not found"
    );
}

#[tokio::test]
async fn faults_and_counters() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    emu.reset_counts();
    emu.fail_next("GET /api/v1/albums/:uid", 2, 503);
    let album = emu.seed_album(AlbumSeed {
        title: "Faulty".into(),
        ..AlbumSeed::default()
    });
    let path = format!("/api/v1/albums/{album}");
    assert_eq!(api.get(&path).await.status, 503);
    assert_eq!(api.get(&path).await.status, 503);
    assert_eq!(api.get(&path).await.status, 200);
    emu.rate_limit_next("GET /api/v1/photos", 1, 7);
    let limited = api.get("/api/v1/photos?count=1").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), "7");
    assert_eq!(api.get("/api/v1/photos?count=1").await.status, 200);
    emu.drop_next("GET /api/v1/config", 1);
    let dropped = api
        .http
        .get(format!("{}/api/v1/config", api.base))
        .bearer_auth(&api.token)
        .send()
        .await;
    assert!(
        dropped.is_err(),
        "the connection is closed without an answer"
    );
    assert_eq!(api.get("/api/v1/config").await.status, 200);
    assert_eq!(emu.request_count("GET /api/v1/albums/:uid"), 3);
    assert_eq!(emu.request_count("GET /api/v1/photos"), 2);
    assert_eq!(emu.request_count("GET /api/v1/config"), 2);
    assert_eq!(emu.total_requests(), 7);
    assert_eq!(emu.request_counts().values().sum::<u64>(), 7);
    // Seeded random failures are reproducible.
    let pattern = |seed| {
        let emu = emu.clone();
        let api = &api;
        async move {
            emu.fail_fraction(Some("GET /api/v1/status"), 0.5, 500, seed);
            let mut out = Vec::new();
            for _ in 0..20 {
                out.push(api.get("/api/v1/status").await.status == 500);
            }
            emu.clear_faults();
            out
        }
    };
    let first = pattern(9).await;
    assert_eq!(first, pattern(9).await);
    assert!(first.contains(&true) && first.contains(&false));
    emu.set_latency(Duration::from_millis(1));
    assert_eq!(api.get("/api/v1/status").await.status, 200);
    emu.clear_faults();
    emu.reset_counts();
    assert_eq!(emu.total_requests(), 0);
}

#[tokio::test]
async fn json_seed_files_and_synthetic_libraries() {
    let emu = start(ApiGeneration::V2025).await;
    let report = emu
        .seed_from_json_str(
            r#"{"photos": [{"key": "a", "title": "A", "taken_at": "2020-01-01"},
                           {"key": "b", "title": "B", "labels": ["cat"]}],
                "albums": [{"key": "trip", "title": "Trip", "photos": ["a", "b"], "favorite": true}]}"#,
        )
        .unwrap();
    assert_eq!(report.photos.len(), 2);
    let album = emu.album(&report.keys["trip"]).unwrap();
    assert!(album.favorite);
    assert_eq!(album.photo_count, 2);
    assert!(
        emu.seed_from_json_str(r#"{"albums": [{"title": "X", "photos": ["nope"]}]}"#)
            .is_err()
    );
    assert!(
        emu.seed_from_json_str(r#"{"photos": [{"taken_at": "June"}]}"#)
            .is_err()
    );
    assert!(emu.seed_from_json_str(r#"{"bogus": 1}"#).is_err());
    let other = start(ApiGeneration::V2025).await;
    let a = emu.generate_library(30, 5);
    let b = other.generate_library(30, 5);
    let titles = |e: &Emulator, uids: &[String]| -> Vec<(String, String, Vec<String>)> {
        uids.iter()
            .map(|u| {
                let p = e.photo(u).unwrap();
                (p.title, p.taken_at, p.hashes)
            })
            .collect()
    };
    assert_eq!(titles(&emu, &a), titles(&other, &b));
}

#[tokio::test]
async fn hundred_thousand_photos_seed_and_search() {
    let emu = start(ApiGeneration::V2025).await;
    let started = Instant::now();
    let uids = emu.generate_library(100_000, 42);
    let seeded = started.elapsed();
    assert_eq!(uids.len(), 100_000);
    let album = emu.seed_album(AlbumSeed {
        title: "Big".into(),
        photos: uids[..5_000].to_vec(),
        ..AlbumSeed::default()
    });
    let api = Api::login(&emu).await;
    let searched = Instant::now();
    let page = api
        .get("/api/v1/photos?count=100&offset=500&merged=true")
        .await;
    let rows = page.body.as_array().unwrap();
    assert!(!rows.is_empty() && rows.len() <= 100);
    assert_eq!(page.header("x-count"), "100");
    let members = api
        .get(&format!("/api/v1/photos?count=1000&s={album}&merged=true"))
        .await;
    let found: std::collections::HashSet<&str> = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["UID"].as_str().unwrap())
        .collect();
    assert!(
        found
            .iter()
            .all(|uid| uids[..5_000].iter().any(|u| u == uid))
    );
    let cats = api.get("/api/v1/photos?count=10&label=cat&year=2020").await;
    assert_eq!(cats.status, 200);
    println!(
        "seeded 100000 photos in {seeded:?}; three searches took {:?}",
        searched.elapsed()
    );
}

#[tokio::test]
async fn saving_a_photo_settles_taken_at_from_the_local_time_and_zone() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let p = emu.seed_photo(photo("Zones", "2020-02-02T10:00:00Z"));
        let path = format!("/api/v1/photos/{p}");
        let put = |body: Value| api.put(&path, body);

        // A named zone: TakenAt is the local wall time read in that zone.
        let answer = put(json!({"TakenAt": "2024-07-12T19:44:00Z",
            "TakenAtLocal": "2024-07-12T19:44:00Z", "TimeZone": "Europe/Lisbon",
            "TakenSrc": "manual"}))
        .await;
        assert_eq!(answer.status, 200, "{generation:?}");
        assert_eq!(
            answer.body["TakenAt"], "2024-07-12T18:44:00Z",
            "{generation:?}"
        );
        assert_eq!(answer.body["TakenAtLocal"], "2024-07-12T19:44:00Z");
        let view = emu.photo(&p).unwrap();
        assert_eq!(view.taken_at, "2024-07-12T18:44:00Z");
        assert_eq!(view.time_zone, "Europe/Lisbon");

        // TakenAt alone cannot move the photo in a named zone: the stored local time wins.
        let answer = put(json!({"TakenAt": "2001-01-01T00:00:00Z", "TakenSrc": "manual"})).await;
        assert_eq!(answer.body["TakenAt"], "2024-07-12T18:44:00Z");

        // UTC (in any case): TakenAtLocal becomes TakenAt.
        for zone in ["UTC", "utc"] {
            let answer = put(json!({"TakenAt": "2024-07-12T10:00:00Z",
                "TakenAtLocal": "2024-07-12T12:00:00Z", "TimeZone": zone}))
            .await;
            assert_eq!(answer.body["TakenAt"], "2024-07-12T10:00:00Z", "{zone}");
            assert_eq!(
                answer.body["TakenAtLocal"], "2024-07-12T10:00:00Z",
                "{zone}"
            );
        }

        // An unknown zone (names are case-sensitive): TakenAt stays as sent.
        for zone in ["Mars/Olympus_Mons", "europe/lisbon"] {
            let answer = put(json!({"TakenAt": "2024-07-12T10:00:00Z",
                "TakenAtLocal": "2024-07-12T15:00:00Z", "TimeZone": zone}))
            .await;
            assert_eq!(answer.body["TakenAt"], "2024-07-12T10:00:00Z", "{zone}");
            assert_eq!(
                answer.body["TakenAtLocal"], "2024-07-12T15:00:00Z",
                "{zone}"
            );
        }

        // Year/Month/Day follow the local date unless the date was set by hand.
        let answer = put(json!({"TakenAtLocal": "2024-12-31T23:30:00Z",
            "TimeZone": "Asia/Tokyo", "TakenSrc": "meta"}))
        .await;
        assert_eq!(answer.body["TakenAt"], "2024-12-31T14:30:00Z");
        let view = emu.photo(&p).unwrap();
        assert_eq!((view.year, view.month, view.day), (2024, 12, 31));
        let answer = put(json!({"TakenAtLocal": "2025-01-01T08:00:00+09:00",
            "TakenSrc": "manual", "Year": 2025, "Month": 1, "Day": 1}))
        .await;
        assert_eq!(answer.body["TakenAt"], "2024-12-31T23:00:00Z");
        assert_eq!(answer.body["TakenAtLocal"], "2025-01-01T08:00:00Z");
        let view = emu.photo(&p).unwrap();
        assert_eq!((view.year, view.month, view.day), (2025, 1, 1));
        let answer = put(json!({"TakenAtLocal": "2025-03-03T08:00:00Z"})).await;
        assert_eq!(answer.body["TakenAtLocal"], "2025-03-03T08:00:00Z");
        let view = emu.photo(&p).unwrap();
        assert_eq!(
            (view.year, view.month, view.day),
            (2025, 1, 1),
            "manual date parts stay"
        );
    }
}

#[tokio::test]
async fn batch_date_edits_move_the_local_time_and_settle_taken_at() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    let p = emu.seed_photo(photo("Batch zone", "2024-01-31T22:00:00Z"));
    let edit = |values: Value| {
        api.call(
            Method::PUT,
            "/api/v1/batch/photos/edit",
            Some(json!({"photos": [p], "values": values})),
        )
    };
    let answer = edit(json!({"TimeZone": {"value": "Europe/Berlin", "action": "update"}})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["models"][0]["TakenSrc"], "batch");
    let view = emu.photo(&p).unwrap();
    assert_eq!(view.taken_at_local, "2024-01-31T22:00:00Z");
    assert_eq!(view.taken_at, "2024-01-31T21:00:00Z");

    // February has no 31st: the day is clamped, the time of day kept, TakenAt follows.
    let answer = edit(json!({"Month": {"value": 2, "action": "update"}})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let view = emu.photo(&p).unwrap();
    assert_eq!(view.taken_at_local, "2024-02-29T22:00:00Z");
    assert_eq!(view.taken_at, "2024-02-29T21:00:00Z");
    assert_eq!((view.year, view.month, view.day), (2024, 2, 29));

    // In UTC a batch edit keeps the local time and moves TakenAt to it.
    let answer = edit(json!({"TimeZone": {"value": "UTC", "action": "update"}})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let view = emu.photo(&p).unwrap();
    assert_eq!(view.taken_at, "2024-02-29T22:00:00Z");
    assert_eq!(view.taken_at_local, "2024-02-29T22:00:00Z");
}

// --- 2026-11 probes: implausible uid

/// The recorded answer of probe 04 (`local-server-2026-11-probes`), for both generations.
fn probe_04() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../tests/fixtures/local-server-2026-11-probes/04-uid-filter-rejects-implausible-uid.json",
    );
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn one_implausible_uid_fails_the_whole_uid_filter() {
    let probe = probe_04();
    let recorded = &probe["requests"][0];
    assert_eq!(probe["server"], "both");
    assert_eq!(recorded["status"], 400);
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let uids = emu.seed_photos(vec![photo("Valid", "2020-01-01")]);
        let valid = &uids[0];
        // The recorded request, with the elided `<valid uid>` filled in.
        let path = recorded["path"]
            .as_str()
            .unwrap()
            .replace("<valid uid>", valid);
        let answer = api.get(&path).await;
        assert_eq!(answer.status, 400, "{generation:?}: {}", answer.body);
        // 2025+ answers exactly what was recorded; 2024 has no `messageId` (the probe's note).
        let mut expected = recorded["response"].clone();
        if generation == ApiGeneration::V2024 {
            expected.as_object_mut().unwrap().remove("messageId");
        }
        assert_eq!(answer.body, expected, "{generation:?}");
        // The bad UID first, or among many good ones: the same refusal.
        let many: Vec<String> = std::iter::repeat_n(valid.clone(), 60)
            .chain(["pzzzzzzzzzzzzzzz".to_string()])
            .collect();
        for filter in [
            format!("pzzzzzzzzzzzzzzz|{valid}"),
            many.join("|"),
            // Before 2017 is as impossible as after now.
            format!("{valid}|p0000zz{}", &valid[7..]),
        ] {
            let answer = api
                .get(&format!("/api/v1/photos?count=10&merged=true&uid={filter}"))
                .await;
            assert_eq!(answer.status, 400, "{generation:?} {filter}");
        }
        // Without the bad UID the same lookup finds the photo.
        assert_eq!(
            api.uids(&format!("/api/v1/photos?count=10&merged=true&uid={valid}"))
                .await,
            vec![valid.clone()]
        );
        // The time part `000000` is accepted (rnd.IsUID), and finds nothing here.
        assert_eq!(
            api.uids(&format!(
                "/api/v1/photos?count=10&merged=true&uid={valid}|p000000{}",
                &valid[7..]
            ))
            .await,
            vec![valid.clone()]
        );
    }
}

// --- empty photo titles and captions

#[tokio::test]
async fn an_empty_title_is_regenerated_and_an_empty_caption_is_kept() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let uid = emu.seed_photos(vec![PhotoSeed {
            caption: "Old caption".into(),
            ..photo("Manual title", "2020-01-01")
        }])[0]
            .clone();
        let text = if generation == ApiGeneration::V2024 {
            "Description"
        } else {
            "Caption"
        };
        let path = format!("/api/v1/photos/{uid}");
        // A caption set to "" with a manual source stays empty (the form is copied as sent).
        let cleared = api
            .put(&path, json!({text: "", format!("{text}Src"): "manual"}))
            .await;
        assert_eq!(cleared.status, 200);
        assert_eq!(cleared.body[text], "", "{generation:?}");
        assert_eq!(api.get(&path).await.body[text], "", "{generation:?}");
        // An empty title, even a manual one, is replaced by a generated automatic title.
        let answer = api
            .put(&path, json!({"Title": "", "TitleSrc": "manual"}))
            .await;
        assert_eq!(answer.status, 200);
        let title = answer.body["Title"].as_str().unwrap();
        assert!(!title.is_empty(), "{generation:?}: {}", answer.body);
        assert_ne!(title, "Manual title");
        assert_eq!(answer.body["TitleSrc"], "", "{generation:?}");
        // The caption's manual source protects it from the automatic title's side effect.
        assert_eq!(answer.body[text], "", "{generation:?}");
    }
}

// --- 2026-11 probes: batch edit lock

/// The recorded exchanges of `tests/fixtures/local-server-2026-11-probes/<name>.json`.
fn probe(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/local-server-2026-11-probes")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// A 2025+ emulator whose batch edits hold the lock `per_photo` per selected photo.
async fn start_with_lock(per_photo: Duration) -> Emulator {
    Emulator::start(EmulatorOptions {
        batch_edit_per_photo: per_photo,
        ..EmulatorOptions::for_generation(ApiGeneration::V2025)
    })
    .await
    .unwrap()
}

fn seed_many(emu: &Emulator, count: usize) -> Vec<String> {
    emu.seed_photos(
        (0..count)
            .map(|i| photo(&format!("Locked {i}"), "2024-06-01T10:00:00Z"))
            .collect(),
    )
}

fn artist_edit(photos: &[String], artist: &str) -> Value {
    json!({"photos": photos, "values": {"DetailsArtist": {"value": artist, "action": "update"}}})
}

#[tokio::test]
async fn probe_01_a_concurrent_batch_edit_is_refused_at_once_with_the_recorded_answer() {
    let recorded = probe("01-batch-edit-busy");
    let refused = &recorded["requests"][0];
    let served = &recorded["requests"][1];
    // 163 photos at the recorded 6.7 ms a photo: 1.09 s under the lock.
    let emu = start_with_lock(Duration::from_micros(6700)).await;
    let api = Api::login(&emu).await;
    let photos = seed_many(&emu, 163);
    let timed = |artist: &'static str| {
        let api = &api;
        let body = artist_edit(&photos, artist);
        async move {
            let started = Instant::now();
            let answer = api.post("/api/v1/batch/photos/edit", body).await;
            (answer, started.elapsed(), artist)
        }
    };
    let (a, b) = tokio::join!(timed("probe0"), timed("probe1"));
    let (won, lost) = if a.0.status == StatusCode::OK {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(
        won.0.status.as_u16(),
        served["status"].as_u64().unwrap() as u16
    );
    assert_eq!(
        lost.0.status.as_u16(),
        refused["status"].as_u64().unwrap() as u16
    );
    assert_eq!(
        lost.0.body, refused["response"],
        "the recorded body exactly"
    );
    assert_eq!(
        lost.0.header("content-type"),
        refused["headers"]["Content-Type"].as_str().unwrap()
    );
    assert_eq!(lost.0.header("retry-after"), "", "no Retry-After");
    assert!(
        won.1 >= Duration::from_millis(1050),
        "163 photos hold the lock about 1.09 s, took {:?}",
        won.1
    );
    assert!(
        lost.1 < Duration::from_millis(600),
        "refused at once, took {:?}",
        lost.1
    );
    // Only the edit that got the lock changed anything.
    assert!(
        photos
            .iter()
            .all(|uid| emu.photo(uid).unwrap().artist == won.2)
    );
}

#[tokio::test]
async fn the_batch_edit_lock_holds_only_edits_that_change_values_and_grows_with_the_selection() {
    let emu = start_with_lock(Duration::from_millis(4)).await;
    let api = Api::login(&emu).await;
    let photos = seed_many(&emu, 150);

    // The busy period grows with the number of photos.
    let started = Instant::now();
    let answer = api
        .post(
            "/api/v1/batch/photos/edit",
            artist_edit(&photos[..10], "Ten"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let ten = started.elapsed();
    let started = Instant::now();
    let answer = api
        .post("/api/v1/batch/photos/edit", artist_edit(&photos, "All"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let all = started.elapsed();
    assert!(
        all >= Duration::from_millis(600),
        "150 × 4 ms, took {all:?}"
    );
    assert!(ten < all / 3, "10 photos {ten:?}, 150 photos {all:?}");

    // While one edit saves: a read-only call (no `values`) is served, another edit is refused
    // (POST and PUT alike), and after it the lock is free again.
    let holder = api.post("/api/v1/batch/photos/edit", artist_edit(&photos, "Holder"));
    let others = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let read = api
            .post("/api/v1/batch/photos/edit", json!({"photos": photos[..5]}))
            .await;
        let post = api
            .post(
                "/api/v1/batch/photos/edit",
                artist_edit(&photos[..5], "Other"),
            )
            .await;
        let put = api
            .put(
                "/api/v1/batch/photos/edit",
                artist_edit(&photos[..5], "Other"),
            )
            .await;
        (read, post, put)
    };
    let (held, (read, post, put)) = tokio::join!(holder, others);
    assert_eq!(held.status, 200, "{}", held.body);
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["models"].as_array().unwrap().len(), 5);
    for refused in [post, put] {
        assert_eq!(refused.status, 429, "{}", refused.body);
        assert_eq!(refused.body["error"], "Busy, please try again later");
        assert_eq!(refused.header("retry-after"), "");
    }
    assert!(
        photos
            .iter()
            .all(|uid| emu.photo(uid).unwrap().artist == "Holder")
    );
    let answer = api
        .post(
            "/api/v1/batch/photos/edit",
            artist_edit(&photos[..5], "After"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // A bad value is refused before the lock is taken (a bind error).
    let bad = api
        .post(
            "/api/v1/batch/photos/edit",
            json!({"photos": photos[..2], "values": {"Favorite": {"value": "yes", "action": "update"}}}),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn random_faults_can_strike_before_or_after_the_handler_acts() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        // Every request fails after the handler acted: the album exists although the client
        // saw "Something went wrong, try again".
        emu.inject_random_faults(prysm_emulator::RandomFaults {
            route: Some("POST /api/v1/albums".into()),
            after_acting: 1.0,
            ..prysm_emulator::RandomFaults::new(1.0, 5)
        });
        let answer = api.post("/api/v1/albums", json!({"Title": "Kept"})).await;
        assert_eq!(answer.status, 500);
        assert_eq!(answer.body["code"], 500);
        assert_eq!(answer.body["error"], "Something went wrong, try again");
        assert!(emu.albums().iter().any(|a| a.title == "Kept"));
        // Before acting: nothing changes.
        emu.inject_random_faults(prysm_emulator::RandomFaults {
            route: Some("POST /api/v1/albums".into()),
            ..prysm_emulator::RandomFaults::new(1.0, 5)
        });
        let answer = api.post("/api/v1/albums", json!({"Title": "Lost"})).await;
        assert_eq!(answer.status, 500);
        assert!(!emu.albums().iter().any(|a| a.title == "Lost"));
        // A dropped connection after acting: no answer at all, the change stays.
        emu.inject_random_faults(prysm_emulator::RandomFaults {
            route: Some("POST /api/v1/albums".into()),
            after_acting: 1.0,
            dropped: 1.0,
            ..prysm_emulator::RandomFaults::new(1.0, 5)
        });
        let sent = api
            .http
            .post(format!("{}/api/v1/albums", api.base))
            .bearer_auth(&api.token)
            .json(&json!({"Title": "Dropped"}))
            .send()
            .await;
        assert!(sent.is_err(), "the connection closes without an answer");
        assert!(emu.albums().iter().any(|a| a.title == "Dropped"));
        // 15 % of every route, seeded: about that share fails.
        emu.clear_faults();
        emu.inject_random_faults(prysm_emulator::RandomFaults::new(0.15, 9));
        let mut failed = 0;
        for _ in 0..400 {
            if api.get("/api/v1/status").await.status == 500 {
                failed += 1;
            }
        }
        assert!((30..=90).contains(&failed), "{failed} of 400 failed");
    }
}

// --- 2026-11 probes: album LIKE, slugs, keywords

/// One probe file of `tests/fixtures/local-server-2026-11-probes/`.
fn probe_file(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/local-server-2026-11-probes")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The recorded status for a generation: a number, or text like `"201 (2026) / 200 (2024)"`.
fn probe_status(status: &Value, generation: ApiGeneration) -> u16 {
    if let Some(n) = status.as_u64() {
        return u16::try_from(n).unwrap();
    }
    let text = status.as_str().unwrap();
    let year = match generation {
        ApiGeneration::V2024 => "(2024)",
        ApiGeneration::V2025 => "(2026)",
    };
    text.split('/')
        .find(|part| part.contains(year))
        .and_then(|part| part.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn probe_02_album_create_matches_titles_with_like_wildcards() {
    let recorded = probe_file("02-album-create-like-wildcard.json");
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        // Recorded UIDs map to the emulator's, consistently across the exchanges.
        let mut uids: std::collections::HashMap<String, String> = Default::default();
        for exchange in recorded["requests"].as_array().unwrap() {
            assert_eq!(exchange["method"], "POST");
            let answer = api
                .post(exchange["path"].as_str().unwrap(), exchange["body"].clone())
                .await;
            let expected = probe_status(&exchange["status"], generation);
            assert_eq!(
                answer.status.as_u16(),
                expected,
                "{generation:?}: {exchange}"
            );
            for (key, want) in exchange["response_excerpt"].as_object().unwrap() {
                let got = answer.body[key].as_str().unwrap().to_owned();
                if key == "UID" {
                    let mapped = uids
                        .entry(want.as_str().unwrap().to_owned())
                        .or_insert_with(|| got.clone());
                    assert_eq!(&got, mapped, "{generation:?}: UID of {exchange}");
                } else {
                    assert_eq!(got, want.as_str().unwrap(), "{generation:?}: {key}");
                }
            }
        }
        assert_eq!(uids.len(), 1, "both creates answer with the same album");
        let listed = api.uids("/api/v1/albums?count=10&type=album").await;
        assert_eq!(
            listed.len(),
            1,
            "{generation:?}: no second album was created"
        );
    }
}

#[tokio::test]
async fn album_create_like_percent_case_and_deleted_albums() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let create = |title: &'static str| api.post("/api/v1/albums", json!({"Title": title}));
        let trip = create("TripX2024").await.body["UID"]
            .as_str()
            .unwrap()
            .to_owned();
        // `%` matches any run; ASCII letters ignore case (SQLite's LIKE).
        let answer = create("trip%").await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["UID"], trip.as_str());
        assert_eq!(answer.body["Title"], "TripX2024", "returned unchanged");
        // Without wildcards only an equal title (or slug) matches.
        let other = create("Trip-2024").await;
        assert_ne!(other.body["UID"], trip.as_str());
        assert_eq!(other.body["Slug"], "trip-2024");
        // SQLite ignores the case of ASCII letters only.
        let lower = create("ёлка").await.body["UID"]
            .as_str()
            .unwrap()
            .to_owned();
        let upper = create("Ёлка").await;
        assert_eq!(upper.body["Slug"], "iolka");
        assert_eq!(upper.body["UID"], lower.as_str(), "same slug `iolka`");
        let like = create("ё_ка").await;
        assert_eq!(
            like.body["UID"],
            lower.as_str(),
            "`_` is one character, not one byte"
        );
        let unlike = create("Ё_ка").await;
        assert_ne!(
            unlike.body["UID"],
            lower.as_str(),
            "`Ё` is not `ё` to SQLite's LIKE"
        );
        assert_eq!(unlike.body["Slug"], "io_ka");

        // The lookup includes deleted albums: a wildcard title restores an unrelated one.
        let deleted = api.delete(&format!("/api/v1/albums/{trip}"), None).await;
        assert_eq!(deleted.status, 200);
        let answer = create("Trip_2024").await;
        assert_eq!(answer.status, 200, "{generation:?}");
        assert_eq!(answer.body["UID"], trip.as_str());
        assert!(answer.body["DeletedAt"].is_null(), "restored");
        assert_eq!(emu.album(&trip).unwrap().title, "TripX2024");
    }
}

#[tokio::test]
async fn album_create_first_match_is_the_oldest_album() {
    let emu = start(ApiGeneration::V2024).await;
    let api = Api::login(&emu).await;
    let create = |title: &'static str| api.post("/api/v1/albums", json!({"Title": title}));
    let first = create("Trip-2024").await.body["UID"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = create("TripX2024").await.body["UID"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    // `gorm.First` orders by the primary key: the older album wins.
    assert_eq!(create("Trip_2024").await.body["UID"], first.as_str());
}

#[tokio::test]
async fn album_titles_without_slug_collide_only_on_2024_servers() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let cake = api.post("/api/v1/albums", json!({"Title": "🎂"})).await;
        assert_eq!(cake.body["Slug"], "-");
        let party = api.post("/api/v1/albums", json!({"Title": "🎉"})).await;
        match generation {
            // 2024: `album_slug = '-'` matches every album without a slug.
            ApiGeneration::V2024 => assert_eq!(party.body["UID"], cake.body["UID"]),
            // 2025+: the unknown slug is skipped; only the title is looked up.
            ApiGeneration::V2025 => {
                assert_eq!(party.status, 201);
                assert_ne!(party.body["UID"], cake.body["UID"]);
                assert_eq!(party.body["Title"], "🎉");
            }
        }
    }
}

#[tokio::test]
async fn album_slugs_transliterate_other_scripts() {
    let emu = start(ApiGeneration::V2025).await;
    let api = Api::login(&emu).await;
    for (title, slug) in [
        ("Москва 2024", "moskva-2024"),
        ("Αθήνα", "athena"),
        ("北京 & 東京", "bei-jing-and-dong-jing"),
        ("しんじゅく", "shinziyuku"),
        ("서울", "seoul"),
        ("O'Brien's @home", "obriens-athome"),
        ("Party 🎉", "party"),
    ] {
        let answer = api.post("/api/v1/albums", json!({"Title": title})).await;
        assert_eq!(answer.status, 201, "{title}: {}", answer.body);
        assert_eq!(answer.body["Title"], title);
        assert_eq!(answer.body["Slug"], slug, "{title}");
    }
}

#[tokio::test]
async fn probe_03_keywords_keep_digits_inside_words() {
    let recorded = probe_file("03-keywords-keep-digits.json");
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let api = Api::login(&emu).await;
        let uid = emu.seed_photo(photo("Keywords", "2024-05-01T10:00:00Z"));
        let id = api.get(&format!("/api/v1/photos/{uid}")).await.body["ID"].clone();
        for exchange in recorded["requests"].as_array().unwrap() {
            let path = exchange["path"].as_str().unwrap().replace("<uid>", &uid);
            let mut body = exchange["body"].clone();
            body["Details"]["PhotoID"] = id.clone();
            let answer = api.put(&path, body).await;
            assert_eq!(
                answer.status.as_u16(),
                probe_status(&exchange["status"], generation)
            );
            assert_eq!(
                answer.body["Details"]["Keywords"],
                exchange["response_excerpt"]["Details"]["Keywords"],
                "{generation:?}"
            );
        }
    }
}

/// The links of a photo as `(label name, LabelSrc, Uncertainty)`.
async fn links(api: &Api, uid: &str) -> Vec<(String, String, i64)> {
    let photo = api.get(&format!("/api/v1/photos/{uid}")).await.body;
    photo["Labels"]
        .as_array()
        .map(|links| {
            links
                .iter()
                .map(|l| {
                    (
                        l["Label"]["Name"].as_str().unwrap_or_default().to_owned(),
                        l["LabelSrc"].as_str().unwrap_or_default().to_owned(),
                        l["Uncertainty"].as_i64().unwrap_or(-1),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Transcripts `local-server-2026-11-labels-links/real-kwlabels-24.txt` and `-26.txt`: a
/// keyword written through the photo PUT links the label it names (`keyword`, 25); writing
/// the keywords without it leaves the link; removing the label unlinks it on 2024 and keeps
/// it hidden as a `manual` link on 2026.
#[tokio::test]
async fn keywords_written_by_put_link_the_labels_they_name() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emu = start(generation).await;
        let a = emu.seed_photo(photo("A", "2024-01-01T10:00:00Z"));
        let b = emu.seed_photo(photo("B", "2024-01-02T10:00:00Z"));
        let api = Api::login(&emu).await;
        let added = api
            .post(
                &format!("/api/v1/photos/{a}/label"),
                json!({"Name": "Ppemuprobeamlrx"}),
            )
            .await;
        assert_eq!(added.status, 200, "{generation:?}");
        let label_id = added.body["Labels"][0]["LabelID"].as_i64().unwrap();
        let id = api.get(&format!("/api/v1/photos/{b}")).await.body["ID"].clone();
        let put = |keywords: &'static str| json!({"Details": {"PhotoID": id, "Keywords": keywords, "KeywordsSrc": "manual"}});
        let answer = api
            .put(
                &format!("/api/v1/photos/{b}"),
                put("gen, gold, ppemuprobeamlrx"),
            )
            .await;
        assert_eq!(answer.status, 200, "{generation:?}: {}", answer.body);
        let linked = vec![("Ppemuprobeamlrx".to_owned(), "keyword".to_owned(), 25)];
        assert_eq!(links(&api, &b).await, linked, "{generation:?}");
        // `PUT B restore kw`: the link stays.
        api.put(&format!("/api/v1/photos/{b}"), put("gen, gold"))
            .await;
        assert_eq!(links(&api, &b).await, linked, "{generation:?}");
        // `del B`: 2024 unlinks, 2026 keeps a hidden manual link.
        let deleted = api
            .delete(&format!("/api/v1/photos/{b}/label/{label_id}"), None)
            .await;
        assert_eq!(deleted.status, 200, "{generation:?}");
        let expected = match generation {
            ApiGeneration::V2024 => vec![],
            ApiGeneration::V2025 => vec![("Ppemuprobeamlrx".to_owned(), "manual".to_owned(), 100)],
        };
        assert_eq!(links(&api, &b).await, expected, "{generation:?}");
        let keywords = emu.photo(&b).unwrap().keywords;
        assert_eq!(keywords, "gen, gold", "{generation:?}");
    }
}

/// Batch edit label items (photoprism-api.md §9; `batch.ApplyLabels`): add by title, remove by
/// UID; a removal that changes a link drops the label's words from the keywords, as the
/// single DELETE does; a classifier link is hidden (`batch`, 100) rather than unlinked.
#[tokio::test]
async fn batch_edit_label_items_add_by_title_and_remove_by_uid() {
    let emu = start(ApiGeneration::V2025).await;
    let seed = |title: &str| PhotoSeed {
        labels: vec!["beach".into()],
        keywords: "gen".into(),
        ..photo(title, "2024-01-01T10:00:00Z")
    };
    let a = emu.seed_photo(seed("A"));
    let b = emu.seed_photo(seed("B"));
    let api = Api::login(&emu).await;
    let read = api
        .post(
            "/api/v1/batch/photos/edit",
            json!({"photos": [a.clone(), b.clone()]}),
        )
        .await;
    let beach = read.body["values"]["Labels"]["items"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(emu.photo(&a).unwrap().keywords, "beach, gen");
    let edit = api
        .post(
            "/api/v1/batch/photos/edit",
            json!({"photos": [a.clone(), b.clone()], "values": {"Labels": {"action": "update",
                "items": [{"value": "", "title": "Red Fox", "action": "add"},
                          {"value": beach, "title": "Beach", "action": "remove"}]}}}),
        )
        .await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    for uid in [&a, &b] {
        let mut found = links(&api, uid).await;
        found.sort();
        assert_eq!(
            found,
            vec![
                ("Beach".to_owned(), "batch".to_owned(), 100),
                ("Red Fox".to_owned(), "batch".to_owned(), 0),
            ]
        );
        assert_eq!(emu.photo(uid).unwrap().keywords, "gen");
    }
}
