//! The `prysm` binary end to end: exit codes, output streams, confirmation,
//! saved plans, export, and secrets that never show.

use std::process::Output;

use assert_cmd::Command;
use prysm_emulator::{AlbumSeed, ApiGeneration, Emulator};

use crate::support::env;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests");
const PASSWORD: &str = "photoprism";

fn prysm(emulator: Option<&Emulator>) -> Command {
    let mut cmd = Command::cargo_bin("prysm").expect("binary");
    cmd.env("NO_COLOR", "1")
        .env(
            "PRYSM_JOURNAL",
            std::env::temp_dir().join("prysm-engine-test-journals"),
        )
        .env_remove("PHOTOPRISM_TOKEN")
        .env_remove("PHOTOPRISM_CLIENT_ID")
        .env_remove("PHOTOPRISM_CLIENT_SECRET");
    match emulator {
        Some(emulator) => {
            cmd.env("PHOTOPRISM_URL", emulator.url())
                .env("PHOTOPRISM_USERNAME", "admin")
                .env("PHOTOPRISM_PASSWORD", PASSWORD);
        }
        None => {
            cmd.env_remove("PHOTOPRISM_URL")
                .env_remove("PHOTOPRISM_USERNAME")
                .env_remove("PHOTOPRISM_PASSWORD");
        }
    }
    cmd
}

/// Runs the command off the async runtime (the emulator keeps serving).
async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("join")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn validate_accepts_the_examples_and_rejects_mistakes() {
    let output = prysm(None)
        .args(["validate", "-f", EXAMPLES])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("The manifest is valid: 4 albums, 5 photo rules in 4 files."));

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "version: 1\nalbums:\n  x:\n    titel: X\n").expect("write");
    let output = prysm(None)
        .args(["validate", "-f"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("titel"), "{err}");
    assert!(err.contains("title"), "did you mean: {err}");
    assert!(err.contains("bad.yaml:4:5"), "{err}");
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let output = prysm(None).arg("schema").output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let checked_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/prysm.schema.json"
    ))
    .expect("schema file");
    assert_eq!(stdout(&output), checked_in);
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_apply_plan_with_exit_codes() {
    let env = env(ApiGeneration::V2025).await;
    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "-f", EXAMPLES, "--detailed-exitcode"]);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("# album.portugal-2024 will be created"),
        "{text}"
    );
    assert!(text.contains("Plan: 2 to add,"), "{text}");
    assert!(!text.contains(PASSWORD));

    // Without a terminal and without --auto-approve, apply refuses.
    let mut refused = prysm(Some(&env.emulator));
    refused.args(["apply", "-f", EXAMPLES]).write_stdin("yes\n");
    let output = run(refused).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("refusing to apply without confirmation"),
        "{}",
        stderr(&output)
    );

    let mut apply = prysm(Some(&env.emulator));
    apply.args(["apply", "-f", EXAMPLES, "--auto-approve"]);
    let output = run(apply).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("Apply complete!"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("ok      album.portugal-2024"),
        "{}",
        stderr(&output)
    );

    let mut again = prysm(Some(&env.emulator));
    again.args(["plan", "-f", EXAMPLES, "--detailed-exitcode"]);
    let output = run(again).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "No changes. The library matches the manifest.\n"
    );

    let mut twice = prysm(Some(&env.emulator));
    twice.args(["apply", "-f", EXAMPLES, "--auto-approve"]);
    let output = run(twice).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("No changes."));
}

#[tokio::test(flavor = "multi_thread")]
async fn saved_plans_apply_and_refuse_after_a_change() {
    let env = env(ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("plan.json");
    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "-f", EXAMPLES, "-o"]).arg(&saved);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("prysm apply"),
        "{}",
        stdout(&output)
    );

    env.emulator.seed_album(AlbumSeed {
        title: "Changed meanwhile".to_string(),
        ..AlbumSeed::default()
    });
    let mut stale = prysm(Some(&env.emulator));
    stale.arg("apply").arg(&saved);
    let output = run(stale).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the server changed since this plan was saved"),
        "{}",
        stderr(&output)
    );

    let mut fresh = prysm(Some(&env.emulator));
    fresh.args(["plan", "-f", EXAMPLES, "--out"]).arg(&saved);
    assert_eq!(run(fresh).await.status.code(), Some(0));
    let mut apply = prysm(Some(&env.emulator));
    apply.args(["apply", "--auto-approve"]).arg(&saved);
    let output = run(apply).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("Apply complete!"));
}

