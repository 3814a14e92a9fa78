//! Quick end-to-end check: login, create an album, add a seeded photo, list members.

use prysm_emulator::{Emulator, PhotoSeed};
use serde_json::{Value, json};

#[tokio::test]
async fn login_album_and_members() {
    let emu = Emulator::start_default().await.unwrap();
    let photo = emu.seed_photo(PhotoSeed {
        title: "Beach".into(),
        taken_at: "2024-07-01T10:00:00Z".into(),
        ..PhotoSeed::default()
    });
    let http = reqwest::Client::new();
    let base = emu.url();
    let login: Value = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "admin", "password": "photoprism"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let res = http
        .post(format!("{base}/api/v1/albums"))
        .bearer_auth(&token)
        .json(&json!({"Title": "Trips"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let album: Value = res.json().await.unwrap();
    let album_uid = album["UID"].as_str().unwrap().to_owned();
    let res = http
        .post(format!("{base}/api/v1/albums/{album_uid}/photos"))
        .bearer_auth(&token)
        .json(&json!({"photos": [photo]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rows: Value = http
        .get(format!("{base}/api/v1/photos?count=10&s={album_uid}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rows[0]["UID"], json!(photo));
    assert_eq!(emu.album_members(&album_uid), vec![photo]);
    assert_eq!(emu.request_count("POST /api/v1/albums/:uid/photos"), 1);
    emu.shutdown().await;
}
