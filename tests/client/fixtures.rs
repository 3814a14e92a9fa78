//! Every recorded response body in `tests/fixtures/` must deserialize into the matching model.

use std::path::{Path, PathBuf};

use prysm::photoprism::models::{
    Album, AlbumPhotosResponse, AlbumResult, BatchEditResponse, Message, Photo, PhotoFile,
    PhotoResult, Session, StatusResponse, Subject, TextField,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn parse<T: DeserializeOwned>(what: &str, value: &Value) -> T {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(parsed) => parsed,
        Err(e) => panic!("{what}: {e}"),
    }
}

#[derive(Deserialize)]
struct PhotoEnvelope {
    photo: Photo,
}

/// Turns `/api/v1/albums/atp4m5tkxl370kdj/photos` into `/api/v1/albums/:uid/photos`.
fn route(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let mut out = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let previous = if i > 0 { segments[i - 1] } else { "" };
        let is_uid = segment.len() == 16 && segment.bytes().all(|b| b.is_ascii_alphanumeric());
        let is_hash = segment.len() == 40 && segment.bytes().all(|b| b.is_ascii_hexdigit());
        if previous == "upload" {
            out.push(":token");
        } else if is_uid {
            out.push(":uid");
        } else if is_hash {
            out.push(":hash");
        } else {
            out.push(segment);
        }
    }
    out.join("/")
}

/// Parses one recorded exchange body by method and route; returns what it was parsed as.
fn check_exchange(
    file: &Path,
    method: &str,
    path: &str,
    status: u64,
    body: &Value,
) -> &'static str {
    let what = format!("{} ({method} {path} -> {status})", file.display());
    if status >= 400 {
        let message: Message = parse(&what, body);
        assert!(
            !message.text().is_empty(),
            "{what}: error body without message"
        );
        return "Message";
    }
    let route = route(path);
    match (method, route.as_str()) {
        ("POST", "/api/v1/session") | ("GET", "/api/v1/session") => {
            let session: Session = parse(&what, body);
            assert!(!session.access_token.is_empty(), "{what}: no token");
            assert!(!session.user.uid.is_empty(), "{what}: no user UID");
            assert!(!session.config.version.is_empty(), "{what}: no version");
            "Session"
        }
        ("DELETE", "/api/v1/session") | ("GET", "/api/v1/status") => {
            let status: StatusResponse = parse(&what, body);
            assert!(!status.status.is_empty(), "{what}");
            "StatusResponse"
        }
        ("GET", "/api/v1/photos") => {
            let rows: Option<Vec<PhotoResult>> = parse(&what, body);
            for row in rows.unwrap_or_default() {
                assert!(row.uid.starts_with('p'), "{what}: row UID {}", row.uid);
            }
            "Vec<PhotoResult>"
        }
        ("GET" | "PUT", "/api/v1/photos/:uid") => {
            let photo: Photo = parse(&what, body);
            assert!(photo.uid.starts_with('p') && photo.id > 0, "{what}");
            assert!(
                photo.text_field().is_some(),
                "{what}: neither Caption nor Description"
            );
            "Photo"
        }
        ("POST" | "DELETE", "/api/v1/photos/:uid/like")
        | ("POST", "/api/v1/photos/:uid/approve") => {
            let envelope: PhotoEnvelope = parse(&what, body);
            assert!(envelope.photo.uid.starts_with('p'), "{what}");
            "{photo: Photo}"
        }
        ("GET", "/api/v1/albums") => {
            let rows: Vec<AlbumResult> = parse(&what, body);
            for row in rows {
                assert!(row.uid.starts_with('a'), "{what}");
                assert!(
                    row.deleted_at.is_none(),
                    "{what}: zero time must read as unset"
                );
            }
            "Vec<AlbumResult>"
        }
        ("GET" | "PUT" | "DELETE", "/api/v1/albums/:uid") | ("POST", "/api/v1/albums") => {
            let album: Album = parse(&what, body);
            assert!(album.uid.starts_with('a'), "{what}");
            assert_eq!(album.is_deleted(), method == "DELETE", "{what}");
            "Album"
        }
        ("POST" | "DELETE", "/api/v1/albums/:uid/photos") => {
            let answer: AlbumPhotosResponse = parse(&what, body);
            assert_eq!(answer.code, 200, "{what}");
            assert!(answer.album.uid.starts_with('a'), "{what}");
            "AlbumPhotosResponse"
        }
        ("GET", "/api/v1/files/:hash") => {
            let file: PhotoFile = parse(&what, body);
            assert!(
                file.photo_uid.starts_with('p') && file.hash.len() == 40,
                "{what}"
            );
            "PhotoFile"
        }
        ("PUT" | "POST", "/api/v1/batch/photos/edit") => {
            let answer: BatchEditResponse = parse(&what, body);
            assert!(
                !answer.models.is_empty() && !answer.values.is_empty(),
                "{what}"
            );
            "BatchEditResponse"
        }
        ("POST" | "DELETE", "/api/v1/albums/:uid/like")
        | ("POST", "/api/v1/batch/photos/archive")
        | ("POST", "/api/v1/batch/photos/restore")
        | ("POST", "/api/v1/batch/photos/private")
        | ("POST" | "PUT", "/api/v1/users/:uid/upload/:token") => {
            let message: Message = parse(&what, body);
            assert_eq!(message.code, 200, "{what}");
            assert!(!message.text().is_empty(), "{what}");
            "Message"
        }
        _ => panic!("{what}: no model is known for route {route}"),
    }
}

