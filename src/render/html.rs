//! Plans as one self-contained HTML page with the pictures a change touches
//! (`prysm plan --html FILE`, `prysm show PLAN --html FILE`).
//!
//! The page has a summary of counts at the top, then the destructive changes
//! (deleted albums, archived photos, albums that lose photos), then every other
//! album with its field changes and a grid of the photos added (and, marked
//! with a red frame and the word "removed", the photos removed), then photo
//! updates (thumbnail beside `old -> new`) and restored photos.
//!
//! Thumbnails are embedded as `data:` URIs, so the file works offline and holds
//! no token and no link back to the server. A Content-Security-Policy meta tag
//! (`default-src 'none'; img-src data:; style-src 'unsafe-inline'`) forbids
//! every network request; the page has no JavaScript. Every text that comes
//! from the server or the manifest is HTML-escaped, with control and
//! direction characters shown as escapes.
//!
//! Large plans stay usable: at most [`HtmlOptions::per_album`] thumbnails per
//! list ("and N more"), and thumbnails stop being embedded once the page would
//! pass [`HtmlOptions::max_bytes`] (the rest show as labelled placeholders).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use base64::Engine as _;
use futures::StreamExt as _;

use super::markdown::{SavedInfo, escape_controls};
use crate::photoprism::Client;
use crate::plan::{Action, Change, DeleteReason, FieldChange, PhotoRef, Plan};

/// The thumbnail size embedded in the page (PhotoPrism's `tile_224`: 224×224, cropped).
pub const THUMB_SIZE: &str = "tile_224";

/// Default cap on thumbnails per list (an album's added or removed photos,
/// archived photos, photo updates).
pub const DEFAULT_PER_ALBUM: usize = 60;

/// Default size budget of the whole page, in bytes (4 MiB).
pub const DEFAULT_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The Content-Security-Policy of the page: nothing but inline styles and `data:` images.
pub const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// How to render an HTML plan.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// At most this many thumbnails per list; the rest are counted ("and N more").
    pub per_album: usize,
    /// Size budget of the page in bytes: thumbnails that would pass it are left out.
    pub max_bytes: usize,
    /// When the plan was read from a saved plan: where and when it was made.
    pub saved: Option<SavedInfo>,
    /// A note shown under the summary (e.g. why there are no thumbnails).
    pub note: Option<String>,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            per_album: DEFAULT_PER_ALBUM,
            max_bytes: DEFAULT_MAX_BYTES,
            saved: None,
            note: None,
        }
    }
}

/// The picture of one photo, or why there is none.
#[derive(Clone, PartialEq, Eq)]
pub enum Preview {
    /// A raster image (`image/jpeg`, `image/png` or `image/webp`).
    Image {
        /// Its MIME type.
        mime: &'static str,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// No picture: the reason, shown in the placeholder.
    Unavailable(String),
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Preview::Image { mime, bytes } => write!(f, "Image({mime}, {} bytes)", bytes.len()),
            Preview::Unavailable(why) => write!(f, "Unavailable({why:?})"),
        }
    }
}

/// Pictures by photo UID.
pub type Previews = BTreeMap<String, Preview>;

/// The UIDs of the photos the page shows a thumbnail for, in page order,
/// each once (the per-list cap applied).
pub fn photos_to_show(plan: &Plan, options: &HtmlOptions) -> Vec<String> {
    let page = Page::of(plan);
    let cap = options.per_album;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut take = |photos: &mut dyn Iterator<Item = &PhotoRef>| {
        for photo in photos.take(cap) {
            if seen.insert(photo.uid.clone()) {
                out.push(photo.uid.clone());
            }
        }
    };
    take(&mut page.archived.iter().copied());
    for album in &page.albums {
        take(&mut album.removed.iter().copied());
        take(&mut album.added.iter().copied());
    }
    take(&mut page.updates.iter().map(|(photo, _, _)| *photo));
    take(&mut page.restored.iter().copied());
    take(&mut page.approved.iter().copied());
    out
}

