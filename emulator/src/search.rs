//! Photo and album search (`GET /photos`, `GET /albums`) with PhotoPrism's filters and quirks.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;
use time::OffsetDateTime;

use crate::ids;
use crate::model::{Album, Photo, PhotoFile};
use crate::render::{self, RowShape};
use crate::seed::parse_seed_time;
use crate::store::Store;
use crate::text;

/// Why a search was rejected.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SearchError {
    /// `count` missing/zero/unparsable: 400 with a `text/plain` content type.
    BadForm,
    /// Any other photo search failure: 400 `Unable to do that`.
    Invalid,
    /// Album search `q` named an unknown filter: 400 `{"error":"Unknown filter: x"}`.
    UnknownFilter(String),
}

/// One page of results.
pub(crate) struct Page {
    pub items: Vec<Value>,
    /// The page already written as a JSON array (photo searches); `items` is then empty.
    pub body: Option<Vec<u8>>,
    /// `X-Count`: file rows for photos, items for albums.
    pub count: usize,
    pub limit: usize,
    pub offset: usize,
}

/// Splits a `q` string into tokens, honouring double quotes (`title:"My Trip"`).
fn tokenize(q: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Splits `q` into `key:value` filters and the remaining free text.
fn split_query(q: &str) -> (Vec<(String, String)>, String) {
    let mut filters = Vec::new();
    let mut words = Vec::new();
    for token in tokenize(q) {
        match token.split_once(':') {
            Some((key, value))
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                filters.push((key.to_ascii_lowercase(), value.to_owned()));
            }
            _ => words.push(token),
        }
    }
    (filters, words.join(" "))
}

fn parse_bool(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "yes" | "1" | "on" | "y"
    )
}

fn list(v: &str) -> Vec<String> {
    v.split('|')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn int_list(v: &str) -> Result<Vec<i32>, SearchError> {
    list(v)
        .iter()
        .map(|s| s.parse().map_err(|_| SearchError::Invalid))
        .collect()
}

/// Kinds of IDs in a `uid` filter.
#[derive(Clone, Debug, PartialEq)]
enum UidFilter {
    Photos(HashSet<String>),
    Files(HashSet<String>),
    Hashes(HashSet<String>),
}

/// Photo search filters (URL params and `q` tokens).
#[derive(Default, Clone, Debug)]
struct PhotoFilters {
    uid: Option<UidFilter>,
    hash: Vec<String>,
    filename: Vec<String>,
    path: Vec<String>,
    name: Vec<String>,
    original: Vec<String>,
    title: Vec<String>,
    favorite: Option<bool>,
    private: bool,
    public: bool,
    archived: bool,
    review: bool,
    quality: Option<i32>,
    year: Vec<i32>,
    month: Vec<i32>,
    day: Vec<i32>,
    label: Vec<String>,
    keywords: Option<String>,
    types: Vec<String>,
    unsorted: bool,
    before: Option<OffsetDateTime>,
    after: Option<OffsetDateTime>,
    taken: Option<OffsetDateTime>,
    added: Option<OffsetDateTime>,
    updated: Option<OffsetDateTime>,
    edited: Option<OffsetDateTime>,
    country: Vec<String>,
    album: Option<String>,
    text: String,
}

/// Filter names PhotoPrism knows but the emulator does not evaluate (accepted, no effect).
const IGNORED_PHOTO_KEYS: &[&str] = &[
    "camera",
    "lens",
    "iso",
    "mm",
    "f",
    "mp",
    "color",
    "chroma",
    "mono",
    "diff",
    "geo",
    "lat",
    "lng",
    "dist",
    "latlng",
    "s2",
    "olc",
    "near",
    "alt",
    "face",
    "faces",
    "subject",
    "person",
    "subjects",
    "people",
    "id",
    "stack",
    "unstacked",
    "stackable",
    "primary",
    "scan",
    "panorama",
    "portrait",
    "landscape",
    "square",
    "state",
    "city",
    "category",
    "hidden",
    "error",
    "albums",
    "count",
    "offset",
    "order",
    "merged",
    "s",
    "q",
];

fn parse_time(v: &str) -> Result<Option<OffsetDateTime>, SearchError> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    parse_seed_time(v).map(Some).ok_or(SearchError::Invalid)
}

