//! The secrets sweep: every command and output mode (text, `--json`, `--markdown`, `--out`,
//! `--verbose`, errors, progress lines), run with known secrets (password, client secret, app
//! password, session token, secrets in the server URL), and the `Debug` of every public type
//! that holds credentials. Fails if any secret, in any encoding, shows anywhere. Also the TLS
//! options of the binary: `--ca-cert`, `--insecure` and the plain-http warning.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use prysm::photoprism::{
    Client, ClientOptions, Credentials, Secret, ServerUrl, Session, SessionConfig, Tokens,
};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions};

use crate::support::library;
use crate::tls_proxy::{TlsProxy, backend};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");
/// The admin password: punctuation, SQL wildcards, Cyrillic, CJK and an emoji.
const PASSWORD: &str = "Pw_%S3cret-Кл猫🔑'\"";
const WRONG_PASSWORD: &str = "Wr0ng_%Pass-Ё";

/// Every form a secret could take in output: as is, JSON-escaped, URL-encoded, and the parts
/// of it long enough to be recognisable.
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    let json = serde_json::to_string(secret).expect("json");
    forms.push(json.trim_matches('"').to_owned());
    forms.push(serde_urlencoded::to_string([("x", secret)]).expect("url")[2..].to_owned());
    forms.push(secret.escape_debug().to_string());
    forms.push(secret.escape_unicode().to_string());
    if secret.is_ascii() && secret.len() >= 16 {
        // A token cut in half is still a leak.
        forms.push(secret[..secret.len() / 2].to_owned());
        forms.push(secret[secret.len() / 2..].to_owned());
    }
    forms.retain(|f| f.len() >= 6);
    forms
}

/// Adds one way of logging in to a command.
type Login = Box<dyn Fn(&mut Command)>;

struct Sweep {
    secrets: Vec<(String, String)>,
    checked: usize,
}

impl Sweep {
    fn check(&mut self, what: &str, text: &str) {
        self.checked += 1;
        for (name, secret) in &self.secrets {
            for form in forms(secret) {
                assert!(
                    !text.contains(&form),
                    "{what} shows the {name} (as {form:?}):\n{text}"
                );
            }
        }
    }

    fn output(&mut self, what: &str, output: &Output) {
        self.check(
            &format!("{what} (stdout)"),
            &String::from_utf8_lossy(&output.stdout),
        );
        self.check(
            &format!("{what} (stderr)"),
            &String::from_utf8_lossy(&output.stderr),
        );
    }

    fn file(&mut self, what: &str, path: &Path) {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(!text.is_empty(), "{what} is empty");
        self.check(what, &text);
    }
}

fn prysm(emulator: &Emulator) -> Command {
    let mut cmd = Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env_remove("PHOTOPRISM_TOKEN")
        .env_remove("PHOTOPRISM_CLIENT_ID")
        .env_remove("PHOTOPRISM_CLIENT_SECRET")
        .env_remove("PRYSM_CA_CERT")
        .env("PHOTOPRISM_URL", emulator.url())
        .env("PHOTOPRISM_USERNAME", "admin")
        .env("PHOTOPRISM_PASSWORD", PASSWORD);
    cmd
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join")
}

async fn emulator(generation: ApiGeneration) -> Emulator {
    let emulator = Emulator::start(EmulatorOptions {
        password: PASSWORD.to_owned(),
        ..EmulatorOptions::for_generation(generation)
    })
    .await
    .expect("emulator");
    library::seed_example_library(&emulator);
    emulator
}

