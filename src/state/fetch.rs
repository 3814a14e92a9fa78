//! Reading the state a manifest needs from the server: only what it needs,
//! concurrently (bounded), paging through everything, with batched lookups.
//!
//! The reads come in phases, each using what the earlier ones returned:
//!
//! 1. the album listing;
//! 2. the member pages of the albums whose membership is managed, and the
//!    manifest's queries;
//! 3. lookups of the `uid`, `hash` and `path` selectors that phase 2 did not
//!    answer (a UID seen in a member page, a hash or path of a file in any
//!    page is not looked up again), batched, and then among archived photos
//!    for those still missing;
//! 4. archived matches of queries, only when the plan restores photos;
//! 5. details (keywords, artist, …) of the photos whose rules manage them.
//!
//! Rows are reduced to the compact [`ServerPhoto`] page by page, so memory
//! grows with the photos the plan needs, not with the answers' size.

mod narrow;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::rows::RowRef;
use super::{LibraryState, ServerAlbum, ServerPhoto, TextField, Uid, sorted};
use crate::manifest::{AlbumState, Manifest, Selector, SelectorKind};
use crate::photoprism::{AlbumQuery, Client, Error, PhotoQuery};

/// How to fetch.
#[derive(Clone, Default)]
pub struct FetchOptions {
    /// How many requests may run at once (0 is taken as 1).
    pub concurrency: usize,
    /// Told about every page read, for a progress display.
    pub progress: Option<Arc<dyn ReadProgress>>,
}

impl std::fmt::Debug for FetchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchOptions")
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Receives the progress of the reads of a plan.
pub trait ReadProgress: Send + Sync {
    /// `read` pages of the `known` pages so far have been read. `known` grows
    /// while reading: a full page means there is at least one more.
    fn pages(&self, read: usize, known: usize);
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

/// Page size for photo searches.
const PAGE: usize = 1000;
/// Page size for the album listing: libraries rarely have more albums, so one
/// request usually lists them all (PhotoPrism allows up to 100,000).
const ALBUM_PAGE: usize = 10_000;
/// Most values in one lookup request.
const LOOKUP_CHUNK: usize = 200;
/// Most bytes of values in one lookup request, so the URL stays well under
/// the 8 KiB that common reverse proxies accept.
const LOOKUP_BYTES: usize = 3_500;

/// Counts pages for a [`ReadProgress`].
#[derive(Default)]
pub(crate) struct Pages {
    read: std::sync::atomic::AtomicUsize,
    known: std::sync::atomic::AtomicUsize,
    sink: Option<Arc<dyn ReadProgress>>,
}

impl Pages {
    fn new(sink: Option<Arc<dyn ReadProgress>>) -> Pages {
        Pages {
            sink,
            ..Pages::default()
        }
    }

    /// `more` further pages are known to exist.
    pub(crate) fn expect(&self, more: usize) {
        use std::sync::atomic::Ordering;
        let known = self.known.fetch_add(more, Ordering::Relaxed) + more;
        if let Some(sink) = &self.sink {
            sink.pages(self.read.load(Ordering::Relaxed), known);
        }
    }

    /// One page was read.
    pub(crate) fn done(&self) {
        use std::sync::atomic::Ordering;
        let read = self.read.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(sink) = &self.sink {
            sink.pages(read, self.known.load(Ordering::Relaxed).max(read));
        }
    }
}

/// The `hash` and `path` values the manifest selects by, to be recognised in
/// any page of results.
#[derive(Default)]
struct Wanted {
    hashes: HashSet<String>,
    paths: HashSet<String>,
    /// Path patterns, matched by prysm against every file name of every row.
    patterns: BTreeSet<String>,
    /// The photos album covers name (by uid, hash or path): their primary file hash is kept.
    covers: CoverWanted,
}

/// The `uid`, `hash` and `path` values of album covers.
#[derive(Clone, Default)]
struct CoverWanted {
    uids: HashSet<String>,
    hashes: HashSet<String>,
    paths: HashSet<String>,
}

impl CoverWanted {
    fn of(manifest: &Manifest) -> CoverWanted {
        let mut wanted = CoverWanted::default();
        for cover in cover_selectors(manifest) {
            match &cover.kind {
                SelectorKind::Uid(uid) => wanted.uids.insert(uid.clone()),
                SelectorKind::Hash(hash) => wanted.hashes.insert(hash.clone()),
                SelectorKind::Path(path) => wanted.paths.insert(path.clone()),
                _ => false,
            };
        }
        wanted
    }

