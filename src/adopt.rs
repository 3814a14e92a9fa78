//! `prysm adopt`: rewrite the manifests so that they describe what the server has.
//!
//! For each change a plan would make, adopt edits the manifest text instead: the value node a
//! field change is about gets the server's value, photos added to an `exact` album on the server
//! become new `uid` items of its `photos` list, and `uid`/`path` items that name a photo the server
//! album lost are removed. Edits are made by byte range, so everything else in a file (comments,
//! key order, quoting, blank lines) stays byte-identical. What the manifest cannot express as
//! written (a query-selected photo removed by hand, a value set by a rule for several photos)
//! becomes a [`Problem`] at the manifest node, with the edit to make by hand.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::manifest::{Loc, Manifest, ManifestError, Problem, SelectorKind, SourceFile};
use crate::plan::{Action, Change, FieldChange, PhotoRef, Plan, Value};

/// The rewritten files and what could not be adopted.
#[derive(Debug, Default)]
pub struct Adopted {
    /// Every manifest file that changes: its name, old text and new text.
    pub files: Vec<FileEdit>,
    /// Changes that the manifest cannot express as written, at the node concerned.
    pub problems: Vec<Problem>,
    /// How many actions were adopted.
    pub adopted: usize,
}

/// One rewritten file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// The file name (its path as read).
    pub name: String,
    /// The text before.
    pub before: String,
    /// The text after.
    pub after: String,
}

impl FileEdit {
    /// A unified diff of the edit (`--dry-run`).
    pub fn unified_diff(&self) -> String {
        similar::TextDiff::from_lines(&self.before, &self.after)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", self.name), &format!("b/{}", self.name))
            .to_string()
    }
}

/// Why adopt could not finish.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum AdoptError {
    /// The rewritten manifest would not parse or not say what was meant: nothing is written.
    #[error("adopting would leave {file} unreadable or wrong; nothing was written")]
    #[diagnostic(
        code(prysm::adopt::verify),
        help("please report this with the manifest; meanwhile make the edit by hand: {detail}")
    )]
    Verify {
        /// The file.
        file: String,
        /// What went wrong.
        detail: String,
    },
    /// A file could not be written.
    #[error("cannot write {file}")]
    #[diagnostic(code(prysm::adopt::io))]
    Io {
        /// The file.
        file: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// One text edit: replace `range` of a file by `text`.
#[derive(Debug, Clone)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// Collects edits per file.
#[derive(Default)]
struct Edits {
    by_file: BTreeMap<String, (Arc<SourceFile>, Vec<Edit>)>,
}

impl Edits {
    fn push(&mut self, source: &Arc<SourceFile>, start: usize, end: usize, text: String) {
        self.by_file
            .entry(source.name.clone())
            .or_insert_with(|| (source.clone(), Vec::new()))
            .1
            .push(Edit { start, end, text });
    }
}

/// Whether `address` is selected by the `--target` addresses (all when there are none).
fn targeted(address: &str, targets: &[String]) -> bool {
    targets.is_empty()
        || targets
            .iter()
            .any(|t| address == t || address.starts_with(&format!("{t}.")))
}

/// Computes the edits that make `manifest` describe the server for the actions of `plan`
/// (limited to `targets`), and checks that the edited files still parse.
pub fn adopt(manifest: &Manifest, plan: &Plan, targets: &[String]) -> Result<Adopted, AdoptError> {
    let mut edits = Edits::default();
    let mut problems = Vec::new();
    let mut adopted = 0;
    for action in plan
        .actions
        .iter()
        .filter(|a| targeted(&a.address, targets))
    {
        let before = problems.len();
        adopt_action(manifest, action, &mut edits, &mut problems);
        if problems.len() == before {
            adopted += 1;
        }
    }
    let mut files = Vec::new();
    for (name, (source, mut list)) in edits.by_file {
        list.sort_by_key(|e| (e.start, e.end));
        list.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.text == b.text);
        let mut after = String::with_capacity(source.text.len());
        let mut at = 0;
        for edit in &list {
            if edit.start < at {
                return Err(AdoptError::Verify {
                    file: name,
                    detail: "two edits overlap".to_string(),
                });
            }
            after.push_str(&source.text[at..edit.start]);
            after.push_str(&edit.text);
            at = edit.end;
        }
        after.push_str(&source.text[at..]);
        files.push(FileEdit {
            name,
            before: source.text.clone(),
            after,
        });
    }
    verify(manifest, &files)?;
    Ok(Adopted {
        files,
        problems,
        adopted,
    })
}