#[tokio::test(flavor = "multi_thread")]
async fn json_outputs_parse() {
    let env = env(ApiGeneration::V2024).await;
    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "-f", EXAMPLES, "--json"]);
    let output = run(plan).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("plan JSON");
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["summary"]["add"], 2);

    let mut apply = prysm(Some(&env.emulator));
    apply.args(["apply", "-f", EXAMPLES, "--auto-approve", "--json"]);
    let output = run(apply).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("apply JSON");
    assert_eq!(value["summary"]["failed"], 0);
    assert!(
        value["results"]
            .as_array()
            .is_some_and(|results| !results.is_empty())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_or_missing_credentials_are_explained() {
    let env = env(ApiGeneration::V2025).await;
    let mut bad = prysm(Some(&env.emulator));
    bad.env("PHOTOPRISM_PASSWORD", "wrong-secret-123")
        .args(["plan", "-f", EXAMPLES]);
    let output = run(bad).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(!err.contains("wrong-secret-123"), "{err}");
    assert!(
        err.to_lowercase().contains("credentials") || err.contains("401"),
        "{err}"
    );

    let mut none = prysm(None);
    none.env("PHOTOPRISM_URL", env.emulator.url())
        .args(["plan", "-f", EXAMPLES]);
    let output = run(none).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no credentials"),
        "{}",
        stderr(&output)
    );

    let mut down = prysm(None);
    down.args(["--server", "http://127.0.0.1:9", "--username", "admin"])
        .env("PHOTOPRISM_PASSWORD", PASSWORD)
        .args(["plan", "-f", EXAMPLES]);
    let output = run(down).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("127.0.0.1:9"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_file_and_export_round_trip() {
    let env = env(ApiGeneration::V2025).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let password = dir.path().join("password");
    std::fs::write(&password, format!("{PASSWORD}\n")).expect("write");
    let exported = dir.path().join("exported.yaml");
    let mut export = prysm(None);
    export
        .args([
            "--server",
            &env.emulator.url(),
            "--username",
            "admin",
            "--password-file",
        ])
        .arg(&password)
        .args(["export", "-o"])
        .arg(&exported);
    let output = run(export).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&exported).expect("exported");
    assert!(text.contains("uid: as6s6c045hu43jsi"), "{text}");

    let mut validate = prysm(None);
    validate.args(["validate", "-f"]).arg(&exported);
    assert_eq!(run(validate).await.status.code(), Some(0));

    let mut plan = prysm(Some(&env.emulator));
    plan.args(["plan", "--detailed-exitcode", "-f"])
        .arg(&exported);
    let output = run(plan).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

/// The secret used in the URL forms below.
const URL_SECRET: &str = "hunter2";

#[tokio::test(flavor = "multi_thread")]
async fn credentials_in_server_urls_never_show() {
    let env = env(ApiGeneration::V2025).await;
    let token = env.emulator.create_app_password("*");
    let forms = [
        "admin:hunter2@photos.example.com",
        "admin:hunter2@photos.example.com:2342/photos",
        "http://admin:hunter2@photos.example.com",
        "https://admin:hunt%65r2@photos.example.com",
        "http://admin:hunter2@[::1]:2342",
        "admin:hunter2@",
        "http://admin:hunter2@photos.example.com:notaport",
        "http://photos.example.com:99999/?token=hunter2",
        "http://photos example.com/#access_token=hunter2",
        "http//admin:hunter2@photos.example.com",
        "photos.example.com:hunter2",
        "http://admin%3Ahunter2%40photos.example.com",
    ];
    for form in forms {
        for via_env in [false, true] {
            let mut cmd = prysm(None);
            cmd.env("PHOTOPRISM_TOKEN", &token);
            if via_env {
                cmd.env("PHOTOPRISM_URL", form);
            } else {
                cmd.args(["--server", form]);
            }
            cmd.args(["plan", "-f", EXAMPLES]);
            let output = run(cmd).await;
            let (out, err) = (stdout(&output), stderr(&output));
            assert_eq!(output.status.code(), Some(1), "{form}: {out}{err}");
            assert!(err.contains("invalid server URL"), "{form}: {err}");
            assert!(
                !out.contains(URL_SECRET) && !err.contains(URL_SECRET),
                "{form} shows the secret:\n{out}{err}"
            );
        }
    }
    // A query on a valid URL is dropped, and never shown.
    let mut cmd = prysm(None);
    cmd.env("PHOTOPRISM_TOKEN", &token)
        .args([
            "--server",
            &format!("{}/?token={URL_SECRET}", env.emulator.url()),
        ])
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stdout(&output).contains(URL_SECRET) && !stderr(&output).contains(URL_SECRET));
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_and_client_secrets_come_from_files_or_the_environment() {
    let env = env(ApiGeneration::V2024).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let token = env.emulator.create_app_password("*");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{token}\n")).expect("write");
    let sessions = env.emulator.session_count();

    // --token-file FILE: no warning, and the user's token is not revoked.
    let mut cmd = prysm(None);
    cmd.args(["--server", &env.emulator.url(), "--token-file"])
        .arg(&token_file)
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    // --token-file - (standard input).
    let mut cmd = prysm(None);
    cmd.args(["--server", &env.emulator.url(), "--token-file", "-"])
        .args(["plan", "-f", EXAMPLES])
        .write_stdin(format!("{token}\r\n"));
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // PHOTOPRISM_TOKEN: no warning.
    let mut cmd = prysm(None);
    cmd.env("PHOTOPRISM_URL", env.emulator.url())
        .env("PHOTOPRISM_TOKEN", &token)
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    // --token VALUE still works, with a warning that never shows the value.
    let mut cmd = prysm(None);
    cmd.args(["--server", &env.emulator.url(), "--token", &token])
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("warning: --token on the command line is visible"),
        "{err}"
    );
    assert!(err.contains("--token-file"), "{err}");
    assert!(!err.contains(&token) && !stdout(&output).contains(&token));
    assert_eq!(env.emulator.request_count("DELETE /api/v1/session"), 0);
    assert_eq!(env.emulator.request_count("POST /api/v1/oauth/revoke"), 0);
    assert_eq!(
        env.emulator.session_count(),
        sessions,
        "the user's token stays valid"
    );

    // Client credentials: the secret from a file; prysm's own token is revoked afterwards.
    let (client_id, client_secret) = env.emulator.new_client(true);
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, format!("{client_secret}\n")).expect("write");
    let mut cmd = prysm(None);
    cmd.args(["--server", &env.emulator.url(), "--client-id", &client_id])
        .arg("--client-secret-file")
        .arg(&secret_file)
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    assert_eq!(env.emulator.request_count("POST /api/v1/oauth/revoke"), 1);
    assert_eq!(env.emulator.session_count(), sessions);
    let mut cmd = prysm(None);
    cmd.args(["--server", &env.emulator.url(), "--client-id", &client_id])
        .args(["--client-secret", &client_secret])
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("warning: --client-secret on the command line is visible"),
        "{err}"
    );
    assert!(!err.contains(&client_secret), "{err}");
    let mut cmd = prysm(None);
    cmd.env("PHOTOPRISM_CLIENT_SECRET", &client_secret)
        .args(["--server", &env.emulator.url(), "--client-id", &client_id])
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));

    // Standard input can serve one secret only; a flag and its file form conflict.
    let mut cmd = prysm(None);
    cmd.args(["--server", &env.emulator.url(), "--username", "admin"])
        .args(["--password-file", "-", "--token-file", "-"])
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("read standard input"),
        "{}",
        stderr(&output)
    );
    let mut cmd = prysm(None);
    cmd.args(["--token", "x", "--token-file"])
        .arg(&token_file)
        .args(["plan", "-f", EXAMPLES]);
    let output = run(cmd).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!stderr(&output).contains(&token));
}