    fn is_empty(&self) -> bool {
        self.uids.is_empty() && self.hashes.is_empty() && self.paths.is_empty()
    }

    /// Whether a cover names the photo of this row.
    fn names(&self, row: &RowRef<'_>) -> bool {
        !self.is_empty()
            && (self.uids.contains(row.uid.as_str())
                || row.hashes().any(|hash| self.hashes.contains(hash))
                || row.file_names().any(|name| self.paths.contains(name)))
    }
}

impl Wanted {
    fn of(selectors: &[&Selector]) -> Wanted {
        let mut wanted = Wanted::default();
        for selector in selectors {
            match &selector.kind {
                SelectorKind::Hash(hash) => {
                    wanted.hashes.insert(hash.clone());
                }
                SelectorKind::Path(path) if selector.kind.is_pattern() => {
                    wanted.patterns.insert(path.clone());
                }
                SelectorKind::Path(path) => {
                    wanted.paths.insert(path.clone());
                }
                _ => {}
            }
        }
        wanted
    }
}

impl Wanted {
    /// The same hashes and paths, no patterns.
    fn without_patterns(&self) -> Wanted {
        Wanted {
            hashes: self.hashes.clone(),
            paths: self.paths.clone(),
            patterns: BTreeSet::new(),
            covers: self.covers.clone(),
        }
    }
}

/// What some pages held, reduced to what the plan needs.
#[derive(Default)]
struct Part {
    /// Every photo of the rows, in row order.
    uids: Vec<Uid>,
    photos: Vec<ServerPhoto>,
    /// Wanted hashes and paths the rows have files for.
    hashes: Vec<(String, Uid)>,
    paths: Vec<(String, Uid)>,
    /// Wanted patterns the rows have files for, for visible and for archived photos.
    patterns: Vec<(String, Uid)>,
    archived_patterns: Vec<(String, Uid)>,
    /// Photos a cover names, with their primary file hash (empty when the row has none).
    primaries: Vec<(Uid, String)>,
}

impl Part {
    fn add_row(&mut self, row: &RowRef<'_>, wanted: &Wanted) {
        let Some(photo) = ServerPhoto::from_row(row) else {
            return;
        };
        let uid = photo.uid;
        if !wanted.hashes.is_empty() {
            for hash in row.hashes() {
                if wanted.hashes.contains(hash) {
                    self.hashes.push((hash.to_string(), uid));
                }
            }
        }
        if !wanted.paths.is_empty() {
            for name in row.file_names() {
                if wanted.paths.contains(name) {
                    self.paths.push((name.to_string(), uid));
                }
            }
        }
        if !wanted.patterns.is_empty() {
            let found = if photo.archived {
                &mut self.archived_patterns
            } else {
                &mut self.patterns
            };
            for name in row.file_names() {
                for pattern in &wanted.patterns {
                    if crate::manifest::path_pattern_matches(pattern, name) {
                        found.push((pattern.clone(), uid));
                    }
                }
            }
        }
        if wanted.covers.names(row) {
            // A search by hash or path lists only the matching files of a photo: without a
            // file marked primary, the primary file is read with the photo (`fetch`).
            let primary = row.primary_hash().unwrap_or_default();
            self.primaries.push((uid, primary.to_string()));
        }
        self.uids.push(uid);
        self.photos.push(photo);
    }
}

/// Everything read so far.
#[derive(Default)]
struct Collected {
    /// Photos in the order first seen (sorted once at the end).
    photos: Vec<ServerPhoto>,
    seen: HashSet<Uid>,
    hashes: BTreeMap<String, Vec<Uid>>,
    paths: BTreeMap<String, Vec<Uid>>,
    patterns: BTreeMap<String, Vec<Uid>>,
    archived_patterns: BTreeMap<String, Vec<Uid>>,
    primaries: BTreeMap<Uid, String>,
}

impl Collected {
    /// Adds a part; returns the UIDs of its rows.
    fn add(&mut self, part: Part) -> Vec<Uid> {
        for photo in part.photos {
            // The first row of a photo wins: a photo split across pages keeps
            // the part with its primary file.
            if self.seen.insert(photo.uid) {
                self.photos.push(photo);
            }
        }
        for (hash, uid) in part.hashes {
            self.hashes.entry(hash).or_default().push(uid);
        }
        for (path, uid) in part.paths {
            self.paths.entry(path).or_default().push(uid);
        }
        for (pattern, uid) in part.patterns {
            self.patterns.entry(pattern).or_default().push(uid);
        }
        for (pattern, uid) in part.archived_patterns {
            self.archived_patterns.entry(pattern).or_default().push(uid);
        }
        for (uid, hash) in part.primaries {
            let known = self.primaries.entry(uid).or_default();
            if known.is_empty() {
                *known = hash;
            }
        }
        part.uids
    }
}

/// Reads every page of a photo search, reducing each row as it arrives.
async fn read_part(
    client: &Client,
    mut query: PhotoQuery,
    wanted: &Wanted,
    pages: &Pages,
) -> Result<Part, Error> {
    let mut part = Part::default();
    loop {
        let page = client.search_page_raw(&query).await?;
        pages.done();
        let rows: Vec<RowRef<'_>> = page.rows()?;
        for row in &rows {
            part.add_row(row, wanted);
        }
        let count = page.count.unwrap_or(rows.len());
        // The body and its rows are dropped here, page by page.
        drop(rows);
        if count == 0 || count < query.count {
            return Ok(part);
        }
        pages.expect(1);
        query.offset += query.count;
    }
}

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
    let pages = Pages::new(options.progress.clone());
    let concurrency = options.concurrency.max(1);

