//! [`Client`]: the handle every API call goes through, and its shared session state.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};

use super::error::Error;
use super::models::{Session, TextField, Tokens};
use super::options::ClientOptions;
use super::secret::Secret;
use super::server_info::ServerInfo;
use super::server_url::ServerUrl;

/// An async PhotoPrism client. Cheap to clone: clones share the connection pool and the session.
///
/// Create it with [`Client::new`] and log in with [`Client::login`], or use [`Client::connect`]
/// / [`Client::with_session`]. After login every request carries `Authorization: Bearer`.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) server: ServerUrl,
    pub(crate) options: ClientOptions,
    pub(crate) http: reqwest::Client,
    pub(crate) state: RwLock<AuthState>,
    /// Held while a batch edit that changes values runs: the server runs one at a time.
    pub(crate) batch_edit_lock: tokio::sync::Mutex<()>,
    /// Held while an expired session is renewed, so that parallel requests renew it once.
    pub(crate) relogin_lock: tokio::sync::Mutex<()>,
    /// Recording reads (`prysm snapshot`) and answering from a recording (`plan --state`).
    pub(crate) tape: super::recording::Tape,
}

/// How the current token was obtained, which decides how to log out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SessionKind {
    /// Not logged in.
    #[default]
    None,
    /// A user session created by password login: `DELETE /session` ends it.
    User,
    /// A client-credentials token created by this client: `POST /oauth/revoke` ends it.
    Client,
    /// A token supplied by the caller: logging out only forgets it.
    External,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct AuthState {
    pub(crate) token: Option<Secret>,
    pub(crate) kind: SessionKind,
    pub(crate) user_uid: String,
    pub(crate) user_name: String,
    pub(crate) tokens: Option<Tokens>,
    pub(crate) info: ServerInfo,
    /// The password or client credentials of the current session, kept to renew it once when
    /// it expires or is revoked during a long run (`None` for a token given by the caller).
    pub(crate) renew_with: Option<super::auth::Credentials>,
}

impl Client {
    /// Creates an unauthenticated client for `server`.
    pub fn new(server: ServerUrl, options: ClientOptions) -> Result<Client, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(options.user_agent.clone())
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .redirect(same_origin_redirects(&server));
        for (index, pem) in options.ca_certs.iter().enumerate() {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .ok()
                .filter(|certificates| !certificates.is_empty())
                .ok_or_else(|| Error::InvalidInput {
                    message: format!(
                        "CA certificate {} holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)",
                        index + 1
                    ),
                })?;
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        if options.accept_invalid_certs {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let http = builder.build().map_err(|e| Error::InvalidInput {
            message: format!("could not set up the HTTP client: {}", e.without_url()),
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                server,
                options,
                http,
                state: RwLock::new(AuthState::default()),
                batch_edit_lock: tokio::sync::Mutex::new(()),
                relogin_lock: tokio::sync::Mutex::new(()),
                tape: super::recording::Tape::default(),
            }),
        })
    }

    /// The server this client talks to.
    pub fn server(&self) -> &ServerUrl {
        &self.inner.server
    }

    /// The options the client was created with.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// True while the client holds a token.
    pub fn is_logged_in(&self) -> bool {
        self.read_state().token.is_some()
    }

    /// The tokens of the current session (`None` before login or after logout).
    pub fn tokens(&self) -> Option<Tokens> {
        self.read_state().tokens.clone()
    }

    /// What the client knows about the server: version, photo text key, batch edit support.
    pub fn server_info(&self) -> ServerInfo {
        self.read_state().info.clone()
    }

    /// UID of the logged-in user (empty when unknown, e.g. for client tokens).
    pub fn user_uid(&self) -> String {
        self.read_state().user_uid.clone()
    }

    pub(crate) fn read_state(&self) -> std::sync::RwLockReadGuard<'_, AuthState> {
        self.inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write_state(&self) -> std::sync::RwLockWriteGuard<'_, AuthState> {
        self.inner
            .state
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn token(&self) -> Option<Secret> {
        self.read_state().token.clone()
    }

    /// Records what a session tells about the user and the server.
    pub(crate) fn apply_session(&self, session: &Session) {
        let mut state = self.write_state();
        if !session.user.uid.is_empty() {
            state.user_uid = session.user.uid.clone();
            state.user_name = session.user.name.clone();
        }
        if let Some(token) = state.token.clone() {
            state.tokens = Some(Tokens {
                access: token,
                download: session.config.download_token.clone(),
                preview: session.config.preview_token.clone(),
            });
        }
        if !session.config.version.is_empty() || !session.config.settings.features.is_empty() {
            let detected = ServerInfo::from_config(&session.config);
            // A generation seen in a real photo answer beats the guess from the version.
            let generation = if state.info.version == detected.version {
                state.info.generation
            } else {
                detected.generation
            };
            state.info = ServerInfo {
                generation,
                ..detected
            };
        }
    }

    /// Learns the photo text key from a photo answer.
    pub(crate) fn note_text_field(&self, field: Option<TextField>) {
        if let Some(field) = field {
            let current = self.read_state().info.generation;
            if current != field {
                self.write_state().info.generation = field;
            }
        }
    }
}

/// Follows a redirect only within the server's own origin (scheme, host and port), at most
/// five times. A redirect elsewhere is not followed: the answer comes back as a 3xx and becomes
/// [`Error::Redirect`], so the bearer token and a login body never reach another host.
fn same_origin_redirects(server: &ServerUrl) -> reqwest::redirect::Policy {
    let origin = server.site().origin();
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 || attempt.url().origin() != origin {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.read_state();
        f.debug_struct("Client")
            .field("server", &self.inner.server)
            .field("logged_in", &state.token.is_some())
            .field("user_uid", &state.user_uid)
            .field("server_info", &state.info)
            .finish_non_exhaustive()
    }
}
