//! Sessions, OAuth tokens, app passwords, config and status.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::Shared;
use super::auth;
use super::respond::{self, get_str, msg};
use crate::data;
use crate::ids;
use crate::model::{Session, SessionKind};
use crate::store::Store;

type Reply = Result<Response, Response>;

/// The session answer of login and `GET /session`.
fn session_json(store: &Store, session: &Session, url: &str) -> Value {
    json!({
        "status": "success",
        "id": session.token,
        "access_token": session.token,
        "token_type": "Bearer",
        "session_id": session.id,
        "expires_in": session.expires_in,
        "provider": session.provider,
        "scope": session.scope,
        "user": data::user(store),
        "data": {"tokens": null, "shares": null},
        "config": data::client_config(store, url),
    })
}

fn new_session(
    store: &mut Store,
    token: String,
    kind: SessionKind,
    provider: &str,
    scope: &str,
    expires_in: i64,
    client_name: &str,
) -> Session {
    let session = Session {
        id: ids::session_id(&token),
        token,
        kind,
        provider: provider.to_owned(),
        scope: scope.to_owned(),
        expires_in,
        client_name: client_name.to_owned(),
        ref_id: format!("sess{}", ids::random_base36(8)),
    };
    store.sessions.insert(session.id.clone(), session.clone());
    session
}

fn default_scope(store: &Store) -> &'static str {
    match store.generation {
        crate::ApiGeneration::V2024 => "",
        crate::ApiGeneration::V2025 => "*",
    }
}

/// `POST /api/v1/session(s)`.
pub(crate) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply {
    let generation = shared.generation;
    let form = respond::parse_object(generation, &body)?;
    let bad = || respond::form_error(generation);
    let username = get_str(&form, "username")
        .map_err(|_| bad())?
        .unwrap_or_default();
    let password = get_str(&form, "password")
        .map_err(|_| bad())?
        .unwrap_or_default();
    let mut store = shared.store.lock();
    if !store.login_limiter.take() {
        return Err(respond::rate_limited(None));
    }
    let name_ok = !username.is_empty() && username.trim().eq_ignore_ascii_case(&store.user.name);
    let session = if name_ok && password == store.user.password {
        let scope = default_scope(&store);
        Some(new_session(
            &mut store,
            ids::access_token(),
            SessionKind::User,
            "local",
            scope,
            1_209_600,
            "",
        ))
    } else if name_ok && ids::is_well_formed_token(&password) {
        let app = store
            .sessions
            .get(&ids::session_id(&password))
            .filter(|s| s.kind == SessionKind::AppPassword)
            .cloned();
        match app {
            Some(app)
                if app.scope == "*" || app.scope.split_whitespace().any(|w| w == "sessions") =>
            {
                Some(new_session(
                    &mut store,
                    ids::access_token(),
                    SessionKind::User,
                    "application",
                    &app.scope,
                    app.expires_in,
                    &app.client_name,
                ))
            }
            _ => None,
        }
    } else {
        None
    };
    match session {
        Some(session) => {
            store.login_limiter.give_back();
            Ok(respond::ok(&session_json(&store, &session, &shared.url)))
        }
        None => Err(respond::bare_error(401, "Invalid credentials")),
    }
}

/// `GET /api/v1/session`.
pub(crate) async fn get(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let store = shared.store.lock();
    let session = auth::session(&store, shared.generation, &headers)?;
    auth::require_scope(shared.generation, &session, "sessions", false)?;
    Ok(respond::ok(&session_json(&store, &session, &shared.url)))
}

fn is_session_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `GET /api/v1/session/:id`.
pub(crate) async fn get_by_id(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let generation = shared.generation;
    let store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    if !is_session_id(&id) {
        return Err(respond::error(generation, 400, msg::UNABLE));
    }
    if id != session.id {
        return Err(respond::error(generation, 403, msg::DENIED));
    }
    Ok(respond::ok(&session_json(&store, &session, &shared.url)))
}

fn deleted(session_id: &str) -> Response {
    respond::ok(&json!({"status": "deleted", "session_id": session_id}))
}

/// `DELETE /api/v1/session`.
pub(crate) async fn logout(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let mut store = shared.store.lock();
    let session = auth::session(&store, shared.generation, &headers)?;
    store.remove_session(&session.id);
    Ok(deleted(&session.id))
}

/// `DELETE /api/v1/session/:id` (own session ID, or any session's ref ID).
pub(crate) async fn logout_by_id(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    if is_session_id(&id) {
        if id != session.id {
            return Err(respond::error(generation, 403, msg::DENIED));
        }
        store.remove_session(&id);
        return Ok(deleted(&id));
    }
    let target = store
        .sessions
        .values()
        .find(|s| s.ref_id == id)
        .map(|s| s.id.clone())
        .ok_or_else(|| respond::error(generation, 404, msg::ENTITY_NOT_FOUND))?;
    store.remove_session(&target);
    Ok(deleted(&target))
}

