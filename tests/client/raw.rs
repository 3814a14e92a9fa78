//! The raw escape hatch, `Client::api_url` and `Client::request`, against the emulator of both
//! generations: it must reuse the typed client's auth, retries and error mapping.

use prysm::photoprism::{Client, Error, Method, ServerUrl};
use serde_json::{Value, json};

use crate::harness::{GENERATIONS, Harness, test_options};

#[tokio::test]
async fn api_url_is_below_the_api_root() {
    for generation in GENERATIONS {
        let h = Harness::emulated(generation).await;
        let base = h.emu().url();
        assert_eq!(
            h.client.api_url("albums").as_str(),
            format!("{base}/api/v1/albums")
        );
        assert_eq!(
            h.client.api_url("/photos/pqz4n1k2m3b5v6c7/dl").as_str(),
            format!("{base}/api/v1/photos/pqz4n1k2m3b5v6c7/dl")
        );
        // Segments are percent-encoded: a title cannot break out of its segment.
        assert_eq!(
            h.client.api_url("albums/a b%").as_str(),
            format!("{base}/api/v1/albums/a%20b%25")
        );
    }
}

#[tokio::test]
async fn get_reads_what_the_typed_api_reads() {
    for generation in GENERATIONS {
        let h = Harness::emulated(generation).await;
        let uids = h.photos(3).await;
        let page = h
            .client
            .request(
                Method::GET,
                "photos",
                &[("count", "10"), ("merged", "true"), ("order", "added")],
                None,
            )
            .await
            .expect("GET /photos");
        assert_eq!(page.status(), 200, "{generation:?}");
        assert_eq!(page.header("x-count"), Some("3"), "{generation:?}");
        let rows: Vec<Value> = page.json().expect("a JSON array");
        let mut found: Vec<String> = rows
            .iter()
            .filter_map(|row| row["UID"].as_str().map(str::to_owned))
            .collect();
        found.sort();
        let mut expected = uids.clone();
        expected.sort();
        assert_eq!(found, expected, "{generation:?}");

        let one = h
            .client
            .request(Method::GET, &format!("photos/{}", uids[0]), &[], None)
            .await
            .expect("GET /photos/:uid");
        let photo: Value = one.json().expect("JSON");
        assert_eq!(photo["UID"], json!(uids[0]), "{generation:?}");
        // The same answer as the typed call.
        let typed = h.client.photo(&uids[0]).await.expect("typed");
        assert_eq!(photo["Title"], json!(typed.title), "{generation:?}");
    }
}

#[tokio::test]
async fn post_and_put_with_a_body_change_the_server() {
    for generation in GENERATIONS {
        let h = Harness::emulated(generation).await;
        let title = h.title("Raw Ünïcode “quoted” 100%_album");
        let created = h
            .client
            .request(
                Method::POST,
                "albums",
                &[],
                Some(&json!({ "Title": title })),
            )
            .await
            .expect("POST /albums");
        // 2025+ servers answer a new album with 201, older ones with 200.
        let expected_status = match generation {
            prysm_emulator::ApiGeneration::V2024 => 200,
            prysm_emulator::ApiGeneration::V2025 => 201,
        };
        assert_eq!(created.status(), expected_status, "{generation:?}");
        let album: Value = created.json().expect("album JSON");
        let uid = album["UID"].as_str().expect("UID").to_owned();
        assert_eq!(
            h.emu().album(&uid).expect("exists").title,
            title,
            "{generation:?}"
        );

        let updated = h
            .client
            .request(
                Method::PUT,
                &format!("albums/{uid}"),
                &[],
                Some(&json!({ "Description": "set through the raw API", "Favorite": true })),
            )
            .await
            .expect("PUT /albums/:uid");
        assert_eq!(updated.status(), 200);
        let view = h.emu().album(&uid).expect("exists");
        assert_eq!(
            view.description, "set through the raw API",
            "{generation:?}"
        );
        assert!(view.favorite, "{generation:?}");

        // An endpoint the typed API leaves out: the toggling batch private endpoint.
        let photo = h.photos(1).await.remove(0);
        let toggled = h
            .client
            .request(
                Method::POST,
                "batch/photos/private",
                &[],
                Some(&json!({ "photos": [photo] })),
            )
            .await
            .expect("POST batch private");
        assert_eq!(toggled.status(), 200);
        assert!(
            h.emu().photo(&photo).expect("photo").private,
            "{generation:?}"
        );

        // A body-less DELETE.
        h.client
            .request(Method::DELETE, &format!("albums/{uid}/like"), &[], None)
            .await
            .expect("DELETE like");
        assert!(!h.emu().album(&uid).expect("exists").favorite);
    }
}