    pages.expect(1);
    state.albums = read_albums(client, &pages).await?;
    let matched = crate::resolve::match_albums(manifest, &state.albums)
        .map_err(|problems| FetchError::Problems(crate::plan::PlanProblems::new(problems)))?;

    let selectors = all_selectors(manifest);
    let mut wanted = Wanted::of(&selectors);
    wanted.covers = CoverWanted::of(manifest);
    let mut collected = Collected::default();

    // Phase 2: member pages of the managed albums, and the queries.
    let member_albums: BTreeSet<String> = manifest
        .albums
        .iter()
        .filter(|entry| entry.state == AlbumState::Present && entry.photos.is_some())
        .filter_map(|entry| matched.get(&entry.key).cloned().flatten())
        .chain(referenced_albums(
            manifest,
            &selectors,
            &matched,
            &state.albums,
        ))
        .collect();
    let queries: BTreeSet<String> = selectors
        .iter()
        .filter_map(|selector| match &selector.kind {
            SelectorKind::Query(query) => Some(query.clone()),
            _ => None,
        })
        .collect();
    let jobs: Vec<Job> = member_albums
        .into_iter()
        .map(Job::Members)
        .chain(queries.into_iter().map(Job::Query))
        .collect();
    pages.expect(jobs.len());
    let wanted_ref = &wanted;
    // Pattern lookups (phase 3) return every visible match of every pattern, so the pages
    // of phase 2 are not matched against the patterns (a library's worth of rows times
    // every pattern).
    let without_patterns = wanted.without_patterns();
    let phase2_wanted = &without_patterns;
    let pages_ref = &pages;
    let mut parts = stream::iter(jobs)
        .map(|job| async move {
            let query = match &job {
                Job::Members(album) => PhotoQuery {
                    count: PAGE,
                    scope: Some(album.clone()),
                    merged: true,
                    ..PhotoQuery::default()
                },
                Job::Query(query) => PhotoQuery {
                    count: PAGE,
                    q: Some(query.clone()),
                    merged: true,
                    ..PhotoQuery::default()
                },
            };
            let part = match (
                read_part(client, query, phase2_wanted, pages_ref).await,
                &job,
            ) {
                // A query the server refuses (400) becomes a plan problem (see `narrow`).
                (Err(error), Job::Query(_)) if narrow::is_refusal(&error) => None,
                (part, _) => Some(part?),
            };
            Ok::<_, Error>((job, part))
        })
        .buffer_unordered(concurrency);
    let mut refused: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    while let Some((job, part)) = parts.try_next().await? {
        let Some(part) = part else {
            if let Job::Query(query) = job {
                refused.entry("query").or_default().insert(query);
            }
            continue;
        };
        let uids = sorted(collected.add(part));
        match job {
            Job::Members(album) => {
                state.members.insert(album, uids);
            }
            Job::Query(query) => {
                state.selections.queries.insert(query, uids);
            }
        }
    }
    drop(parts);