impl PhotoFilters {
    /// Applies one filter; `Ok(false)` for a key PhotoPrism does not know.
    fn apply(&mut self, key: &str, value: &str) -> Result<bool, SearchError> {
        match key {
            "uid" => self.uid = parse_uid_filter(value)?,
            "hash" => self.hash = list(&value.to_ascii_lowercase()),
            "filename" => self.filename = list(value),
            "path" | "folder" => self.path = list(value),
            "name" => self.name = list(value),
            "original" => self.original = list(value),
            "title" => self.title = list(value),
            "favorite" | "favorites" => {
                let v = value.trim().to_ascii_lowercase();
                self.favorite = match v.as_str() {
                    "" => None,
                    "false" | "no" | "0" => Some(false),
                    _ => Some(true),
                };
            }
            "private" => self.private = parse_bool(value),
            "public" => self.public = parse_bool(value),
            "archived" => self.archived = parse_bool(value),
            "review" => self.review = parse_bool(value),
            "quality" => {
                self.quality = if value.trim().is_empty() {
                    None
                } else {
                    Some(value.trim().parse().map_err(|_| SearchError::Invalid)?)
                }
            }
            "year" => self.year = int_list(value)?,
            "month" => self.month = int_list(value)?,
            "day" => self.day = int_list(value)?,
            "label" | "labels" => {
                self.label = list(value).iter().map(|l| text::slugify(l)).collect()
            }
            "keywords" | "keyword" => {
                self.keywords = (!value.trim().is_empty()).then(|| value.to_lowercase())
            }
            "type" => self.types = list(&value.to_ascii_lowercase()),
            "photo" | "video" | "raw" | "live" | "animated" | "vector" | "audio" | "document"
            | "image" => {
                if parse_bool(value) {
                    let kind = if key == "photo" { "image" } else { key };
                    self.types.push(kind.to_owned());
                }
            }
            "unsorted" => self.unsorted = parse_bool(value),
            "before" => self.before = parse_time(value)?,
            "after" => self.after = parse_time(value)?,
            "taken" => self.taken = parse_time(value)?,
            "added" => self.added = parse_time(value)?,
            "updated" => self.updated = parse_time(value)?,
            "edited" => self.edited = parse_time(value)?,
            "country" => self.country = list(&value.to_ascii_lowercase()),
            "album" => self.album = (!value.trim().is_empty()).then(|| value.trim().to_owned()),
            k if IGNORED_PHOTO_KEYS.contains(&k) => {}
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Applies the free text of `q`: flag words, else a title prefix / label / keyword match.
    fn apply_text(&mut self, words: &str) {
        let mut rest = Vec::new();
        for w in words.split_whitespace() {
            match w.to_ascii_lowercase().as_str() {
                "favorites" => self.favorite = Some(true),
                "video" | "videos" => self.types.push("video".into()),
                "raw" | "raws" => self.types.push("raw".into()),
                "live" => self.types.push("live".into()),
                "gif" | "gifs" | "animated" => self.types.push("animated".into()),
                "vector" | "vectors" => self.types.push("vector".into()),
                _ => rest.push(w),
            }
        }
        self.text = rest.join(" ");
    }

    fn matches_photo(&self, store: &Store, photo: &Photo) -> bool {
        if self.archived != photo.archived() {
            return false;
        }
        if let Some(UidFilter::Photos(set)) = &self.uid
            && !set.contains(&photo.uid)
        {
            return false;
        }
        if !self.path.is_empty() && !self.path.iter().any(|p| path_matches(&photo.path, p)) {
            return false;
        }
        if !self.name.is_empty() && !self.name.iter().any(|n| text::like(&photo.name, n)) {
            return false;
        }
        if !self.original.is_empty()
            && !self.original.iter().any(|o| {
                text::like(&photo.original_name, o)
                    || photo.files.iter().any(|f| text::like(&f.original_name, o))
            })
        {
            return false;
        }
        if !self.title.is_empty() && !self.title.iter().any(|t| text::like(&photo.title, t)) {
            return false;
        }
        if let Some(fav) = self.favorite
            && photo.favorite != fav
        {
            return false;
        }
        if self.private && !photo.private {
            return false;
        }
        if self.public && photo.private {
            return false;
        }
        if self.review && photo.quality >= 3 {
            return false;
        }
        if let Some(q) = self.quality
            && !self.private
            && photo.quality < q
        {
            return false;
        }
        if !self.year.is_empty() && !self.year.contains(&photo.year) {
            return false;
        }
        if !self.month.is_empty() && !self.month.contains(&photo.month) {
            return false;
        }
        if !self.day.is_empty() && !self.day.contains(&photo.day) {
            return false;
        }
        if !self.types.is_empty() && !self.types.contains(&photo.kind) {
            return false;
        }
        if !self.country.is_empty() && !self.country.contains(&photo.country) {
            return false;
        }
        if !self.label.is_empty()
            && !photo.labels.iter().any(|l| {
                store
                    .labels
                    .get(&l.label_id)
                    .is_some_and(|label| self.label.contains(&label.slug))
            })
        {
            return false;
        }
        if let Some(k) = &self.keywords
            && !keywords_match(&photo.details.keywords, k)
        {
            return false;
        }
        if self.unsorted
            && !store
                .albums_of_photo(&photo.uid)
                .iter()
                .all(|a| a.kind != "album")
        {
            return false;
        }
        let day_of = |t: OffsetDateTime| t.date();
        if let Some(b) = self.before
            && photo.taken_at >= b
        {
            return false;
        }
        if let Some(a) = self.after
            && photo.taken_at < a
        {
            return false;
        }
        if let Some(t) = self.taken
            && day_of(photo.taken_at) != day_of(t)
        {
            return false;
        }
        if let Some(t) = self.added
            && photo.created_at < t
        {
            return false;
        }
        if let Some(t) = self.updated
            && photo.updated_at < t
        {
            return false;
        }
        if let Some(t) = self.edited
            && photo.edited_at.is_none_or(|e| e < t)
        {
            return false;
        }
        if let Some(album) = &self.album
            && !store.albums_of_photo(&photo.uid).iter().any(|a| {
                a.title.to_lowercase().starts_with(&album.to_lowercase())
                    || a.slug.starts_with(album)
            })
        {
            return false;
        }
        if !self.text.is_empty() && !text_matches(store, photo, &self.text) {
            return false;
        }
        true
    }

    fn matches_file(&self, file: &PhotoFile) -> bool {
        match &self.uid {
            Some(UidFilter::Files(set)) if !set.contains(&file.uid) => return false,
            Some(UidFilter::Hashes(set)) if !set.contains(&file.hash) => return false,
            _ => {}
        }
        if !self.hash.is_empty() && !self.hash.contains(&file.hash) {
            return false;
        }
        // `OrLike("files.file_name", …)` (`internal/entity/search/conditions.go`): `*` becomes
        // `%`, then SQL `LIKE`, where `_` is any one character and ASCII case is ignored.
        if !self.filename.is_empty()
            && !self
                .filename
                .iter()
                .any(|p| text::sql_like(&file.name, &p.replace('*', "%")))
        {
            return false;
        }
        true
    }
}

fn path_matches(path: &str, pattern: &str) -> bool {
    if let Some(exact) = pattern.strip_suffix('/') {
        return path == exact.trim_start_matches('/');
    }
    let pattern = pattern.trim_start_matches('/');
    if pattern.contains('*') || pattern.contains('%') {
        return text::like(path, pattern);
    }
    path == pattern || path.starts_with(&format!("{pattern}/"))
}

fn keywords_match(keywords: &str, filter: &str) -> bool {
    let have: Vec<&str> = keywords.split(", ").collect();
    let has = |w: &str| have.iter().any(|k| k.contains(w.trim()));
    if filter.contains('&') {
        filter.split('&').all(has)
    } else {
        filter.split('|').any(has)
    }
}

fn text_matches(store: &Store, photo: &Photo, query: &str) -> bool {
    let q = query.to_lowercase();
    if photo.title.to_lowercase().starts_with(&q) {
        return true;
    }
    let keywords: Vec<&str> = photo.details.keywords.split(", ").collect();
    text::words(&q).iter().all(|w| {
        keywords.contains(&w.as_str())
            || photo.labels.iter().any(|l| {
                store
                    .labels
                    .get(&l.label_id)
                    .is_some_and(|label| label.slug == *w || label.name.to_lowercase() == *w)
            })
    })
}

/// `uid=` the way PhotoPrism's photo search reads it (`entity/search/photos.go` with
/// `rnd.ContainsType`, `pkg/rnd/contains.go`): the values are lower-cased and classified in
/// order. A value of no known kind fails the whole search with 400 `Unable to do that`,
/// valid values before it included: a UID is only a UID when its characters 2-7 are a
/// plausible creation time (`rnd.IsUID`; probe 04 of `local-server-2026-11-probes`). The
/// classification stops at the first value of another kind and the filter is then dropped
/// (UIDs and hashes mixed: every photo comes back, photoprism-api.md §7). UIDs of two
/// prefixes, or of a prefix other than `p` and `f`, are 400.
fn parse_uid_filter(value: &str) -> Result<Option<UidFilter>, SearchError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Uid,
        Sha1,
    }
    let ids = list(&value.to_ascii_lowercase());
    if ids.is_empty() {
        return Ok(None);
    }
    let mut kind = None;
    // `Some('*')`: UIDs of more than one prefix.
    let mut prefix: Option<char> = None;
    for id in &ids {
        let first = id.chars().next().unwrap_or('*');
        let this = if ids::is_uid(id, first) {
            Kind::Uid
        } else if ids::is_sha1(id) {
            Kind::Sha1
        } else {
            return Err(SearchError::Invalid);
        };
        match kind {
            None => kind = Some(this),
            Some(seen) if seen != this => return Ok(None),
            Some(_) => {}
        }
        if this == Kind::Uid {
            prefix = match prefix {
                None => Some(first),
                Some(seen) if seen == first => Some(seen),
                Some(_) => Some('*'),
            };
        }
    }
    let set: HashSet<String> = ids.into_iter().collect();
    match (kind, prefix) {
        (Some(Kind::Sha1), _) => Ok(Some(UidFilter::Hashes(set))),
        (_, Some('p')) => Ok(Some(UidFilter::Photos(set))),
        (_, Some('f')) => Ok(Some(UidFilter::Files(set))),
        _ => Err(SearchError::Invalid),
    }
}

