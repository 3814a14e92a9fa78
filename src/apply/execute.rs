//! Running operations against the server, following the dependency graph with
//! bounded concurrency.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::stream::{FuturesUnordered, StreamExt};

use super::ops::{LabelOps, Op, OpKind, build_ops, op_actions};
use super::report::{ActionResult, ApplyReport, Status};
use crate::photoprism::text as server_text;
use crate::photoprism::{AlbumUpdate, BatchValues, Client, CreateOutcome, PhotoUpdate};
use crate::plan::{Action, Change, FieldChange, LabelRef, Plan, Value};
use crate::state::{LibraryState, Uid};

/// Receives progress events while a plan is applied.
pub trait ApplyObserver: Send + Sync {
    /// An operation with these actions starts.
    fn started(&self, actions: &[&Action]);
    /// An action has its final status.
    fn finished(&self, result: &ActionResult);
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct Silent;

impl ApplyObserver for Silent {
    fn started(&self, _actions: &[&Action]) {}
    fn finished(&self, _result: &ActionResult) {}
}

/// How to apply.
#[derive(Clone)]
pub struct ApplyOptions {
    /// How many operations may run at once.
    pub parallelism: usize,
    /// Set to stop starting new operations (Ctrl-C); running ones finish.
    pub interrupt: Arc<AtomicBool>,
    /// The server state the plan was made from ([`crate::planner::Planned::state`]). With it,
    /// a photo update is computed from what the plan read instead of reading the photo again
    /// (the plan's fingerprint is what guards against a server that changed since).
    pub known: Option<Arc<LibraryState>>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            parallelism: 8,
            interrupt: Arc::new(AtomicBool::new(false)),
            known: None,
        }
    }
}

impl std::fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("parallelism", &self.parallelism)
            .field("known", &self.known.is_some())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum OpState {
    Waiting,
    Running,
    Done,
    Failed,
    Skipped,
    NotStarted,
}

type OpFuture<'a> = Pin<Box<dyn Future<Output = (usize, Result<(), String>)> + 'a>>;