    // Phase 3: what is still unknown, looked up in batches; archived photos last.
    for archived in [false, true] {
        let lookups = lookup_requests(&selectors, &collected, &refused, archived);
        pages.expect(lookups.len());
        // A batch the server refuses (400) is split until the refused values stand alone.
        let mut found = stream::iter(lookups)
            .map(|lookup| async move {
                let narrowed = narrow::lookup_narrowed(lookup.values(), |values| {
                    let part = lookup.with_values(values);
                    async move {
                        read_part(client, part.query(), wanted_ref, pages_ref)
                            .await
                            .map(|part| vec![part])
                    }
                })
                .await?;
                Ok::<_, Error>((lookup.kind(), narrowed))
            })
            .buffer_unordered(concurrency);
        while let Some((kind, narrowed)) = found.try_next().await? {
            for part in narrowed.found {
                collected.add(part);
            }
            refused.entry(kind).or_default().extend(narrowed.refused);
        }
    }

    let problems = narrow::refused_selector_problems(selectors.iter().copied(), &refused);
    if !problems.is_empty() {
        return Err(FetchError::Problems(crate::plan::PlanProblems::new(
            problems,
        )));
    }

    let Collected {
        mut photos,
        seen,
        hashes,
        paths,
        patterns,
        archived_patterns,
        primaries,
    } = collected;
    state.cover_hashes = cover_hashes(client, primaries, concurrency, &pages).await?;
    drop(seen);
    photos.sort_unstable_by_key(|photo| photo.uid);
    photos.shrink_to_fit();
    state.photos = photos;
    state.reindex();
    state.selections.hashes = hashes.into_iter().map(|(k, v)| (k, sorted(v))).collect();
    state.selections.paths = paths.into_iter().map(|(k, v)| (k, sorted(v))).collect();
    state.selections.patterns = wanted
        .patterns
        .iter()
        .map(|pattern| {
            let found = patterns.get(pattern).cloned().unwrap_or_default();
            (pattern.clone(), sorted(found))
        })
        .collect();
    state.selections.archived_patterns = archived_patterns
        .into_iter()
        .map(|(k, v)| (k, sorted(v)))
        .collect();