#[tokio::test]
async fn error_answers_are_typed_errors() {
    for generation in GENERATIONS {
        let h = Harness::emulated(generation).await;
        let missing = h
            .client
            .request(Method::GET, "albums/aqzzzzzzzzzzzzzz", &[], None)
            .await
            .expect_err("no such album");
        assert!(
            matches!(&missing, Error::NotFound { method, path, .. }
                if method == "GET" && path == "/api/v1/albums/aqzzzzzzzzzzzzzz"),
            "{generation:?}: {missing:?}"
        );
        // A search without `count` is a 400.
        let rejected = h
            .client
            .request(Method::GET, "photos", &[], None)
            .await
            .expect_err("count is required");
        assert!(
            matches!(rejected, Error::Client { status: 400, .. }),
            "{generation:?}: {rejected:?}"
        );
        // A malformed body is a 400 too.
        let bad_body = h
            .client
            .request(
                Method::PUT,
                "albums/aqzzzzzzzzzzzzzz",
                &[],
                Some(&json!("not an object")),
            )
            .await
            .expect_err("refused");
        assert!(
            matches!(
                bad_body,
                Error::Client { status: 400, .. } | Error::NotFound { .. }
            ),
            "{generation:?}: {bad_body:?}"
        );
        // Paths that would leave the API root, or carry a query, are refused before sending.
        h.emu().reset_counts();
        for path in [
            "../health",
            "photos?count=1",
            "http://elsewhere/api/v1/photos",
        ] {
            let refused = h
                .client
                .request(Method::GET, path, &[], None)
                .await
                .expect_err("refused");
            assert!(
                matches!(refused, Error::InvalidInput { .. }),
                "{path}: {refused:?}"
            );
        }
        assert_eq!(h.emu().total_requests(), 0);
    }
}

#[tokio::test]
async fn auth_and_retries_are_those_of_the_client() {
    for generation in GENERATIONS {
        let h = Harness::emulated(generation).await;
        h.photos(1).await;
        let emu = h.emu();

        // GET is retried on 503 like any typed read.
        emu.reset_counts();
        emu.fail_next("GET /api/v1/photos", 2, 503);
        let page = h
            .client
            .request(Method::GET, "photos", &[("count", "5")], None)
            .await
            .expect("retried");
        assert_eq!(page.status(), 200);
        assert_eq!(emu.request_count("GET /api/v1/photos"), 3, "{generation:?}");

        // A POST that may have acted is not repeated.
        emu.reset_counts();
        emu.fail_next("POST /api/v1/albums", 1, 502);
        let failed = h
            .client
            .request(
                Method::POST,
                "albums",
                &[],
                Some(&json!({ "Title": "Once" })),
            )
            .await
            .expect_err("502");
        assert!(
            matches!(failed, Error::Server { status: 502, .. }),
            "{failed:?}"
        );
        assert_eq!(
            emu.request_count("POST /api/v1/albums"),
            1,
            "{generation:?}"
        );

        // Without a session the same request is a 401, not a silent empty answer.
        let anonymous = Client::new(ServerUrl::parse(&emu.url()).expect("url"), test_options())
            .expect("client");
        let denied = anonymous
            .request(Method::GET, "photos", &[("count", "5")], None)
            .await
            .expect_err("401");
        assert!(
            matches!(denied, Error::Unauthorized { .. }),
            "{generation:?}: {denied:?}"
        );
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    for generation in GENERATIONS {
        let h = Harness::emulated(generation).await;
        let session = h
            .client
            .request(Method::GET, "session", &[], None)
            .await
            .expect("GET /session");
        let body: Value = session.json().expect("session JSON");
        let token = body["access_token"]
            .as_str()
            .or_else(|| body["id"].as_str())
            .expect("the session answer carries the token")
            .to_owned();
        let download = body["config"]["downloadToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let shown = format!("{session:?}");
        assert!(!shown.contains(&token), "{shown}");
        assert!(download.is_empty() || !shown.contains(&download), "{shown}");
        assert!(shown.contains("/api/v1/session"), "{shown}");

        // A secret in the query (a download token, say) never shows in an error.
        let secret = "s3cr3t-download-token";
        let error = h
            .client
            .request(Method::GET, "photos", &[("t", secret)], None)
            .await
            .expect_err("no count: 400");
        for text in [
            format!("{error}"),
            format!("{error:?}"),
            format!("{:?}", miette::Report::new(error)),
        ] {
            assert!(!text.contains(secret), "{text}");
            assert!(!text.contains(&token), "{text}");
        }
    }
}
