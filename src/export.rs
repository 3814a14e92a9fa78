//! Export: write a manifest that describes the server as it is (manual
//! albums with their UIDs, fields and members, and the favorite photos), so
//! an existing library can be brought under management.
//!
//! Two promises hold for every library: the manifest passes `prysm validate`,
//! and a plan for it right after the export has no changes. A server value
//! that the manifest cannot express so (an upper-case or unknown country, an
//! unknown sort order, a category PhotoPrism would store differently, ...) is
//! left out, so that field stays unmanaged, and a YAML comment says why. An
//! album whose title cannot be written is left out as a whole (a title is
//! required), again with a comment.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::manifest::{normalize_album_title, normalize_category, parse_str, slugify};
use crate::photoprism::{AlbumQuery, AlbumResult as Album, Client, Error, PhotoQuery, ShareLink};

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// How many requests may run at once.
    pub concurrency: usize,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { concurrency: 8 }
    }
}

/// Reads the server and returns the manifest text.
pub async fn export(client: &Client, options: &ExportOptions) -> Result<String, Error> {
    let mut albums = client
        .all_albums(AlbumQuery {
            count: 1000,
            order: Some("added".to_string()),
            album_type: Some("album".to_string()),
            ..AlbumQuery::default()
        })
        .await?;
    albums.retain(|album| album.album_type == "album");
    albums.sort_by(|a, b| a.title.cmp(&b.title).then(a.uid.cmp(&b.uid)));
    albums.dedup_by(|a, b| a.uid == b.uid);

    let members: Vec<Vec<String>> = stream::iter(albums.iter().map(|album| album.uid.clone()))
        .map(|uid| async move { client.album_photo_uids(&uid).await })
        .buffered(options.concurrency.max(1))
        .try_collect()
        .await?;
    let favorites: Vec<String> = client
        .all_photos(PhotoQuery {
            count: 1000,
            merged: true,
            favorite: Some(true),
            ..PhotoQuery::default()
        })
        .await?
        .into_iter()
        .map(|photo| photo.uid)
        .collect();
    let extras = read_extras(client, &albums, options).await?;
    let albums: Vec<(Album, Vec<String>)> = albums.into_iter().zip(members).collect();
    Ok(render_manifest_with(
        &client.server().to_string(),
        &albums,
        &favorites,
        &extras,
    ))
}

/// What an album's `cover` and `links` are written from.
#[derive(Debug, Clone, Default)]
pub struct AlbumExtras {
    /// The manual cover's hash, when it is the primary file of exactly one photo (so a plan
    /// for `cover: { hash }` finds it as it is).
    pub cover: Option<String>,
    /// The album's share links (their tokens are never written).
    pub links: Vec<ShareLink>,
}

/// Covers and share links of the albums, by album UID: one search for every manual cover
/// hash (in chunks), one links request per album.
async fn read_extras(
    client: &Client,
    albums: &[Album],
    options: &ExportOptions,
) -> Result<BTreeMap<String, AlbumExtras>, Error> {
    let manual: BTreeSet<&str> = albums
        .iter()
        .filter(|album| album.thumb_src == crate::cover::MANUAL && is_sha1(&album.thumb))
        .map(|album| album.thumb.as_str())
        .collect();
    let mut primaries: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let hashes: Vec<&str> = manual.into_iter().collect();
    for chunk in hashes.chunks(50) {
        let rows = client
            .all_photos(PhotoQuery {
                count: 1000,
                merged: true,
                hash: Some(chunk.join("|")),
                ..PhotoQuery::default()
            })
            .await?;
        for row in rows {
            for file in row.files.iter().filter(|file| file.primary) {
                primaries
                    .entry(file.hash.clone())
                    .or_default()
                    .insert(row.uid.clone());
            }
        }
    }
    let links: Vec<Vec<ShareLink>> = stream::iter(albums.iter().map(|album| album.uid.clone()))
        .map(|uid| async move { client.album_links(&uid).await })
        .buffered(options.concurrency.max(1))
        .try_collect()
        .await?;
    Ok(albums
        .iter()
        .zip(links)
        .map(|(album, links)| {
            let cover = primaries
                .get(&album.thumb)
                .filter(|photos| photos.len() == 1)
                .map(|_| album.thumb.clone())
                .filter(|_| album.thumb_src == crate::cover::MANUAL);
            (album.uid.clone(), AlbumExtras { cover, links })
        })
        .collect())
}

