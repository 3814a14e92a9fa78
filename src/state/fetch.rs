//! Reading the state a manifest needs from the server: only what it needs,
//! concurrently (bounded), paging through everything, with batched lookups.

mod narrow;

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt, TryStreamExt};

use super::{LibraryState, SelectorKey, ServerAlbum, ServerDetails, ServerPhoto, TextField};
use crate::manifest::{AlbumState, Manifest, Selector};
use crate::photoprism::{AlbumQuery, Client, Error, PhotoQuery, PhotoResult};

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// How many requests may run at once.
    pub concurrency: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions { concurrency: 8 }
    }
}

/// The fetched state and which server album each manifest album is.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The state.
    pub state: LibraryState,
    /// Album key -> server album UID (`None` = does not exist).
    pub albums: BTreeMap<String, Option<String>>,
}

/// Why fetching failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum FetchError {
    /// A request failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Server(#[from] Error),
    /// Album entries could not be matched to server albums.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Problems(#[from] crate::plan::PlanProblems),
}

impl From<FetchError> for crate::planner::PlanError {
    fn from(error: FetchError) -> Self {
        match error {
            FetchError::Server(error) => crate::planner::PlanError::Server(error),
            FetchError::Problems(problems) => crate::planner::PlanError::Problems(problems),
        }
    }
}

/// Page size for album and photo searches.
const PAGE: usize = 1000;
/// How many UIDs, hashes or paths go into one search request.
const LOOKUP_CHUNK: usize = 100;