/// The edited manifest must still parse.
fn verify(manifest: &Manifest, files: &[FileEdit]) -> Result<(), AdoptError> {
    if files.is_empty() {
        return Ok(());
    }
    let sources = manifest
        .files
        .iter()
        .map(|file| {
            let text = files
                .iter()
                .find(|f| f.name == file.name)
                .map_or_else(|| file.text.clone(), |f| f.after.clone());
            SourceFile::new(file.name.clone(), text)
        })
        .collect();
    crate::manifest::parse_sources(sources).map_err(|error| AdoptError::Verify {
        file: files
            .iter()
            .map(|f| f.name.clone())
            .collect::<Vec<_>>()
            .join(", "),
        detail: error
            .problems()
            .iter()
            .map(|p| p.message().to_string())
            .collect::<Vec<_>>()
            .join("; "),
    })?;
    Ok(())
}

fn problem(loc: &Loc, message: String, label: &str, help: String) -> Problem {
    Problem::at("adopt", message, loc, label).with_help(help)
}

fn adopt_action(manifest: &Manifest, action: &Action, edits: &mut Edits, out: &mut Vec<Problem>) {
    let key = action.change.album().and_then(|album| album.key.clone());
    let entry = key
        .as_deref()
        .and_then(|key| manifest.albums.iter().find(|e| e.key == key));
    match (&action.change, entry) {
        (Change::UpdateAlbum { fields, .. }, Some(entry)) => {
            for field in fields {
                let Some(old) = &field.old else { continue };
                match entry.field_locs.get(&field.field) {
                    Some(loc) => set_value(loc, old, field, edits, out),
                    None => out.push(problem(
                        &entry.loc,
                        format!(
                            "album.{}: the server's {} is not in the manifest",
                            entry.key, field.field
                        ),
                        "this album",
                        format!("set `{}: {}` by hand", field.field, show(old)),
                    )),
                }
            }
        }
        (Change::RemovePhotos { photos, .. }, Some(entry)) => {
            add_members(entry, photos, edits, out);
        }
        (Change::AddPhotos { photos, .. }, Some(entry)) => {
            for photo in photos {
                remove_member(entry, photo, edits, out);
            }
        }
        (Change::UpdatePhoto { photo, fields, .. }, _) => {
            for field in fields {
                if let Some(old) = &field.old {
                    set_photo_field(manifest, photo, field, old, edits, out);
                }
            }
        }
        (Change::ArchivePhoto { photo } | Change::RestorePhoto { photo }, _) => {
            let archived = matches!(action.change, Change::RestorePhoto { .. });
            let field = FieldChange {
                field: "archived".to_string(),
                old: Some(Value::Bool(archived)),
                new: Value::Bool(!archived),
            };
            set_photo_field(manifest, photo, &field, &Value::Bool(archived), edits, out);
        }
        (_, entry) => {
            let loc = entry.map(|e| e.loc.clone()).or_else(|| {
                manifest
                    .albums
                    .first()
                    .map(|e| e.loc.clone())
                    .or_else(|| manifest.photos.first().map(|r| r.loc.clone()))
            });
            let what = match &action.change {
                Change::CreateAlbum { .. } => {
                    "no server album matches this entry: if it was renamed on the server, pin it with \
                     `uid:` and adopt again; otherwise remove the entry or give it `state: absent`"
                }
                Change::DeleteAlbum { .. } => {
                    "the album exists on the server; remove `state: absent` (or the prune setting) and \
                     describe it, e.g. with `prysm export`"
                }
                _ => "make the edit by hand",
            };
            if let Some(loc) = loc {
                out.push(problem(
                    &loc,
                    format!("{} cannot be adopted into the manifest", action.address),
                    "here",
                    what.to_string(),
                ));
            }
        }
    }
}