/// Applies a plan. Independent operations run concurrently; an operation whose
/// dependency failed is skipped; deletes run after everything else.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    options: &ApplyOptions,
    observer: &dyn ApplyObserver,
) -> ApplyReport {
    let shared = Shared::default();
    let shared = &shared;
    let batch_edit = client.server_info().batch_edit;
    let ops = build_ops(plan, batch_edit);
    let op_of_action: BTreeMap<usize, usize> = ops
        .iter()
        .enumerate()
        .flat_map(|(index, op)| op.actions.iter().map(move |&id| (id, index)))
        .collect();
    let deps: Vec<BTreeSet<usize>> = ops
        .iter()
        .enumerate()
        .map(|(index, op)| {
            op_actions(plan, op)
                .iter()
                .flat_map(|action| action.depends_on.iter())
                .filter_map(|dep| op_of_action.get(dep).copied())
                .filter(|&dep| dep != index)
                .collect()
        })
        .collect();

    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); ops.len()];
    for (index, set) in deps.iter().enumerate() {
        for &dep in set {
            dependents[dep].push(index);
        }
    }
    // Deps not done yet, per op; ops whose count is 0, in plan order.
    let mut remaining: Vec<usize> = deps.iter().map(BTreeSet::len).collect();
    let mut ready: BTreeSet<usize> = (0..ops.len()).filter(|&i| remaining[i] == 0).collect();
    let mut non_deletes_left = ops.iter().filter(|op| !op.is_delete).count();
    let is_batch = |index: usize| matches!(ops[index].kind, OpKind::BatchEdit(..));
    let mut batch_running = false;

    let mut states = vec![OpState::Waiting; ops.len()];
    let mut results: BTreeMap<usize, ActionResult> = BTreeMap::new();
    let mut running: FuturesUnordered<OpFuture<'_>> = FuturesUnordered::new();
    let parallelism = options.parallelism.max(1);
    let mut interrupted = false;

    loop {
        if options.interrupt.load(Ordering::SeqCst) {
            interrupted = true;
        }
        if interrupted {
            for index in 0..ops.len() {
                if states[index] == OpState::Waiting {
                    states[index] = OpState::NotStarted;
                    for action in op_actions(plan, &ops[index]) {
                        let result = ActionResult::new(action, Status::NotStarted);
                        observer.finished(&result);
                        results.insert(action.id, result);
                    }
                }
            }
            ready.clear();
        } else {
            // Start ready ops in plan order: deletes once nothing else is left,
            // and one batch edit at a time (PhotoPrism holds a lock while one
            // runs and refuses a second with 429 Busy).
            let mut starting = Vec::new();
            for &index in &ready {
                if running.len() + starting.len() >= parallelism {
                    break;
                }
                if ops[index].is_delete && non_deletes_left > 0 {
                    continue;
                }
                if is_batch(index) {
                    if batch_running {
                        continue;
                    }
                    batch_running = true;
                }
                starting.push(index);
            }
            for index in starting {
                ready.remove(&index);
                states[index] = OpState::Running;
                let actions = op_actions(plan, &ops[index]);
                observer.started(&actions);
                let op = &ops[index];
                let known = options.known.as_deref();
                running.push(Box::pin(async move {
                    let outcome = run_op(client, plan, op, batch_edit, known, shared)
                        .await
                        .map_err(|error| error.to_string());
                    (index, outcome)
                }));
            }
        }
        let Some((index, outcome)) = running.next().await else {
            break;
        };
        if is_batch(index) {
            batch_running = false;
        }
        if !ops[index].is_delete {
            non_deletes_left -= 1;
        }
        let status = match outcome {
            Ok(()) => {
                states[index] = OpState::Done;
                for &dependent in &dependents[index] {
                    remaining[dependent] -= 1;
                    if remaining[dependent] == 0 && states[dependent] == OpState::Waiting {
                        ready.insert(dependent);
                    }
                }
                Status::Succeeded
            }
            Err(message) => {
                states[index] = OpState::Failed;
                Status::Failed(message)
            }
        };
        for action in op_actions(plan, &ops[index]) {
            let mut result = ActionResult::new(action, status.clone());
            result.note = shared.take_note(action.id);
            observer.finished(&result);
            results.insert(action.id, result);
        }
        if states[index] == OpState::Failed {
            // Everything that depends on it, directly or not, is skipped.
            let mut blocked = vec![index];
            while let Some(cause) = blocked.pop() {
                let address = op_actions(plan, &ops[cause])
                    .first()
                    .map(|action| action.address.clone())
                    .unwrap_or_default();
                for &dependent in &dependents[cause] {
                    if states[dependent] != OpState::Waiting {
                        continue;
                    }
                    states[dependent] = OpState::Skipped;
                    ready.remove(&dependent);
                    if !ops[dependent].is_delete {
                        non_deletes_left -= 1;
                    }
                    for action in op_actions(plan, &ops[dependent]) {
                        let result = ActionResult::new(
                            action,
                            Status::Skipped(format!("depends on {address}, which did not succeed")),
                        );
                        observer.finished(&result);
                        results.insert(action.id, result);
                    }
                    blocked.push(dependent);
                }
            }
        }
    }

    // Anything still waiting here could not run (should not happen: report it).
    for (index, state) in states.iter().enumerate() {
        if *state == OpState::Waiting {
            for action in op_actions(plan, &ops[index]) {
                results
                    .entry(action.id)
                    .or_insert_with(|| ActionResult::new(action, Status::NotStarted));
            }
        }
    }
    ApplyReport {
        results: results.into_values().collect(),
        interrupted,
    }
}

/// What actions of one apply tell each other and the report: the UIDs of the albums
/// created (a cover or a link of a new album needs one), and notes for the report (where
/// to find a new share link).
#[derive(Default)]
struct Shared {
    /// Album key -> the UID of the album this apply created for it.
    created: std::sync::Mutex<BTreeMap<String, String>>,
    /// Action id -> a note for its result.
    notes: std::sync::Mutex<BTreeMap<usize, String>>,
}

impl Shared {
    fn created(&self, key: &str, uid: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.insert(key.to_string(), uid.to_string());
        }
    }

    /// The album's UID: from the plan, else the one this apply created for its key.
    fn album_uid(&self, album: &crate::plan::AlbumRef) -> Result<String, crate::photoprism::Error> {
        if let Some(uid) = &album.uid {
            return Ok(uid.clone());
        }
        album
            .key
            .as_ref()
            .and_then(|key| self.created.lock().ok()?.get(key).cloned())
            .ok_or_else(|| crate::photoprism::Error::InvalidInput {
                message: format!("album \"{}\" was not created", album.title),
            })
    }

    fn note(&self, id: usize, note: String) {
        if let Ok(mut notes) = self.notes.lock() {
            notes.insert(id, note);
        }
    }

    fn take_note(&self, id: usize) -> Option<String> {
        self.notes.lock().ok()?.remove(&id)
    }
}

