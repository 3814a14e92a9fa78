//! Broken and hostile servers (a scripted stub on 127.0.0.1): every odd answer becomes a typed
//! error that names the endpoint, never a panic; redirects never carry credentials elsewhere;
//! sessions that end during a run are renewed once, and wrong credentials are never repeated.

use std::time::Duration;

use prysm::photoprism::{Client, ClientOptions, Credentials, Error, RetryPolicy, ServerUrl};

use crate::stub::{Reply, Stub};

const SESSION_A: &str = r#"{"access_token":"tokenAAAAAAAAAAAAAAAAAAAA","token_type":"Bearer","id":"s1","expires_in":1209600,"provider":"local","scope":"*","status":"ok","user":{"UID":"uqxetse3cy5eo9z2","Name":"admin"},"config":{"version":"250426-b"}}"#;
const SESSION_B: &str = r#"{"access_token":"tokenBBBBBBBBBBBBBBBBBBBB","token_type":"Bearer","id":"s2","expires_in":1209600,"provider":"local","scope":"*","status":"ok","user":{"UID":"uqxetse3cy5eo9z2","Name":"admin"},"config":{"version":"250426-b"}}"#;
const UNAUTHORIZED: &str = r#"{"error":"Unauthorized"}"#;
const ALBUM: &str = r#"{"UID":"aqmxlr71p6zo22dk","Title":"Holidays","Type":"album"}"#;

fn options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        retry: RetryPolicy::none(),
        max_body_bytes: 64 * 1024,
        body_idle_timeout: Duration::from_millis(400),
        ..ClientOptions::default()
    }
}

fn client(stub: &Stub) -> Client {
    Client::new(ServerUrl::parse(&stub.url).expect("url"), options()).expect("client")
}

/// A client that logged in with a token (`GET /session` answered by the first scripted reply).
async fn token_client(stub: &Stub) -> Client {
    let client = client(stub);
    client
        .login(&Credentials::token("tokenAAAAAAAAAAAAAAAAAAAA"))
        .await
        .expect("token login");
    client
}

fn raw(head_and_body: &str, hang: bool) -> Reply {
    Reply::Raw(head_and_body.as_bytes().to_vec(), hang)
}

fn html(status: u16, title: &str) -> Reply {
    Reply::Http(
        status,
        vec![("Content-Type", "text/html".to_owned())],
        format!("<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"),
    )
}

/// Asserts the error names the endpoint and says what was wrong.
fn assert_names(error: &Error, path: &str, what: &str) {
    let text = error.to_string();
    assert!(text.contains(path), "{text}");
    assert!(text.contains(what), "{text:?} should say {what:?}");
}

#[tokio::test]
async fn odd_answers_become_typed_errors_naming_the_endpoint() {
    // (reply to GET /albums/{uid}, expected variant check, what the message says)
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::json(200, r#"{"UID":"aqmxlr71p6zo22dk","Title":"Holi"#),
            "EOF",
        ),
        (
            Reply::json(200, r#"{"UID":["not","a","string"]}"#),
            "invalid type",
        ),
        (
            Reply::json(200, r#"{"UID":"aqmxlr71p6zo22dk","Title":7}"#),
            "invalid type",
        ),
        (
            html(200, "Welcome to nginx!"),
            "HTML page (Welcome to nginx!)",
        ),
        (Reply::json(200, ""), "empty"),
        (Reply::json(200, "   \n"), "empty"),
        (Reply::json(200, "[1,2,3]"), "invalid type"),
        (Reply::json(200, "\u{1b}[2J\u{0}garbage"), "expected value"),
    ];
    for (reply, what) in cases {
        let stub = Stub::start(vec![Reply::json(200, SESSION_A), reply.clone()]).await;
        let client = token_client(&stub).await;
        let error = client
            .album("aqmxlr71p6zo22dk")
            .await
            .expect_err(&format!("{reply:?}"));
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        assert_names(&error, "GET /api/v1/albums/aqmxlr71p6zo22dk", what);
        assert!(!error.to_string().contains('\u{1b}'), "{error}");
    }
}

#[tokio::test]
async fn a_proxy_error_page_is_a_server_error_that_says_so() {
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),
        html(502, "502 Bad Gateway"),
    ])
    .await;
    let client = token_client(&stub).await;
    let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
    assert!(
        matches!(error, Error::Server { status: 502, .. }),
        "{error:?}"
    );
    assert_names(
        &error,
        "/api/v1/albums/aqmxlr71p6zo22dk",
        "HTML page (502 Bad Gateway)",
    );
}