/// Sort orders of the photo search.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PhotoOrder {
    Added,
    Newest,
    Oldest,
    Relevance,
    Name,
    Title,
    Edited,
    Updated,
    Archived,
    Size,
    Random,
}

fn photo_order(v: &str) -> Result<PhotoOrder, SearchError> {
    Ok(match v.trim().to_ascii_lowercase().as_str() {
        "" | "added" | "imported" | "similar" | "duration" => PhotoOrder::Added,
        "newest" => PhotoOrder::Newest,
        "oldest" => PhotoOrder::Oldest,
        "relevance" => PhotoOrder::Relevance,
        "name" => PhotoOrder::Name,
        "title" => PhotoOrder::Title,
        "edited" => PhotoOrder::Edited,
        "updated" => PhotoOrder::Updated,
        "archived" => PhotoOrder::Archived,
        "size" => PhotoOrder::Size,
        "random" => PhotoOrder::Random,
        _ => return Err(SearchError::Invalid),
    })
}

fn params_map(params: &[(String, String)]) -> BTreeMap<&str, &str> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Reads `count` (required, > 0, capped at 100 000) and `offset`.
fn paging(p: &BTreeMap<&str, &str>) -> Result<(usize, usize), SearchError> {
    let count: usize = p
        .get("count")
        .and_then(|c| c.trim().parse().ok())
        .ok_or(SearchError::BadForm)?;
    if count == 0 {
        return Err(SearchError::BadForm);
    }
    let offset: usize = match p.get("offset") {
        Some(o) if !o.trim().is_empty() => o.trim().parse().map_err(|_| SearchError::BadForm)?,
        _ => 0,
    };
    Ok((count.min(100_000), offset))
}