    // Phase 4: photos the plan will restore become visible to queries: look up
    // the archived matches of every query too, but only when there are any. A query in a
    // rule's `except` takes archived photos out too (a photo another rule archives must stay
    // taken out once archived, so that the next plan agrees): those are looked up when any
    // photo is or will be archived.
    let restoring = !crate::resolve::photos_to_restore(manifest, &state).is_empty();
    let archiving = state.any_archived()
        || manifest
            .photos
            .iter()
            .any(|rule| rule.archived == Some(true));
    let except_queries: BTreeSet<String> = if archiving {
        manifest
            .photos
            .iter()
            .flat_map(|rule| rule.except.iter())
            .filter_map(|selector| match &selector.kind {
                SelectorKind::Query(query) => Some(query.clone()),
                _ => None,
            })
            .collect()
    } else {
        BTreeSet::new()
    };
    if restoring || !except_queries.is_empty() {
        let queries: Vec<String> = if restoring {
            state.selections.queries.keys().cloned().collect()
        } else {
            except_queries.into_iter().collect()
        };
        pages.expect(queries.len());
        let archived: Vec<(String, Part)> = stream::iter(queries)
            .map(|query| async move {
                let search = PhotoQuery {
                    count: PAGE,
                    merged: true,
                    q: Some(query.clone()),
                    archived: Some(true),
                    ..PhotoQuery::default()
                };
                let part = read_part(client, search, &Wanted::default(), pages_ref).await?;
                Ok::<_, Error>((query, part))
            })
            .buffer_unordered(concurrency)
            .try_collect()
            .await?;
        let mut extra = Vec::new();
        for (query, part) in archived {
            state
                .selections
                .archived_queries
                .insert(query, sorted(part.uids));
            extra.extend(part.photos);
        }
        add_photos(&mut state, extra);
    }

    // A restored photo comes back into every album where it kept a visible row (a photo added
    // to an album after it was archived keeps one, photoprism-api.md §7). Count those rows as
    // members of the managed albums, so exact membership removes them in the same apply.
    // Read only when the plan restores photos.
    let restoring: HashSet<Uid> = crate::resolve::photos_to_restore(manifest, &state)
        .into_iter()
        .collect();
    if !restoring.is_empty() {
        let managed: Vec<String> = state.members.keys().cloned().collect();
        pages.expect(managed.len());
        let archived: Vec<(String, Part)> = stream::iter(managed)
            .map(|album| async move {
                let search = PhotoQuery {
                    count: PAGE,
                    scope: Some(album.clone()),
                    merged: true,
                    archived: Some(true),
                    ..PhotoQuery::default()
                };
                let part = read_part(client, search, &Wanted::default(), pages_ref).await?;
                Ok::<_, Error>((album, part))
            })
            .buffer_unordered(concurrency)
            .try_collect()
            .await?;
        let mut extra = Vec::new();
        for (album, part) in archived {
            if let Some(members) = state.members.get_mut(&album) {
                members.extend(part.uids.iter().filter(|uid| restoring.contains(uid)));
                let all = std::mem::take(members);
                *members = sorted(all);
            }
            extra.extend(part.photos);
        }
        add_photos(&mut state, extra);
    }

    // Phase 5: details, only for photos whose rules manage them.
    super::details::read(client, manifest, &mut state, &matched, concurrency, &pages).await?;

    // Phase 6: share links, only of the albums whose entry declares `links`.
    state.links = read_links(client, manifest, &matched, concurrency, &pages).await?;

    Ok(Fetched {
        state,
        albums: matched,
    })
}

/// The server albums whose current members `album:` selectors need: albums the
/// manifest declares without managing their photos, and albums it does not declare
/// (by UID). Albums that do not exist (yet) have no members to read.
fn referenced_albums(
    manifest: &Manifest,
    selectors: &[&Selector],
    matched: &BTreeMap<String, Option<String>>,
    albums: &[ServerAlbum],
) -> Vec<String> {
    let mut out = Vec::new();
    for selector in selectors {
        let SelectorKind::Album(value) = &selector.kind else {
            continue;
        };
        let uid = match manifest.album_ref(value) {
            Some(entry) => matched.get(&entry.key).cloned().flatten(),
            None => Some(value.clone()),
        };
        if let Some(uid) = uid {
            if albums.binary_search_by(|album| album.uid.cmp(&uid)).is_ok() {
                out.push(uid);
            }
        }
    }
    out
}