#[test]
fn help_says_which_secret_forms_are_safe() {
    let output = prysm(None).arg("--help").output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
    // Words only: the help is wrapped to the terminal's width.
    let help = stdout(&output)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "--token-file <FILE>",
        "--client-secret-file <FILE>",
        "--password-file <FILE>",
        "PHOTOPRISM_TOKEN",
        "PHOTOPRISM_CLIENT_SECRET",
        "PHOTOPRISM_PASSWORD",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
    let unsafe_count = help.matches("UNSAFE: visible to other users").count();
    assert_eq!(unsafe_count, 2, "--token and --client-secret warn:\n{help}");
}

/// Ctrl-C tests: `prysm` runs as a child process and gets real SIGINTs.
#[cfg(unix)]
mod ctrl_c {
    use std::io::Read as _;
    use std::process::{Child, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use prysm_emulator::{ApiGeneration, Emulator};

    use super::{EXAMPLES, PASSWORD};
    use crate::support::env;

    /// `prysm ARGS` logged in as the admin, output captured in the background.
    struct Running {
        child: Child,
        stdout: Arc<Mutex<String>>,
        stderr: Arc<Mutex<String>>,
    }

    fn spawn(emulator: &Emulator, args: &[&str], stdin: Stdio) -> Running {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("prysm"))
            .args(args)
            .env("NO_COLOR", "1")
            .env(
                "PRYSM_JOURNAL",
                std::env::temp_dir().join("prysm-engine-test-journals"),
            )
            .env("PHOTOPRISM_URL", emulator.url())
            .env("PHOTOPRISM_USERNAME", "admin")
            .env("PHOTOPRISM_PASSWORD", PASSWORD)
            .env_remove("PHOTOPRISM_TOKEN")
            .env_remove("PHOTOPRISM_CLIENT_ID")
            .env_remove("PHOTOPRISM_CLIENT_SECRET")
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("prysm starts");
        let collect = |mut pipe: Box<dyn std::io::Read + Send>| {
            let text = Arc::new(Mutex::new(String::new()));
            let sink = Arc::clone(&text);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut text) = sink.lock() {
                        text.push_str(&String::from_utf8_lossy(&buffer[..n]));
                    }
                }
            });
            text
        };
        let stdout = collect(Box::new(child.stdout.take().expect("stdout")));
        let stderr = collect(Box::new(child.stderr.take().expect("stderr")));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    impl Running {
        fn interrupt(&self) {
            let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
            // SAFETY: kill(2) with a valid signal number on our own child.
            let sent = unsafe { libc::kill(pid, libc::SIGINT) };
            assert_eq!(sent, 0, "SIGINT sent");
        }

        fn stdout(&self) -> String {
            self.stdout.lock().map(|t| t.clone()).unwrap_or_default()
        }

        fn stderr(&self) -> String {
            self.stderr.lock().map(|t| t.clone()).unwrap_or_default()
        }

        fn is_running(&mut self) -> bool {
            matches!(self.child.try_wait(), Ok(None))
        }

        /// Waits for the exit; returns the exit code (None: killed by a signal).
        async fn exit_code(&mut self, limit: Duration) -> Option<i32> {
            let start = Instant::now();
            loop {
                if let Ok(Some(status)) = self.child.try_wait() {
                    // Let the reader threads drain the pipes.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    return status.code();
                }
                if start.elapsed() > limit {
                    let _ = self.child.kill();
                    panic!(
                        "prysm did not exit within {limit:?}\nstdout:\n{}\nstderr:\n{}",
                        self.stdout(),
                        self.stderr()
                    );
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    /// Polls until `ready` holds (at most 30 s).
    async fn until(what: &str, mut ready: impl FnMut() -> bool) {
        let start = Instant::now();
        while !ready() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn reads_started(emulator: &Emulator) -> bool {
        emulator.request_counts().iter().any(|(route, n)| {
            *n > 0
                && route.starts_with("GET /api/v1/")
                && !route.ends_with("/session")
                && !route.ends_with("/config")
        })
    }

    /// The session prysm opened is gone, and it was ended with `DELETE /session`.
    fn assert_logged_out(emulator: &Emulator, sessions_before: usize, run: &Running) {
        assert_eq!(
            emulator.request_count("DELETE /api/v1/session"),
            1,
            "one logout\n{}",
            run.stderr()
        );
        assert_eq!(
            emulator.session_count(),
            sessions_before,
            "the session prysm opened is no longer valid\n{}",
            run.stderr()
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn ctrl_c_while_plan_reads_logs_out() {
        for generation in crate::support::GENERATIONS {
            let env = env(generation).await;
            let before = env.emulator.session_count();
            env.emulator.set_latency(Duration::from_millis(150));
            let mut run = spawn(&env.emulator, &["plan", "-f", EXAMPLES], Stdio::null());
            until("the plan's reads", || reads_started(&env.emulator)).await;
            run.interrupt();
            let code = run.exit_code(Duration::from_secs(20)).await;
            assert_eq!(code, Some(130), "{}", run.stderr());
            assert!(
                run.stderr()
                    .contains("Interrupted while reading the library"),
                "{}",
                run.stderr()
            );
            assert!(
                run.stdout().is_empty(),
                "no plan is printed: {}",
                run.stdout()
            );
            assert_logged_out(&env.emulator, before, &run);
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn ctrl_c_during_the_login_still_logs_out() {
        let env = env(ApiGeneration::V2025).await;
        let before = env.emulator.session_count();
        env.emulator.set_latency(Duration::from_millis(500));
        let logins = env.emulator.request_count("POST /api/v1/session");
        let mut run = spawn(&env.emulator, &["plan", "-f", EXAMPLES], Stdio::null());
        until("the login", || {
            env.emulator.request_count("POST /api/v1/session") > logins
        })
        .await;
        run.interrupt();
        let code = run.exit_code(Duration::from_secs(20)).await;
        assert_eq!(code, Some(130), "{}", run.stderr());
        assert!(
            run.stderr().contains("while logging in"),
            "{}",
            run.stderr()
        );
        assert_logged_out(&env.emulator, before, &run);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn second_ctrl_c_cuts_a_slow_logout_short() {
        let env = env(ApiGeneration::V2024).await;
        env.emulator.set_latency(Duration::from_millis(400));
        let logins = env.emulator.request_count("POST /api/v1/session");
        let mut run = spawn(&env.emulator, &["plan", "-f", EXAMPLES], Stdio::null());
        until("the login", || {
            env.emulator.request_count("POST /api/v1/session") > logins
        })
        .await;
        // Everything after the login answers very slowly, the logout too.
        env.emulator.set_latency(Duration::from_secs(8));
        until("the plan's reads", || reads_started(&env.emulator)).await;
        run.interrupt();
        until("the logout", || {
            env.emulator.request_count("DELETE /api/v1/session") > 0
        })
        .await;
        assert!(run.is_running(), "the first Ctrl-C waits for the logout");
        let second = Instant::now();
        run.interrupt();
        let code = run.exit_code(Duration::from_secs(20)).await;
        assert!(
            second.elapsed() < Duration::from_secs(5),
            "the quick logout gives up soon: {:?}",
            second.elapsed()
        );
        assert_eq!(code, Some(130), "{}", run.stderr());
        assert!(
            run.stderr().contains("no answer in time"),
            "{}",
            run.stderr()
        );
        env.emulator.clear_faults();
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn ctrl_c_leaves_a_token_given_by_the_user_alone() {
        let env = env(ApiGeneration::V2025).await;
        let token = env.emulator.create_app_password("*");
        let before = env.emulator.session_count();
        env.emulator.set_latency(Duration::from_millis(150));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("prysm"))
            .args(["plan", "-f", EXAMPLES])
            .env("PHOTOPRISM_URL", env.emulator.url())
            .env("PHOTOPRISM_TOKEN", &token)
            .env_remove("PHOTOPRISM_USERNAME")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prysm starts");
        until("the plan's reads", || reads_started(&env.emulator)).await;
        let pid = libc::pid_t::try_from(child.id()).expect("pid");
        // SAFETY: kill(2) with a valid signal number on our own child.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        let status = tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("join")
            .expect("wait");
        assert_eq!(status.code(), Some(130));
        assert_eq!(env.emulator.request_count("DELETE /api/v1/session"), 0);
        assert_eq!(env.emulator.request_count("POST /api/v1/oauth/revoke"), 0);
        assert_eq!(
            env.emulator.session_count(),
            before,
            "the token stays valid"
        );
    }

    /// A manifest that creates many albums, so that an apply takes a while.
    fn many_albums(dir: &std::path::Path) -> std::path::PathBuf {
        let mut text = String::from("version: 1\nalbums:\n");
        for n in 0..300 {
            text.push_str(&format!("  interrupted-{n}:\n    title: Interrupted {n}\n"));
        }
        let path = dir.join("many.yaml");
        std::fs::write(&path, text).expect("write");
        path
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn second_ctrl_c_during_apply_stops_waiting_and_still_logs_out() {
        let env = env(ApiGeneration::V2025).await;
        let before = env.emulator.session_count();
        let albums_before = env.emulator.albums().len();
        let dir = tempfile::tempdir().expect("tempdir");
        let manifest = many_albums(dir.path());
        let manifest = manifest.to_string_lossy().into_owned();
        let mut run = spawn(
            &env.emulator,
            &[
                "apply",
                "-f",
                &manifest,
                "--auto-approve",
                "--parallelism",
                "1",
            ],
            Stdio::null(),
        );
        until("the plan", || run.stdout().contains("Plan: 300 to add")).await;
        // From now on each request takes long: the running action keeps prysm waiting.
        env.emulator.set_latency(Duration::from_secs(6));
        let counted = env.emulator.total_requests();
        until("a slow write", || env.emulator.total_requests() > counted).await;
        let slow_since = Instant::now();
        run.interrupt();
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(
            run.is_running(),
            "the first Ctrl-C waits for running actions"
        );
        assert!(
            run.stderr().contains("letting running actions finish"),
            "{}",
            run.stderr()
        );
        env.emulator.set_latency(Duration::ZERO);
        run.interrupt();
        let code = run.exit_code(Duration::from_secs(20)).await;
        assert!(
            slow_since.elapsed() < Duration::from_secs(5),
            "the second Ctrl-C stops waiting ({:?})",
            slow_since.elapsed()
        );
        assert_eq!(code, Some(130), "{}", run.stderr());
        assert!(
            run.stderr().contains("Interrupted again"),
            "{}",
            run.stderr()
        );
        assert_logged_out(&env.emulator, before, &run);
        assert!(
            env.emulator.albums().len() < albums_before + 300,
            "the apply stopped early"
        );
    }

    /// A pseudo-terminal: (controller, the terminal end for the child's stdin).
    fn pty() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
        use std::os::fd::FromRawFd as _;
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
        unsafe {
            (
                std::os::fd::OwnedFd::from_raw_fd(controller),
                std::os::fd::OwnedFd::from_raw_fd(terminal),
            )
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn ctrl_c_at_the_confirmation_prompt_logs_out() {
        let env = env(ApiGeneration::V2024).await;
        let before = env.emulator.session_count();
        let albums_before = env.emulator.albums().len();
        // prysm asks only when standard input is a terminal: give it one that never answers.
        let (_controller, terminal) = pty();
        let mut run = spawn(
            &env.emulator,
            &["apply", "-f", EXAMPLES],
            Stdio::from(terminal),
        );
        until("the prompt", || run.stdout().contains("Enter a value:")).await;
        run.interrupt();
        let code = run.exit_code(Duration::from_secs(20)).await;
        assert_eq!(code, Some(130), "{}", run.stderr());
        assert!(
            run.stderr().contains("at the confirmation prompt"),
            "{}",
            run.stderr()
        );
        assert_logged_out(&env.emulator, before, &run);
        assert_eq!(
            env.emulator.albums().len(),
            albums_before,
            "nothing applied"
        );
    }
}