fn is_sha1(text: &str) -> bool {
    text.len() == 40
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The manifest for these server values: each album with its members, and the
/// favorite photos. Pure, so that odd values can be tested without a server.
pub fn render_manifest(
    server: &str,
    albums: &[(Album, Vec<String>)],
    favorites: &[String],
) -> String {
    render_manifest_with(server, albums, favorites, &BTreeMap::new())
}

/// [`render_manifest`] with the albums' covers and share links (by album UID).
pub fn render_manifest_with(
    server: &str,
    albums: &[(Album, Vec<String>)],
    favorites: &[String],
    extras: &BTreeMap<String, AlbumExtras>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Written by `prysm export` from {}.",
        comment_text(server)
    );
    let _ = writeln!(out, "version: 1");
    let mut body = String::new();
    let mut skipped = String::new();
    let mut keys = BTreeSet::new();
    let mut written = 0;
    for (album, photos) in albums {
        let title = match manifest_title(&album.title) {
            Ok(title) => title,
            Err(why) => {
                let _ = writeln!(
                    skipped,
                    "# Album {} ({}) is not exported: its title {why}; the manifest requires a title, \
                 so the album stays unmanaged.",
                    comment_text(&album.uid),
                    quote(&album.title)
                );
                continue;
            }
        };
        if !accepted_uid(&album.uid, 'a') {
            let _ = writeln!(
                skipped,
                "# Album {} is not exported: its UID {} is not one the manifest accepts.",
                quote(&album.title),
                quote(&album.uid)
            );
            continue;
        }
        let key = unique_key(title, &album.uid, &mut keys);
        write_album(&mut body, &key, title, album, photos);
        if let Some(extras) = extras.get(&album.uid) {
            write_cover_and_links(&mut body, album, extras);
        }
        written += 1;
    }
    out.push_str(&skipped);
    if written == 0 {
        let _ = writeln!(out, "albums: {{}}");
    } else {
        let _ = writeln!(out, "albums:");
        out.push_str(&body);
    }
    write_favorites(&mut out, favorites);
    out
}

/// The title to write so that PhotoPrism's normalisation of it gives exactly
/// the server's title (and plan shows no change), or why there is none.
///
/// Usually that is the title itself. A long title the server shortened ends in
/// `…`; without that ellipsis it normalises back to itself.
fn manifest_title(title: &str) -> Result<&str, &'static str> {
    if normalize_album_title(title).is_empty() {
        return Err("is empty after PhotoPrism's trimming of spaces and `_ & | { } < > : \\`");
    }
    let candidates = [Some(title), title.strip_suffix('…')];
    let Some(written) = candidates
        .into_iter()
        .flatten()
        .find(|candidate| normalize_album_title(candidate) == title)
    else {
        return Err(
            "is not in the form PhotoPrism stores titles in, so managing it would show a change",
        );
    };
    if !accepted(&format!("    title: {}\n", quote(written))) {
        return Err("is not accepted by `prysm validate`");
    }
    Ok(written)
}

/// A manifest key for the album: its title's slug, else its UID; unique.
fn unique_key(title: &str, uid: &str, keys: &mut BTreeSet<String>) -> String {
    let slug = slugify(title);
    let base = if slug.is_empty() || slug == "-" {
        uid.to_owned()
    } else {
        slug
    };
    let mut key = base.clone();
    let mut n = 2;
    while !keys.insert(key.clone()) {
        key = format!("{base}-{n}");
        n += 1;
    }
    key
}

