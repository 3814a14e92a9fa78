//! Logging in and out: [`Credentials`], sessions, app passwords and token revocation.

use std::fmt;

use reqwest::Method;
use serde_json::json;

use super::client::{Client, SessionKind};
use super::error::Error;
use super::models::{AppPassword, Session, SessionConfig, StatusResponse};
use super::options::ClientOptions;
use super::secret::Secret;
use super::server_url::ServerUrl;
use super::transport::Request;

/// How to authenticate. `Debug` never shows a password, secret or token.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user name and password (or an app password of that user): `POST /api/v1/session`.
    Password {
        /// Login name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// An OAuth client (`photoprism clients add`): `POST /api/v1/oauth/token`.
    ClientCredentials {
        /// Client id (`c…`).
        client_id: String,
        /// Client secret.
        client_secret: Secret,
    },
    /// An access token or app password used directly as the bearer token.
    Token(Secret),
}

impl Credentials {
    /// Password credentials.
    pub fn password(username: impl Into<String>, password: impl Into<Secret>) -> Credentials {
        Credentials::Password {
            username: username.into(),
            password: password.into(),
        }
    }

    /// Client-credentials.
    pub fn client(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Credentials {
        Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// A bearer token or app password.
    pub fn token(token: impl Into<Secret>) -> Credentials {
        Credentials::Token(token.into())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password { username, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"***")
                .finish(),
            Credentials::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .finish(),
            Credentials::Token(_) => f.write_str("Token(***)"),
        }
    }
}

impl Client {
    /// Logs in, keeps the token for all later requests, and detects the server generation.
    ///
    /// * password: `POST /session` (sent without any old token);
    /// * client credentials: `POST /oauth/token` (form-encoded), then `GET /session` when permitted;
    /// * token: validated with `GET /session`; if that is 403 (an app password without the
    ///   `sessions` scope) the token is accepted after `GET /config` answers.
    pub async fn login(&self, credentials: &Credentials) -> Result<Session, Error> {
        match credentials {
            Credentials::Password { username, password } => {
                // Repeated only on 429, 5xx and broken connections: at worst one extra session
                // is created (it expires). A wrong password is a 401, which is never repeated,
                // as PhotoPrism rate-limits failed logins.
                let request = Request::post("session")
                    .idempotent()
                    .without_auth()
                    .json(json!({
                        "username": username,
                        "password": password.expose(),
                    }));
                let session: Session = self.send_json(request).await?;
                if session.access_token.is_empty() {
                    return Err(Error::Decode {
                        method: "POST".to_owned(),
                        path: self.server().api_path("session"),
                        message: "the login answer holds no access token".to_owned(),
                    });
                }
                self.store_token(session.access_token.clone(), SessionKind::User);
                self.apply_session(&session);
                self.write_state().renew_with = Some(credentials.clone());
                Ok(session)
            }
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                // Like a password login: wrong credentials (401) are never repeated.
                let request = Request::post("oauth/token")
                    .idempotent()
                    .without_auth()
                    .form(vec![
                        ("grant_type".to_owned(), "client_credentials".to_owned()),
                        ("client_id".to_owned(), client_id.clone()),
                        (
                            "client_secret".to_owned(),
                            client_secret.expose().to_owned(),
                        ),
                    ]);
                let token: AppPassword = self.send_json(request).await?;
                if token.access_token.is_empty() {
                    return Err(Error::Decode {
                        method: "POST".to_owned(),
                        path: self.server().api_path("oauth/token"),
                        message: "the token answer holds no access token".to_owned(),
                    });
                }
                self.store_token(token.access_token.clone(), SessionKind::Client);
                let issued = token.access_token.clone();
                let fallback = Session {
                    access_token: token.access_token,
                    token_type: token.token_type,
                    session_id: token.session_id,
                    expires_in: token.expires_in,
                    provider: "client".to_owned(),
                    scope: token.scope,
                    status: token.status,
                    ..Session::default()
                };
                let result = self.validate_token(fallback).await;
                match &result {
                    Ok(_) => self.write_state().renew_with = Some(credentials.clone()),
                    Err(_) => {
                        // The token was issued: revoke it rather than leave it open (best
                        // effort; the login's own error is the one reported).
                        let _ = self.revoke(&issued).await;
                        self.forget_session();
                    }
                }
                result
            }
            Credentials::Token(token) => {
                if token.is_empty() {
                    return Err(Error::invalid_input("the token is empty"));
                }
                self.store_token(token.clone(), SessionKind::External);
                let fallback = Session {
                    access_token: token.clone(),
                    token_type: "Bearer".to_owned(),
                    ..Session::default()
                };
                let result = self.validate_token(fallback).await;
                if result.is_err() {
                    self.forget_session();
                }
                result
            }
        }
    }

    /// `GET /session`; on 403 fall back to `GET /config` so that narrowly scoped tokens still work.
    async fn validate_token(&self, fallback: Session) -> Result<Session, Error> {
        match self.session().await {
            Ok(session) => Ok(session),
            Err(Error::Forbidden { .. }) => {
                let config = match self
                    .send_json::<SessionConfig>(Request::get("config"))
                    .await
                {
                    Ok(config) => config,
                    Err(Error::Forbidden { .. }) => SessionConfig::default(),
                    Err(other) => return Err(other),
                };
                let session = Session { config, ..fallback };
                self.apply_session(&session);
                Ok(session)
            }
            Err(other) => Err(other),
        }
    }

