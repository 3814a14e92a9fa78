//! Transport, retry, error and auth behaviour against the scripted stub server.

use std::time::Duration;

use prysm::photoprism::{
    Client, ClientOptions, Credentials, Error, RetryPolicy, ServerUrl, TextField, UploadFile,
};
use serde_json::Value;

use crate::stub::{Reply, Stub};

fn fast_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(20),
        },
        ..ClientOptions::default()
    }
}

fn client(stub: &Stub) -> Client {
    Client::new(ServerUrl::parse(&stub.url).unwrap(), fast_options()).unwrap()
}

fn fixture_body(rel: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    let exchange: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    exchange["response_body"].to_string()
}

fn login_2026() -> Reply {
    Reply::json(200, &fixture_body("local-server-2026-06/01-login.json"))
}

fn login_2024() -> Reply {
    Reply::json(200, &fixture_body("local-server-2024-12/02-login.json"))
}

const OPERATIONAL: &str = r#"{"status":"operational"}"#;

#[tokio::test]
async fn get_is_retried_on_502_503_504_then_succeeds() {
    let stub = Stub::start(vec![
        Reply::json(503, r#"{"code":503,"error":"busy"}"#),
        Reply::json(502, ""),
        Reply::json(504, ""),
        Reply::json(200, OPERATIONAL),
    ])
    .await;
    client(&stub).status().await.unwrap();
    assert_eq!(stub.received().len(), 4);
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let stub = Stub::start(vec![Reply::json(503, r#"{"code":503,"error":"busy"}"#); 5]).await;
    let err = client(&stub).status().await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "GET /api/v1/status: server error (503): busy"
    );
    assert_eq!(stub.received().len(), 5);
}

#[tokio::test]
async fn rate_limits_are_retried_even_for_login() {
    let mut limited = Reply::json(429, r#"{"error":"rate limit exceeded","code":429}"#);
    if let Reply::Http(_, headers, _) = &mut limited {
        headers.push(("Retry-After", "1".to_owned()));
    }
    let stub = Stub::start(vec![limited, login_2026()]).await;
    let session = client(&stub)
        .login(&Credentials::password("admin", "photoprism"))
        .await
        .unwrap();
    assert_eq!(session.user.name, "admin");
    assert_eq!(stub.received().len(), 2);
}

#[tokio::test]
async fn unsafe_posts_are_not_retried_on_server_errors() {
    let stub = Stub::start(vec![Reply::json(503, ""), Reply::json(200, "{}")]).await;
    let err = client(&stub)
        .delete_photos(&["psj4uo0k9p34y6n3".to_owned()])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(stub.received().len(), 1);
}

#[tokio::test]
async fn dropped_connections_are_retried_only_when_safe() {
    let stub = Stub::start(vec![Reply::Drop, Reply::json(200, OPERATIONAL)]).await;
    client(&stub).status().await.unwrap();
    assert_eq!(stub.received().len(), 2);

    let stub = Stub::start(vec![Reply::Drop, Reply::json(200, "{}")]).await;
    let err = client(&stub)
        .delete_photos(&["psj4uo0k9p34y6n3".to_owned()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: false, .. }),
        "{err:?}"
    );
    assert_eq!(stub.received().len(), 1);
}

#[tokio::test]
async fn connection_refused_reads_like_advice() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let options = ClientOptions {
        retry: RetryPolicy::none(),
        ..fast_options()
    };
    let client = Client::new(
        ServerUrl::parse(&format!("127.0.0.1:{port}")).unwrap(),
        options,
    )
    .unwrap();
    let err = client.status().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to http://127.0.0.1:{port}: is PhotoPrism running and is the URL right?"
        )
    );
    assert!(matches!(err, Error::Transport { connect: true, .. }));
    assert!(err.is_retryable());
    let report = format!("{:?}", miette::Report::new(err));
    assert!(report.contains("start PhotoPrism"), "{report}");
}

#[tokio::test]
async fn timeouts_become_timeout_errors() {
    let stub = Stub::start(vec![Reply::Hang]).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(300),
        ..fast_options()
    };
    let client = Client::new(ServerUrl::parse(&stub.url).unwrap(), options).unwrap();
    let err = client.status().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(stub.received().len(), 1, "timeouts are not retried");
}