/// Builds photo filters from `q`-syntax text (used for smart-album filters too).
fn filters_from_query(q: &str, filters: &mut PhotoFilters) -> Result<(), SearchError> {
    let (pairs, words) = split_query(q);
    for (key, value) in pairs {
        if !filters.apply(&key, &value)? {
            return Err(SearchError::Invalid);
        }
    }
    if !words.is_empty() {
        filters.apply_text(&words);
    }
    Ok(())
}

/// Photo UIDs that belong to an album: visible rows, or filter matches minus hidden rows for smart albums.
pub(crate) fn album_photo_ids(store: &Store, album: &Album) -> Vec<u64> {
    if album.filter.is_empty() {
        let mut ids: Vec<u64> = store
            .members
            .get(&album.uid)
            .into_iter()
            .flatten()
            .filter(|(_, row)| !row.hidden)
            .filter_map(|(uid, _)| store.photo_ids.get(uid).copied())
            .collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        return ids;
    }
    let mut filters = PhotoFilters::default();
    if filters_from_query(&album.filter, &mut filters).is_err() {
        return Vec::new();
    }
    let hidden: HashSet<&String> = store
        .members
        .get(&album.uid)
        .into_iter()
        .flatten()
        .filter(|(_, row)| row.hidden)
        .map(|(uid, _)| uid)
        .collect();
    store
        .photos
        .values()
        .rev()
        .filter(|p| !hidden.contains(&p.uid) && filters.matches_photo(store, p))
        .map(|p| p.id)
        .collect()
}