/// One read of phase 2.
enum Job {
    /// The members of an album.
    Members(String),
    /// A manifest query.
    Query(String),
}

/// Adds photos the state does not hold yet (keeps it sorted; a photo it
/// holds already keeps its row).
fn add_photos(state: &mut LibraryState, photos: Vec<ServerPhoto>) {
    if photos.is_empty() {
        return;
    }
    state.photos.extend(photos);
    // A stable sort keeps the photo held first in front of a later duplicate.
    state.photos.sort_by_key(|photo| photo.uid);
    state.photos.dedup_by_key(|photo| photo.uid);
    state.reindex();
}

/// Every manual album, ordered by UID.
async fn read_albums(client: &Client, pages: &Pages) -> Result<Vec<ServerAlbum>, Error> {
    let mut query = AlbumQuery {
        count: ALBUM_PAGE,
        order: Some("added".to_string()),
        album_type: Some("album".to_string()),
        ..AlbumQuery::default()
    };
    let mut albums: Vec<ServerAlbum> = Vec::new();
    loop {
        let page = client.search_albums(&query).await?;
        pages.done();
        let full = page.count > 0 && page.count >= query.count;
        albums.extend(
            page.items
                .into_iter()
                .filter(|album| album.album_type == "album")
                .map(ServerAlbum::from),
        );
        if !full {
            break;
        }
        pages.expect(1);
        query.offset += query.count;
    }
    albums.sort_by(|a, b| a.uid.cmp(&b.uid));
    albums.dedup_by(|a, b| a.uid == b.uid);
    Ok(albums)
}