async fn run_op(
    client: &Client,
    plan: &Plan,
    op: &Op,
    batch_edit: bool,
    known: Option<&LibraryState>,
    shared: &Shared,
) -> Result<(), crate::photoprism::Error> {
    let actions = op_actions(plan, op);
    let photo_uids = || -> Vec<String> {
        actions
            .iter()
            .filter_map(|action| match &action.change {
                Change::RestorePhoto { photo }
                | Change::ArchivePhoto { photo }
                | Change::ApprovePhoto { photo, .. }
                | Change::UpdatePhoto { photo, .. } => Some(photo.uid.clone()),
                _ => None,
            })
            .collect()
    };
    match &op.kind {
        OpKind::Restore => client.restore_photos(&photo_uids()).await,
        OpKind::Archive => client.archive_photos(&photo_uids()).await,
        OpKind::Approve => client.approve_photos(&photo_uids()).await,
        OpKind::BatchEdit(values, labels) => {
            let uids = photo_uids();
            let batch = with_label_ops(batch_values(values), labels);
            match client.batch_edit(&uids, &batch).await {
                Ok(_) => Ok(()),
                Err(crate::photoprism::Error::Unsupported { .. }) if batch_edit => {
                    for action in &actions {
                        run_action(client, action, known, shared).await?;
                    }
                    Ok(())
                }
                Err(error) => Err(error),
            }
        }
        OpKind::PhotoUpdate | OpKind::Album => {
            for action in &actions {
                run_action(client, action, known, shared).await?;
            }
            Ok(())
        }
    }
}

fn uid_of(album: &crate::plan::AlbumRef) -> Result<&str, crate::photoprism::Error> {
    album
        .uid
        .as_deref()
        .ok_or_else(|| crate::photoprism::Error::InvalidInput {
            message: format!("album \"{}\" has no UID in the plan", album.title),
        })
}

async fn run_action(
    client: &Client,
    action: &Action,
    known: Option<&LibraryState>,
    shared: &Shared,
) -> Result<(), crate::photoprism::Error> {
    match &action.change {
        Change::CreateAlbum {
            album,
            fields,
            photos,
            exact,
            ..
        } => {
            let favorite = fields
                .iter()
                .find(|field| field.field == "favorite")
                .is_some_and(|field| field.new == Value::Bool(true));
            // An undo brings a deleted album back by its UID.
            let created = match &album.uid {
                Some(uid) => restore_album(client, uid, &album.title, favorite).await?,
                None => create_new_album(client, &album.title, favorite).await?,
            };
            let uid = created.album.uid.clone();
            if let Some(key) = &album.key {
                shared.created(key, &uid);
            }
            // Only what the create did not already set: never a PUT that repeats the title
            // (or any field the answer shows as wanted). An album made under a temporary
            // title gets its real title here.
            let mut planned = planned_album_update(fields);
            if created.temporary_title {
                planned.title = Some(server_text::album_title(&album.title));
            }
            let update = to_send(not_yet_set(planned, &created.album));
            if update != AlbumUpdate::default() {
                client.update_album(&uid, &update).await?;
            }
            let wanted: Vec<String> = photos.iter().map(|photo| photo.uid.clone()).collect();
            if !wanted.is_empty() {
                client.add_photos_to_album(&uid, &wanted).await?;
            }
            // A restored album comes back with its old members. Only 2025+
            // servers say for certain that an album is new (201); on older
            // ones, check the members whenever membership is exact.
            if *exact && !created.surely_new {
                let wanted: BTreeSet<&String> = wanted.iter().collect();
                let extra: Vec<String> = client
                    .album_photo_uids(&uid)
                    .await?
                    .into_iter()
                    .filter(|member| !wanted.contains(member))
                    .collect();
                if !extra.is_empty() {
                    client.remove_photos_from_album(&uid, &extra).await?;
                }
            }
            Ok(())
        }
        Change::UpdateAlbum { album, fields } => client
            .update_album(uid_of(album)?, &album_update(fields))
            .await
            .map(|_| ()),
        Change::DeleteAlbum { album, .. } => client.delete_album(uid_of(album)?).await.map(|_| ()),
        Change::AddPhotos { album, photos } => {
            let uids: Vec<String> = photos.iter().map(|photo| photo.uid.clone()).collect();
            client.add_photos_to_album(uid_of(album)?, &uids).await
        }
        Change::RemovePhotos { album, photos } => {
            let uids: Vec<String> = photos.iter().map(|photo| photo.uid.clone()).collect();
            client.remove_photos_from_album(uid_of(album)?, &uids).await
        }
        Change::UpdatePhoto {
            photo,
            fields,
            label_refs,
            archived,
        } => {
            let labels = PhotoLabels {
                refs: label_refs,
                archived: *archived,
            };
            update_photo(client, &photo.uid, fields, labels, known).await
        }
        Change::ApprovePhoto { photo, .. } => {
            client
                .approve_photos(std::slice::from_ref(&photo.uid))
                .await
        }
        Change::RestorePhoto { photo } => {
            client
                .restore_photos(std::slice::from_ref(&photo.uid))
                .await
        }
        Change::ArchivePhoto { photo } => {
            client
                .archive_photos(std::slice::from_ref(&photo.uid))
                .await
        }
        Change::SetAlbumCover { album, new, .. } => {
            let uid = shared.album_uid(album)?;
            if new.manual {
                client.set_album_cover(&uid, &new.hash).await.map(|_| ())
            } else {
                client.reset_album_cover(&uid).await.map(|_| ())
            }
        }
        Change::ShareLink { .. } => run_link(client, action, shared).await,
    }
}

