//! Album covers: compare an entry's `cover` with the album's `Thumb`/`ThumbSrc`.
//!
//! PhotoPrism keeps two kinds of cover (`internal/entity/query/covers.go`): an automatic one
//! (`ThumbSrc` empty), which the server recomputes from the album's photos whenever they
//! change, and a manual one (`ThumbSrc: manual`), which it keeps. A manifest `cover` is a
//! manual cover: an automatic cover that happens to show the wanted photo is still set,
//! because the next photo added would replace it. The cover file is the photo's primary
//! file (what the web UI sends), also when a `hash` selector names another file of it.

use crate::manifest::{AlbumEntry, SelectorKind};
use crate::plan::{AlbumRef, Change, Cover, PlanProblem};
use crate::state::{LibraryState, ServerAlbum};

/// `ThumbSrc` of a chosen cover.
pub const MANUAL: &str = "manual";

/// The change that gives the album its declared cover, if it needs one.
pub(crate) fn cover_change(
    entry: &AlbumEntry,
    server: Option<&ServerAlbum>,
    album: AlbumRef,
    state: &LibraryState,
    problems: &mut Vec<PlanProblem>,
) -> Option<Change> {
    let selector = entry.cover.as_ref()?;
    let found = match &selector.kind {
        SelectorKind::Uid(uid) => state.found_uid(uid).into_iter().collect::<Vec<_>>(),
        kind => state.found(kind).into_owned(),
    };
    let [photo] = found.as_slice() else {
        problems.push(crate::resolve::unresolved(selector, &found, state));
        return None;
    };
    let photo_ref = state.photo_ref(*photo);
    let Some(hash) = state.cover_hashes.get(photo) else {
        problems.push(
            PlanProblem::new(
                "prysm::plan::cover_without_file",
                format!(
                    "album.{}: the cover photo {} ({}) has no primary file PhotoPrism could show",
                    entry.key, photo_ref.uid, photo_ref.name
                ),
            )
            .at(&selector.loc, "this photo has no primary file")
            .help("choose another photo, or give this one a primary file in PhotoPrism"),
        );
        return None;
    };
    let new = Cover {
        hash: hash.clone(),
        manual: true,
        photo: Some(photo_ref),
    };
    let old = server.map(|album| current_cover(album, state));
    if let Some(old) = &old {
        if old.manual && old.hash == new.hash {
            return None;
        }
    }
    Some(Change::SetAlbumCover { album, old, new })
}

/// The album's cover as the server shows it, with the photo when the state knows it.
pub fn current_cover(album: &ServerAlbum, state: &LibraryState) -> Cover {
    let photo = (!album.thumb.is_empty())
        .then(|| {
            state
                .cover_hashes
                .iter()
                .find(|(_, hash)| **hash == album.thumb)
                .map(|(uid, _)| state.photo_ref(*uid))
        })
        .flatten();
    Cover {
        hash: album.thumb.clone(),
        manual: album.thumb_src == MANUAL,
        photo,
    }
}