/// The manifest spelling of a value, for hints.
fn show(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(*n),
        Value::Text(text) => serde_json::Value::String(text.clone()).to_string(),
        Value::List(items) => serde_json::Value::from(items.clone()).to_string(),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Replaces the value node at `loc` with `value`, in the node's style when it can hold it.
fn set_value(
    loc: &Loc,
    value: &Value,
    field: &FieldChange,
    edits: &mut Edits,
    out: &mut Vec<Problem>,
) {
    let text = &loc.source.text;
    let mut start = loc.span.offset();
    let end = start + loc.span.len();
    // A block scalar's node starts at its content: include its `|`/`>` header.
    if let Some(header) = block_header(text, start) {
        start = header;
    }
    let Some(raw) = text.get(start..end) else {
        return;
    };
    let written = match value {
        Value::Text(s) => match write_string(raw, s, text, start) {
            Some(written) => written,
            None => {
                out.push(problem(
                    loc,
                    format!("cannot rewrite `{}` in this style", field.field),
                    "this value",
                    format!("set it by hand to {}", show(value)),
                ));
                return;
            }
        },
        Value::List(items) if raw.trim_start().starts_with('[') => {
            let items: Vec<String> = items.iter().map(|s| quote_like(raw, s)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::List(_) => {
            out.push(problem(
                loc,
                format!("cannot rewrite the block list `{}`", field.field),
                "this list",
                format!("set it by hand to {}", show(value)),
            ));
            return;
        }
        other => show(other),
    };
    edits.push(&loc.source, start, end, written);
}

/// Where the `|` or `>` header of a block scalar whose content starts at `start` is.
fn block_header(text: &str, start: usize) -> Option<usize> {
    let before = text.get(..start)?;
    let trimmed = before.trim_end_matches([' ', '\t']);
    let trimmed = trimmed.strip_suffix('\n')?;
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    // The header line ends with `|` or `>` plus optional chomping/indentation indicators
    // (a comment after it is not supported: then no header is found and nothing is assumed).
    let head = trimmed.trim_end_matches(['-', '+', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    let indicator = head.len().checked_sub(1)?;
    let is_block = matches!(head.as_bytes().get(indicator), Some(b'|' | b'>'))
        && head[..indicator].ends_with([' ', ':']);
    is_block.then_some(indicator)
}

/// A string in the quoting style of `raw` (`"`, `'` or plain), falling back to double quotes.
fn quote_like(raw: &str, value: &str) -> String {
    let raw = raw.trim_start_matches(['[', ' ']);
    if raw.starts_with('\'') && !value.contains(['\n', '\r', '\t']) {
        format!("'{}'", value.replace('\'', "''"))
    } else if !raw.starts_with(['"', '\'']) && plain_ok(value) {
        value.to_string()
    } else {
        serde_json::Value::String(value.to_string()).to_string()
    }
}

/// Writes `value` in the style of the scalar `raw` found at `start` in `text`.
fn write_string(raw: &str, value: &str, text: &str, start: usize) -> Option<String> {
    if raw.starts_with('|') {
        // A literal block keeps its style when the value has lines: same indentation.
        // The span of a block scalar runs to the next node: keep its last line break and the
        // indentation after it.
        let trailing = raw.rfind('\n').map_or("", |i| &raw[i..]);
        if value.is_empty() || value.contains('\r') || value.starts_with([' ', '\t']) {
            return Some(format!(
                "{}{trailing}",
                serde_json::Value::String(value.to_string())
            ));
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let key_indent = text[line_start..start].len() - text[line_start..start].trim_start().len();
        let body_indent = raw
            .lines()
            .skip(1)
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .unwrap_or(key_indent + 2);
        let chomp = if value.ends_with("\n\n") {
            "+"
        } else if value.ends_with('\n') {
            ""
        } else {
            "-"
        };
        let pad = " ".repeat(body_indent);
        let mut out = format!("|{chomp}\n");
        let trimmed = if chomp == "+" {
            value.strip_suffix('\n').unwrap_or(value)
        } else {
            value.trim_end_matches('\n')
        };
        for (i, line) in trimmed.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
        }
        out.push_str(trailing);
        return Some(out);
    }
    if raw.starts_with('>') {
        return None;
    }
    Some(quote_like(raw, value))
}

/// Whether a string can be written as a plain YAML scalar and read back as the same string.
fn plain_ok(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if value.trim() != value
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || value.chars().any(|c| c.is_control())
        || value.contains(['\u{feff}', '\u{2028}', '\u{2029}', '\u{85}'])
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true"
            | "false"
            | "null"
            | "~"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".nan"
            | ".inf"
            | "-.inf"
            | "+.inf"
    ) {
        return false;
    }
    // Anything that could read as a number stays quoted.
    !(value.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '.')
        || value.parse::<f64>().is_ok())
}

/// Whether a selector names exactly this photo.
fn names(kind: &SelectorKind, photo: &PhotoRef) -> bool {
    match kind {
        SelectorKind::Uid(uid) => uid == &photo.uid,
        SelectorKind::Path(path) => path == &photo.name,
        _ => false,
    }
}

fn set_photo_field(
    manifest: &Manifest,
    photo: &PhotoRef,
    field: &FieldChange,
    old: &Value,
    edits: &mut Edits,
    out: &mut Vec<Problem>,
) {
    // Rules apply in order and the last one that sets a field wins: find the last rule that
    // sets it and may select this photo.
    let last = manifest.photos.iter().rev().find(|rule| {
        rule.field_locs.contains_key(&field.field)
            && rule.selectors.iter().any(|s| {
                names(&s.kind, photo)
                    || !matches!(s.kind, SelectorKind::Uid(_) | SelectorKind::Path(_))
            })
    });
    let Some(rule) = last else {
        return;
    };
    let loc = rule.field_loc(&field.field);
    if field.field == "labels" {
        // `labels` adds and removes; the server's labels are no value to write back.
        out.push(problem(
            loc,
            format!(
                "photo.{}: its labels were changed on the server; prysm does not rewrite `labels`",
                photo.uid
            ),
            "labels managed here",
            format!(
                "the rule's labels present there now: {}; edit `add`/`remove` by hand",
                show(old)
            ),
        ));
        return;
    }
    let only_this = rule.selectors.len() == 1 && names(&rule.selectors[0].kind, photo);
    if only_this {
        set_value(loc, old, field, edits, out);
    } else {
        out.push(problem(
            loc,
            format!(
                "photo.{}: its {} was changed on the server, but this rule sets it for more photos",
                photo.uid, field.field
            ),
            "set here for several photos",
            format!(
                "add a rule after this one: `- match: {{ uid: {} }}` with `{}: {}`",
                photo.uid,
                field.field,
                show(old)
            ),
        ));
    }
}

/// The line that holds byte `at`: its start and the byte after its line break.
fn line_of(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    (start, end)
}

fn add_members(
    entry: &crate::manifest::AlbumEntry,
    photos: &[PhotoRef],
    edits: &mut Edits,
    out: &mut Vec<Problem>,
) {
    let Some(list) = entry.field_locs.get("photos") else {
        return;
    };
    let selectors = entry.photos.as_deref().unwrap_or_default();
    let text = &list.source.text;
    let list_start = list.span.offset();
    let raw = text
        .get(list_start..list_start + list.span.len())
        .unwrap_or_default();
    let Some(last) = selectors.last() else {
        if raw.trim() == "[]" {
            let items: Vec<String> = photos
                .iter()
                .map(|p| format!("{{uid: {}}}", p.uid))
                .collect();
            edits.push(
                &list.source,
                list_start,
                list_start + list.span.len(),
                format!("[{}]", items.join(", ")),
            );
        } else {
            out.push(problem(
                list,
                format!("album.{}: cannot add photos to this list", entry.key),
                "photos",
                format!("add `- uid: UID` items for {}", uids(photos)),
            ));
        }
        return;
    };
    if raw.trim_start().starts_with('[') {
        // A flow list: insert before its closing bracket, in the style of the last item.
        let close = list_start + raw.rfind(']').unwrap_or(raw.len());
        // Copy the last item's spelling: `{uid: X}` or `{ uid: X }`.
        let at = last.loc.span.offset();
        // The selector's node is its value or its whole `{ uid: X }` mapping.
        let open = if text[at..].starts_with('{') {
            Some(at)
        } else {
            text[list_start..at].rfind('{').map(|i| list_start + i)
        };
        let shut = text[at..close].find('}').map(|i| at + i + 1);
        let spelled = match (open, shut, &last.kind) {
            (Some(open), Some(shut), SelectorKind::Uid(uid)) => {
                let item = &text[open..shut];
                item.find(uid.as_str())
                    .map(|i| (item[..i].to_string(), item[i + uid.len()..].to_string()))
            }
            _ => None,
        };
        let (head, tail) = spelled.unwrap_or_else(|| ("{uid: ".to_string(), "}".to_string()));
        let added: String = photos
            .iter()
            .map(|p| format!(", {head}{}{tail}", p.uid))
            .collect();
        // Insert after the last item's closing text, before white space and `]`.
        let before_close = text[..close].trim_end().len();
        edits.push(&list.source, before_close, before_close, added);
        return;
    }
    // A block list: copy the line of an existing `uid` item (or the last item's indentation).
    let template = selectors
        .iter()
        .find(|s| matches!(s.kind, SelectorKind::Uid(_)))
        .unwrap_or(last);
    let at = template.loc.span.offset();
    let (line_start, line_end) = line_of(text, at);
    let line = &text[line_start..line_end];
    let prefix = &text[line_start..at];
    let dash = prefix.find('-');
    let (head, tail) = match (&template.kind, dash) {
        (SelectorKind::Uid(_), Some(_))
            if !prefix
                .trim_start()
                .trim_start_matches('-')
                .trim()
                .is_empty() =>
        {
            let value_end = at + template.loc.span.len();
            let raw_value = &text[at..value_end];
            let quote = raw_value
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .map(String::from)
                .unwrap_or_default();
            let rest = text[value_end..line_end].trim_end_matches(['\n', '\r']);
            // Drop a trailing comment about the other photo.
            let rest = rest.split(" #").next().unwrap_or_default();
            (format!("{prefix}{quote}"), format!("{quote}{rest}"))
        }
        (_, Some(d)) => (format!("{}- uid: ", &prefix[..d]), String::new()),
        (_, None) => {
            out.push(problem(
                &template.loc,
                format!("album.{}: cannot add photos next to this item", entry.key),
                "photos",
                format!("add `- uid: UID` items for {}", uids(photos)),
            ));
            return;
        }
    };
    let newline = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
    // Insert after the last item (and everything that belongs to it).
    let last_end = last.loc.span.offset() + last.loc.span.len();
    let (_, mut insert_at) = line_of(text, last_end.saturating_sub(1).max(last.loc.span.offset()));
    let mut added = String::new();
    if insert_at == text.len() && !text.ends_with('\n') {
        added.push_str(newline);
    }
    for photo in photos {
        added.push_str(&head);
        added.push_str(&photo.uid);
        added.push_str(&tail);
        added.push_str(newline);
    }
    insert_at = insert_at.min(text.len());
    edits.push(&list.source, insert_at, insert_at, added);
}

fn uids(photos: &[PhotoRef]) -> String {
    photos
        .iter()
        .map(|p| p.uid.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn remove_member(
    entry: &crate::manifest::AlbumEntry,
    photo: &PhotoRef,
    edits: &mut Edits,
    out: &mut Vec<Problem>,
) {
    let selectors = entry.photos.as_deref().unwrap_or_default();
    let naming: Vec<_> = selectors.iter().filter(|s| names(&s.kind, photo)).collect();
    let others = selectors
        .iter()
        .any(|s| !matches!(s.kind, SelectorKind::Uid(_) | SelectorKind::Path(_)));
    let list = entry.field_locs.get("photos").unwrap_or(&entry.loc);
    if naming.len() == selectors.len() && !naming.is_empty() {
        out.push(problem(
            list,
            format!(
                "album.{}: the server album no longer holds {} ({}), the only photos listed",
                entry.key, photo.uid, photo.name
            ),
            "photos",
            "an empty `photos:` would stop managing membership: write `photos: []` by hand"
                .to_string(),
        ));
        return;
    }
    if naming.is_empty() || others {
        let at = selectors
            .iter()
            .find(|s| !matches!(s.kind, SelectorKind::Uid(_) | SelectorKind::Path(_)))
            .map_or(list, |s| &s.loc);
        out.push(problem(
            at,
            format!(
                "album.{}: photo {} ({}) was taken out of the album on the server, but this \
                 selector still selects it",
                entry.key, photo.uid, photo.name
            ),
            "selects the photo",
            "a query cannot leave one photo out: list the album's photos by uid instead, or \
             set `membership: additive` and keep the photo out by hand"
                .to_string(),
        ));
        return;
    }
    let text = &list.source.text;
    let raw = text
        .get(list.span.offset()..list.span.offset() + list.span.len())
        .unwrap_or_default();
    if raw.trim_start().starts_with('[') {
        out.push(problem(
            list,
            format!(
                "album.{}: cannot remove {} from a flow list",
                entry.key, photo.uid
            ),
            "photos",
            format!("remove the item for {} by hand", photo.uid),
        ));
        return;
    }
    for selector in naming {
        let (start, end) = line_of(text, selector.loc.span.offset());
        let line = &text[start..end];
        if !line.trim_start().starts_with('-') {
            out.push(problem(
                &selector.loc,
                format!("album.{}: cannot remove this item", entry.key),
                "this item",
                "remove it by hand".to_string(),
            ));
            continue;
        }
        edits.push(&list.source, start, end, String::new());
    }
}

/// The problems adopt could not solve, as one error to render (see
/// [`crate::manifest::render_problems`]).
pub fn problems_error(problems: Vec<Problem>) -> ManifestError {
    ManifestError::new(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_only_when_they_read_back_as_the_same_string() {
        for ok in ["Berlin 2023", "Pastéis de nata", "中文 😀", "a_b%c", "it's"] {
            assert!(plain_ok(ok), "{ok}");
        }
        for quoted in [
            "", " x", "x ", "true", "No", "null", "~", "12", "1e3", ".5", "- x", "a: b", "a #b",
            "#x", "'x", "\"x", "x:", "&a", "*a", "!t", "|", ">", "@x", "%x", "a\nb", "[x]", "{x}",
        ] {
            assert!(!plain_ok(quoted), "{quoted:?}");
        }
        assert_eq!(quote_like("'old'", "it's"), "'it''s'");
        assert_eq!(quote_like("\"old\"", "new"), "\"new\"");
        assert_eq!(quote_like("old", "true"), "\"true\"");
        assert_eq!(quote_like("'old'", "a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn block_headers_are_found_before_their_content() {
        let text = "a: |-\n  x\nb: >\n  y\nc: 'z'\n";
        assert_eq!(
            block_header(text, text.find("  x").unwrap_or(0) + 2),
            Some(3)
        );
        assert_eq!(
            block_header(text, text.find("  y").unwrap_or(0) + 2),
            Some(13)
        );
        assert_eq!(block_header(text, text.find("'z'").unwrap_or(0)), None);
    }
}