/// Fetches what `manifest` needs from the server.
pub async fn fetch(
    client: &Client,
    manifest: &Manifest,
    options: &FetchOptions,
) -> Result<Fetched, FetchError> {
    let info = client.server_info();
    let mut state = LibraryState {
        text_field: Some(match info.generation {
            crate::photoprism::TextField::Caption => TextField::Caption,
            crate::photoprism::TextField::Description => TextField::Description,
        }),
        batch_edit: info.batch_edit,
        ..LibraryState::default()
    };

    let mut albums: Vec<ServerAlbum> = client
        .all_albums(AlbumQuery {
            count: PAGE,
            order: Some("added".to_string()),
            album_type: Some("album".to_string()),
            ..AlbumQuery::default()
        })
        .await?
        .into_iter()
        .filter(|album| album.album_type == "album")
        .map(|album| ServerAlbum {
            uid: album.uid,
            slug: album.slug,
            title: album.title,
            description: album.description,
            caption: album.caption,
            notes: album.notes,
            category: album.category,
            location: album.location,
            country: album.country,
            order: album.order,
            favorite: album.favorite,
            private: album.private,
            photo_count: usize::try_from(album.photo_count).unwrap_or(0),
        })
        .collect();
    albums.sort_by(|a, b| a.uid.cmp(&b.uid));
    albums.dedup_by(|a, b| a.uid == b.uid);
    state.albums = albums;

    let matched = crate::resolve::match_albums(manifest, &state.albums)
        .map_err(|problems| FetchError::Problems(crate::plan::PlanProblems::new(problems)))?;

    let concurrency = options.concurrency.max(1);
    let mut rows: Vec<PhotoResult> = Vec::new();

    // Members of the existing albums whose membership is managed.
    let member_albums: Vec<String> = manifest
        .albums
        .iter()
        .filter(|entry| entry.state == AlbumState::Present && entry.photos.is_some())
        .filter_map(|entry| matched.get(&entry.key).cloned().flatten())
        .collect();
    let members: Vec<(String, Vec<PhotoResult>)> = stream::iter(member_albums)
        .map(|uid| async move {
            let photos = client
                .all_photos(PhotoQuery {
                    count: PAGE,
                    scope: Some(uid.clone()),
                    merged: true,
                    ..PhotoQuery::default()
                })
                .await?;
            Ok::<_, Error>((uid, photos))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    for (uid, photos) in members {
        state
            .members
            .insert(uid, photos.iter().map(|photo| photo.uid.clone()).collect());
        rows.extend(photos);
    }

    // Every selector of the manifest, looked up in batches. A batch the server refuses
    // (400) is split until the refused values stand alone (see `narrow`).
    let selectors = manifest_selectors(manifest);
    let lookups = lookup_requests(&selectors);
    let found: Vec<(Lookup, narrow::Narrowed<PhotoResult>)> = stream::iter(lookups)
        .map(|lookup| async move {
            let narrowed = narrow::lookup_narrowed(lookup.values(), |values| {
                let part = lookup.with_values(values);
                async move { run_lookup(client, &part).await }
            })
            .await?;
            Ok::<_, Error>((lookup, narrowed))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    for key in &selectors {
        state.selections.insert(key.clone(), BTreeSet::new());
    }
    let mut refused: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for (lookup, narrowed) in found {
        record_lookup(&mut state.selections, &lookup, &narrowed.found);
        rows.extend(narrowed.found);
        refused
            .entry(lookup.kind())
            .or_default()
            .extend(narrowed.refused);
    }
    let problems = narrow::refused_selector_problems(all_selectors(manifest), &refused);
    if !problems.is_empty() {
        return Err(FetchError::Problems(crate::plan::PlanProblems::new(
            problems,
        )));
    }

    add_rows(&mut state, &rows);

    // Photos the plan will restore become visible to queries: look up the
    // archived matches of every query too, but only when there are any.
    if !crate::resolve::photos_to_restore(manifest, &state).is_empty() {
        let queries: Vec<String> = selectors
            .iter()
            .filter(|key| key.kind == "query")
            .map(|key| key.value.clone())
            .collect();
        let archived: Vec<(String, Vec<PhotoResult>)> = stream::iter(queries)
            .map(|query| async move {
                let photos = client
                    .all_photos(PhotoQuery {
                        count: PAGE,
                        merged: true,
                        q: Some(query.clone()),
                        archived: Some(true),
                        ..PhotoQuery::default()
                    })
                    .await?;
                Ok::<_, Error>((query, photos))
            })
            .buffer_unordered(concurrency)
            .try_collect()
            .await?;
        for (query, photos) in archived {
            state.selections.insert(
                crate::resolve::archived_query_key(&query),
                photos.iter().map(|photo| photo.uid.clone()).collect(),
            );
            add_rows(&mut state, &photos);
        }
    }

    // A restored photo comes back into every album where it kept a visible row (a photo added
    // to an album after it was archived keeps one, photoprism-api.md §7). Count those rows as
    // members of the managed albums, so exact membership removes them in the same apply.
    let restoring = crate::resolve::photos_to_restore(manifest, &state);
    if !restoring.is_empty() {
        let managed: Vec<String> = state.members.keys().cloned().collect();
        let archived: Vec<(String, Vec<PhotoResult>)> = stream::iter(managed)
            .map(|uid| async move {
                let photos = client
                    .all_photos(PhotoQuery {
                        count: PAGE,
                        scope: Some(uid.clone()),
                        merged: true,
                        archived: Some(true),
                        ..PhotoQuery::default()
                    })
                    .await?;
                Ok::<_, Error>((uid, photos))
            })
            .buffer_unordered(concurrency)
            .try_collect()
            .await?;
        for (uid, photos) in archived {
            if let Some(members) = state.members.get_mut(&uid) {
                members.extend(
                    photos
                        .iter()
                        .map(|photo| photo.uid.clone())
                        .filter(|photo| restoring.contains(photo)),
                );
            }
            add_rows(&mut state, &photos);
        }
    }

    // Details (keywords, notes, ...) are not in search results: read them only
    // for photos whose rules manage one of those fields.
    let needs = photos_needing_details(manifest, &state);
    let mut details = read_details(client, needs.all.into_iter().collect(), concurrency).await?;
    details.extend(read_keywords(client, needs.keywords.into_iter().collect(), concurrency).await?);
    for (uid, details) in details {
        if let Some(photo) = state.photos.get_mut(&uid) {
            photo.details = Some(details);
        }
    }

    Ok(Fetched {
        state,
        albums: matched,
    })
}

/// Adds search rows to the state's photos (a row with more files wins).
fn add_rows(state: &mut LibraryState, rows: &[PhotoResult]) {
    for row in rows {
        let photo = server_photo(row);
        match state.photos.get(&photo.uid) {
            Some(existing) if existing.files.len() >= photo.files.len() => {}
            _ => {
                state.photos.insert(photo.uid.clone(), photo);
            }
        }
    }
}

/// Converts a search row to the state's photo.
fn server_photo(row: &PhotoResult) -> ServerPhoto {
    let mut files: Vec<String> = row.files.iter().map(|file| file.name.clone()).collect();
    if files.is_empty() && !row.file_name.is_empty() {
        files.push(row.file_name.clone());
    }
    let primary = row
        .files
        .iter()
        .find(|file| file.primary)
        .map(|file| file.name.clone())
        .unwrap_or_else(|| row.file_name.clone());
    ServerPhoto {
        uid: row.uid.clone(),
        name: primary,
        files,
        title: row.title.clone(),
        caption: row
            .caption
            .clone()
            .or_else(|| row.description.clone())
            .unwrap_or_default(),
        favorite: row.favorite,
        private: row.private,
        archived: row.is_archived(),
        taken_at: row.taken_at.clone(),
        time_zone: row.time_zone.clone(),
        lat: row.lat,
        lng: row.lng,
        altitude: row.altitude.round() as i64,
        details: None,
    }
}

fn all_selectors(manifest: &Manifest) -> Vec<&Selector> {
    let mut selectors = Vec::new();
    for entry in &manifest.albums {
        if entry.state == AlbumState::Present {
            if let Some(photos) = &entry.photos {
                selectors.extend(photos.iter());
            }
        }
    }
    for rule in &manifest.photos {
        selectors.extend(rule.selectors.iter());
    }
    selectors
}

fn manifest_selectors(manifest: &Manifest) -> BTreeSet<SelectorKey> {
    all_selectors(manifest)
        .into_iter()
        .map(crate::resolve::selector_key)
        .collect()
}

/// One search request of the lookup phase.
#[derive(Debug, Clone)]
enum Lookup {
    /// `uid=a|b|c`, archived or not.
    Uids { uids: Vec<String>, archived: bool },
    /// `hash=a|b|c`, archived or not.
    Hashes { hashes: Vec<String>, archived: bool },
    /// `filename=a|b|c`, archived or not.
    Paths { paths: Vec<String>, archived: bool },
    /// A manifest query, paged to the end.
    Query { query: String },
}

impl Lookup {
    /// The selector key this lookup serves: `uid`, `hash`, `path` or `query`.
    fn kind(&self) -> &'static str {
        match self {
            Lookup::Uids { .. } => "uid",
            Lookup::Hashes { .. } => "hash",
            Lookup::Paths { .. } => "path",
            Lookup::Query { .. } => "query",
        }
    }

    /// The values looked up (one for a query).
    fn values(&self) -> Vec<String> {
        match self {
            Lookup::Uids { uids: values, .. }
            | Lookup::Hashes { hashes: values, .. }
            | Lookup::Paths { paths: values, .. } => values.clone(),
            Lookup::Query { query } => vec![query.clone()],
        }
    }

    /// The same lookup for only some of its values.
    fn with_values(&self, values: Vec<String>) -> Lookup {
        match self {
            Lookup::Uids { archived, .. } => Lookup::Uids {
                uids: values,
                archived: *archived,
            },
            Lookup::Hashes { archived, .. } => Lookup::Hashes {
                hashes: values,
                archived: *archived,
            },
            Lookup::Paths { archived, .. } => Lookup::Paths {
                paths: values,
                archived: *archived,
            },
            Lookup::Query { query } => Lookup::Query {
                query: values.into_iter().next().unwrap_or_else(|| query.clone()),
            },
        }
    }
}

fn lookup_requests(selectors: &BTreeSet<SelectorKey>) -> Vec<Lookup> {
    let of = |kind: &str| -> Vec<String> {
        selectors
            .iter()
            .filter(|key| key.kind == kind)
            .map(|key| key.value.clone())
            .collect()
    };
    let mut lookups = Vec::new();
    for archived in [false, true] {
        for chunk in of("uid").chunks(LOOKUP_CHUNK) {
            lookups.push(Lookup::Uids {
                uids: chunk.to_vec(),
                archived,
            });
        }
        // Only full hashes are looked up: an abbreviation matches nothing.
        let hashes: Vec<String> = of("hash")
            .into_iter()
            .filter(|hash| hash.len() == 40 && hash.chars().all(|c| c.is_ascii_hexdigit()))
            .collect();
        for chunk in hashes.chunks(LOOKUP_CHUNK) {
            lookups.push(Lookup::Hashes {
                hashes: chunk.to_vec(),
                archived,
            });
        }
        for chunk in of("path").chunks(LOOKUP_CHUNK) {
            lookups.push(Lookup::Paths {
                paths: chunk.to_vec(),
                archived,
            });
        }
    }
    for query in of("query") {
        lookups.push(Lookup::Query { query });
    }
    lookups
}

async fn run_lookup(client: &Client, lookup: &Lookup) -> Result<Vec<PhotoResult>, Error> {
    let base = PhotoQuery {
        count: PAGE,
        merged: true,
        ..PhotoQuery::default()
    };
    let query = match lookup {
        Lookup::Uids { uids, archived } => PhotoQuery {
            uid: Some(uids.join("|")),
            archived: archived.then_some(true),
            ..base
        },
        Lookup::Hashes { hashes, archived } => PhotoQuery {
            hash: Some(hashes.join("|")),
            archived: archived.then_some(true),
            ..base
        },
        Lookup::Paths { paths, archived } => PhotoQuery {
            filename: Some(paths.join("|")),
            archived: archived.then_some(true),
            ..base
        },
        Lookup::Query { query } => PhotoQuery {
            q: Some(query.clone()),
            ..base
        },
    };
    client.all_photos(query).await
}

fn record_lookup(
    selections: &mut BTreeMap<SelectorKey, BTreeSet<String>>,
    lookup: &Lookup,
    photos: &[PhotoResult],
) {
    let mut add = |kind: &str, value: &str, uid: &str| {
        selections
            .entry(SelectorKey::new(kind, value))
            .or_default()
            .insert(uid.to_string());
    };
    match lookup {
        Lookup::Uids { uids, .. } => {
            let wanted: BTreeSet<&str> = uids.iter().map(String::as_str).collect();
            for photo in photos {
                if wanted.contains(photo.uid.as_str()) {
                    add("uid", &photo.uid, &photo.uid);
                }
            }
        }
        Lookup::Hashes { hashes, .. } => {
            let wanted: BTreeSet<&str> = hashes.iter().map(String::as_str).collect();
            for photo in photos {
                for hash in photo_hashes(photo) {
                    if wanted.contains(hash) {
                        add("hash", hash, &photo.uid);
                    }
                }
            }
        }
        Lookup::Paths { paths, .. } => {
            let wanted: BTreeSet<&str> = paths.iter().map(String::as_str).collect();
            for photo in photos {
                for name in photo_names(photo) {
                    if wanted.contains(name) {
                        add("path", name, &photo.uid);
                    }
                }
            }
        }
        Lookup::Query { query } => {
            for photo in photos {
                add("query", query, &photo.uid);
            }
        }
    }
}

fn photo_hashes(photo: &PhotoResult) -> Vec<&str> {
    let mut hashes: Vec<&str> = photo.files.iter().map(|file| file.hash.as_str()).collect();
    hashes.push(photo.hash.as_str());
    hashes
}

fn photo_names(photo: &PhotoResult) -> Vec<&str> {
    let mut names: Vec<&str> = photo.files.iter().map(|file| file.name.as_str()).collect();
    names.push(photo.file_name.as_str());
    names
}

/// Photos whose rules manage a detail field (keywords, notes, subject, ...).
fn photos_needing_details(manifest: &Manifest, state: &LibraryState) -> NeedsDetails {
    let mut needs = NeedsDetails::default();
    for rule in &manifest.photos {
        let others = rule.notes.is_some()
            || rule.subject.is_some()
            || rule.artist.is_some()
            || rule.copyright.is_some()
            || rule.license.is_some();
        if !others && rule.keywords.is_none() {
            continue;
        }
        let target = if others {
            &mut needs.all
        } else {
            &mut needs.keywords
        };
        for selector in &rule.selectors {
            let key = crate::resolve::selector_key(selector);
            if let Some(found) = state.selections.get(&key) {
                target.extend(found.iter().cloned());
            }
            if let crate::manifest::SelectorKind::Query(query) = &selector.kind {
                if let Some(found) = state
                    .selections
                    .get(&crate::resolve::archived_query_key(query))
                {
                    target.extend(found.iter().cloned());
                }
            }
        }
    }
    let all = needs.all.clone();
    needs.keywords.retain(|uid| !all.contains(uid));
    needs
}

/// Photos whose details must be read: all of them, or only the keywords.
#[derive(Debug, Default)]
struct NeedsDetails {
    /// Photos a rule manages notes, subject, artist, copyright or license of.
    all: BTreeSet<String>,
    /// Photos whose rules manage only keywords.
    keywords: BTreeSet<String>,
}

/// Reads the details of photos with one `GET /photos/:uid` each.
async fn read_details(
    client: &Client,
    uids: Vec<String>,
    concurrency: usize,
) -> Result<Vec<(String, ServerDetails)>, Error> {
    stream::iter(uids)
        .map(|uid| async move {
            let photo = client.photo(&uid).await?;
            let details = photo
                .details
                .map(|details| ServerDetails {
                    keywords: details.keywords,
                    notes: details.notes,
                    subject: details.subject,
                    artist: details.artist,
                    copyright: details.copyright,
                    license: details.license,
                })
                .unwrap_or_default();
            Ok::<_, Error>((uid, details))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await
}

/// Reads keywords in batches where the server can: a batch-edit request
/// without values only reads, and its rows carry `DetailsKeywords`. Photos the
/// batch answer leaves out (archived ones) and older servers fall back to
/// [`read_details`].
async fn read_keywords(
    client: &Client,
    uids: Vec<String>,
    concurrency: usize,
) -> Result<Vec<(String, ServerDetails)>, Error> {
    if !client.server_info().batch_edit || uids.is_empty() {
        return read_details(client, uids, concurrency).await;
    }
    let chunks: Vec<Vec<String>> = uids
        .chunks(crate::photoprism::BATCH_EDIT_CHUNK)
        .map(<[String]>::to_vec)
        .collect();
    let answers: Vec<Result<crate::photoprism::models::BatchEditResponse, Error>> =
        stream::iter(chunks)
            .map(|chunk| async move {
                client
                    .batch_edit(&chunk, &crate::photoprism::BatchValues::new())
                    .await
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    let mut found: BTreeMap<String, ServerDetails> = BTreeMap::new();
    for answer in answers {
        match answer {
            Ok(answer) => {
                for row in answer.models {
                    found.insert(
                        row.uid.clone(),
                        ServerDetails {
                            keywords: row.details_keywords,
                            ..ServerDetails::default()
                        },
                    );
                }
            }
            // The feature may be switched off for this session: read one by one.
            Err(Error::Unsupported { .. }) => {
                return read_details(client, uids, concurrency).await;
            }
            Err(error) => return Err(error),
        }
    }
    let missing: Vec<String> = uids
        .into_iter()
        .filter(|uid| !found.contains_key(uid))
        .collect();
    let mut details: Vec<(String, ServerDetails)> = found.into_iter().collect();
    details.extend(read_details(client, missing, concurrency).await?);
    Ok(details)
}