/// Fetches the `tile_224` thumbnail of each photo, `concurrency` at a time:
/// the photo's primary file hash from `GET /photos/:uid`, then the thumbnail.
/// A photo whose picture cannot be had gets [`Preview::Unavailable`] with the
/// reason; nothing here fails the page.
pub async fn fetch_previews(client: &Client, uids: &[String], concurrency: usize) -> Previews {
    futures::stream::iter(uids.iter().cloned())
        .map(|uid| async move {
            let preview = match client.photo(&uid).await {
                Err(error) => {
                    Preview::Unavailable(format!("photo not readable: {}", brief(&error)))
                }
                Ok(photo) => match photo.primary_hash().filter(|hash| !hash.is_empty()) {
                    None => Preview::Unavailable("the photo has no file".to_string()),
                    Some(hash) => match client.thumbnail(hash, THUMB_SIZE).await {
                        Ok(thumb) => match thumb.raster_mime() {
                            Some(mime) => Preview::Image {
                                mime,
                                bytes: thumb.bytes,
                            },
                            None => Preview::Unavailable("the server has no thumbnail".to_string()),
                        },
                        Err(error) => Preview::Unavailable(brief(&error)),
                    },
                },
            };
            (uid, preview)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await
}

/// An error's message, short enough for a placeholder.
fn brief(error: &dyn std::fmt::Display) -> String {
    let text = error.to_string();
    let mut cut: String = text.chars().take(120).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// One album's changes, gathered from the actions about it.
struct AlbumCard<'a> {
    /// `album.KEY` or `album[UID]`.
    address: &'a str,
    title: &'a str,
    uid: Option<&'a str>,
    /// `create`, `update` or `delete`.
    effect: &'static str,
    fields: Vec<std::borrow::Cow<'a, FieldChange>>,
    added: Vec<&'a PhotoRef>,
    removed: Vec<&'a PhotoRef>,
    deleted: Option<(DeleteReason, usize)>,
    exact: bool,
}

impl AlbumCard<'_> {
    fn destructive(&self) -> bool {
        self.deleted.is_some() || !self.removed.is_empty()
    }
}

/// The plan, arranged as the page shows it.
struct Page<'a> {
    archived: Vec<&'a PhotoRef>,
    albums: Vec<AlbumCard<'a>>,
    updates: Vec<(&'a PhotoRef, &'a [FieldChange], bool)>,
    restored: Vec<&'a PhotoRef>,
    approved: Vec<&'a PhotoRef>,
}