/// The share links of every existing album whose entry declares `links`: one request per
/// album (PhotoPrism has no batch read of links). Tokens are dropped as they are read.
async fn read_links(
    client: &Client,
    manifest: &Manifest,
    matched: &BTreeMap<String, Option<String>>,
    concurrency: usize,
    pages: &Pages,
) -> Result<BTreeMap<String, Vec<super::ServerLink>>, Error> {
    let albums: BTreeSet<String> = manifest
        .albums
        .iter()
        .filter(|entry| entry.state == AlbumState::Present && entry.links.is_some())
        .filter_map(|entry| matched.get(&entry.key).cloned().flatten())
        .collect();
    pages.expect(albums.len());
    stream::iter(albums)
        .map(|album| async move {
            let links = client.album_links(&album).await?;
            pages.done();
            let mut links: Vec<super::ServerLink> =
                links.iter().map(super::ServerLink::from_client).collect();
            links.sort_by(|a, b| (&a.created_at, &a.uid).cmp(&(&b.created_at, &b.uid)));
            Ok::<_, Error>((album, links))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await
}

/// The primary file hash of each cover photo: from the search rows, else (a row that listed
/// only the selected file of the photo) from the photo itself, one read per such photo.
async fn cover_hashes(
    client: &Client,
    mut primaries: BTreeMap<Uid, String>,
    concurrency: usize,
    pages: &Pages,
) -> Result<BTreeMap<Uid, String>, Error> {
    let unknown: Vec<Uid> = primaries
        .iter()
        .filter(|(_, hash)| hash.is_empty())
        .map(|(uid, _)| *uid)
        .collect();
    pages.expect(unknown.len());
    let read: Vec<(Uid, String)> = stream::iter(unknown)
        .map(|uid| async move {
            let photo = client.photo(uid.as_str()).await?;
            pages.done();
            let hash = photo
                .files
                .iter()
                .find(|file| file.primary)
                .map(|file| file.hash.clone())
                .unwrap_or_default();
            Ok::<_, Error>((uid, hash))
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    primaries.extend(read);
    primaries.retain(|_, hash| !hash.is_empty());
    Ok(primaries)
}

/// The `cover` selectors of present albums.
pub(crate) fn cover_selectors(manifest: &Manifest) -> impl Iterator<Item = &Selector> {
    manifest
        .albums
        .iter()
        .filter(|entry| entry.state == AlbumState::Present)
        .filter_map(|entry| entry.cover.as_ref())
}

/// Every selector of the manifest that is looked up: those of present albums
/// (their `photos`, `except` and `cover`) and of photo rules (`match` and `except`).
pub(crate) fn all_selectors(manifest: &Manifest) -> Vec<&Selector> {
    let mut selectors = Vec::new();
    for entry in &manifest.albums {
        if entry.state == AlbumState::Present {
            if let Some(photos) = &entry.photos {
                selectors.extend(photos.iter());
                selectors.extend(entry.except.iter());
            }
        }
    }
    for rule in &manifest.photos {
        selectors.extend(rule.selectors.iter());
        selectors.extend(rule.except.iter());
    }
    selectors.extend(cover_selectors(manifest));
    selectors
}

/// One search request of the lookup phase.
#[derive(Debug, Clone)]
enum Lookup {
    /// `uid=a|b|c`.
    Uids { uids: Vec<String>, archived: bool },
    /// `hash=a|b|c`.
    Hashes { hashes: Vec<String>, archived: bool },
    /// `filename=a|b|c`.
    Paths { paths: Vec<String>, archived: bool },
    /// `filename=a|b|c` with patterns, in the server's spelling (see [`server_pattern`]).
    Patterns { patterns: Vec<String> },
}

impl Lookup {
    /// The selector key this lookup serves: `uid`, `hash` or `path`.
    fn kind(&self) -> &'static str {
        match self {
            Lookup::Uids { .. } => "uid",
            Lookup::Hashes { .. } => "hash",
            Lookup::Paths { .. } | Lookup::Patterns { .. } => "path",
        }
    }

    /// The values looked up.
    fn values(&self) -> Vec<String> {
        match self {
            Lookup::Uids { uids: values, .. }
            | Lookup::Hashes { hashes: values, .. }
            | Lookup::Paths { paths: values, .. }
            | Lookup::Patterns {
                patterns: values, ..
            } => values.clone(),
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
            Lookup::Patterns { .. } => Lookup::Patterns { patterns: values },
        }
    }

    fn query(&self) -> PhotoQuery {
        let base = PhotoQuery {
            count: PAGE,
            merged: true,
            ..PhotoQuery::default()
        };
        match self {
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
            Lookup::Patterns { patterns } => PhotoQuery {
                filename: Some(
                    patterns
                        .iter()
                        .map(|pattern| server_pattern(pattern))
                        .collect::<Vec<_>>()
                        .join("|"),
                ),
                ..base
            },
        }
    }
}

/// The lookups for the selectors nothing read so far answers.
/// Values the server refused already are not asked for again.
fn lookup_requests(
    selectors: &[&Selector],
    collected: &Collected,
    refused: &BTreeMap<&'static str, BTreeSet<String>>,
    archived: bool,
) -> Vec<Lookup> {
    let mut uids = BTreeSet::new();
    let mut hashes = BTreeSet::new();
    let mut paths = BTreeSet::new();
    for selector in selectors {
        if refused
            .get(selector.kind.key())
            .is_some_and(|values| values.contains(selector.kind.value()))
        {
            continue;
        }
        match &selector.kind {
            SelectorKind::Uid(uid) => {
                let known = Uid::parse(uid).is_some_and(|uid| collected.seen.contains(&uid));
                if !known {
                    uids.insert(uid.as_str());
                }
            }
            // Only full hashes are looked up: an abbreviation matches nothing.
            SelectorKind::Hash(hash)
                if hash.len() == 40
                    && hash.chars().all(|c| c.is_ascii_hexdigit())
                    && !collected.hashes.contains_key(hash.as_str()) =>
            {
                hashes.insert(hash.as_str());
            }
            SelectorKind::Path(path)
                if !selector.kind.is_pattern() && !collected.paths.contains_key(path.as_str()) =>
            {
                paths.insert(path.as_str());
            }
            _ => {}
        }
    }
    let mut lookups = Vec::new();
    // Patterns are always looked up (a page read for another reason may hold some of
    // their matches, never provably all), among visible photos only, like queries.
    if !archived {
        let patterns: BTreeSet<&str> = selectors
            .iter()
            .filter(|selector| selector.kind.is_pattern())
            .map(|selector| selector.kind.value())
            .filter(|value| {
                !refused
                    .get("path")
                    .is_some_and(|values| values.contains(*value))
            })
            .collect();
        for chunk in chunks(patterns) {
            lookups.push(Lookup::Patterns { patterns: chunk });
        }
    }
    for chunk in chunks(uids) {
        lookups.push(Lookup::Uids {
            uids: chunk,
            archived,
        });
    }
    for chunk in chunks(hashes) {
        lookups.push(Lookup::Hashes {
            hashes: chunk,
            archived,
        });
    }
    for chunk in chunks(paths) {
        lookups.push(Lookup::Paths {
            paths: chunk,
            archived,
        });
    }
    lookups
}

/// A path pattern as PhotoPrism's `filename` filter takes it: `files.file_name LIKE`,
/// `*` becoming `%` and `|` separating alternatives (`OrLike` in
/// `internal/entity/search/photos.go`, photoprism-api.md §3.2). `?` (and a `|`, which
/// would split the value) become `*`; LIKE also lets `*` cross `/` and takes `_` and `%`
/// as wildcards, so the server answers a superset that prysm then matches exactly.
///
/// `OrLike` also trims the spaces around each alternative of a list, which would make a
/// pattern that starts or ends with a space stricter: that space becomes `*` too.
fn server_pattern(pattern: &str) -> String {
    let loose = pattern.replace(['?', '|'], "*");
    let start = loose.len() - loose.trim_start().len();
    let end = loose.trim_end().len().max(start);
    format!(
        "{}{}{}",
        "*".repeat(usize::from(start > 0)),
        &loose[start..end],
        "*".repeat(usize::from(end < loose.len()))
    )
}

/// Groups values into lookups of at most [`LOOKUP_CHUNK`] values and about
/// [`LOOKUP_BYTES`] bytes (URL-encoding makes some characters longer).
fn chunks<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut bytes = 0;
    for value in values {
        let cost = value
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { 1 } else { 3 })
            .sum::<usize>()
            + 3;
        if !current.is_empty() && (current.len() >= LOOKUP_CHUNK || bytes + cost > LOOKUP_BYTES) {
            out.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += cost;
        current.push(value.to_string());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_asked_for_loosely() {
        assert_eq!(server_pattern("2024/0?/IMG_*.jpg"), "2024/0*/IMG_*.jpg");
        assert_eq!(server_pattern("a|b?"), "a*b*");
        assert_eq!(server_pattern(" lead/x*.jpg "), "*lead/x*.jpg*");
        assert_eq!(server_pattern("東京/*_1.jpg"), "東京/*_1.jpg");
        assert_eq!(server_pattern(" "), "*");
    }

    #[test]
    fn lookups_are_cut_by_count_and_length() {
        let uids: Vec<String> = (0..450).map(|i| format!("pt4q2mf3k9a{i:05}")).collect();
        let cut = chunks(uids.iter().map(String::as_str));
        assert_eq!(cut.iter().map(Vec::len).collect::<Vec<_>>(), [184, 184, 82]);
        let paths: Vec<String> = (0..10)
            .map(|i| format!("{i}/{}", "é".repeat(300)))
            .collect();
        let cut = chunks(paths.iter().map(String::as_str));
        assert!(cut.len() >= 5, "{}", cut.len());
        assert_eq!(cut.iter().map(Vec::len).sum::<usize>(), 10);
        assert!(chunks(Vec::<&str>::new()).is_empty());
    }
}