#[tokio::test]
async fn a_stalled_body_times_out() {
    // Headers promise 500 bytes; 20 arrive, then nothing.
    let partial = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{}",
        &ALBUM[..20]
    );
    let stub = Stub::start(vec![Reply::json(200, SESSION_A), raw(&partial, true)]).await;
    let client = token_client(&stub).await;
    let started = std::time::Instant::now();
    let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_names(&error, "GET /api/v1/albums/aqmxlr71p6zo22dk", "no answer");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_that_breaks_off_is_a_transport_error() {
    let partial = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{}",
        &ALBUM[..20]
    );
    let stub = Stub::start(vec![Reply::json(200, SESSION_A), raw(&partial, false)]).await;
    let client = token_client(&stub).await;
    let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { connect: false, .. }),
        "{error:?}"
    );
    assert_names(&error, "GET /api/v1/albums/aqmxlr71p6zo22dk", "failed");
}

#[tokio::test]
async fn answers_past_the_size_cap_are_refused() {
    // Declared too large up front, and an endless chunked body without a length.
    let declared = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n{";
    for reply in [raw(declared, true), Reply::Endless] {
        let stub = Stub::start(vec![Reply::json(200, SESSION_A), reply.clone()]).await;
        let client = token_client(&stub).await;
        let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
        assert!(
            matches!(error, Error::TooLarge { limit, .. } if limit == 64 * 1024),
            "{reply:?}: {error:?}"
        );
        assert_names(&error, "GET /api/v1/albums/aqmxlr71p6zo22dk", "larger than");
    }
}

#[tokio::test]
async fn the_default_cap_fits_real_answers() {
    let big = format!(
        r#"{{"UID":"aqmxlr71p6zo22dk","Title":"Holidays","Description":"{}"}}"#,
        "é".repeat(200_000)
    );
    let stub = Stub::start(vec![Reply::json(200, SESSION_A), Reply::json(200, &big)]).await;
    let client = Client::new(
        ServerUrl::parse(&stub.url).expect("url"),
        ClientOptions {
            retry: RetryPolicy::none(),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    client
        .login(&Credentials::token("tokenAAAAAAAAAAAAAAAAAAAA"))
        .await
        .expect("login");
    let album = client.album("aqmxlr71p6zo22dk").await.expect("album");
    assert_eq!(album.title, "Holidays");
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed_and_carry_nothing() {
    let elsewhere = Stub::start(vec![Reply::json(200, SESSION_B)]).await;
    for status in [301u16, 302, 307, 308] {
        let stub = Stub::start(vec![Reply::Http(
            status,
            vec![("Location", format!("{}/api/v1/session", elsewhere.url))],
            String::new(),
        )])
        .await;
        let error = client(&stub)
            .login(&Credentials::password("admin", "s3cret-Pa55"))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Redirect { status: s, location, .. }
                if *s == status && *location == elsewhere.url),
            "{error:?}"
        );
        assert_names(&error, "POST /api/v1/session", "another host");
    }
    // A token client: the bearer token does not follow either.
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),
        Reply::Http(
            302,
            vec![("Location", format!("{}/steal", elsewhere.url))],
            String::new(),
        ),
    ])
    .await;
    let client = token_client(&stub).await;
    let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
    assert!(matches!(error, Error::Redirect { .. }), "{error:?}");
    assert!(
        elsewhere.received().is_empty(),
        "{:?}",
        elsewhere.received()
    );
}

