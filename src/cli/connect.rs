//! Server and credentials from flags, files and the environment; opening and
//! closing the session a command works in.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::CliError;
use super::interrupt::Interrupts;
use crate::photoprism::{Client, ClientOptions, Credentials, Secret, ServerUrl};

/// Where the server is and how to log in. Flags win over the environment.
///
/// Safe ways to pass a secret: a file (`--password-file`, `--token-file`,
/// `--client-secret-file`, each also `-` for standard input) or the environment
/// (`PHOTOPRISM_PASSWORD`, `PHOTOPRISM_TOKEN`, `PHOTOPRISM_CLIENT_SECRET`).
/// `--token` and `--client-secret` stay for compatibility but are visible to
/// other users of the machine (`ps`), so using them prints a warning.
#[derive(Args)]
pub struct Connection {
    /// PhotoPrism URL (host[:port] or a full URL), without credentials in it.
    #[arg(
        long,
        global = true,
        env = "PHOTOPRISM_URL",
        default_value = "http://localhost:2342",
        value_name = "URL"
    )]
    pub server: String,
    /// User name for a password login (an admin account).
    #[arg(long, global = true, env = "PHOTOPRISM_USERNAME", value_name = "NAME")]
    pub username: Option<String>,
    /// Read the password from FILE (`-` for standard input); without it, from
    /// the PHOTOPRISM_PASSWORD environment variable. (There is no password flag:
    /// it would be visible to other users in `ps`.)
    #[arg(long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// An access token or app password. UNSAFE: visible to other users of this
    /// machine (`ps`) and kept in shell history; prefer --token-file or the
    /// PHOTOPRISM_TOKEN environment variable.
    #[arg(
        long,
        global = true,
        value_name = "TOKEN",
        conflicts_with = "token_file"
    )]
    pub token: Option<String>,
    /// Read the access token or app password from FILE (`-` for standard
    /// input). Safe; so is the PHOTOPRISM_TOKEN environment variable.
    #[arg(long, global = true, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// OAuth client ID (client credentials).
    #[arg(long, global = true, env = "PHOTOPRISM_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// OAuth client secret. UNSAFE: visible to other users of this machine
    /// (`ps`); prefer --client-secret-file or PHOTOPRISM_CLIENT_SECRET.
    #[arg(
        long,
        global = true,
        value_name = "SECRET",
        conflicts_with = "client_secret_file"
    )]
    pub client_secret: Option<String>,
    /// Read the OAuth client secret from FILE (`-` for standard input). Safe;
    /// so is the PHOTOPRISM_CLIENT_SECRET environment variable.
    #[arg(long, global = true, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Also trust the certificates in this PEM file: a private CA or the
    /// server's self-signed certificate (repeatable; env: one file).
    #[arg(long, global = true, env = "PRYSM_CA_CERT", value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,
    /// Do not check the server's TLS certificate at all. UNSAFE: anyone on the
    /// network path can read the password and token; prefer --ca-cert FILE.
    #[arg(long, global = true)]
    pub insecure: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("server", &ServerUrl::redact(&self.server))
            .field("username", &self.username)
            .field("password_file", &self.password_file)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("token_file", &self.token_file)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("client_secret_file", &self.client_secret_file)
            .field("ca_cert", &self.ca_cert)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// How long a logout may take before prysm gives up on it.
const LOGOUT_WAIT: Duration = Duration::from_secs(30);
/// How long a logout may take after one Ctrl-C.
const LOGOUT_WAIT_INTERRUPTED: Duration = Duration::from_secs(10);
/// How long a logout may take after a second Ctrl-C.
const LOGOUT_WAIT_HURRIED: Duration = Duration::from_secs(2);