#[test]
fn every_recorded_exchange_parses() {
    let mut checked = 0;
    for dir in [
        "local-server-2024-12",
        "local-server-2024-12-quirks",
        "local-server-2026-06",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{dir} holds no exchanges");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let exchange: Value = serde_json::from_str(&text).unwrap();
            let method = exchange["method"].as_str().unwrap();
            let path = exchange["path"].as_str().unwrap();
            let status = exchange["status"].as_u64().unwrap();
            check_exchange(&file, method, path, status, &exchange["response_body"]);
            checked += 1;
        }
    }
    assert!(checked >= 200, "only {checked} exchanges found");
}

#[test]
fn every_demo_body_parses() {
    let demo = fixtures_dir().join("demo-server-2025-02");
    let read = |rel: &str| -> Value {
        let text = std::fs::read_to_string(demo.join(rel)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let mut seen = 0;
    for dir in std::fs::read_dir(&demo).unwrap() {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if !(name.starts_with("body") && name.ends_with(".json")) {
                continue;
            }
            let kind = dir.file_name().unwrap().to_string_lossy().into_owned();
            let rel = format!("{kind}/{name}");
            let body = read(&rel);
            match (kind.as_str(), name.as_str()) {
                ("album", _) => {
                    let album: Album = parse(&rel, &body);
                    assert!(album.uid.starts_with('a'), "{rel}");
                }
                ("file", _) => {
                    let file: PhotoFile = parse(&rel, &body);
                    assert_eq!(file.hash.len(), 40, "{rel}");
                }
                ("i18n_response", _) => {
                    let message: Message = parse(&rel, &body);
                    assert_eq!(message.code, 200, "{rel}");
                }
                // A search-row schema sample (it carries CameraMake/FileUID; values are "string").
                ("photo", "body_01.json") => {
                    let row: PhotoResult = parse(&rel, &body);
                    assert!(!row.uid.is_empty() && !row.file_uid.is_empty(), "{rel}");
                    assert!(!row.caption().is_empty(), "{rel}");
                }
                ("photo", _) => {
                    // body_02 is a schema sample with "string" placeholders.
                    let photo: Photo = parse(&rel, &body);
                    assert!(!photo.uid.is_empty(), "{rel}");
                    assert!(photo.text_field().is_some(), "{rel}");
                }
                ("subject", _) => {
                    let subject: Subject = parse(&rel, &body);
                    assert!(!subject.name.is_empty(), "{rel}");
                }
                ("user_session", _) => {
                    let session: Session = parse(&rel, &body);
                    assert!(!session.access_token.is_empty(), "{rel}");
                    assert_eq!(session.config.version.get(..6), Some("250129"), "{rel}");
                }
                _ => panic!("{rel}: no model is known"),
            }
            seen += 1;
        }
    }
    assert!(seen >= 12, "only {seen} demo bodies found");
}

#[test]
fn captions_come_from_either_key() {
    let read = |rel: &str| -> Value {
        let text = std::fs::read_to_string(fixtures_dir().join(rel)).unwrap();
        serde_json::from_str::<Value>(&text).unwrap()["response_body"].clone()
    };
    let new: Photo = parse(
        "2026",
        &read("local-server-2026-06/08-get-photo-after-caption.json"),
    );
    assert_eq!(new.text_field(), Some(TextField::Caption));
    assert!(new.description.is_none());
    assert!(!new.caption().is_empty());
    let old: Photo = parse(
        "2024",
        &read("local-server-2024-12-quirks/28-b-get-after-desc-manual.json"),
    );
    assert_eq!(old.text_field(), Some(TextField::Description));
    assert_eq!(old.caption(), old.description.as_deref().unwrap());
    assert_eq!(old.caption_source(), "manual");
}

#[test]
fn session_debug_hides_tokens() {
    let text =
        std::fs::read_to_string(fixtures_dir().join("local-server-2026-06/01-login.json")).unwrap();
    let body = serde_json::from_str::<Value>(&text).unwrap()["response_body"].clone();
    let session: Session = parse("login", &body);
    let token = body["access_token"].as_str().unwrap();
    let download = body["config"]["downloadToken"].as_str().unwrap();
    let debug = format!("{session:?}");
    assert!(!debug.contains(token), "access token leaked");
    assert!(!debug.contains(download), "download token leaked");
    assert_eq!(session.access_token.expose(), token);
    assert_eq!(session.config.download_token.expose(), download);
}