#[tokio::test]
async fn redirects_within_the_server_are_followed_with_the_token() {
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),
        Reply::Http(
            308,
            vec![("Location", "/api/v1/albums/aqmxlr71p6zo22dk/".to_owned())],
            String::new(),
        ),
        Reply::json(200, ALBUM),
    ])
    .await;
    let client = token_client(&stub).await;
    let album = client.album("aqmxlr71p6zo22dk").await.expect("album");
    assert_eq!(album.title, "Holidays");
    let received = stub.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].target, "/api/v1/albums/aqmxlr71p6zo22dk/");
    assert_eq!(
        received[2].header("authorization"),
        Some("Bearer tokenAAAAAAAAAAAAAAAAAAAA")
    );
}

#[tokio::test]
async fn a_wrong_password_stops_at_the_first_401() {
    let stub = Stub::start(vec![
        Reply::json(401, r#"{"error":"Invalid credentials"}"#),
        Reply::json(200, SESSION_A),
    ])
    .await;
    let client = Client::new(
        ServerUrl::parse(&stub.url).expect("url"),
        ClientOptions {
            // Even with generous retries: a 401 is an answer, not an accident.
            retry: RetryPolicy {
                max_retries: 5,
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(2),
            },
            ..options()
        },
    )
    .expect("client");
    let error = client
        .login(&Credentials::password("admin", "wrong"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert_eq!(stub.received().len(), 1);
}

#[tokio::test]
async fn an_expired_password_session_is_renewed_once() {
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),    // POST /session
        Reply::json(401, UNAUTHORIZED), // GET /albums/.. with A: expired
        Reply::json(200, SESSION_B),    // POST /session again
        Reply::json(200, ALBUM),        // GET /albums/.. with B
        Reply::json(200, "{}"),         // DELETE /session (B)
    ])
    .await;
    let client = client(&stub);
    client
        .login(&Credentials::password("admin", "s3cret-Pa55"))
        .await
        .expect("login");
    let album = client.album("aqmxlr71p6zo22dk").await.expect("renewed");
    assert_eq!(album.title, "Holidays");
    client.logout().await.expect("logout");
    let received = stub.received();
    let seen: Vec<String> = received
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    assert_eq!(
        seen,
        [
            "POST /api/v1/session",
            "GET /api/v1/albums/aqmxlr71p6zo22dk",
            "POST /api/v1/session",
            "GET /api/v1/albums/aqmxlr71p6zo22dk",
            "DELETE /api/v1/session",
        ]
    );
    assert_eq!(received[2].header("authorization"), None);
    assert!(received[2].body.contains("s3cret-Pa55"));
    assert_eq!(
        received[3].header("authorization"),
        Some("Bearer tokenBBBBBBBBBBBBBBBBBBBB")
    );
    // The renewed session is the one closed at the end.
    assert_eq!(
        received[4].header("authorization"),
        Some("Bearer tokenBBBBBBBBBBBBBBBBBBBB")
    );
}

#[tokio::test]
async fn a_session_is_renewed_only_once() {
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),
        Reply::json(401, UNAUTHORIZED),
        Reply::json(200, SESSION_B),
        Reply::json(401, UNAUTHORIZED),
        Reply::json(200, SESSION_A),
    ])
    .await;
    let client = client(&stub);
    client
        .login(&Credentials::password("admin", "s3cret-Pa55"))
        .await
        .expect("login");
    let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert_eq!(stub.received().len(), 4);
}

#[tokio::test]
async fn a_changed_password_stops_the_renewal_at_its_401() {
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),
        Reply::json(401, UNAUTHORIZED),
        Reply::json(401, r#"{"error":"Invalid credentials"}"#),
        Reply::json(200, SESSION_B),
    ])
    .await;
    let client = client(&stub);
    client
        .login(&Credentials::password("admin", "s3cret-Pa55"))
        .await
        .expect("login");
    let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
    assert!(
        matches!(&error, Error::Unauthorized { path, .. } if path == "/api/v1/session"),
        "{error:?}"
    );
    assert_eq!(stub.received().len(), 3);
}