impl<'a> Page<'a> {
    fn of(plan: &'a Plan) -> Page<'a> {
        let mut page = Page {
            archived: Vec::new(),
            albums: Vec::new(),
            updates: Vec::new(),
            restored: Vec::new(),
            approved: Vec::new(),
        };
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        for action in &plan.actions {
            match &action.change {
                Change::ArchivePhoto { photo } => page.archived.push(photo),
                Change::RestorePhoto { photo } => page.restored.push(photo),
                Change::ApprovePhoto { photo, .. } => page.approved.push(photo),
                Change::UpdatePhoto {
                    photo,
                    fields,
                    archived,
                    ..
                } => page.updates.push((photo, fields, *archived)),
                change => {
                    let Some(album) = change.album() else {
                        continue;
                    };
                    let card = card_for(&mut page.albums, &mut index, action, album);
                    match change {
                        Change::CreateAlbum {
                            fields,
                            photos,
                            exact,
                            ..
                        } => {
                            card.effect = "create";
                            card.fields
                                .extend(fields.iter().map(std::borrow::Cow::Borrowed));
                            card.added.extend(photos);
                            card.exact = *exact;
                        }
                        Change::UpdateAlbum { fields, .. } => {
                            card.fields
                                .extend(fields.iter().map(std::borrow::Cow::Borrowed));
                        }
                        Change::SetAlbumCover { .. } | Change::ShareLink { .. } => {
                            card.fields
                                .extend(change.extra_field().map(std::borrow::Cow::Owned));
                        }
                        Change::DeleteAlbum {
                            reason,
                            photo_count,
                            ..
                        } => {
                            card.effect = "delete";
                            card.deleted = Some((*reason, *photo_count));
                        }
                        Change::AddPhotos { photos, .. } => card.added.extend(photos),
                        Change::RemovePhotos { photos, .. } => card.removed.extend(photos),
                        _ => {}
                    }
                }
            }
        }
        // Destructive albums first; a stable sort keeps plan order in each half.
        page.albums.sort_by_key(|card| !card.destructive());
        page
    }
}

fn card_for<'a, 'p>(
    albums: &'p mut Vec<AlbumCard<'a>>,
    index: &mut BTreeMap<&'a str, usize>,
    action: &'a Action,
    album: &'a crate::plan::AlbumRef,
) -> &'p mut AlbumCard<'a> {
    let base = crate::plan::album_base(&action.address);
    let at = *index.entry(base).or_insert_with(|| {
        albums.push(AlbumCard {
            address: base,
            title: &album.title,
            uid: album.uid.as_deref(),
            effect: "update",
            fields: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            deleted: None,
            exact: false,
        });
        albums.len() - 1
    });
    &mut albums[at]
}

/// HTML-escapes `text` after showing control and direction characters as escapes.
pub fn escape(text: &str) -> String {
    let shown = escape_controls(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#5b6470;--line:#d0d7de;\
--add:#1a7f37;--del:#cf222e;--chg:#9a6700;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;\
--line:#30363d;--add:#3fb950;--del:#f85149;--chg:#d29922;--card:#161b22}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:12px;font:15px/1.45 system-ui,-apple-system,\
'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.25em;margin:1.4em 0 .5em;\
border-bottom:1px solid var(--line)}h3{font-size:1.1em;margin:0 0 .3em}
h4{font-size:1em;margin:.8em 0 .3em}
.meta,.note,.more,.addr{color:var(--muted);font-size:.9em}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0;padding:0;list-style:none}
.counts li{background:var(--card);border:1px solid var(--line);border-radius:6px;\
padding:6px 10px}.counts b{font-size:1.2em}
.card{border:1px solid var(--line);border-radius:8px;padding:10px;margin:10px 0;\
background:var(--card)}
.card.destructive{border-left:6px solid var(--del)}
.badge{display:inline-block;font-size:.75em;font-weight:700;text-transform:uppercase;\
border-radius:4px;padding:1px 6px;margin-right:6px;color:#fff;vertical-align:middle}
.b-create,.b-add{background:var(--add)}.b-update{background:var(--chg)}\
.b-delete,.b-remove,.b-archive{background:var(--del)}.b-restore{background:var(--add)}
table.fields{border-collapse:collapse;width:100%;margin:.3em 0}
table.fields td,table.fields th{border-top:1px solid var(--line);padding:3px 6px;\
text-align:left;vertical-align:top}
.old{color:var(--del)}.new{color:var(--add)}.arrow{color:var(--muted);white-space:nowrap;width:2.5em}
table.fields th{width:7em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(112px,1fr));gap:8px;\
margin:0;padding:0;list-style:none}
.ph{margin:0;border:3px solid transparent;border-radius:6px;background:var(--bg)}
.ph img,.ph .none{display:block;width:100%;height:auto;aspect-ratio:1;object-fit:cover;\
border-radius:3px}
.ph .none{display:flex;align-items:center;justify-content:center;text-align:center;\
font-size:.75em;color:var(--muted);border:1px dashed var(--line);padding:4px}
.ph figcaption{font-size:.78em;padding:2px 3px;line-height:1.3}
.ph.removed{border-color:var(--del)}.ph.removed figcaption::before{content:'removed: ';\
color:var(--del);font-weight:700}
.ph.added{border-color:var(--add)}
.ph.archived{border-color:var(--del)}
.upd{display:grid;grid-template-columns:112px 1fr;gap:10px;align-items:start;\
border-top:1px solid var(--line);padding:8px 0}
@media (max-width:480px){.grid{grid-template-columns:repeat(auto-fill,minmax(88px,1fr))}\
.upd{grid-template-columns:88px 1fr}body{padding:8px}}
";

/// How a thumbnail is drawn: embedded, or a placeholder.
struct Pictures<'a> {
    previews: &'a Previews,
    /// Bytes of images still allowed; `None` while measuring the page without them.
    budget: Option<usize>,
    left_out: usize,
}

impl Pictures<'_> {
    fn figure(&mut self, out: &mut String, photo: &PhotoRef, class: &str) {
        let name = if photo.name.is_empty() {
            "(unnamed)"
        } else {
            &photo.name
        };
        let name = escape(name);
        let _ = write!(out, "<li><figure class=\"ph {class}\">");
        self.image(out, photo, &name);
        let _ = writeln!(
            out,
            "<figcaption>{name} <code class=\"addr\">{}</code></figcaption></figure></li>",
            escape(&photo.uid)
        );
    }