#[tokio::test]
async fn odd_error_bodies_are_tolerated() {
    let stub = Stub::start(vec![
        Reply::Http(
            404,
            vec![("Content-Type", "text/html".to_owned())],
            "<html>404</html>".to_owned(),
        ),
        Reply::Http(500, vec![], String::new()),
        Reply::Http(
            400,
            vec![("Content-Type", "text/plain".to_owned())],
            r#"{"code":400,"error":"Unable to do that"}"#.to_owned(),
        ),
    ])
    .await;
    // Without retries: a 500 would be repeated (and meet the next scripted answer).
    let options = ClientOptions {
        retry: RetryPolicy::none(),
        ..fast_options()
    };
    let client = Client::new(ServerUrl::parse(&stub.url).unwrap(), options).unwrap();
    let err = client.album("aqzzzzzzzzzzzzzz").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "GET /api/v1/albums/aqzzzzzzzzzzzzzz: not found (404): an HTML page, not PhotoPrism's \
         JSON: a proxy or web server answered"
    );
    let err = client.status().await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 500, .. }));
    assert!(err.is_retryable(), "a 500 may pass when repeated");
    let err = client
        .search_photos(&prysm::photoprism::PhotoQuery::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.server_message(), Some("Unable to do that"));
}

#[tokio::test]
async fn login_sends_no_token_and_later_requests_send_bearer() {
    let stub = Stub::start(vec![
        login_2026(),
        Reply::json(200, OPERATIONAL),
        Reply::json(200, "{}"),
    ])
    .await;
    let client = client(&stub);
    client
        .login(&Credentials::password("admin", "pw"))
        .await
        .unwrap();
    client.status().await.unwrap();
    client.logout().await.unwrap();
    let received = stub.received();
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].target, "/api/v1/session");
    assert_eq!(received[0].header("Authorization"), None);
    assert_eq!(received[0].header("Content-Type"), Some("application/json"));
    let body: Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"username":"admin","password":"pw"})
    );
    let token = "0".repeat(48);
    assert_eq!(
        received[1].header("Authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(received[1].header("Accept"), Some("application/json"));
    assert_eq!(received[2].method, "DELETE");
    assert_eq!(received[2].target, "/api/v1/session");
    assert!(!client.is_logged_in());
    assert!(client.tokens().is_none());
}

#[tokio::test]
async fn generation_is_detected_from_the_session() {
    let stub = Stub::start(vec![login_2026()]).await;
    let c = client(&stub);
    c.login(&Credentials::password("admin", "pw"))
        .await
        .unwrap();
    let info = c.server_info();
    assert_eq!(info.generation, TextField::Caption);
    assert!(info.batch_edit);
    assert!(info.version.starts_with("260630"));
    let tokens = c.tokens().unwrap();
    assert_eq!(tokens.download.expose(), "3aiaei4r");
    assert_eq!(tokens.preview.expose(), "skx2eet8");

    let stub = Stub::start(vec![login_2024()]).await;
    let c = client(&stub);
    c.login(&Credentials::password("admin", "pw"))
        .await
        .unwrap();
    assert_eq!(c.server_info().generation, TextField::Description);
    assert!(!c.server_info().batch_edit);
}

#[tokio::test]
async fn client_credentials_are_form_encoded_and_revoked_on_logout() {
    let token = r#"{"status":"success","session_id":"ab","access_token":"111111111111111111111111111111111111111111111111","token_type":"Bearer","expires_in":3600,"client_name":"x","scope":"*"}"#;
    let stub = Stub::start(vec![
        Reply::json(200, token),
        Reply::json(403, r#"{"code":403,"error":"Permission denied"}"#),
        Reply::json(
            200,
            r#"{"version":"260630-x","settings":{"features":{"batchEdit":true}}}"#,
        ),
        Reply::json(200, r#"{"status":"deleted"}"#),
    ])
    .await;
    let c = client(&stub);
    let session = c
        .login(&Credentials::client(
            "cs5cpu17n6gj2qo5",
            "s3cr3tclientsecret",
        ))
        .await
        .unwrap();
    assert_eq!(session.expires_in, 3600);
    assert!(c.server_info().batch_edit);
    c.logout().await.unwrap();
    let received = stub.received();
    assert_eq!(received[0].target, "/api/v1/oauth/token");
    assert_eq!(
        received[0].header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(received[0].body.contains("grant_type=client_credentials"));
    assert!(
        received[0]
            .body
            .contains("client_secret=s3cr3tclientsecret")
    );
    assert_eq!(received[1].target, "/api/v1/session");
    assert_eq!(received[2].target, "/api/v1/config");
    assert_eq!(received[3].target, "/api/v1/oauth/revoke");
    assert!(received[3].body.contains("token=111111"));
    assert!(!format!("{c:?}").contains("111111"));
}

#[tokio::test]
async fn supplied_tokens_are_validated_but_never_revoked() {
    let stub = Stub::start(vec![Reply::json(
        200,
        &fixture_body("local-server-2026-06/02-get-session.json"),
    )])
    .await;
    let c = client(&stub);
    c.login(&Credentials::token("abcdef-ghijkl-mnopqr-stuvwx"))
        .await
        .unwrap();
    assert!(c.is_logged_in());
    c.logout().await.unwrap();
    assert_eq!(
        stub.received().len(),
        1,
        "logout must not revoke a caller's token"
    );
    assert_eq!(
        stub.received()[0].header("Authorization"),
        Some("Bearer abcdef-ghijkl-mnopqr-stuvwx")
    );
}

#[tokio::test]
async fn bad_tokens_fail_clearly_and_are_forgotten() {
    let stub = Stub::start(vec![Reply::json(
        401,
        r#"{"code":401,"error":"Please log in to your account"}"#,
    )])
    .await;
    let c = client(&stub);
    let err = c
        .login(&Credentials::token("deadbeefdeadbeef"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }));
    assert!(!c.is_logged_in());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("deadbeef"), "{shown}");
}

#[tokio::test]
async fn removing_photos_sends_a_body_with_delete() {
    let answer = r#"{"code":200,"message":"Changes successfully saved","album":{"UID":"a1"},"photos":["p1"],"removed":null}"#;
    let stub = Stub::start(vec![Reply::json(200, answer)]).await;
    client(&stub)
        .remove_photos_from_album("aqzzzzzzzzzzzzzz", &["pqzzzzzzzzzzzzzz".to_owned()])
        .await
        .unwrap();
    let received = stub.received();
    assert_eq!(received[0].method, "DELETE");
    assert_eq!(received[0].target, "/api/v1/albums/aqzzzzzzzzzzzzzz/photos");
    let body: Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"photos":["pqzzzzzzzzzzzzzz"]}));
}