fn write_album(out: &mut String, key: &str, title: &str, album: &Album, photos: &[String]) {
    let _ = writeln!(out, "  {}:", quote(key));
    let _ = writeln!(out, "    uid: {}", album.uid);
    let _ = writeln!(out, "    title: {}", quote(title));
    let left_out = |out: &mut String, field: &str, value: &str, why: &str| {
        let _ = writeln!(
            out,
            "    # {field} {} is left out (unmanaged): {why}.",
            quote(value)
        );
    };
    for (name, value) in [
        ("description", &album.description),
        ("caption", &album.caption),
        ("notes", &album.notes),
        ("location", &album.location),
    ] {
        if value.is_empty() {
            continue;
        }
        let line = format!("    {name}: {}\n", quote(value));
        if accepted(&line) {
            out.push_str(&line);
        } else {
            left_out(out, name, value, "`prysm validate` does not accept it");
        }
    }
    if !album.category.is_empty() {
        let line = format!("    category: {}\n", quote(&album.category));
        if normalize_category(&album.category) != album.category {
            left_out(
                out,
                "category",
                &album.category,
                "PhotoPrism would store it title-cased, so managing it would show a change",
            );
        } else if !accepted(&line) {
            left_out(
                out,
                "category",
                &album.category,
                "`prysm validate` does not accept it",
            );
        } else {
            out.push_str(&line);
        }
    }
    // `zz` is PhotoPrism's "unknown country", and `""` no country: nothing worth managing.
    if !album.country.is_empty() && album.country != "zz" {
        let line = format!("    country: {}\n", quote(&album.country));
        if album.country.to_lowercase() == album.country && accepted(&line) {
            out.push_str(&line);
        } else {
            left_out(
                out,
                "country",
                &album.country,
                "it is not a lower-case ISO 3166-1 alpha-2 code, which the manifest requires",
            );
        }
    }
    if !album.order.is_empty() {
        let line = format!("    order: {}\n", quote(&album.order));
        if accepted(&line) {
            out.push_str(&line);
        } else {
            left_out(
                out,
                "order",
                &album.order,
                "it is not one of the sort orders the manifest accepts",
            );
        }
    }
    let _ = writeln!(out, "    favorite: {}", album.favorite);
    let _ = writeln!(out, "    private: {}", album.private);
    let mut sorted: Vec<&String> = photos.iter().collect();
    sorted.sort();
    sorted.dedup();
    if let Some(bad) = sorted.iter().find(|uid| !accepted_uid(uid, 'p')) {
        let _ = writeln!(
            out,
            "    # photos are left out (membership unmanaged): the member {} is not a photo UID \
             the manifest accepts.",
            quote(bad)
        );
    } else if sorted.is_empty() {
        let _ = writeln!(out, "    photos: []");
    } else {
        let _ = writeln!(out, "    photos:");
        for uid in sorted {
            let _ = writeln!(out, "      - uid: {uid}");
        }
    }
}

/// The album's manual cover and its share links. An automatic cover is PhotoPrism's to
/// choose (not written); a manual cover that is no photo's primary file cannot be written
/// so that a plan finds it unchanged (left out, with a comment). Links are written in the
/// order the server created them (the order a plan matches links without a slug in);
/// tokens never, and passwords cannot be read: a link with one says so in a comment.
fn write_cover_and_links(out: &mut String, album: &Album, extras: &AlbumExtras) {
    if album.thumb_src == crate::cover::MANUAL {
        match &extras.cover {
            Some(hash) => {
                let _ = writeln!(out, "    cover: {{ hash: {hash} }}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "    # cover {} is left out (unmanaged): it is not the primary file of one photo.",
                    quote(&album.thumb)
                );
            }
        }
    }
    if extras.links.is_empty() {
        return;
    }
    let mut links: Vec<&ShareLink> = extras.links.iter().collect();
    links.sort_by(|a, b| (&a.created_at, &a.uid).cmp(&(&b.created_at, &b.uid)));
    let mut lines = Vec::new();
    let mut slugs = BTreeSet::new();
    // Links without a slug are matched by position: when one of them cannot be written,
    // none is (a plan would match the rest to the wrong links).
    let unslugged_ok = links
        .iter()
        .filter(|link| link.slug.is_empty())
        .all(|link| link.expires >= 0 && u32::try_from(link.max_views).is_ok());
    for link in links {
        let mut why = None;
        if link.slug.is_empty() && !unslugged_ok {
            why = Some(
                "another link without a slug cannot be written, and such links are told apart by their order",
            );
        }
        if !link.slug.is_empty()
            && (crate::photoprism::text::slug(&link.slug) != link.slug
                || !slugs.insert(link.slug.clone()))
        {
            why = Some("its slug is not one a manifest can declare once");
        }
        if link.expires < 0 || link.max_views < 0 || u32::try_from(link.max_views).is_err() {
            why = Some("its expiry or view limit is out of the manifest's range");
        }
        if let Some(why) = why {
            let _ = writeln!(
                out,
                "    # share link {} is left out (unmanaged): {why}.",
                comment_text(&link.uid)
            );
            continue;
        }
        let mut parts = Vec::new();
        if !link.slug.is_empty() {
            parts.push(format!("slug: {}", quote(&link.slug)));
        }
        if link.expires != 0 {
            parts.push(format!("expires: {}", link.expires));
        }
        if link.max_views != 0 {
            parts.push(format!("max_views: {}", link.max_views));
        }
        let mut line = format!("      - {{ {} }}", parts.join(", "));
        if parts.is_empty() {
            line = "      - {}".to_string();
        }
        if link.verify_password {
            line.push_str(&format!(
                "  # {} has a password: add `password: {{ file: PATH }}` to manage it",
                comment_text(&link.uid)
            ));
        } else {
            line.push_str(&format!("  # {}", comment_text(&link.uid)));
        }
        lines.push(line);
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "    links:");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
}