    /// Creates a client for `server` and logs in.
    pub async fn connect(
        server: ServerUrl,
        options: ClientOptions,
        credentials: &Credentials,
    ) -> Result<Client, Error> {
        let client = Client::new(server, options)?;
        client.login(credentials).await?;
        Ok(client)
    }

    /// Logs in, runs `f`, and always logs out again (also when `f` fails); returns `f`'s result.
    ///
    /// A logout failure is reported only when `f` succeeded.
    pub async fn with_session<F, T>(
        server: ServerUrl,
        options: ClientOptions,
        credentials: &Credentials,
        f: F,
    ) -> Result<T, Error>
    where
        F: AsyncFnOnce(&Client) -> Result<T, Error>,
    {
        let client = Client::connect(server, options, credentials).await?;
        let result = f(&client).await;
        let logout = client.logout().await;
        match (result, logout) {
            (Ok(value), Ok(())) => Ok(value),
            (Ok(_), Err(e)) | (Err(e), _) => Err(e),
        }
    }

    /// Ends the session this client created: `DELETE /session` for a password login,
    /// `POST /oauth/revoke` for a client-credentials token. A token supplied with
    /// [`Credentials::Token`] is only forgotten, never revoked. Without a session this does nothing.
    pub async fn logout(&self) -> Result<(), Error> {
        let (token, kind) = {
            let state = self.read_state();
            (state.token.clone(), state.kind)
        };
        let Some(token) = token else {
            return Ok(());
        };
        let result = match kind {
            // Not repeated: after a logout that acted, a repeat answers 401.
            SessionKind::User => self
                .send(Request::delete("session").without_renewal())
                .await
                .map(|_| ()),
            SessionKind::Client => self.revoke(&token).await,
            SessionKind::External | SessionKind::None => Ok(()),
        };
        // The token is dropped even if the server call failed: an expired session (401) is gone anyway.
        self.forget_session();
        match result {
            Err(Error::Unauthorized { .. }) => Ok(()),
            other => other,
        }
    }

    /// `GET /session`: the current session, its user and the client configuration.
    pub async fn session(&self) -> Result<Session, Error> {
        let session: Session = self.send_json(Request::get("session")).await?;
        self.apply_session(&session);
        Ok(session)
    }

    /// `GET /status`: succeeds when the server reports `operational`.
    pub async fn status(&self) -> Result<(), Error> {
        let response = self.send(Request::get("status")).await?;
        let status: StatusResponse = response.json()?;
        if status.status == "operational" {
            Ok(())
        } else {
            Err(Error::Decode {
                method: response.method,
                path: response.path,
                message: format!("unexpected status `{}`", status.status),
            })
        }
    }

    /// Creates an app password for the logged-in user (`POST /oauth/token`, grant `password`).
    /// Needs a user session and the user's real password; `scope` is e.g. `*` or `albums photos files`.
    pub async fn create_app_password(
        &self,
        client_name: &str,
        password: &Secret,
        scope: &str,
    ) -> Result<AppPassword, Error> {
        let username = {
            let state = self.read_state();
            if state.user_name.is_empty() {
                return Err(Error::invalid_input(
                    "log in as a user (not with a client token) to create an app password",
                ));
            }
            state.user_name.clone()
        };
        // Not repeated: a repeat would create a second app password.
        let request = Request::post("oauth/token").form(vec![
            ("grant_type".to_owned(), "password".to_owned()),
            ("username".to_owned(), username),
            ("password".to_owned(), password.expose().to_owned()),
            ("client_name".to_owned(), client_name.to_owned()),
            ("scope".to_owned(), scope.to_owned()),
        ]);
        self.send_json(request).await
    }

    /// Revokes a client token or app password (`POST /oauth/revoke`). User sessions end with [`Client::logout`].
    pub async fn revoke(&self, token: &Secret) -> Result<(), Error> {
        // Safe to repeat: revoking a revoked token changes nothing.
        let request = Request::new(Method::POST, "oauth/revoke")
            .idempotent()
            .without_renewal()
            .form(vec![("token".to_owned(), token.expose().to_owned())]);
        self.send(request).await.map(|_| ())
    }

    fn store_token(&self, token: Secret, kind: SessionKind) {
        let mut state = self.write_state();
        state.token = Some(token);
        state.kind = kind;
        state.renew_with = None;
        state.user_uid.clear();
        state.user_name.clear();
        state.tokens = None;
    }

    fn forget_session(&self) {
        let mut state = self.write_state();
        state.token = None;
        state.kind = SessionKind::None;
        state.renew_with = None;
        state.tokens = None;
        state.user_uid.clear();
        state.user_name.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_hides_secrets() {
        let all = [
            Credentials::password("admin", "pa55word"),
            Credentials::client("cs5cpu17n6gj2qo5", "topsecretvalue"),
            Credentials::token("deadbeefdeadbeefdeadbeef"),
        ];
        for c in &all {
            let text = format!("{c:?}");
            assert!(!text.contains("pa55word"), "{text}");
            assert!(!text.contains("topsecretvalue"), "{text}");
            assert!(!text.contains("deadbeef"), "{text}");
            assert!(text.contains("***"), "{text}");
        }
        assert!(format!("{:?}", all[0]).contains("admin"));
    }
}