#[tokio::test]
async fn membership_changes_are_chunked() {
    let answer = r#"{"code":200,"message":"ok","album":{"UID":"a1"},"photos":[],"added":null}"#;
    let stub = Stub::start(vec![Reply::json(200, answer); 3]).await;
    let photos: Vec<String> = (0..1001).map(|i| format!("p{i:015}")).collect();
    client(&stub)
        .add_photos_to_album("a1", &photos)
        .await
        .unwrap();
    let sizes: Vec<usize> = stub
        .received()
        .iter()
        .map(|r| {
            serde_json::from_str::<Value>(&r.body).unwrap()["photos"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(sizes, vec![500, 500, 1]);
    // Nothing to do, nothing sent.
    let stub = Stub::start(vec![]).await;
    client(&stub).add_photos_to_album("a1", &[]).await.unwrap();
    client(&stub).archive_photos(&[]).await.unwrap();
    assert!(stub.received().is_empty());
}

#[tokio::test]
async fn base_paths_are_honoured() {
    let stub = Stub::start(vec![Reply::json(200, OPERATIONAL)]).await;
    let server = ServerUrl::parse(&format!("{}/photos", stub.url)).unwrap();
    Client::new(server, fast_options())
        .unwrap()
        .status()
        .await
        .unwrap();
    assert_eq!(stub.received()[0].target, "/photos/api/v1/status");
}

#[tokio::test]
async fn upload_posts_then_processes_then_finds_photos_by_hash() {
    let file = UploadFile::from_bytes("a.jpg", b"not really a jpeg".to_vec());
    let hash = file.sha1();
    let photo = format!(
        r#"{{"ID":7,"UID":"pqzzzzzzzzzzzzzz","Caption":"","Files":[{{"Hash":"{hash}","Primary":true}}]}}"#
    );
    let stub = Stub::start(vec![
        login_2026(),
        Reply::json(200, r#"{"code":200,"message":"1 files uploaded in 0 s"}"#),
        Reply::json(200, r#"{"code":200,"message":"Upload has been processed"}"#),
        Reply::json(
            200,
            &format!(
                r#"[{{"ID":"7","UID":"pqzzzzzzzzzzzzzz","Title":"A","TakenAt":"2024-01-01T00:00:00Z","Hash":"{hash}","FileName":"a.jpg"}}]"#
            ),
        ),
        Reply::json(200, &photo),
    ])
    .await;
    let c = client(&stub);
    c.login(&Credentials::password("admin", "pw"))
        .await
        .unwrap();
    let photos = c
        .upload(&[file], &["aqzzzzzzzzzzzzzz".to_owned()])
        .await
        .unwrap();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].primary_hash(), Some(hash.as_str()));
    let received = stub.received();
    assert_eq!(received[1].method, "POST");
    assert!(
        received[1]
            .target
            .starts_with("/api/v1/users/utp4mxsxs4gpdhpc/upload/")
    );
    assert!(
        received[1]
            .header("Content-Type")
            .unwrap()
            .starts_with("multipart/form-data")
    );
    assert!(
        received[1]
            .body
            .contains("name=\"files\"; filename=\"a.jpg\"")
    );
    assert_eq!(received[2].method, "PUT");
    assert_eq!(
        received[2].target, received[1].target,
        "both calls use the same token"
    );
    assert_eq!(received[2].body, r#"{"albums":["aqzzzzzzzzzzzzzz"]}"#);
    // One batched hash search finds the photo (no request per file).
    assert!(
        received[3].target.starts_with("/api/v1/photos?")
            && received[3].target.contains(&format!("hash={hash}"))
            && received[3].target.contains("merged=false"),
        "{}",
        received[3].target
    );
    assert_eq!(received[4].target, "/api/v1/photos/pqzzzzzzzzzzzzzz");
}

#[tokio::test]
async fn with_session_logs_out_even_when_the_work_fails() {
    let stub = Stub::start(vec![
        login_2026(),
        Reply::json(404, r#"{"code":404,"error":"Album not found"}"#),
        Reply::json(200, r#"{"status":"deleted"}"#),
    ])
    .await;
    let result: Result<(), Error> = Client::with_session(
        ServerUrl::parse(&stub.url).unwrap(),
        fast_options(),
        &Credentials::password("admin", "pw"),
        async |client| {
            client.album("aqzzzzzzzzzzzzzz").await?;
            Ok(())
        },
    )
    .await;
    assert!(matches!(result, Err(Error::NotFound { .. })));
    let received = stub.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].method, "DELETE");
    assert_eq!(received[2].target, "/api/v1/session");
}

#[tokio::test]
async fn share_links_and_subjects_use_the_documented_routes() {
    let link = r#"{"UID":"sqzzzzzzzzzzzzz1","ShareUID":"aqzzzzzzzzzzzzzz","Slug":"trip","Token":"abcdefghij","Expires":0,"Views":0,"MaxViews":0,"VerifyPassword":true,"CreatedAt":"2025-01-01T00:00:00Z","ModifiedAt":"2025-01-01T00:00:00Z"}"#;
    let stub = Stub::start(vec![
        Reply::json(200, link),
        Reply::json(200, &format!("[{link}]")),
        Reply::json(200, link),
        Reply::json(200, link),
        Reply::json(404, r#"{"code":404,"error":"Album not found"}"#),
        Reply::json(
            200,
            r#"{"UID":"jqzzzzzzzzzzzzz1","Name":"Jane","Type":"person"}"#,
        ),
    ])
    .await;
    let c = client(&stub);
    let options = prysm::photoprism::ShareLinkOptions {
        slug: Some("trip".into()),
        password: Some("letmein".into()),
        ..Default::default()
    };
    let created = c
        .create_album_link("aqzzzzzzzzzzzzzz", &options)
        .await
        .unwrap();
    assert_eq!(created.url_path(), "s/abcdefghij/trip");
    assert!(created.verify_password);
    assert_eq!(c.album_links("aqzzzzzzzzzzzzzz").await.unwrap().len(), 1);
    c.update_album_link("aqzzzzzzzzzzzzzz", &created.uid, &options)
        .await
        .unwrap();
    c.delete_album_link("aqzzzzzzzzzzzzzz", &created.uid)
        .await
        .unwrap();
    let err = c.album_links("aqzzzzzzzzzzzzz0").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    assert_eq!(c.subject("jqzzzzzzzzzzzzz1").await.unwrap().name, "Jane");
    let received = stub.received();
    let routes: Vec<String> = received
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    assert_eq!(
        routes,
        vec![
            "POST /api/v1/albums/aqzzzzzzzzzzzzzz/links",
            "GET /api/v1/albums/aqzzzzzzzzzzzzzz/links",
            "PUT /api/v1/albums/aqzzzzzzzzzzzzzz/links/sqzzzzzzzzzzzzz1",
            "DELETE /api/v1/albums/aqzzzzzzzzzzzzzz/links/sqzzzzzzzzzzzzz1",
            "GET /api/v1/albums/aqzzzzzzzzzzzzz0/links",
            "GET /api/v1/subjects/jqzzzzzzzzzzzzz1",
        ]
    );
    let body: Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(body["Slug"], "trip");
    assert_eq!(body["Password"], "letmein");
}

#[tokio::test]
async fn batch_edit_reports_missing_or_disabled_feature_as_unsupported() {
    let stub = Stub::start(vec![
        Reply::json(404, r#"{"error":"Not found"}"#),
        Reply::json(403, r#"{"code":403,"error":"Feature disabled"}"#),
        Reply::json(403, r#"{"code":403,"error":"Permission denied"}"#),
    ])
    .await;
    let c = client(&stub);
    let uids = vec!["pqzzzzzzzzzzzzzz".to_owned()];
    let values = prysm::photoprism::BatchValues::new().favorite(true);
    for _ in 0..2 {
        let err = c.batch_edit(&uids, &values).await.unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    }
    let err = c.batch_edit(&uids, &values).await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let help = miette::Diagnostic::help(&err).unwrap().to_string();
    assert!(help.contains("app password"), "{help}");
}