fn write_favorites(out: &mut String, favorites: &[String]) {
    let mut sorted: Vec<&String> = favorites.iter().collect();
    sorted.sort();
    sorted.dedup();
    let (good, bad): (Vec<&String>, Vec<&String>) =
        sorted.into_iter().partition(|uid| accepted_uid(uid, 'p'));
    for uid in bad {
        let _ = writeln!(
            out,
            "# The favorite {} is left out: it is not a photo UID the manifest accepts.",
            quote(uid)
        );
    }
    if good.is_empty() {
        return;
    }
    let _ = writeln!(out, "photos:");
    let _ = writeln!(out, "  - match:");
    for uid in good {
        let _ = writeln!(out, "      - uid: {uid}");
    }
    let _ = writeln!(out, "    favorite: true");
}

/// Whether `prysm validate` accepts an album with this field line (indented by
/// four spaces, ending in a line break) beside a plain title.
fn accepted(field_line: &str) -> bool {
    let title = if field_line.trim_start().starts_with("title:") {
        String::new()
    } else {
        "    title: x\n".to_owned()
    };
    let text = format!("version: 1\nalbums:\n  k:\n{title}{field_line}");
    parse_str("export-check.yaml", &text).is_ok_and(|manifest| manifest.albums.len() == 1)
}

/// Whether `uid` is a UID with `prefix` that a manifest accepts as it is written.
fn accepted_uid(uid: &str, prefix: char) -> bool {
    let plain = uid.len() == 16
        && uid.starts_with(prefix)
        && uid
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
    if !plain {
        return false;
    }
    let text = if prefix == 'a' {
        format!("version: 1\nalbums:\n  k:\n    uid: {uid}\n    title: x\n")
    } else {
        format!("version: 1\nphotos:\n  - match: {{ uid: {uid} }}\n    favorite: true\n")
    };
    parse_str("export-check.yaml", &text).is_ok()
}

/// A YAML double-quoted scalar holding exactly `text`. Characters YAML does
/// not allow raw, line breaks (also YAML 1.1's NEL, LS and PS), the byte-order
/// mark and bidirectional controls are escaped, so that the file reads back
/// exactly and shows safely on a terminal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\u{1b}' => out.push_str("\\e"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
                | '\u{fffe}'
                | '\u{ffff}'
        )
}