impl Connection {
    /// The credentials these flags describe: a token first, then client
    /// credentials, then user name and password. Warns on standard error when
    /// a secret was given on the command line.
    pub fn credentials(&self) -> Result<Credentials, CliError> {
        self.check_stdin_use()?;
        if let Some(token) = self.token()? {
            return Ok(Credentials::Token(token));
        }
        if let Some(client_id) = &self.client_id {
            let secret = self.client_secret()?.ok_or_else(|| {
                CliError::usage(
                    "--client-id needs a client secret",
                    "pass --client-secret-file FILE (or - for standard input), or set PHOTOPRISM_CLIENT_SECRET",
                )
            })?;
            return Ok(Credentials::ClientCredentials {
                client_id: client_id.clone(),
                client_secret: secret,
            });
        }
        if let Some(username) = &self.username {
            let password = match &self.password_file {
                Some(path) => read_secret(path, "password")?,
                // Only from the environment: a password flag would show in `ps`.
                None => env_secret("PHOTOPRISM_PASSWORD").ok_or_else(|| {
                    CliError::usage(
                        format!("no password for user {username}"),
                        "pass --password-file FILE (or - for standard input), or set PHOTOPRISM_PASSWORD",
                    )
                })?,
            };
            return Ok(Credentials::Password {
                username: username.clone(),
                password,
            });
        }
        Err(CliError::usage(
            "no credentials for the PhotoPrism server",
            "set PHOTOPRISM_TOKEN or pass --token-file FILE (an access token or app password), or \
             PHOTOPRISM_USERNAME with PHOTOPRISM_PASSWORD / --password-file, or --client-id with \
             PHOTOPRISM_CLIENT_SECRET / --client-secret-file",
        ))
    }

    /// The token: `--token-file`, then `--token` (with a warning), then `PHOTOPRISM_TOKEN`.
    fn token(&self) -> Result<Option<Secret>, CliError> {
        let token = if let Some(path) = &self.token_file {
            Some(read_secret(path, "token")?)
        } else if let Some(token) = &self.token {
            warn_visible("--token", "--token-file FILE or PHOTOPRISM_TOKEN");
            Some(Secret::new(token.clone()))
        } else {
            env_secret("PHOTOPRISM_TOKEN")
        };
        // Tokens never contain white space; a pasted one often ends in a newline.
        Ok(token
            .map(|token| Secret::new(token.expose().trim()))
            .filter(|token| !token.is_empty()))
    }

    /// The client secret: `--client-secret-file`, then `--client-secret` (with a
    /// warning), then `PHOTOPRISM_CLIENT_SECRET`.
    fn client_secret(&self) -> Result<Option<Secret>, CliError> {
        if let Some(path) = &self.client_secret_file {
            return Ok(Some(read_secret(path, "client secret")?));
        }
        if let Some(secret) = &self.client_secret {
            warn_visible(
                "--client-secret",
                "--client-secret-file FILE or PHOTOPRISM_CLIENT_SECRET",
            );
            return Ok(Some(Secret::new(secret.clone())));
        }
        Ok(env_secret("PHOTOPRISM_CLIENT_SECRET"))
    }

    /// Standard input can be read only once.
    fn check_stdin_use(&self) -> Result<(), CliError> {
        let from_stdin = [
            ("--password-file", &self.password_file),
            ("--token-file", &self.token_file),
            ("--client-secret-file", &self.client_secret_file),
        ]
        .into_iter()
        .filter(|(_, path)| path.as_deref().is_some_and(|p| p.as_os_str() == "-"))
        .map(|(flag, _)| flag)
        .collect::<Vec<_>>();
        if from_stdin.len() > 1 {
            return Err(CliError::usage(
                format!(
                    "{} all read standard input (`-`), which can be read only once",
                    from_stdin.join(" and ")
                ),
                "give at most one of them as `-` and the others as files",
            ));
        }
        Ok(())
    }

    /// Connects and logs in. A Ctrl-C during the login waits a moment for the
    /// server's answer and, when a session was opened after all, ends it.
    pub async fn connect(&self, interrupts: &Interrupts) -> Result<Client, CliError> {
        let server = ServerUrl::parse(&self.server)?;
        let credentials = self.credentials()?;
        let options = self.client_options()?;
        warn_unprotected(&server, &credentials, &options);
        let client = Client::new(server, options)?;
        let outcome = {
            let login = client.login(&credentials);
            tokio::pin!(login);
            tokio::select! {
                result = &mut login => Ok(result),
                () = interrupts.reached(1) => {
                    // The server may have opened the session already: let the answer arrive.
                    Err(tokio::time::timeout(LOGOUT_WAIT_HURRIED, &mut login).await)
                }
            }
        };
        match outcome {
            Ok(result) => {
                result?;
                Ok(client)
            }
            Err(late) => {
                if matches!(late, Ok(Ok(_))) {
                    finish(&client, interrupts).await;
                }
                Err(CliError::interrupted(
                    "while logging in; nothing was changed",
                ))
            }
        }
    }
}

