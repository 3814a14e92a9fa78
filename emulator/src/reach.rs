//! State for share links, stored file contents and automatic album covers
//! (photoprism-api.md §9; PhotoPrism's `internal/entity/query/covers.go`).

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::store::Store;

/// A share link of an album (`links` table).
#[derive(Clone, Debug)]
pub(crate) struct ShareLink {
    pub uid: String,
    pub share_uid: String,
    pub slug: String,
    pub token: String,
    pub expires: i64,
    pub views: i64,
    pub max_views: i64,
    pub password: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub modified_at: OffsetDateTime,
}

/// Share links in creation order and the bytes of uploaded files by SHA-1.
#[derive(Default)]
pub(crate) struct ReachState {
    pub links: Vec<ShareLink>,
    pub file_bytes: HashMap<String, Vec<u8>>,
}

impl ReachState {
    /// Number of links of an album (`LinkCount` of album search rows).
    pub fn link_count(&self, album_uid: &str) -> usize {
        self.links
            .iter()
            .filter(|l| l.share_uid == album_uid)
            .count()
    }
}

/// The automatic cover of a manual album, as PhotoPrism's `UpdateAlbumManualCovers` (MySQL)
/// computes it: among visible members with quality > 0, not private, not archived, the photo
/// with the highest ID; the hash of its primary file. Empty when none qualifies.
pub(crate) fn automatic_cover(store: &Store, album_uid: &str) -> String {
    store
        .visible_members(album_uid)
        .iter()
        .filter_map(|uid| store.photo(uid))
        .filter(|p| p.quality > 0 && !p.private && p.deleted_at.is_none())
        .max_by_key(|p| p.id)
        .and_then(|p| p.files.iter().find(|f| f.primary))
        .map(|f| f.hash.clone())
        .unwrap_or_default()
}

/// Refreshes the cover of a manual album whose cover is automatic (`ThumbSrc` empty): what
/// the server's cover update does before an album is shown again.
pub(crate) fn refresh_cover(store: &mut Store, album_uid: &str) {
    let auto = store
        .album(album_uid)
        .is_some_and(|a| a.kind == "album" && a.thumb_src.is_empty());
    if auto {
        let cover = automatic_cover(store, album_uid);
        if let Some(album) = store.album_mut(album_uid) {
            album.thumb = cover;
        }
    }
}

/// An album search row with the automatic cover filled in (search answers show covers right
/// after photos are added, also on 2024 servers) and the album's `LinkCount`.
pub(crate) fn album_row(store: &Store, album: &crate::model::Album) -> serde_json::Value {
    let mut row = crate::render::album_result(album, store.photo_count(&album.uid));
    if let Some(map) = row.as_object_mut() {
        if album.kind == "album" && album.thumb_src.is_empty() {
            map.insert("Thumb".into(), automatic_cover(store, &album.uid).into());
        }
        map.insert(
            "LinkCount".into(),
            store.reach.link_count(&album.uid).into(),
        );
    }
    row
}