/// Text for a YAML comment: quoted (escaped) unless it is plain.
fn comment_text(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
    {
        text.to_owned()
    } else {
        quote(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWKWARD: &[&str] = &[
        "",
        " ",
        "plain",
        "  padded  ",
        "quote \" and ' and \\ backslash",
        "\\u0041 is not A",
        "# not a comment",
        "key: value",
        "- dash",
        "50% off_sale",
        "Ünïcödé Ελληνικά Кириллица 中文 日本語 한국어",
        "emoji 📷🏖️👨‍👩‍👧",
        "line one\nline two\n",
        "crlf\r\nline",
        "tab\there",
        "esc \u{1b}[31m red \u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{7}",
        "bell \u{7} backspace \u{8} del \u{7f} nul \u{0}",
        "c1 \u{85} nel \u{9b} csi",
        "bidi \u{202e}txt.exe \u{2066}iso\u{2069} \u{200f}",
        "separators \u{2028} \u{2029}",
        "bom \u{feff} nonchar \u{fffe}\u{ffff}",
        "true",
        "null",
        "~",
        "0x1F",
        "1e3",
        "@at `tick` *star &amp !bang |pipe >gt {brace} [bracket]",
    ];

    #[test]
    fn quoted_text_reads_back_exactly() {
        for text in AWKWARD {
            let yaml = format!(
                "version: 1\nalbums:\n  k:\n    title: x\n    description: {}\n",
                quote(text)
            );
            let manifest = match parse_str("q.yaml", &yaml) {
                Ok(manifest) => manifest,
                Err(error) => panic!(
                    "{text:?}: {}",
                    crate::manifest::render_problems(&error, false)
                ),
            };
            assert_eq!(
                manifest.albums[0].description.as_deref(),
                Some(*text),
                "{yaml}"
            );
            let quoted = quote(text);
            assert!(
                !quoted.chars().any(needs_escape),
                "{text:?} quoted as {quoted:?}"
            );
        }
    }

    fn album(uid: &str, title: &str) -> Album {
        Album {
            uid: uid.to_owned(),
            title: title.to_owned(),
            album_type: "album".to_owned(),
            ..Album::default()
        }
    }

    #[test]
    fn odd_server_values_are_left_out_with_a_reason() {
        let mut odd = album("aqzzzzzzzzzzzzz1", "Odd");
        odd.country = "PT".into();
        odd.order = "foo".into();
        odd.category = "lower case".into();
        odd.description = "kept \u{1b}[2J".into();
        let mut fine = album("aqzzzzzzzzzzzzz2", "odd");
        fine.country = "pt".into();
        fine.order = "newest".into();
        fine.category = "Travel / Food".into();
        let blank = album("aqzzzzzzzzzzzzz3", "   ");
        let trimmed = album("aqzzzzzzzzzzzzz4", " Rome ");
        let weird_uid = album("AQZZZZZZZZZZZZZ5", "Upper UID");
        let members = vec!["pqzzzzzzzzzzzzz1".to_owned(), "pqzzzzzzzzzzzzz1".to_owned()];
        let text = render_manifest(
            "http://x/",
            &[
                (odd, members.clone()),
                (fine, vec![]),
                (blank, vec![]),
                (trimmed, vec![]),
                (weird_uid, vec![]),
                (album("aqzzzzzzzzzzzzz6", "Bad members"), vec!["P!".into()]),
            ],
            &["pqzzzzzzzzzzzzz2".into(), "not-a-uid".into()],
        );
        let manifest = match parse_str("export.yaml", &text) {
            Ok(manifest) => manifest,
            Err(error) => panic!(
                "{text}\n{}",
                crate::manifest::render_problems(&error, false)
            ),
        };
        assert_eq!(manifest.albums.len(), 3, "{text}");
        let by_key = |key: &str| {
            manifest
                .albums
                .iter()
                .find(|album| album.key == key)
                .unwrap_or_else(|| panic!("no album {key} in\n{text}"))
        };
        let odd = by_key("odd");
        assert_eq!(odd.country, None);
        assert_eq!(odd.order, None);
        assert_eq!(odd.category, None);
        assert_eq!(odd.description.as_deref(), Some("kept \u{1b}[2J"));
        assert_eq!(odd.photos.as_ref().map(Vec::len), Some(1));
        let fine = by_key("odd-2");
        assert_eq!(fine.country.as_deref(), Some("pt"));
        assert_eq!(fine.order.as_deref(), Some("newest"));
        assert_eq!(fine.category.as_deref(), Some("Travel / Food"));
        assert!(by_key("bad-members").photos.is_none(), "{text}");
        for reason in [
            "# country \"PT\" is left out",
            "# order \"foo\" is left out",
            "# category \"lower case\" is left out",
            "# Album aqzzzzzzzzzzzzz3 (\"   \") is not exported",
            "# Album aqzzzzzzzzzzzzz4 (\" Rome \") is not exported",
            "# Album \"Upper UID\" is not exported",
            "# photos are left out",
            "# The favorite \"not-a-uid\" is left out",
        ] {
            assert!(text.contains(reason), "{reason}\n{text}");
        }
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