#[tokio::test(flavor = "multi_thread")]
async fn no_command_or_output_mode_shows_a_secret() {
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emulator = emulator(generation).await;
        let app_password = emulator.create_app_password("*");
        let session_token = emulator.create_session();
        let (client_id, client_secret) = emulator.new_client(true);
        let mut sweep = Sweep {
            secrets: vec![
                ("password".to_owned(), PASSWORD.to_owned()),
                ("wrong password".to_owned(), WRONG_PASSWORD.to_owned()),
                ("app password".to_owned(), app_password.clone()),
                ("session token".to_owned(), session_token.clone()),
                ("client secret".to_owned(), client_secret.clone()),
            ],
            checked: 0,
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let saved = dir.path().join("plan.json");
        let exported = dir.path().join("exported.yaml");
        let secret_file = dir.path().join("secret");
        std::fs::write(&secret_file, format!("{client_secret}\n")).expect("write");
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, &session_token).expect("write");

        // Each credential form, each read-only command and output mode.
        let logins: Vec<(&str, Login)> = vec![
            ("password", Box::new(|_: &mut Command| {})),
            ("app password", {
                let token = app_password.clone();
                Box::new(move |cmd: &mut Command| {
                    cmd.env("PHOTOPRISM_TOKEN", &token);
                })
            }),
            ("token file", {
                let file = token_file.clone();
                Box::new(move |cmd: &mut Command| {
                    cmd.arg("--token-file").arg(&file);
                })
            }),
            ("client secret flag", {
                let (id, secret) = (client_id.clone(), client_secret.clone());
                Box::new(move |cmd: &mut Command| {
                    cmd.args(["--client-id", &id, "--client-secret", &secret]);
                })
            }),
            ("client secret file", {
                let (id, file) = (client_id.clone(), secret_file.clone());
                Box::new(move |cmd: &mut Command| {
                    cmd.args(["--client-id", &id, "--client-secret-file"])
                        .arg(&file);
                })
            }),
        ];
        let modes: [&[&str]; 6] = [
            &["plan", "-f", EXAMPLES],
            &["plan", "-f", EXAMPLES, "--json"],
            &["plan", "-f", EXAMPLES, "--markdown"],
            &["plan", "-f", EXAMPLES, "--verbose"],
            &["graph", "-f", EXAMPLES],
            &["export"],
        ];
        for (login, setup) in &logins {
            for mode in modes {
                let mut cmd = prysm(&emulator);
                setup(&mut cmd);
                cmd.args(mode);
                let output = run(cmd).await;
                let what = format!("{login}: prysm {}", mode.join(" "));
                assert!(
                    output.status.code().is_some_and(|c| c == 0 || c == 2),
                    "{what}: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                sweep.output(&what, &output);
            }
        }

        // Files written: a saved plan and an export; then reading them back.
        let mut cmd = prysm(&emulator);
        cmd.args(["plan", "-f", EXAMPLES, "--out"]).arg(&saved);
        sweep.output("plan --out", &run(cmd).await);
        sweep.file("the saved plan", &saved);
        let mut cmd = prysm(&emulator);
        cmd.args(["export", "-o"]).arg(&exported);
        sweep.output("export -o", &run(cmd).await);
        sweep.file("the export", &exported);
        for args in [
            &["show"][..],
            &["show", "--json"],
            &["show", "--markdown"],
            &["graph"],
        ] {
            let mut cmd = prysm(&emulator);
            cmd.args(args).arg(&saved);
            sweep.output(&args.join(" "), &run(cmd).await);
        }

        // Apply, with its progress lines, verbose and JSON.
        let mut cmd = prysm(&emulator);
        cmd.args(["apply", "--auto-approve", "--verbose"])
            .arg(&saved);
        let output = run(cmd).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        sweep.output("apply FILE --verbose", &output);
        let mut cmd = prysm(&emulator);
        cmd.args(["apply", "-f", EXAMPLES, "--auto-approve", "--json"]);
        sweep.output("apply --json", &run(cmd).await);

        // Errors: a wrong password, a revoked token, a secret in the URL, a dead server.
        let mut cmd = prysm(&emulator);
        cmd.env("PHOTOPRISM_PASSWORD", WRONG_PASSWORD)
            .args(["plan", "-f", EXAMPLES]);
        let output = run(cmd).await;
        assert_eq!(output.status.code(), Some(1));
        sweep.output("a wrong password", &output);
        let mut cmd = prysm(&emulator);
        cmd.env("PHOTOPRISM_PASSWORD", WRONG_PASSWORD)
            .args(["plan", "-f", EXAMPLES, "--json"]);
        sweep.output("a wrong password --json", &run(cmd).await);
        let mut cmd = prysm(&emulator);
        cmd.args([
            "--server",
            &format!("http://admin:{app_password}@127.0.0.1:9"),
        ])
        .args(["plan", "-f", EXAMPLES]);
        sweep.output("a secret in the URL", &run(cmd).await);
        let mut cmd = prysm(&emulator);
        cmd.args(["--server", "http://127.0.0.1:9", "export"]);
        sweep.output("a dead server", &run(cmd).await);
        let revoked = emulator.create_app_password("*");
        sweep
            .secrets
            .push(("revoked token".to_owned(), revoked.clone()));
        emulator.revoke_all_sessions();
        let mut cmd = prysm(&emulator);
        cmd.env("PHOTOPRISM_TOKEN", &revoked).args(["export"]);
        let output = run(cmd).await;
        assert_eq!(output.status.code(), Some(1));
        sweep.output("a revoked token", &output);

        // Debug of every public type that holds credentials, logged in and out.
        let credentials = [
            Credentials::password("admin", PASSWORD),
            Credentials::client(client_id.clone(), client_secret.clone()),
            Credentials::token(app_password.clone()),
        ];
        for c in &credentials {
            sweep.check("Debug of Credentials", &format!("{c:?} {c:#?}"));
        }
        sweep.check(
            "Debug of Secret",
            &format!("{:?} {}", Secret::new(PASSWORD), Secret::new(PASSWORD)),
        );
        let client = Client::connect(
            ServerUrl::parse(&emulator.url()).expect("url"),
            ClientOptions::default(),
            &credentials[0],
        )
        .await
        .expect("login");
        let tokens: Tokens = client.tokens().expect("tokens");
        sweep
            .secrets
            .push(("access token".to_owned(), tokens.access.expose().to_owned()));
        sweep.check("Debug of Client", &format!("{client:?} {client:#?}"));
        sweep.check("Debug of Tokens", &format!("{tokens:?} {tokens:#?}"));
        let session: Session = client.session().await.expect("session");
        sweep.check("Debug of Session", &format!("{session:?} {session:#?}"));
        let config: SessionConfig = session.config.clone();
        sweep.check("Debug of SessionConfig", &format!("{config:?}"));
        client.logout().await.expect("logout");
        let parsed = <prysm::cli::Cli as clap::Parser>::try_parse_from([
            "prysm",
            "--server",
            &format!("https://admin:{PASSWORD}@photos.example.com"),
            "--token",
            &app_password,
            "--client-secret",
            &client_secret,
            "export",
        ]);
        if let Ok(cli) = parsed {
            sweep.check("Debug of Cli", &format!("{cli:?} {cli:#?}"));
        }
        assert!(sweep.checked > 80, "{} outputs checked", sweep.checked);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn https_with_a_self_signed_certificate_needs_ca_cert() {
    let emulator = emulator(ApiGeneration::V2025).await;
    let proxy = TlsProxy::start(backend(&emulator)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = dir.path().join("home-ca.pem");
    std::fs::write(&ca, &proxy.cert_pem).expect("write");

    // Not trusted: refused, and the message names the option.
    let mut cmd = prysm(&emulator);
    cmd.args(["--server", &proxy.url, "plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("not trusted") && err.contains("--ca-cert FILE"),
        "{err}"
    );

    // --ca-cert (flag or environment): works, quietly.
    for via_env in [false, true] {
        let mut cmd = prysm(&emulator);
        cmd.args(["--server", &proxy.url]);
        if via_env {
            cmd.env("PRYSM_CA_CERT", &ca);
        } else {
            cmd.arg("--ca-cert").arg(&ca);
        }
        cmd.args(["plan", "-f", EXAMPLES]);
        let output = run(cmd).await;
        let err = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.code().is_some_and(|c| c == 0 || c == 2),
            "{err}"
        );
        assert!(!err.contains("warning"), "{err}");
    }

    // --insecure: works, and says loudly what it costs, every run.
    let mut cmd = prysm(&emulator);
    cmd.args(["--server", &proxy.url, "--insecure", "plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.code().is_some_and(|c| c == 0 || c == 2),
        "{err}"
    );
    assert!(err.contains("warning: --insecure"), "{err}");

    // A file that is not a certificate.
    let mut cmd = prysm(&emulator);
    cmd.args(["--server", &proxy.url, "--ca-cert"])
        .arg(dir.path().join("missing.pem"))
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("missing.pem"), "{err}");
    let not_pem = dir.path().join("key.txt");
    std::fs::write(&not_pem, "hello").expect("write");
    let mut cmd = prysm(&emulator);
    cmd.args(["--server", &proxy.url, "--ca-cert"])
        .arg(&not_pem)
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(err.contains("holds no PEM certificate"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_to_another_host_warns() {
    let emulator = emulator(ApiGeneration::V2025).await;
    // Loopback: no warning.
    let mut cmd = prysm(&emulator);
    cmd.args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!err.contains("plain http"), "{err}");
    // Another host (nothing listens on this address: the warning comes before connecting).
    let mut cmd = prysm(&emulator);
    cmd.args([
        "--server",
        "http://photos.invalid:2342",
        "plan",
        "-f",
        EXAMPLES,
    ]);
    let output = run(cmd).await;
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        err.contains("warning: http://photos.invalid:2342 uses plain http: the password"),
        "{err}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_session_prysm_opens_is_closed_on_every_exit_path() {
    let emulator = emulator(ApiGeneration::V2025).await;
    let (client_id, client_secret) = emulator.new_client(true);
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("plan.json");
    let mut cmd = prysm(&emulator);
    cmd.args(["plan", "-f", EXAMPLES, "--out"]).arg(&saved);
    assert!(
        run(cmd)
            .await
            .status
            .code()
            .is_some_and(|c| c == 0 || c == 2)
    );
    let open = emulator.session_count();
    let unwritable = dir.path().join("no such dir").join("x.yaml");
    // (what, arguments, exit code with a password, exit code with client credentials)
    let cases: Vec<(&str, Vec<String>, u16, u16)> = vec![
        (
            "plan",
            vec!["plan".into(), "-f".into(), EXAMPLES.into()],
            0,
            0,
        ),
        (
            "a --target that names nothing",
            vec![
                "plan".into(),
                "-f".into(),
                EXAMPLES.into(),
                "--target".into(),
                "album.nothing".into(),
            ],
            1,
            1,
        ),
        (
            "export to an unwritable file",
            vec![
                "export".into(),
                "-o".into(),
                unwritable.display().to_string(),
            ],
            1,
            1,
        ),
        (
            "graph",
            vec!["graph".into(), "-f".into(), EXAMPLES.into()],
            0,
            0,
        ),
        (
            "apply without confirmation",
            vec!["apply".into(), "-f".into(), EXAMPLES.into()],
            1,
            1,
        ),
        // Applied once; the second time the server no longer matches the saved plan.
        (
            "apply a saved plan",
            vec![
                "apply".into(),
                "--auto-approve".into(),
                saved.display().to_string(),
            ],
            0,
            1,
        ),
    ];
    for (what, args, with_password, with_client) in cases {
        for client_credentials in [false, true] {
            let code = if client_credentials {
                with_client
            } else {
                with_password
            };
            let mut cmd = prysm(&emulator);
            if client_credentials {
                cmd.env("PHOTOPRISM_CLIENT_ID", &client_id)
                    .env("PHOTOPRISM_CLIENT_SECRET", &client_secret);
            }
            cmd.args(&args);
            let output = run(cmd).await;
            let err = String::from_utf8_lossy(&output.stderr).into_owned();
            let got = output.status.code().unwrap_or(-1);
            assert!(
                got == i32::from(code) || (code == 0 && got == 2),
                "{what}: exit {got}\n{err}"
            );
            assert_eq!(
                emulator.session_count(),
                open,
                "{what} left a session open\n{err}"
            );
        }
    }
}

/// Progress bars and spinners are drawn only on a terminal: run plan and apply with standard
/// error on a pseudo-terminal and sweep what they drew.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn progress_on_a_terminal_shows_no_secret() {
    use std::io::Read as _;
    use std::os::fd::FromRawFd as _;

    let emulator = emulator(ApiGeneration::V2025).await;
    let app_password = emulator.create_app_password("*");
    let mut sweep = Sweep {
        secrets: vec![
            ("password".to_owned(), PASSWORD.to_owned()),
            ("app password".to_owned(), app_password.clone()),
        ],
        checked: 0,
    };
    for (args, token) in [
        (&["plan", "-f", EXAMPLES][..], false),
        (&["apply", "-f", EXAMPLES, "--auto-approve"], false),
        (&["plan", "-f", EXAMPLES], true),
    ] {
        let (mut controller, mut terminal) = (-1, -1);
        // SAFETY: openpty writes two new descriptors into the given integers; the other
        // arguments may be null.
        let result = unsafe {
            libc::openpty(
                &mut controller,
                &mut terminal,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(result, 0, "openpty");
        // SAFETY: both descriptors were just opened and are owned by nobody else.
        let (controller, terminal) = unsafe {
            (
                std::fs::File::from_raw_fd(controller),
                std::os::fd::OwnedFd::from_raw_fd(terminal),
            )
        };
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("prysm"));
        cmd.env_remove("NO_COLOR")
            .env_remove("PHOTOPRISM_TOKEN")
            .env_remove("PHOTOPRISM_CLIENT_ID")
            .env_remove("PHOTOPRISM_CLIENT_SECRET")
            .env("TERM", "xterm-256color")
            .env("PHOTOPRISM_URL", emulator.url())
            .env("PHOTOPRISM_USERNAME", "admin")
            .env("PHOTOPRISM_PASSWORD", PASSWORD);
        if token {
            cmd.env("PHOTOPRISM_TOKEN", &app_password);
        }
        cmd.args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::from(terminal));
        // Read the terminal while the command runs (its buffer is small); EIO ends it.
        let reader = std::thread::spawn(move || {
            let mut controller = controller;
            let mut drawn = Vec::new();
            let mut buffer = [0u8; 4096];
            while let Ok(n) = controller.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                drawn.extend_from_slice(&buffer[..n]);
            }
            drawn
        });
        let output = tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
            .await
            .expect("join");
        let what = args.join(" ");
        assert!(
            output.status.code().is_some_and(|c| c == 0 || c == 2),
            "{what}: {output:?}"
        );
        sweep.output(&what, &output);
        let drawn = tokio::task::spawn_blocking(move || reader.join().expect("reader"))
            .await
            .expect("join");
        assert!(
            String::from_utf8_lossy(&drawn).contains("Reading the library"),
            "{what}: the terminal got no progress"
        );
        sweep.check(
            &format!("{what} on a terminal"),
            &String::from_utf8_lossy(&drawn),
        );
    }
}

/// Share links: their tokens and passwords never show in any plan mode, saved plan, apply
/// output, journal, undo or export (issue 11).
#[tokio::test(flavor = "multi_thread")]
async fn share_link_tokens_and_passwords_never_show() {
    const LINK_PASSWORD: &str = "Link_%Pässwort-Ключ🔑";
    for generation in [ApiGeneration::V2024, ApiGeneration::V2025] {
        let emulator = emulator(generation).await;
        let client = Client::connect(
            ServerUrl::parse(&emulator.url()).expect("url"),
            ClientOptions::default(),
            &Credentials::password("admin", PASSWORD),
        )
        .await
        .expect("login");
        const BERLIN: &str = "as6s6c045hu43jsi";
        // A link made in PhotoPrism, with a password: managed below.
        let existing = client
            .create_album_link(
                BERLIN,
                &prysm::photoprism::ShareLinkOptions {
                    slug: Some("family".into()),
                    password: Some(Secret::new("Old_%Link-Pässwort")),
                    ..Default::default()
                },
            )
            .await
            .expect("link");
        let dir = tempfile::tempdir().expect("tempdir");
        let password_file = dir.path().join("link-password");
        std::fs::write(&password_file, format!("{LINK_PASSWORD}\n")).expect("write");
        let manifest = dir.path().join("links.yaml");
        std::fs::write(
            &manifest,
            format!(
                "version: 1\nalbums:\n  berlin:\n    uid: {BERLIN}\n    title: Berlin 2023\n    \
                 manage_links: true\n    links:\n      - {{ slug: family, expires: 12h }}\n      \
                 - {{ slug: friends, max_views: 3, password: {{ file: {} }} }}\n      - {{}}\n",
                password_file.display()
            ),
        )
        .expect("write");
        let journal = dir.path().join("journal");
        let saved = dir.path().join("plan.json");
        let manifest = manifest.to_str().expect("utf-8").to_owned();
        let mut outputs: Vec<(String, String)> = Vec::new();
        let mut keep = |what: &str, output: &Output| {
            outputs.push((
                what.to_owned(),
                format!(
                    "{}\n{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ),
            ));
        };
        for mode in [
            &["plan", "-f", &manifest][..],
            &["plan", "-f", &manifest, "--json"],
            &["plan", "-f", &manifest, "--markdown"],
            &["plan", "-f", &manifest, "--verbose"],
        ] {
            let mut cmd = prysm(&emulator);
            cmd.args(mode);
            keep(&mode.join(" "), &run(cmd).await);
        }
        let mut cmd = prysm(&emulator);
        cmd.args(["plan", "-f", &manifest, "--out"]).arg(&saved);
        keep("plan --out", &run(cmd).await);
        let mut cmd = prysm(&emulator);
        cmd.args(["apply", "--auto-approve", "--verbose", "--journal"])
            .arg(&journal)
            .arg(&saved);
        let output = run(cmd).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let applied = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(applied.contains("Share dialog"), "{applied}");
        keep("apply FILE --verbose", &output);
        let mut cmd = prysm(&emulator);
        cmd.arg("--journal").arg(&journal).args([
            "apply",
            "-f",
            &manifest,
            "--auto-approve",
            "--json",
        ]);
        keep("apply --json", &run(cmd).await);
        let mut cmd = prysm(&emulator);
        cmd.args(["undo", "--journal"]).arg(&journal);
        keep("undo", &run(cmd).await);
        let mut cmd = prysm(&emulator);
        cmd.args(["export"]);
        keep("export", &run(cmd).await);

        // Every token the album's links ever had, and both passwords.
        let mut secrets = vec![
            (
                "old link password".to_owned(),
                "Old_%Link-Pässwort".to_owned(),
            ),
            ("link password".to_owned(), LINK_PASSWORD.to_owned()),
            ("deleted link's token".to_owned(), existing.token.clone()),
        ];
        let links = client.album_links(BERLIN).await.expect("links");
        assert_eq!(links.len(), 3, "{links:?}");
        assert!(
            links
                .iter()
                .any(|l| l.slug == "friends" && l.verify_password)
        );
        for link in links {
            secrets.push((format!("token of {}", link.uid), link.token));
        }
        let mut sweep = Sweep {
            secrets,
            checked: 0,
        };
        for (what, text) in &outputs {
            sweep.check(what, text);
        }
        sweep.file("the saved plan", &saved);
        for entry in std::fs::read_dir(&journal).expect("journal dir") {
            let path = entry.expect("entry").path();
            sweep.file(&format!("journal {}", path.display()), &path);
        }
        // Nine outputs, the saved plan and at least the apply's journal.
        assert!(sweep.checked >= 11, "{}", sweep.checked);
        let undo = &outputs
            .iter()
            .find(|(what, _)| what == "undo")
            .expect("undo")
            .1;
        assert!(undo.contains("share links are not undone"), "{undo}");
    }
}