/// Creates, updates or deletes a share link. The password is read (from its file or
/// environment variable) only here; the link's token is never kept or shown: the report
/// names the link by its UID and says where PhotoPrism shows it.
async fn run_link(
    client: &Client,
    action: &Action,
    shared: &Shared,
) -> Result<(), crate::photoprism::Error> {
    let Change::ShareLink {
        album,
        op,
        link_uid,
        link,
        ..
    } = &action.change
    else {
        return Ok(());
    };
    let uid = shared.album_uid(album)?;
    let options = || -> Result<crate::photoprism::ShareLinkOptions, crate::photoprism::Error> {
        let password = match &link.password {
            Some(source) => {
                Some(crate::photoprism::Secret::new(source.read().map_err(
                    |message| crate::photoprism::Error::InvalidInput { message },
                )?))
            }
            None => None,
        };
        Ok(crate::photoprism::ShareLinkOptions {
            slug: Some(link.slug.clone()),
            token: None,
            expires: link.expires,
            max_views: link.max_views,
            password,
        })
    };
    let link_uid = || {
        link_uid
            .as_deref()
            .ok_or_else(|| crate::photoprism::Error::InvalidInput {
                message: "the plan names no share link".to_string(),
            })
    };
    match op {
        crate::plan::LinkOp::Create => {
            let created = client.create_album_link(&uid, &options()?).await?;
            shared.note(
                action.id,
                format!(
                    "share link {} created: its URL is in the Share dialog of album {:?} in PhotoPrism",
                    created.uid, album.title
                ),
            );
            Ok(())
        }
        crate::plan::LinkOp::Update => client
            .update_album_link(&uid, link_uid()?, &options()?)
            .await
            .map(|_| ()),
        crate::plan::LinkOp::Delete => client
            .delete_album_link(&uid, link_uid()?)
            .await
            .map(|_| ()),
    }
}

/// The album [`create_new_album`] made or adopted.
struct NewAlbum {
    /// The album as the server answered.
    album: crate::photoprism::Album,
    /// It certainly has no members yet.
    surely_new: bool,
    /// It was created under a temporary title that the caller must replace.
    temporary_title: bool,
}