    fn image(&mut self, out: &mut String, photo: &PhotoRef, alt: &str) {
        let why = match self.previews.get(&photo.uid) {
            Some(Preview::Image { mime, bytes }) => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
                let tag = format!(
                    "<img src=\"data:{mime};base64,{encoded}\" alt=\"{alt}\" width=\"224\" \
                     height=\"224\">"
                );
                match &mut self.budget {
                    Some(left) if *left >= tag.len() => {
                        *left -= tag.len();
                        out.push_str(&tag);
                        return;
                    }
                    Some(_) => {
                        self.left_out += 1;
                        "left out to keep the page small".to_string()
                    }
                    None => "left out to keep the page small".to_string(),
                }
            }
            Some(Preview::Unavailable(why)) => why.clone(),
            None => "no thumbnail".to_string(),
        };
        let _ = write!(
            out,
            "<div class=\"none\" role=\"img\" aria-label=\"{alt}\">{}</div>",
            escape(&why)
        );
    }

    fn grid(&mut self, out: &mut String, photos: &[&PhotoRef], class: &str, cap: usize) {
        out.push_str("<ul class=\"grid\">\n");
        for photo in photos.iter().take(cap) {
            self.figure(out, photo, class);
        }
        out.push_str("</ul>\n");
        more(out, photos.len(), cap, "photos");
    }
}

