//! Server and credentials from flags, then the environment.

use std::io::Read as _;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::photoprism::{Client, ClientOptions, Credentials, Secret, ServerUrl};

/// Where the server is and how to log in. Flags win over the environment.
#[derive(Args)]
pub struct Connection {
    /// PhotoPrism URL (host[:port] or a full URL).
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
    /// the PHOTOPRISM_PASSWORD environment variable.
    #[arg(long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// An access token or app password.
    #[arg(
        long,
        global = true,
        env = "PHOTOPRISM_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// OAuth client ID (client credentials).
    #[arg(long, global = true, env = "PHOTOPRISM_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// OAuth client secret.
    #[arg(
        long,
        global = true,
        env = "PHOTOPRISM_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("server", &self.server)
            .field("username", &self.username)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .finish()
    }
}

impl Connection {
    /// The credentials these flags describe: a token first, then client
    /// credentials, then user name and password.
    pub fn credentials(&self) -> Result<Credentials, CliError> {
        if let Some(token) = self.token.as_deref().filter(|token| !token.is_empty()) {
            return Ok(Credentials::Token(Secret::new(token.trim())));
        }
        if let Some(client_id) = &self.client_id {
            let secret = self.client_secret.clone().ok_or_else(|| {
                CliError::usage(
                    "--client-id needs a client secret",
                    "set --client-secret or PHOTOPRISM_CLIENT_SECRET",
                )
            })?;
            return Ok(Credentials::ClientCredentials {
                client_id: client_id.clone(),
                client_secret: Secret::new(secret),
            });
        }
        if let Some(username) = &self.username {
            let password = match &self.password_file {
                Some(path) => read_password(path)?,
                // Only from the environment: a password flag would show in `ps`.
                None => password_from_env().ok_or_else(|| {
                    CliError::usage(
                        format!("no password for user {username}"),
                        "pass --password-file FILE (or - for standard input), or set PHOTOPRISM_PASSWORD",
                    )
                })?,
            };
            return Ok(Credentials::Password {
                username: username.clone(),
                password: Secret::new(password),
            });
        }
        Err(CliError::usage(
            "no credentials for the PhotoPrism server",
            "set PHOTOPRISM_TOKEN (an access token or app password), or PHOTOPRISM_USERNAME with \
             PHOTOPRISM_PASSWORD / --password-file, or --client-id and --client-secret",
        ))
    }

    /// Connects and logs in.
    pub async fn connect(&self) -> Result<Client, CliError> {
        let server = ServerUrl::parse(&self.server)?;
        let credentials = self.credentials()?;
        let client = Client::connect(server, ClientOptions::default(), &credentials).await?;
        Ok(client)
    }
}

/// `PHOTOPRISM_PASSWORD`, when set and not empty.
fn password_from_env() -> Option<String> {
    std::env::var("PHOTOPRISM_PASSWORD")
        .ok()
        .filter(|password| !password.is_empty())
}

fn read_password(path: &PathBuf) -> Result<String, CliError> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| CliError::Io {
                what: "cannot read the password from standard input".to_string(),
                source,
            })?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|source| CliError::Io {
            what: format!("cannot read the password file {}", path.display()),
            source,
        })?
    };
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

/// Ends the session the command opened: password and client-credential
/// sessions are logged out; a token given by the user is left alone.
pub async fn finish(client: &Client, connection: &Connection) {
    if connection
        .token
        .as_deref()
        .is_some_and(|token| !token.is_empty())
    {
        return;
    }
    if let Err(error) = client.logout().await {
        eprintln!(
            "warning: could not log out of {}: {error}",
            connection.server
        );
    }
}