/// Creates (or, as PhotoPrism does for the same title or slug, adopts) the album a plan
/// creates, and never another one. PhotoPrism's create looks albums up with `album_title LIKE
/// <title>`, so a title with `_` or `%` can find an unrelated album (`Trip_2024` finds
/// `TripX2024`), and on servers before 2025 a title without a slug (emoji only) finds any
/// other such album; creating such a title could even restore an unrelated deleted album.
/// Those titles are created under a temporary title without wildcards that no album has,
/// which the caller then replaces with the real one (a rename has no lookup). Any other title
/// is created directly; if the server still answers with another album, the temporary title
/// is used as well.
async fn create_new_album(
    client: &Client,
    title: &str,
    favorite: bool,
) -> Result<NewAlbum, crate::photoprism::Error> {
    let normalized = server_text::album_title(title);
    let lookup_is_exact = !server_text::has_like_wildcards(&normalized)
        && server_text::album_slug_at_creation(&normalized) != server_text::UNKNOWN_SLUG;
    if lookup_is_exact {
        let created = client
            .create_album(&server_text::album_title_to_send(&normalized), favorite)
            .await?;
        if created.outcome != CreateOutcome::OtherAlbum {
            return Ok(NewAlbum {
                album: created.album,
                surely_new: created.outcome == CreateOutcome::Created
                    && client.server_info().album_create_201,
                temporary_title: false,
            });
        }
    }
    create_with_temporary_title(client, &normalized, favorite, "creating album").await
}

/// Creates an album under a temporary title that no album has or `LIKE`-matches (the caller
/// then sets the real title). `doing` says what for, in errors.
async fn create_with_temporary_title(
    client: &Client,
    normalized: &str,
    favorite: bool,
    doing: &str,
) -> Result<NewAlbum, crate::photoprism::Error> {
    let temporary = temporary_album_title(normalized);
    let made = client.create_album(&temporary, favorite).await?;
    if made.outcome == CreateOutcome::OtherAlbum {
        return Err(crate::photoprism::Error::Unsupported {
            feature: format!("{doing} \"{normalized}\""),
            message: format!(
                "the server answered even the temporary title \"{temporary}\" with another \
                 album, {} (\"{}\"); prysm made no album",
                made.album.uid, made.album.title
            ),
        });
    }
    Ok(NewAlbum {
        album: made.album,
        // The random part makes the title new: nothing had it before.
        surely_new: made.outcome == CreateOutcome::Created,
        temporary_title: true,
    })
}

/// Brings back the soft-deleted album `uid` (an undo). PhotoPrism has no undelete: a create
/// restores the first album, deleted ones included, whose slug equals the title's or whose
/// title `LIKE`-matches it (`FindAlbum`, internal/entity/album.go; photoprism-api.md §2.5),
/// with its old fields and members (a soft delete keeps the rows, §2.7). The answer is checked
/// by UID: when the server answered with another album, a deleted one it restored is deleted
/// again, and a new album is made under a temporary title (the caller sets the real title,
/// the fields and the members on it).
async fn restore_album(
    client: &Client,
    uid: &str,
    title: &str,
    favorite: bool,
) -> Result<NewAlbum, crate::photoprism::Error> {
    match client.album(uid).await {
        // Already back (an earlier undo that stopped, or someone else).
        Ok(album) if !album.is_deleted() => {
            return Ok(NewAlbum {
                album,
                surely_new: false,
                temporary_title: false,
            });
        }
        Ok(_) | Err(crate::photoprism::Error::NotFound { .. }) => {}
        Err(error) => return Err(error),
    }
    let live: BTreeSet<String> = client
        .all_albums(crate::photoprism::AlbumQuery::default())
        .await?
        .into_iter()
        .map(|album| album.uid)
        .collect();
    let normalized = server_text::album_title(title);
    let created = client
        .create_album(&server_text::album_title_to_send(&normalized), favorite)
        .await?;
    if created.album.uid == uid {
        return Ok(NewAlbum {
            album: created.album,
            surely_new: false,
            temporary_title: false,
        });
    }
    if !live.contains(&created.album.uid) {
        // A new album of exactly this title (only a 201 says so for certain: on servers before
        // 2025 a restored album created moments earlier looks new, §2.5).
        if created.outcome == CreateOutcome::Created && client.server_info().album_create_201 {
            return Ok(NewAlbum {
                album: created.album,
                surely_new: true,
                temporary_title: false,
            });
        }
        // Another deleted album that the create restored (or, on an old server, perhaps a new
        // empty one): delete it again, leaving it as it was.
        client.delete_album(&created.album.uid).await?;
    }
    create_with_temporary_title(client, &normalized, favorite, "bringing back album").await
}

/// A title no album has and that matches no other title: the start of `title` (at most 56
/// bytes) with `_` and `%` replaced by `-`, and a random suffix. It stays under 80 bytes, so
/// its slug is plain, and is never shortened.
fn temporary_album_title(title: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    let suffix: String = (0..TEMPORARY_SUFFIX_LEN)
        .map(|_| char::from(ALPHABET[rand::Rng::random_range(&mut rng, 0..ALPHABET.len())]))
        .collect();
    let base = temporary_base(title);
    if base.is_empty() {
        format!("(prysm-{suffix})")
    } else {
        format!("{base} (prysm-{suffix})")
    }
}