/// `GET /api/v1/photos`.
pub(crate) fn search_photos(
    store: &Store,
    params: &[(String, String)],
) -> Result<Page, SearchError> {
    search_photos_shaped(store, params, RowShape::Search)
}

fn search_photos_shaped(
    store: &Store,
    params: &[(String, String)],
    shape: RowShape,
) -> Result<Page, SearchError> {
    let p = params_map(params);
    let (count, offset) = paging(&p)?;
    let order = photo_order(p.get("order").copied().unwrap_or(""))?;
    let merged = p.get("merged").is_some_and(|v| parse_bool(v));
    let mut filters = PhotoFilters::default();
    for (key, value) in &p {
        if !matches!(*key, "q" | "s" | "count" | "offset" | "order" | "merged") {
            filters.apply(key, value)?;
        }
    }
    if let Some(q) = p.get("q") {
        filters_from_query(q, &mut filters)?;
    }
    let mut scope = p.get("s").map(|s| s.trim().to_ascii_lowercase());
    if let Some(album) = &filters.album
        && ids::is_uid(&album.to_ascii_lowercase(), 'a')
    {
        scope = Some(album.to_ascii_lowercase());
        filters.album = None;
    }
    let candidates: Vec<&Photo> = match scope.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            let album = ids::is_uid(s, 'a')
                .then(|| store.live_album(s))
                .flatten()
                .ok_or(SearchError::Invalid)?;
            album_photo_ids(store, album)
                .into_iter()
                .filter_map(|id| store.photos.get(&id).map(|p| &**p))
                .collect()
        }
        None => match &filters.uid {
            Some(UidFilter::Photos(set)) => {
                let mut ids: Vec<u64> = set
                    .iter()
                    .filter_map(|u| store.photo_ids.get(u).copied())
                    .collect();
                ids.sort_unstable_by(|a, b| b.cmp(a));
                ids.iter()
                    .filter_map(|id| store.photos.get(id).map(|p| &**p))
                    .collect()
            }
            Some(UidFilter::Hashes(set)) => indexed(store, set.iter()),
            Some(UidFilter::Files(set)) => {
                let mut ids: Vec<u64> = set
                    .iter()
                    .filter_map(|u| store.file_uid_index.get(u).copied())
                    .collect();
                ids.sort_unstable_by(|a, b| b.cmp(a));
                ids.dedup();
                ids.iter()
                    .filter_map(|id| store.photos.get(id).map(|p| &**p))
                    .collect()
            }
            None if !filters.hash.is_empty() => indexed(store, filters.hash.iter()),
            None => store.photos.values().map(|p| &**p).rev().collect(),
        },
    };
    let mut photos: Vec<&Photo> = candidates
        .into_iter()
        .filter(|photo| match order {
            PhotoOrder::Edited => photo.edited_at.is_some(),
            PhotoOrder::Updated => photo.updated_at > photo.created_at,
            _ => true,
        })
        .filter(|photo| filters.matches_photo(store, photo))
        .collect();
    sort_photos(&mut photos, order);
    let mut rows: Vec<(&Photo, &PhotoFile)> = Vec::new();
    for photo in photos {
        let mut files: Vec<&PhotoFile> = photo
            .files
            .iter()
            .filter(|f| filters.matches_file(f))
            .collect();
        files.sort_by_key(|f| (!f.primary, f.id));
        for f in files {
            rows.push((photo, f));
        }
        if rows.len() >= offset + count {
            break;
        }
    }
    let page: Vec<(&Photo, &PhotoFile)> = rows.into_iter().skip(offset).take(count).collect();
    let file_rows = page.len();
    let mut items = Vec::new();
    if shape == RowShape::Search {
        // Written straight to bytes: the same JSON as `render::search_row`, much faster.
        let mut writer = crate::render_fast::RowWriter::default();
        let mut body = Vec::with_capacity(page.len() * 1600 + 2);
        body.push(b'[');
        let mut i = 0;
        while i < page.len() {
            let photo = page[i].0;
            if i > 0 {
                body.push(b',');
            }
            if merged {
                let mut group = vec![page[i].1];
                while i + group.len() < page.len() && page[i + group.len()].0.id == photo.id {
                    group.push(page[i + group.len()].1);
                }
                writer.row(store, photo, group[0], Some(&group), &mut body);
                i += group.len();
            } else {
                writer.row(store, photo, page[i].1, None, &mut body);
                i += 1;
            }
        }
        body.push(b']');
        return Ok(Page {
            items,
            body: Some(body),
            count: file_rows,
            limit: count,
            offset,
        });
    }
    if merged {
        let mut i = 0;
        while i < page.len() {
            let photo = page[i].0;
            let mut group = vec![page[i].1];
            while i + group.len() < page.len() && page[i + group.len()].0.id == photo.id {
                group.push(page[i + group.len()].1);
            }
            items.push(render::search_row(
                store,
                photo,
                group[0],
                Some(&group),
                shape,
            ));
            i += group.len();
        }
    } else {
        items = page
            .iter()
            .map(|(photo, file)| render::search_row(store, photo, file, None, shape))
            .collect();
    }
    Ok(Page {
        items,
        body: None,
        count: file_rows,
        limit: count,
        offset,
    })
}