impl Connection {
    /// Client options with the TLS settings of `--ca-cert` and `--insecure`.
    pub fn client_options(&self) -> Result<ClientOptions, CliError> {
        let mut ca_certs = Vec::new();
        for path in &self.ca_cert {
            let pem = std::fs::read(path).map_err(|source| CliError::Io {
                what: format!("cannot read the CA certificate file {}", path.display()),
                source,
            })?;
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err(CliError::usage(
                    format!("{} holds no PEM certificate", path.display()),
                    "--ca-cert wants a PEM file with `-----BEGIN CERTIFICATE-----` blocks (the CA's \
                     certificate, or the server's own self-signed one)",
                ));
            }
            ca_certs.push(pem);
        }
        Ok(ClientOptions {
            ca_certs,
            accept_invalid_certs: self.insecure,
            ..ClientOptions::default()
        })
    }
}

/// Loud warnings for a connection that does not protect the credentials: `--insecure`
/// (every run), and a password sent over plain `http://` to a host that is not this machine.
fn warn_unprotected(server: &ServerUrl, credentials: &Credentials, options: &ClientOptions) {
    let site = server.site();
    if options.accept_invalid_certs {
        eprintln!(
            "warning: --insecure: the TLS certificate of {} is NOT checked; anyone on the network \
             path can read the credentials and change the answers. Trust the server's certificate \
             with --ca-cert FILE instead",
            server.origin()
        );
    }
    let loopback = match site.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    };
    if site.scheme() == "http" && !loopback {
        let what = match credentials {
            Credentials::Password { .. } => "the password",
            Credentials::ClientCredentials { .. } => "the client secret",
            Credentials::Token(_) => "the token",
        };
        eprintln!(
            "warning: {} uses plain http: {what} and every answer cross the network unencrypted; \
             use https:// (with --ca-cert FILE for a private CA or self-signed certificate)",
            server.origin()
        );
    }
}

/// Ends the session the command opened: a password login is logged out, a
/// client-credentials token revoked; a token or app password given by the user
/// is left alone (see [`Client::logout`]). After a Ctrl-C the wait is shorter,
/// and a further Ctrl-C shortens it to a quick last try.
pub async fn finish(client: &Client, interrupts: &Interrupts) {
    let hurried = interrupts.count() >= 2;
    let limit = match interrupts.count() {
        0 => LOGOUT_WAIT,
        1 => LOGOUT_WAIT_INTERRUPTED,
        _ => LOGOUT_WAIT_HURRIED,
    };
    let logout = client.logout();
    tokio::pin!(logout);
    let result = tokio::select! {
        result = tokio::time::timeout(limit, &mut logout) => result,
        () = interrupts.reached(interrupts.count() + 1), if !hurried => {
            tokio::time::timeout(LOGOUT_WAIT_HURRIED, &mut logout).await
        }
    };
    let server = client.server().origin();
    match result {
        Ok(Ok(())) => {}
        Ok(Err(error)) => eprintln!("warning: could not log out of {server}: {error}"),
        Err(_) => eprintln!(
            "warning: could not log out of {server}: no answer in time; the session stays \
             open until it expires"
        ),
    }
}

fn warn_visible(flag: &str, instead: &str) {
    eprintln!(
        "warning: {flag} on the command line is visible to other users of this machine (ps) \
         and stays in shell history; use {instead} instead"
    );
}

/// A secret from the environment, when set and not empty.
fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .map(Secret::new)
}

/// Reads a secret from a file, or from standard input for `-`; one trailing
/// line break is dropped.
fn read_secret(path: &Path, what: &str) -> Result<Secret, CliError> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| CliError::Io {
                what: format!("cannot read the {what} from standard input"),
                source,
            })?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|source| CliError::Io {
            what: format!("cannot read the {what} file {}", path.display()),
            source,
        })?
    };
    let value = text.trim_end_matches(['\r', '\n']);
    if value.is_empty() {
        return Err(CliError::usage(
            format!("the {what} read from {} is empty", path.display()),
            format!("put the {what} in the file (one line)"),
        ));
    }
    Ok(Secret::new(value))
}