/// Length of the random part of a temporary title.
const TEMPORARY_SUFFIX_LEN: usize = 10;

/// The start of a temporary title: at most 56 bytes of `title`, `_` and `%` replaced by `-`.
fn temporary_base(title: &str) -> String {
    const BASE_MAX_BYTES: usize = 56;
    let mut base = String::new();
    for c in title.chars() {
        let c = if matches!(c, '_' | '%') { '-' } else { c };
        if base.len() + c.len_utf8() > BASE_MAX_BYTES {
            break;
        }
        base.push(c);
    }
    base.trim().to_owned()
}

/// Whether `title` is a temporary title that a create of `wanted` may have left, when the
/// rename to the real title never happened (the apply stopped or the rename failed).
pub(crate) fn is_temporary_title(wanted: &str, title: &str) -> bool {
    let base = temporary_base(&server_text::album_title(wanted));
    let rest = if base.is_empty() {
        Some(title)
    } else {
        title
            .strip_prefix(base.as_str())
            .and_then(|rest| rest.strip_prefix(' '))
    };
    rest.and_then(|rest| rest.strip_prefix("(prysm-"))
        .and_then(|rest| rest.strip_suffix(')'))
        .is_some_and(|suffix| {
            suffix.len() == TEMPORARY_SUFFIX_LEN
                && suffix
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}

/// The fields of `update` that `album` does not already have.
fn not_yet_set(mut update: AlbumUpdate, album: &crate::photoprism::Album) -> AlbumUpdate {
    fn text(field: &mut Option<String>, have: &str) {
        if field.as_deref() == Some(have) {
            *field = None;
        }
    }
    fn flag(field: &mut Option<bool>, have: bool) {
        if *field == Some(have) {
            *field = None;
        }
    }
    text(&mut update.title, &album.title);
    text(&mut update.description, &album.description);
    text(&mut update.caption, &album.caption);
    text(&mut update.notes, &album.notes);
    text(&mut update.category, &album.category);
    text(&mut update.location, &album.location);
    text(&mut update.country, &album.country);
    text(&mut update.order, &album.order);
    flag(&mut update.favorite, album.favorite);
    flag(&mut update.private, album.private);
    update
}

/// Sends one photo update: from what the plan read when it holds what the
/// update needs (no second read), else the client reads the photo first.
async fn send_photo_update(
    client: &Client,
    uid: &str,
    update: &PhotoUpdate,
    known: Option<&LibraryState>,
) -> Result<(), crate::photoprism::Error> {
    let current = known.and_then(|state| {
        let photo = state.photo(Uid::parse(uid)?)?;
        photo.as_client_photo(state.text_field, update.changes_details())
    });
    match current {
        Some(current) => client.update_photo_from(&current, update).await.map(|_| ()),
        None => client.update_photo(uid, update).await.map(|_| ()),
    }
}

/// One photo's update: like/unlike when only the favorite flag changes,
/// otherwise one PUT that the client completes with the `…Src` markers and
/// the full `Details`.
async fn update_photo(
    client: &Client,
    uid: &str,
    fields: &[FieldChange],
    photo_labels: PhotoLabels<'_>,
    known: Option<&LibraryState>,
) -> Result<(), crate::photoprism::Error> {
    let (labels, rest): (Vec<&FieldChange>, Vec<&FieldChange>) =
        fields.iter().partition(|field| field.field == "labels");
    let mut known = known;
    if let Some(labels) = labels.first() {
        update_labels(client, uid, labels, photo_labels).await?;
        if rest.is_empty() {
            return Ok(());
        }
        // Label changes move keywords on the server: what the plan read is stale now, so
        // the update reads the photo again.
        known = None;
    }
    let rest: Vec<FieldChange> = rest.into_iter().cloned().collect();
    update_fields(client, uid, &rest, known).await
}

/// Adds and removes the labels a `labels` change names: removals first (they drop keywords
/// that are part of the label's name), then additions. With batch edit (2025+) one edit of
/// this photo does both, adding by title (the server finds the label by slug); otherwise
/// `DELETE /photos/:uid/label/:id` and `POST /photos/:uid/label` per label (§3.11).
async fn update_labels(
    client: &Client,
    uid: &str,
    field: &FieldChange,
    photo: PhotoLabels<'_>,
) -> Result<(), crate::photoprism::Error> {
    // Batch edit skips archived photos (photoprism-api-changes.md §2): those get the
    // per-label endpoints, which work on archived photos.
    let batch = client.server_info().batch_edit && !photo.archived;
    let label_refs = photo.refs;
    let refs_complete = |ops: &LabelOps| {
        ops.remove
            .iter()
            .all(|r| if batch { !r.uid.is_empty() } else { r.id > 0 })
    };
    let fields = std::slice::from_ref(field);
    let ops = match LabelOps::of(fields, label_refs) {
        Some(ops) if refs_complete(&ops) => ops,
        // Plans that do not carry the removed labels' identifiers (an undo plan, a plan
        // from a batch read on a server without batch edit now): read them from the photo.
        _ => {
            let photo = client.photo(uid).await?;
            let removed = crate::diff::removed_labels(field);
            let refs: Vec<LabelRef> = crate::state::ServerLabel::of_photo(&photo)
                .into_iter()
                .filter(|label| {
                    removed
                        .iter()
                        .any(|name| label.is(&crate::manifest::label_slug(name)))
                })
                .map(|label| LabelRef {
                    name: label.name.to_string(),
                    uid: label.uid.to_string(),
                    id: label.id,
                })
                .collect();
            LabelOps {
                add: crate::diff::added_labels(field),
                remove: refs,
            }
        }
    };
    if batch {
        let values = with_label_ops(BatchValues::new(), &ops);
        if values.is_empty() {
            return Ok(());
        }
        return client
            .batch_edit(&[uid.to_owned()], &values)
            .await
            .map(|_| ());
    }
    for removed in &ops.remove {
        match client.remove_photo_label(uid, removed.id).await {
            // Already gone (a repeated apply): nothing to remove.
            Ok(_) | Err(crate::photoprism::Error::NotFound { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    for name in &ops.add {
        client.add_photo_label(uid, name).await?;
    }
    Ok(())
}

/// What a photo update needs to change labels.
#[derive(Clone, Copy)]
struct PhotoLabels<'a> {
    /// The labels to remove, as the plan knows them.
    refs: &'a [LabelRef],
    /// The photo is archived and stays so.
    archived: bool,
}

/// Adds label changes to batch-edit values.
fn with_label_ops(mut values: BatchValues, labels: &LabelOps) -> BatchValues {
    for removed in &labels.remove {
        values = values.remove_label(removed.uid.clone(), removed.name.clone());
    }
    for name in &labels.add {
        values = values.add_label(name.clone());
    }
    values
}

/// The field changes of one photo other than labels.
async fn update_fields(
    client: &Client,
    uid: &str,
    fields: &[FieldChange],
    known: Option<&LibraryState>,
) -> Result<(), crate::photoprism::Error> {
    if let [field] = fields {
        if field.field == "favorite" {
            return if field.new == Value::Bool(true) {
                client.like_photo(uid).await
            } else {
                client.unlike_photo(uid).await
            };
        }
    }
    // A manual location change makes PhotoPrism append the place's words to the
    // keywords. When both change, set the place first and the keywords after,
    // so the keywords end up exactly as the manifest says.
    let moves = fields
        .iter()
        .any(|field| matches!(field.field.as_str(), "lat" | "lng"));
    let keywords = fields.iter().any(|field| field.field == "keywords");
    if moves && keywords {
        let (place, rest): (Vec<FieldChange>, Vec<FieldChange>) = fields
            .iter()
            .cloned()
            .partition(|field| matches!(field.field.as_str(), "lat" | "lng" | "altitude"));
        send_photo_update(client, uid, &photo_update(&place), known).await?;
        return send_photo_update(client, uid, &photo_update(&rest), known).await;
    }
    send_photo_update(client, uid, &photo_update(fields), known).await
}

fn text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::List(items) => items.join(", "),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
    }
}

fn number(value: &Value) -> f64 {
    match value {
        Value::Number(number) => *number,
        _ => 0.0,
    }
}

fn flag(value: &Value) -> bool {
    matches!(value, Value::Bool(true))
}

/// The album PUT body for these field changes.
pub fn album_update(fields: &[FieldChange]) -> AlbumUpdate {
    to_send(planned_album_update(fields))
}

/// The text to send for planned values: what the server's normalisation turns into exactly
/// the planned title and category.
fn to_send(mut update: AlbumUpdate) -> AlbumUpdate {
    update.title = update
        .title
        .map(|title| server_text::album_title_to_send(&title));
    update.category = update
        .category
        .map(|category| server_text::category_to_send(&category));
    update
}

/// The planned values of these field changes (before [`to_send`]).
fn planned_album_update(fields: &[FieldChange]) -> AlbumUpdate {
    let mut update = AlbumUpdate::default();
    for field in fields {
        let value = &field.new;
        match field.field.as_str() {
            "title" => update.title = Some(text(value)),
            "description" => update.description = Some(text(value)),
            "caption" => update.caption = Some(text(value)),
            "notes" => update.notes = Some(text(value)),
            "category" => update.category = Some(text(value)),
            "location" => update.location = Some(text(value)),
            "country" => update.country = Some(text(value)),
            "order" => update.order = Some(text(value)),
            "favorite" => update.favorite = Some(flag(value)),
            "private" => update.private = Some(flag(value)),
            _ => {}
        }
    }
    update
}

/// The photo update for these field changes.
pub fn photo_update(fields: &[FieldChange]) -> PhotoUpdate {
    let mut update = PhotoUpdate::default();
    for field in fields {
        let value = &field.new;
        match field.field.as_str() {
            "title" => update.title = Some(text(value)),
            "caption" => update.caption = Some(text(value)),
            "taken_at" => {
                update.taken_at = crate::photoprism::Timestamp::parse(&text(value)).ok();
            }
            "time_zone" => update.time_zone = Some(text(value)),
            "lat" => update.lat = Some(number(value)),
            "lng" => update.lng = Some(number(value)),
            "altitude" => update.altitude = Some(number(value)),
            "favorite" => update.favorite = Some(flag(value)),
            "private" => update.private = Some(flag(value)),
            "keywords" => update.keywords = Some(text(value)),
            "notes" => update.notes = Some(text(value)),
            "subject" => update.subject = Some(text(value)),
            "artist" => update.artist = Some(text(value)),
            "copyright" => update.copyright = Some(text(value)),
            "license" => update.license = Some(text(value)),
            _ => {}
        }
    }
    update
}

/// The batch-edit values for these field changes. An empty text is sent as
/// a `remove` (PhotoPrism's way to clear a field in a batch edit).
pub fn batch_values(fields: &[FieldChange]) -> BatchValues {
    let mut values = BatchValues::new();
    for field in fields {
        let value = &field.new;
        let clear = matches!(value, Value::Text(text) if text.is_empty());
        values = match (field.field.as_str(), clear) {
            ("title", false) => values.title(text(value)),
            ("title", true) => values.remove_title(),
            ("caption", false) => values.caption(text(value)),
            ("caption", true) => values.remove_caption(),
            ("favorite", _) => values.favorite(flag(value)),
            ("private", _) => values.private(flag(value)),
            ("subject", false) => values.subject(text(value)),
            ("subject", true) => values.remove_subject(),
            ("artist", false) => values.artist(text(value)),
            ("artist", true) => values.remove_artist(),
            ("copyright", false) => values.copyright(text(value)),
            ("copyright", true) => values.remove_copyright(),
            ("license", false) => values.license(text(value)),
            ("license", true) => values.remove_license(),
            _ => values,
        };
    }
    values
}

#[cfg(test)]
mod temporary_title_tests {
    use super::*;

    #[test]
    fn a_temporary_title_is_recognised_for_its_album_only() {
        let long = "Ж".repeat(60);
        for wanted in ["%ATçé%é", "Trip_2024", "🎉", "100% Fun", "", long.as_str()] {
            let temporary = temporary_album_title(&server_text::album_title(wanted));
            assert!(
                is_temporary_title(wanted, &temporary),
                "{wanted}: {temporary}"
            );
            assert!(!is_temporary_title("Other", &temporary), "{temporary}");
        }
        assert!(!is_temporary_title("Trip_2024", "Trip-2024"));
        assert!(!is_temporary_title("Trip_2024", "Trip-2024 (prysm-abc)"));
        assert!(!is_temporary_title(
            "Trip_2024",
            "Trip-2024 (prysm-ABCDEFGHIJ)"
        ));
    }
}