#[tokio::test]
async fn a_revoked_token_given_by_the_user_stops_with_a_clear_message() {
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),
        Reply::json(401, UNAUTHORIZED),
        Reply::json(200, ALBUM),
    ])
    .await;
    let client = token_client(&stub).await;
    let error = client.album("aqmxlr71p6zo22dk").await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert_eq!(
        stub.received().len(),
        2,
        "no login attempt without credentials"
    );
    let help = miette::Diagnostic::help(&error)
        .map(|h| h.to_string())
        .unwrap_or_default();
    assert!(help.contains("expired or was revoked"), "{help}");
}

#[tokio::test]
async fn a_logout_on_an_ended_session_does_not_log_in_again() {
    let stub = Stub::start(vec![
        Reply::json(200, SESSION_A),
        Reply::json(401, UNAUTHORIZED),
        Reply::json(200, SESSION_B),
    ])
    .await;
    let client = client(&stub);
    client
        .login(&Credentials::password("admin", "s3cret-Pa55"))
        .await
        .expect("login");
    client
        .logout()
        .await
        .expect("a 401 at logout means it is over");
    assert_eq!(stub.received().len(), 2);
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn a_client_token_whose_check_fails_is_revoked_not_leaked() {
    let stub = Stub::start(vec![
        Reply::json(
            200,
            r#"{"access_token":"clienttokenCCCCCCCCCCCCCCCC","token_type":"Bearer","expires_in":3600,"scope":"*"}"#,
        ),
        html(502, "502 Bad Gateway"),
        Reply::json(200, r#"{"status":"ok"}"#),
    ])
    .await;
    let client = client(&stub);
    let error = client
        .login(&Credentials::client("cs5cpu17n6gj2qo5", "client-S3cret"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Server { status: 502, .. }),
        "{error:?}"
    );
    let received = stub.received();
    assert_eq!(received.len(), 3);
    assert_eq!(
        format!("{} {}", received[2].method, received[2].target),
        "POST /api/v1/oauth/revoke"
    );
    assert!(received[2].body.contains("clienttokenCCCCCCCCCCCCCCCC"));
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn parallel_requests_renew_a_revoked_session_once() {
    use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator, EmulatorOptions};
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emulator = Emulator::start(EmulatorOptions::for_generation(generation))
            .await
            .expect("emulator");
        let uid = emulator.seed_album(AlbumSeed {
            title: "Ferien 2024 «Sommer»".to_owned(),
            ..AlbumSeed::default()
        });
        for (credentials, login_route) in [
            (
                Credentials::password("admin", "photoprism"),
                "POST /api/v1/session",
            ),
            {
                let (id, secret) = emulator.new_client(true);
                (Credentials::client(id, secret), "POST /api/v1/oauth/token")
            },
        ] {
            let client = Client::connect(
                ServerUrl::parse(&emulator.url()).expect("url"),
                options(),
                &credentials,
            )
            .await
            .expect("login");
            emulator.revoke_all_sessions();
            emulator.reset_counts();
            let reads = (0..8).map(|_| client.album(&uid));
            for result in futures::future::join_all(reads).await {
                assert_eq!(result.expect("renewed").title, "Ferien 2024 «Sommer»");
            }
            assert_eq!(
                emulator.request_count(login_route),
                1,
                "{generation:?}: {:?}",
                emulator.request_counts()
            );
            client.logout().await.expect("logout");
            assert_eq!(emulator.session_count(), 0, "{generation:?}");
        }
    }
}

#[tokio::test]
async fn a_wrong_token_or_client_secret_stops_at_the_first_401() {
    for credentials in [
        Credentials::token("wrongtokenWWWWWWWWWWWWWW"),
        Credentials::client("cs5cpu17n6gj2qo5", "wrong-secret"),
    ] {
        let stub = Stub::start(vec![
            Reply::json(401, UNAUTHORIZED),
            Reply::json(200, SESSION_A),
            Reply::json(200, SESSION_A),
        ])
        .await;
        let error = client(&stub).login(&credentials).await.unwrap_err();
        assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
        assert_eq!(stub.received().len(), 1, "{credentials:?}");
    }
}
