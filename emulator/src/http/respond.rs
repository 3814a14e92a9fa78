//! Response builders and request-body helpers shared by the handlers.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::options::ApiGeneration;
use crate::render;

/// English i18n messages (§5.3).
pub(crate) mod msg {
    pub const UNABLE: &str = "Unable to do that";
    pub const LOGIN: &str = "Please log in to your account";
    pub const DENIED: &str = "Permission denied";
    pub const ALBUM_NOT_FOUND: &str = "Album not found";
    pub const ENTITY_NOT_FOUND: &str = "Entity not found";
    pub const NO_ITEMS: &str = "No items selected";
    pub const NO_ALBUMS: &str = "No albums selected";
    pub const NO_LABELS: &str = "No labels selected";
    pub const SAVED: &str = "Changes successfully saved";
    pub const WRONG: &str = "Something went wrong, try again";
    pub const TOO_LARGE: &str = "Request too large";
}

/// A JSON response with PhotoPrism's content type.
pub(crate) fn json(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    res
}

/// A JSON response from JSON that is already written.
pub(crate) fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    res
}

/// 200 with a JSON body.
pub(crate) fn ok(value: &Value) -> Response {
    json(StatusCode::OK, value)
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// An i18n error answer.
pub(crate) fn error(generation: ApiGeneration, code: u16, message: &str) -> Response {
    json(status(code), &render::i18n_error(generation, code, message))
}

/// An i18n success answer.
pub(crate) fn message(generation: ApiGeneration, message: &str) -> Response {
    ok(&render::i18n_message(generation, message))
}

/// An i18n success answer without `messageId` (uploads, album membership, jobs).
pub(crate) fn message_plain(message: &str) -> Response {
    ok(&render::i18n_message_plain(message))
}

/// `{"error": …}` without a code (login failures, album query errors).
pub(crate) fn bare_error(code: u16, message: &str) -> Response {
    json(status(code), &json!({"error": message}))
}

/// 400 `Unable to do that` with the `text/plain` content type a real server sends for unreadable input.
pub(crate) fn form_error(generation: ApiGeneration) -> Response {
    let mut res = error(generation, 400, msg::UNABLE);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

/// 404 `{"error":"Not found"}` for unknown routes.
pub(crate) fn not_found() -> Response {
    bare_error(404, "Not found")
}

/// A 429 rate-limit answer, optionally with `Retry-After`.
pub(crate) fn rate_limited(retry_after: Option<u64>) -> Response {
    let mut res = json(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({"error": "rate limit exceeded", "code": 429}),
    );
    if let Some(secs) = retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// An empty response (used when the connection is being dropped anyway).
pub(crate) fn empty(code: u16) -> Response {
    (status(code), Body::empty()).into_response()
}

/// Parses a JSON body the way Go's `BindJSON` does: empty or malformed → 400 (text/plain).
pub(crate) fn parse_body(generation: ApiGeneration, body: &[u8]) -> Result<Value, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(form_error(generation));
    }
    serde_json::from_slice(body).map_err(|_| form_error(generation))
}

/// Parses a JSON object body; anything but an object → 400.
pub(crate) fn parse_object(
    generation: ApiGeneration,
    body: &[u8],
) -> Result<Map<String, Value>, Response> {
    match parse_body(generation, body)? {
        Value::Object(m) => Ok(m),
        _ => Err(form_error(generation)),
    }
}

/// A key lookup with Go's case-insensitive matching (exact match preferred).
pub(crate) fn get_ci<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A wrong JSON type for a field.
pub(crate) struct TypeError;

/// An optional string field (`null` counts as absent).
pub(crate) fn get_str(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, TypeError> {
    match get_ci(obj, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(TypeError),
    }
}

/// An optional bool field.
pub(crate) fn get_bool(obj: &Map<String, Value>, key: &str) -> Result<Option<bool>, TypeError> {
    match get_ci(obj, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(TypeError),
    }
}

/// An optional number field.
pub(crate) fn get_f64(obj: &Map<String, Value>, key: &str) -> Result<Option<f64>, TypeError> {
    match get_ci(obj, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or(TypeError),
        Some(_) => Err(TypeError),
    }
}

/// An optional integer field.
pub(crate) fn get_i64(obj: &Map<String, Value>, key: &str) -> Result<Option<i64>, TypeError> {
    match get_ci(obj, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(TypeError),
        Some(_) => Err(TypeError),
    }
}

/// An optional list of strings (`null` = empty).
pub(crate) fn get_str_list(obj: &Map<String, Value>, key: &str) -> Result<Vec<String>, TypeError> {
    match get_ci(obj, key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or(TypeError))
            .collect(),
        Some(_) => Err(TypeError),
    }
}
