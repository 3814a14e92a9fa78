//! Share links: `GET|POST /api/v1/albums/:uid/links`, `PUT|DELETE /api/v1/albums/:uid/links/:link`
//! (photoprism-api.md §9; transcripts `real-links-24.txt`, `real-links-26.txt`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::Shared;
use super::albums::album_request;
use super::auth;
use super::respond::{self, TypeError, get_i64, get_str};
use crate::ids;
use crate::options::ApiGeneration;
use crate::reach::ShareLink;
use crate::render::ts;
use crate::text;

type Reply = Result<Response, Response>;

/// The JSON of a link, keys in the recorded order (both generations).
fn render(link: &ShareLink) -> Value {
    json!({
        "UID": link.uid,
        "ShareUID": link.share_uid,
        "Slug": link.slug,
        "Token": link.token,
        "Expires": link.expires,
        "Views": link.views,
        "MaxViews": link.max_views,
        "VerifyPassword": !link.password.is_empty(),
        "CreatedBy": link.created_by,
        "CreatedAt": ts(link.created_at),
        "ModifiedAt": ts(link.modified_at),
    })
}

/// The link form: `Slug`, `Token`, `Expires`, `MaxViews`, `Password`. A negative `MaxViews`
/// does not bind (an unsigned field: 400 text/plain), a negative `Expires` is accepted.
struct Form {
    slug: String,
    token: String,
    expires: i64,
    max_views: i64,
    password: String,
}

fn form(generation: ApiGeneration, body: &[u8]) -> Result<Form, Response> {
    let obj = respond::parse_object(generation, body)?;
    let bad = |_: TypeError| respond::form_error(generation);
    let max_views = get_i64(&obj, "MaxViews").map_err(bad)?.unwrap_or(0);
    if max_views < 0 {
        return Err(respond::form_error(generation));
    }
    Ok(Form {
        slug: get_str(&obj, "Slug").map_err(bad)?.unwrap_or_default(),
        token: get_str(&obj, "Token").map_err(bad)?.unwrap_or_default(),
        expires: get_i64(&obj, "Expires").map_err(bad)?.unwrap_or(0),
        max_views,
        password: get_str(&obj, "Password").map_err(bad)?.unwrap_or_default(),
    })
}

/// A link slug: PhotoPrism's slug of the text sent (`My Link Über` → `my-link-uber`).
fn link_slug(slug: &str) -> String {
    if slug.trim().is_empty() {
        String::new()
    } else {
        text::slugify(slug)
    }
}

/// 500 with an empty body and no content type: what an unknown link UID gets on PUT/DELETE.
fn unknown_link() -> Response {
    respond::empty(500)
}

/// `GET /api/v1/albums/:uid/links`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let store = shared.store.lock();
    let (_, uid) = album_request(&store, shared.generation, &headers, &uid, false)?;
    let links: Vec<Value> = store
        .reach
        .links
        .iter()
        .filter(|l| l.share_uid == uid)
        .map(render)
        .collect();
    Ok(respond::ok(&Value::Array(links)))
}

/// `POST /api/v1/albums/:uid/links`: a new link with a random 10-character token.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let (_, uid) = album_request(&store, generation, &headers, &uid, true)?;
    let form = form(generation, &body)?;
    let now = store.now();
    let link = ShareLink {
        uid: ids::new_uid('s'),
        share_uid: uid,
        slug: link_slug(&form.slug),
        // Recorded tokens are 10 lower-case base36 characters; a token sent on create is ignored
        // (`post-full`).
        token: ids::random_base36(10),
        expires: form.expires,
        views: 0,
        max_views: form.max_views,
        password: form.password,
        created_by: store.user.uid.clone(),
        created_at: now,
        modified_at: now,
    };
    let answer = render(&link);
    store.reach.links.push(link);
    Ok(respond::ok(&answer))
}

/// `PUT /api/v1/albums/:uid/links/:link`: the form is not pre-filled, so `Slug`, `Expires`
/// and `MaxViews` take the values sent (zero when absent); `Token` and `Password` change only
/// when sent non-empty. The album in the path is not checked.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Path((_album, link_uid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "albums", true)?;
    let form = form(generation, &body)?;
    let now = store.now();
    let Some(link) = store.reach.links.iter_mut().find(|l| l.uid == link_uid) else {
        return Err(unknown_link());
    };
    link.slug = link_slug(&form.slug);
    link.expires = form.expires;
    link.max_views = form.max_views;
    if !form.token.is_empty() {
        // Not validated: `bad token!` is stored as sent.
        link.token = form.token;
    }
    if !form.password.is_empty() {
        link.password = form.password;
    }
    link.modified_at = now;
    Ok(respond::ok(&render(link)))
}

/// `DELETE /api/v1/albums/:uid/links/:link`: answers the deleted link; the album in the path
/// is not checked.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((_album, link_uid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Reply {
    let generation = shared.generation;
    let mut store = shared.store.lock();
    let session = auth::session(&store, generation, &headers)?;
    auth::require_scope(generation, &session, "albums", true)?;
    let Some(pos) = store.reach.links.iter().position(|l| l.uid == link_uid) else {
        return Err(unknown_link());
    };
    let link = store.reach.links.remove(pos);
    Ok(respond::ok(&render(&link)))
}
