//! Token extraction, session lookup and permission checks.

use axum::http::HeaderMap;
use axum::response::Response;

use super::respond::{self, msg};
use crate::ids;
use crate::model::Session;
use crate::options::ApiGeneration;
use crate::store::Store;

/// Keeps the characters PhotoPrism keeps in a token.
fn clean_token(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || " -+/=#$@:;_".contains(*c))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The request's token: `X-Auth-Token`, then `X-Session-ID`, then `Authorization: Bearer`.
pub(crate) fn token(headers: &HeaderMap) -> Option<String> {
    for name in ["x-auth-token", "x-session-id"] {
        if let Some(v) = headers.get(name).and_then(|v| v.to_str().ok())
            && !v.trim().is_empty()
        {
            return Some(clean_token(v));
        }
    }
    let auth = headers.get("authorization")?.to_str().ok()?;
    let parts: Vec<&str> = auth.split(' ').collect();
    match parts.as_slice() {
        [scheme, value] if scheme.eq_ignore_ascii_case("bearer") => Some(clean_token(value)),
        _ => None,
    }
}

/// The `Authorization: Basic` credentials, if any.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64_lite::decode;
    let auth = headers.get("authorization")?.to_str().ok()?;
    let (scheme, value) = auth.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(decode(value.trim())?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The session of the request, or the 401 answer.
pub(crate) fn session(
    store: &Store,
    generation: ApiGeneration,
    headers: &HeaderMap,
) -> Result<Session, Response> {
    let unauthorized = || respond::error(generation, 401, msg::LOGIN);
    let token = token(headers).ok_or_else(unauthorized)?;
    if !ids::is_well_formed_token(&token) {
        return Err(unauthorized());
    }
    store
        .sessions
        .get(&ids::session_id(&token))
        .cloned()
        .ok_or_else(unauthorized)
}

/// 403 unless the session acts for a registered user (single-album endpoints).
pub(crate) fn require_user(generation: ApiGeneration, session: &Session) -> Result<(), Response> {
    if session.has_user() {
        Ok(())
    } else {
        Err(respond::error(generation, 403, msg::DENIED))
    }
}

/// 403 unless the session's scope covers `resource` (and writes, when `write`).
pub(crate) fn require_scope(
    generation: ApiGeneration,
    session: &Session,
    resource: &str,
    write: bool,
) -> Result<(), Response> {
    let scope = session.scope.trim();
    if scope.is_empty() || scope == "*" {
        return Ok(());
    }
    let words: Vec<&str> = scope.split_whitespace().collect();
    let read_only = words.contains(&"read");
    let resource_ok = words.contains(&resource)
        || words.contains(&"*")
        || words.iter().all(|w| *w == "read" || *w == "write");
    if resource_ok && !(write && read_only) {
        Ok(())
    } else {
        Err(respond::error(generation, 403, msg::DENIED))
    }
}

/// A minimal standard base64 decoder for `Authorization: Basic` (no extra dependency needed).
mod base64_lite {
    /// Decodes standard base64 with optional padding; `None` on invalid input.
    pub fn decode(s: &str) -> Option<Vec<u8>> {
        let mut bits: u32 = 0;
        let mut n = 0;
        let mut out = Vec::with_capacity(s.len() * 3 / 4);
        for c in s.bytes().filter(|c| *c != b'=') {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            bits = (bits << 6) | u32::from(v);
            n += 6;
            if n >= 8 {
                n -= 8;
                out.push((bits >> n) as u8);
                bits &= (1 << n) - 1;
            }
        }
        Some(out)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn decodes() {
            assert_eq!(
                super::decode("aWQ6c2VjcmV0").as_deref(),
                Some(&b"id:secret"[..])
            );
            assert_eq!(super::decode("YQ==").as_deref(), Some(&b"a"[..]));
            assert!(super::decode("*").is_none());
        }
    }
}