fn indexed<'a>(store: &'a Store, hashes: impl Iterator<Item = &'a String>) -> Vec<&'a Photo> {
    let mut ids: Vec<u64> = hashes
        .filter_map(|h| store.hash_index.get(h).copied())
        .collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    ids.iter()
        .filter_map(|id| store.photos.get(id).map(|p| &**p))
        .collect()
}

fn sort_photos(photos: &mut [&Photo], order: PhotoOrder) {
    match order {
        PhotoOrder::Added => {}
        PhotoOrder::Newest => {
            photos.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.id.cmp(&a.id)))
        }
        PhotoOrder::Oldest => {
            photos.sort_by(|a, b| a.taken_at.cmp(&b.taken_at).then(a.id.cmp(&b.id)))
        }
        PhotoOrder::Relevance => photos.sort_by(|a, b| {
            b.favorite
                .cmp(&a.favorite)
                .then(b.quality.cmp(&a.quality))
                .then(b.taken_at.cmp(&a.taken_at))
        }),
        PhotoOrder::Name => photos.sort_by(|a, b| a.path.cmp(&b.path).then(a.name.cmp(&b.name))),
        PhotoOrder::Title => photos.sort_by(|a, b| a.title.cmp(&b.title).then(b.id.cmp(&a.id))),
        PhotoOrder::Edited => photos.sort_by_key(|p| std::cmp::Reverse(p.edited_at)),
        PhotoOrder::Updated => photos.sort_by_key(|p| std::cmp::Reverse(p.updated_at)),
        PhotoOrder::Archived => photos.sort_by_key(|p| std::cmp::Reverse(p.deleted_at)),
        PhotoOrder::Size => {
            photos.sort_by_key(|p| std::cmp::Reverse(p.primary_file().map(|f| f.size).unwrap_or(0)))
        }
        PhotoOrder::Random => photos.sort_by_key(|p| p.uid.chars().rev().collect::<String>()),
    }
}