/// The OAuth failure body (`code` 40 is a message number, not a status).
fn invalid_credentials() -> Response {
    respond::json(
        axum::http::StatusCode::UNAUTHORIZED,
        &json!({"error": "invalid credentials", "code": 40, "message": "Invalid credentials"}),
    )
}

/// Reads an OAuth form: url-encoded, or JSON (where `client_secret` can never arrive, §1.5).
fn oauth_form(headers: &HeaderMap, body: &[u8]) -> Option<Map<String, Value>> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        let mut obj = match serde_json::from_slice::<Value>(body).ok()? {
            Value::Object(m) => m,
            _ => return None,
        };
        obj.remove("client_secret");
        obj.retain(|k, _| {
            !k.eq_ignore_ascii_case("client_secret") && !k.eq_ignore_ascii_case("token_type_hint")
        });
        return Some(obj);
    }
    let text = std::str::from_utf8(body).ok()?;
    let mut obj = Map::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        obj.insert(url_decode(k)?, Value::String(url_decode(v)?));
    }
    Some(obj)
}

/// Decodes `application/x-www-form-urlencoded` text.
fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn token_answer(session: &Session) -> Response {
    respond::ok(&json!({
        "status": "success",
        "session_id": session.id,
        "access_token": session.token,
        "token_type": "Bearer",
        "expires_in": session.expires_in,
        "client_name": session.client_name,
        "scope": session.scope,
    }))
}

fn normalize_scope(scope: &str) -> String {
    let mut words: Vec<String> = scope
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.sort();
    words.dedup();
    if words.is_empty() || words.iter().any(|w| w == "*") {
        "*".to_owned()
    } else {
        words.join(" ")
    }
}

/// `POST /api/v1/oauth/token`.
pub(crate) async fn oauth_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let form =
        oauth_form(&headers, &body).ok_or_else(|| respond::error(generation, 400, msg::UNABLE))?;
    let field = |k: &str| get_str(&form, k).ok().flatten().unwrap_or_default();
    let mut store = shared.store.lock();
    if !store.login_limiter.take() {
        return Err(respond::rate_limited(None));
    }
    let grant = field("grant_type");
    let session = match grant.as_str() {
        "" | "client_credentials" => {
            let (id, secret) = match auth::basic_credentials(&headers) {
                Some(creds) => creds,
                None => (field("client_id"), field("client_secret")),
            };
            let client = store.clients.get(&id).cloned();
            match client {
                Some(client) if !secret.is_empty() && client.secret == secret => {
                    let scope = normalize_scope(&field("scope"));
                    let kind = SessionKind::Client {
                        client_id: id.clone(),
                        user_bound: client.user_bound,
                    };
                    Some(new_session(
                        &mut store,
                        ids::access_token(),
                        kind,
                        "client",
                        &scope,
                        3600,
                        &id,
                    ))
                }
                _ => None,
            }
        }
        "password" | "session" => {
            let caller = auth::session(&store, generation, &headers).ok();
            let user_session = caller.filter(|s| s.kind == SessionKind::User);
            let password_ok = grant == "session" || field("password") == store.user.password;
            if user_session.is_some() && !field("username").is_empty() && password_ok {
                let scope = normalize_scope(&field("scope"));
                let expires = field("expires_in").parse::<i64>().unwrap_or(0);
                let name = field("client_name");
                Some(new_session(
                    &mut store,
                    ids::app_password(),
                    SessionKind::AppPassword,
                    "application",
                    &scope,
                    expires,
                    &name,
                ))
            } else {
                None
            }
        }
        _ => None,
    };
    match session {
        Some(session) => {
            store.login_limiter.give_back();
            Ok(token_answer(&session))
        }
        None => Err(invalid_credentials()),
    }
}

/// `POST /api/v1/oauth/revoke`: revokes client tokens and app passwords (not user sessions).
pub(crate) async fn oauth_revoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let form = if body.is_empty() {
        Map::new()
    } else {
        oauth_form(&headers, &body).ok_or_else(|| respond::error(generation, 400, msg::UNABLE))?
    };
    let mut store = shared.store.lock();
    let given = get_str(&form, "token")
        .ok()
        .flatten()
        .filter(|t| !t.is_empty());
    let target = match given {
        Some(t) if is_session_id(&t) => store.sessions.get(&t).cloned(),
        Some(t) if ids::is_well_formed_token(&t) => {
            store.sessions.get(&ids::session_id(&t)).cloned()
        }
        Some(t) => store.sessions.values().find(|s| s.ref_id == t).cloned(),
        None => auth::session(&store, generation, &headers).ok(),
    };
    let Some(target) = target else {
        return Err(invalid_credentials());
    };
    if target.kind == SessionKind::User {
        return Err(respond::error(generation, 403, msg::DENIED));
    }
    store.remove_session(&target.id);
    Ok(deleted(&target.id))
}

/// `GET /api/v1/status`.
pub(crate) async fn status() -> Response {
    respond::ok(&json!({"status": "operational"}))
}

/// `GET /api/v1/config`.
pub(crate) async fn config(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let store = shared.store.lock();
    auth::session(&store, shared.generation, &headers)?;
    Ok(respond::ok(&data::client_config(&store, &shared.url)))
}