fn more(out: &mut String, total: usize, cap: usize, what: &str) {
    if total > cap {
        let _ = writeln!(
            out,
            "<p class=\"more\">and {} more {what} (the page shows at most {cap} per list)</p>",
            total - cap
        );
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Renders the plan as one HTML page. `previews` holds the thumbnails (see
/// [`photos_to_show`] and [`fetch_previews`]); photos without one get a placeholder.
pub fn render(plan: &Plan, options: &HtmlOptions, previews: &Previews) -> String {
    let page = Page::of(plan);
    // Measure the page without images, then spend what is left of the budget on them.
    let mut measure = Pictures {
        previews,
        budget: None,
        left_out: 0,
    };
    let bare = body(plan, &page, options, &mut measure, 0);
    // Room for the note that says how many thumbnails were left out.
    let reserve = 200;
    let mut pictures = Pictures {
        previews,
        budget: Some(options.max_bytes.saturating_sub(bare.len() + reserve)),
        left_out: 0,
    };
    let full = body(plan, &page, options, &mut pictures, 0);
    if pictures.left_out == 0 {
        return full;
    }
    let left_out = pictures.left_out;
    let mut pictures = Pictures {
        previews,
        budget: Some(options.max_bytes.saturating_sub(bare.len() + reserve)),
        left_out: 0,
    };
    body(plan, &page, options, &mut pictures, left_out)
}

fn body(
    plan: &Plan,
    page: &Page<'_>,
    options: &HtmlOptions,
    pictures: &mut Pictures<'_>,
    left_out: usize,
) -> String {
    let cap = options.per_album;
    let mut out = String::new();
    let headline = super::summary_line(plan);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>prysm plan: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(&headline)
    );
    let _ = writeln!(out, "<header>\n<h1>prysm plan</h1>");
    let _ = write!(
        out,
        "<p class=\"meta\">Server <code>{}</code> · prysm <code>{}</code> · {} action{}",
        escape(&plan.server),
        escape(&plan.prysm_version),
        plan.actions.len(),
        plural(plan.actions.len())
    );
    if let Some(saved) = &options.saved {
        let _ = write!(out, " · saved plan <code>{}</code>", escape(&saved.file));
        if let Some(created) = &saved.created_at {
            let _ = write!(out, ", made <code>{}</code>", escape(created));
        }
    }
    out.push_str("</p>\n");
    summary(&mut out, plan, page);
    if let Some(note) = &options.note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "<p class=\"note\">{left_out} thumbnail{} left out to keep the page under {} KiB.</p>",
            plural(left_out),
            options.max_bytes / 1024
        );
    }
    for warning in &plan.warnings {
        let at = warning
            .location
            .as_deref()
            .map(|location| format!(" (<code>{}</code>)", escape(location)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<p class=\"note\">warning: {}{at}</p>",
            escape(&warning.message)
        );
    }
    for budget in plan.budgets.iter().filter(|budget| budget.exceeded) {
        let _ = writeln!(
            out,
            "<p class=\"note\"><span class=\"badge b-delete\">over budget</span>{} uses {} \
             (limit {}); this plan exists only because of <code>--allow-destroy</code>.</p>",
            escape(budget.budget.setting()),
            budget.used,
            budget
                .limit
                .map_or("none".to_string(), |limit| limit.to_string())
        );
    }
    out.push_str("</header>\n<main>\n");
    if plan.is_empty() {
        out.push_str("<p>No changes. The library matches the manifest.</p>\n");
    }
    let destructive: Vec<&AlbumCard<'_>> = page
        .albums
        .iter()
        .filter(|card| card.destructive())
        .collect();
    if !destructive.is_empty() || !page.archived.is_empty() {
        out.push_str("<section id=\"destructive\">\n<h2>Destructive changes</h2>\n");
        if !page.archived.is_empty() {
            let _ = writeln!(
                out,
                "<div class=\"card destructive\">\n<h3><span class=\"badge b-archive\">archive\
                 </span>{} photo{} archived (they leave every album)</h3>",
                page.archived.len(),
                plural(page.archived.len())
            );
            pictures.grid(&mut out, &page.archived, "archived", cap);
            out.push_str("</div>\n");
        }
        for card in &destructive {
            album_card(&mut out, card, pictures, cap);
        }
        out.push_str("</section>\n");
    }
    let others: Vec<&AlbumCard<'_>> = page
        .albums
        .iter()
        .filter(|card| !card.destructive())
        .collect();
    if !others.is_empty() {
        out.push_str("<section id=\"albums\">\n<h2>Albums</h2>\n");
        for card in others {
            album_card(&mut out, card, pictures, cap);
        }
        out.push_str("</section>\n");
    }
    if !page.updates.is_empty() {
        let _ = writeln!(
            out,
            "<section id=\"photos\">\n<h2>Photo updates ({})</h2>",
            page.updates.len()
        );
        for (photo, fields, archived) in page.updates.iter().take(cap) {
            out.push_str("<div class=\"upd\"><figure class=\"ph\">");
            let name = escape(if photo.name.is_empty() {
                "(unnamed)"
            } else {
                &photo.name
            });
            pictures.image(&mut out, photo, &name);
            out.push_str("</figure><div>");
            let _ = write!(
                out,
                "<h3><span class=\"badge b-update\">update</span>{name}</h3>\
                 <p class=\"addr\"><code>photo.{}</code>{}</p>",
                escape(&photo.uid),
                if *archived {
                    " · archived, stays archived"
                } else {
                    ""
                }
            );
            field_table(&mut out, fields.iter());
            out.push_str("</div></div>\n");
        }
        more(&mut out, page.updates.len(), cap, "photo updates");
        out.push_str("</section>\n");
    }
    if !page.restored.is_empty() {
        let _ = writeln!(
            out,
            "<section id=\"restored\">\n<h2>Restored photos ({})</h2>\n<div class=\"card\">\n\
             <h3><span class=\"badge b-restore\">restore</span>back from the archive</h3>",
            page.restored.len()
        );
        pictures.grid(&mut out, &page.restored, "restored", cap);
        out.push_str("</div>\n</section>\n");
    }
    if !page.approved.is_empty() {
        let _ = writeln!(
            out,
            "<section id=\"approved\">\n<h2>Approved photos ({})</h2>\n<div class=\"card\">\n\
             <h3><span class=\"badge b-restore\">approve</span>out of review</h3>",
            page.approved.len()
        );
        pictures.grid(&mut out, &page.approved, "approved", cap);
        out.push_str("</div>\n</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn summary(out: &mut String, plan: &Plan, page: &Page<'_>) {
    let count = |effect: &str| page.albums.iter().filter(|c| c.effect == effect).count();
    let added: usize = page.albums.iter().map(|c| c.added.len()).sum();
    let removed: usize = page.albums.iter().map(|c| c.removed.len()).sum();
    let rows = [
        (count("create"), "album", "to create", "b-create"),
        (count("update"), "album", "to change", "b-update"),
        (count("delete"), "album", "to delete", "b-delete"),
        (added, "photo", "added to albums", "b-add"),
        (removed, "photo", "removed from albums", "b-remove"),
        (page.updates.len(), "photo", "updated", "b-update"),
        (page.archived.len(), "photo", "archived", "b-archive"),
        (page.restored.len(), "photo", "restored", "b-restore"),
        (page.approved.len(), "photo", "approved", "b-restore"),
    ];
    let _ = writeln!(
        out,
        "<p><strong>{}</strong></p>\n<ul class=\"counts\" id=\"summary\">",
        escape(&super::summary_line(plan))
    );
    for (n, noun, what, class) in rows {
        if n == 0 && what == "approved" {
            // Shown only when the plan approves photos.
            continue;
        }
        let _ = writeln!(
            out,
            "<li class=\"{class}-count\"><b>{n}</b> {noun}{} {what}</li>",
            plural(n)
        );
    }
    out.push_str("</ul>\n");
}

fn album_card(out: &mut String, card: &AlbumCard<'_>, pictures: &mut Pictures<'_>, cap: usize) {
    let class = if card.destructive() {
        "card destructive"
    } else {
        "card"
    };
    let _ = write!(
        out,
        "<div class=\"{class}\">\n<h3><span class=\"badge b-{}\">{}</span>{}</h3>\n\
         <p class=\"addr\"><code>{}</code>",
        card.effect,
        card.effect,
        escape(card.title),
        escape(card.address)
    );
    if let Some(uid) = card.uid {
        let _ = write!(out, " · <code>{}</code>", escape(uid));
    }
    if card.exact {
        out.push_str(" · membership: exact");
    }
    out.push_str("</p>\n");
    if let Some((reason, count)) = card.deleted {
        let why = match reason {
            DeleteReason::Absent => "the manifest says state: absent",
            DeleteReason::Prune => "no manifest entry declares it and prune is on",
            DeleteReason::Undo => "prysm undo takes back the apply that created it",
        };
        let _ = writeln!(
            out,
            "<p><strong>The album is deleted</strong> ({why}); it holds {count} photo{}. \
             The photos stay in the library.</p>",
            plural(count)
        );
    }
    field_table(out, card.fields.iter().map(|field| field.as_ref()));
    if !card.removed.is_empty() {
        let _ = writeln!(
            out,
            "<h4><span class=\"badge b-remove\">remove</span>{} photo{} removed from the album</h4>",
            card.removed.len(),
            plural(card.removed.len())
        );
        pictures.grid(out, &card.removed, "removed", cap);
    }
    if !card.added.is_empty() {
        let _ = writeln!(
            out,
            "<h4><span class=\"badge b-add\">add</span>{} photo{} added to the album</h4>",
            card.added.len(),
            plural(card.added.len())
        );
        pictures.grid(out, &card.added, "added", cap);
    }
    out.push_str("</div>\n");
}

fn field_table<'a>(out: &mut String, fields: impl Iterator<Item = &'a FieldChange>) {
    let mut fields = fields.peekable();
    if fields.peek().is_none() {
        return;
    }
    out.push_str("<table class=\"fields\">\n");
    for field in fields {
        let old = field
            .old
            .as_ref()
            .map_or_else(|| "(new)".to_string(), super::text::show);
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"old\">{}</td><td class=\"arrow\">-&gt;</td>\
             <td class=\"new\">{}</td></tr>",
            escape(&field.field),
            escape(&old),
            escape(&super::text::show(&field.new))
        );
    }
    out.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_controls() {
        assert_eq!(
            escape("<img src=x onerror='a'>&\"\u{202e}\n"),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;\\u{202e}\\n"
        );
        assert_eq!(escape("Ёлка 夏 🎉 50%_"), "Ёлка 夏 🎉 50%_");
    }
}