/// Batch-edit `models`: search rows (merged, batch shape) for the selected UIDs, in selection order.
pub(crate) fn batch_models(store: &Store, uids: &[String]) -> Vec<Value> {
    uids.iter()
        .filter_map(|uid| store.photo(uid))
        .filter(|p| !p.archived())
        .filter_map(|p| {
            let mut files: Vec<&PhotoFile> = p.files.iter().collect();
            files.sort_by_key(|f| (!f.primary, f.id));
            let first = *files.first()?;
            Some(render::search_row(
                store,
                p,
                first,
                Some(&files),
                RowShape::Batch,
            ))
        })
        .collect()
}

/// Album search filters.
#[derive(Default)]
struct AlbumFilters {
    types: Vec<String>,
    uids: Option<HashSet<String>>,
    favorite: bool,
    category: Vec<String>,
    location: Vec<String>,
    country: Vec<String>,
    year: Vec<i32>,
    month: Vec<i32>,
    day: Vec<i32>,
    public: bool,
    text: String,
}

impl AlbumFilters {
    fn apply(&mut self, key: &str, value: &str) -> Result<bool, SearchError> {
        match key {
            "type" => self.types = list(&value.to_ascii_lowercase()),
            "uid" => {
                let uids = list(&value.to_ascii_lowercase());
                self.uids = (!uids.is_empty() && uids.iter().all(|u| ids::is_uid(u, 'a')))
                    .then(|| uids.into_iter().collect());
            }
            "favorite" => self.favorite = parse_bool(value),
            "category" => self.category = list(value),
            "location" => self.location = list(value),
            "country" => self.country = list(&value.to_ascii_lowercase()),
            "year" => self.year = int_list(value)?,
            "month" => self.month = int_list(value)?,
            "day" => self.day = int_list(value)?,
            "public" => self.public = parse_bool(value),
            "title" | "slug" | "private" | "q" | "count" | "offset" | "order" | "query" => {}
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn matches(&self, a: &Album) -> bool {
        if a.deleted_at.is_some() {
            return false;
        }
        if !self.types.is_empty() && !self.types.contains(&a.kind) {
            return false;
        }
        if let Some(uids) = &self.uids
            && !uids.contains(&a.uid)
        {
            return false;
        }
        if self.favorite && !a.favorite {
            return false;
        }
        if self.public && a.private {
            return false;
        }
        if !self.category.is_empty() && !self.category.contains(&a.category) {
            return false;
        }
        if !self.location.is_empty() && !self.location.contains(&a.location) {
            return false;
        }
        if !self.country.is_empty() && !self.country.contains(&a.country) {
            return false;
        }
        if !self.year.is_empty() && !self.year.contains(&a.year) {
            return false;
        }
        if !self.month.is_empty() && !self.month.contains(&a.month) {
            return false;
        }
        if !self.day.is_empty() && !self.day.contains(&a.day) {
            return false;
        }
        if !self.text.is_empty() {
            let t = self.text.to_lowercase();
            let pattern = format!("*{}*", t.replace('%', "*"));
            if !text::like(&a.title, &pattern) && !text::like(&a.location, &pattern) {
                return false;
            }
        }
        true
    }
}

/// `GET /api/v1/albums`.
pub(crate) fn search_albums(
    store: &Store,
    params: &[(String, String)],
) -> Result<Page, SearchError> {
    let p = params_map(params);
    let (count, offset) = paging(&p)?;
    let mut filters = AlbumFilters::default();
    for (key, value) in &p {
        // Only the capitalized `Country` is bound from the URL; `country` works inside `q`.
        match *key {
            "Country" => {
                filters.apply("country", value)?;
            }
            "country" => {}
            key => {
                filters.apply(key, value)?;
            }
        }
    }
    if let Some(q) = p.get("q") {
        let (pairs, words) = split_query(q);
        for (key, value) in pairs {
            if !filters.apply(&key, &value)? {
                return Err(SearchError::UnknownFilter(key));
            }
        }
        let mut text = format!(" {} ", words.trim());
        for (from, to) in [
            (" and ", "&"),
            (" or ", "|"),
            (" with ", "&"),
            (" in ", "&"),
            (" at ", "&"),
            (" + ", "&"),
        ] {
            text = text.replace(from, to);
        }
        filters.text = text.trim().to_owned();
    }
    let mut albums: Vec<&Album> = store
        .albums
        .values()
        .filter(|a| filters.matches(a))
        .collect();
    let order = p
        .get("order")
        .map(|o| o.to_ascii_lowercase())
        .unwrap_or_default();
    let counts = |a: &Album| store.photo_count(&a.uid);
    match order.as_str() {
        "name" => albums.sort_by(|a, b| a.title.cmp(&b.title)),
        "name_reverse" => albums.sort_by(|a, b| b.title.cmp(&a.title)),
        "added" | "newest" | "moment" => albums.sort_by(|a, b| b.uid.cmp(&a.uid)),
        "oldest" => albums.sort_by(|a, b| a.uid.cmp(&b.uid)),
        "edited" => albums.sort_by_key(|a| std::cmp::Reverse(a.updated_at)),
        "count" => albums.sort_by_key(|a| std::cmp::Reverse(counts(a))),
        "slug" => albums.sort_by(|a, b| a.slug.cmp(&b.slug)),
        "category" => {
            albums.sort_by(|a, b| a.category.cmp(&b.category).then(a.title.cmp(&b.title)))
        }
        "place" => albums.sort_by(|a, b| a.location.cmp(&b.location).then(a.title.cmp(&b.title))),
        "path" => albums.sort_by(|a, b| a.path.cmp(&b.path)),
        _ => albums.sort_by(|a, b| {
            b.favorite
                .cmp(&a.favorite)
                .then(a.title.cmp(&b.title))
                .then(b.uid.cmp(&a.uid))
        }),
    }
    let items: Vec<Value> = albums
        .into_iter()
        .skip(offset)
        .take(count)
        .map(|a| crate::reach::album_row(store, a))
        .collect();
    Ok(Page {
        count: items.len(),
        items,
        body: None,
        limit: count,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_filters_and_words() {
        let (f, w) = split_query(r#"title:"My Trip" beach hash:abc"#);
        assert_eq!(
            f,
            vec![
                ("title".into(), "My Trip".into()),
                ("hash".into(), "abc".into())
            ]
        );
        assert_eq!(w, "beach");
    }

    #[test]
    fn uid_filters_classify_kinds() {
        let p = ids::new_uid('p');
        let f = ids::new_uid('f');
        let hash = "0098c70bc53cc40a4bfbfca058a52d2534da5504";
        assert!(matches!(
            parse_uid_filter(&p),
            Ok(Some(UidFilter::Photos(_)))
        ));
        assert_eq!(
            parse_uid_filter(&format!("{p}|{f}")),
            Err(SearchError::Invalid)
        );
        assert_eq!(parse_uid_filter(&format!("{p}|{hash}")), Ok(None));
        assert_eq!(parse_uid_filter("nonsense"), Err(SearchError::Invalid));
        // One implausible UID fails the lookup wherever it stands among valid ones...
        let bad = "pzzzzzzzzzzzzzzz";
        assert_eq!(
            parse_uid_filter(&format!("{p}|{bad}")),
            Err(SearchError::Invalid)
        );
        assert_eq!(
            parse_uid_filter(&format!("{bad}|{p}")),
            Err(SearchError::Invalid)
        );
        // ...unless a change of kind stopped the classification before it.
        assert_eq!(parse_uid_filter(&format!("{p}|{hash}|{bad}")), Ok(None));
        assert_eq!(
            parse_uid_filter(&format!("{p}|{f}|{hash}")),
            Ok(None),
            "the hash ends the classification before the mixed prefixes count"
        );
        assert_eq!(
            parse_uid_filter(&ids::new_uid('a')),
            Err(SearchError::Invalid)
        );
        assert!(matches!(
            parse_uid_filter(&format!("{hash}|{}", hash.to_uppercase())),
            Ok(Some(UidFilter::Hashes(_)))
        ));
    }

    #[test]
    fn paths_match_folders() {
        assert!(path_matches("2019/03", "2019/03"));
        assert!(path_matches("2019/03", "2019/03/"));
        assert!(path_matches("2019/03", "2019"));
        assert!(!path_matches("2019/03", "2019/"));
        assert!(path_matches("2019/03", "2019/*"));
    }
}
