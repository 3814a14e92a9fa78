//! Human-readable plans, in Terraform's idiom: `+` create, `~` update,
//! `-` destroy, `old -> new` per field, line diffs for multi-line text.

use std::borrow::Cow;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::plan::{Action, Change, DeleteReason, Effect, FieldChange, PhotoRef, Plan, Value};
use crate::terminal::{escape_unsafe, is_unsafe_on_terminal};
pub use crate::terminal::{terminal_safe, terminal_safe_lines};

/// How to render a plan.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// List every photo instead of summarising long lists.
    pub verbose: bool,
    /// How many photos of a list are shown before "... and N more".
    pub list_limit: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            verbose: false,
            list_limit: 10,
        }
    }
}

/// The line printed when there is nothing to do.
pub const NO_CHANGES: &str = "No changes. The library matches the manifest.";

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn effect(&self, effect: Effect, text: &str) -> String {
        let code = match effect {
            Effect::Create => "32",
            Effect::Update => "33",
            Effect::Destroy => "31",
        };
        self.paint(code, text)
    }

    fn symbol(&self, effect: Effect) -> String {
        self.effect(effect, &effect.symbol().to_string())
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// Renders a whole plan as text.
pub fn render(plan: &Plan, options: &TextOptions) -> String {
    let painter = Painter {
        color: options.color,
    };
    let mut out = String::new();
    warning_lines(&mut out, plan, &painter);
    if plan.is_empty() {
        let _ = writeln!(out, "{}", painter.bold(NO_CHANGES));
        // An undo plan with nothing to do can still leave items alone (share links).
        if !plan.conflicts.is_empty() {
            out.push('\n');
            drift_and_conflict_lines(&mut out, plan, &painter);
        }
        return out;
    }
    let _ = writeln!(
        out,
        "prysm will perform the following actions on {}:",
        terminal_safe(&plan.server)
    );
    for block in blocks(&plan.actions) {
        out.push('\n');
        render_block(&mut out, &block, &painter, options);
    }
    out.push('\n');
    drift_and_conflict_lines(&mut out, plan, &painter);
    for line in budget_lines(plan) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", painter.bold(&summary_line(plan)));
    out
}

/// The plan's warnings (a path pattern that matches no photo), one line each, then a blank line.
fn warning_lines(out: &mut String, plan: &Plan, painter: &Painter) {
    if plan.warnings.is_empty() {
        return;
    }
    for warning in &plan.warnings {
        let at = warning
            .location
            .as_deref()
            .map(|location| format!(" ({})", terminal_safe(location)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{} {}{at}",
            painter.paint("33", "Warning:"),
            terminal_safe(&warning.message)
        );
    }
    out.push('\n');
}

/// Why each change is there (drift attribution against the last apply), conflicts
/// first; and, for an undo plan, the items it leaves alone.
fn drift_and_conflict_lines(out: &mut String, plan: &Plan, painter: &Painter) {
    use crate::plan::Cause;
    let labelled: Vec<(&Action, Cause)> = plan
        .actions
        .iter()
        .filter_map(|action| action.cause.map(|cause| (action, cause)))
        .collect();
    if !labelled.is_empty() {
        let _ = writeln!(out, "Changes since the last apply:");
        for wanted in [Cause::Both, Cause::Server, Cause::Manifest] {
            for (action, _) in labelled.iter().filter(|(_, cause)| *cause == wanted) {
                let label = match wanted {
                    Cause::Both => painter.effect(
                        Effect::Destroy,
                        "CONFLICT: changed in the manifest AND on the server",
                    ),
                    Cause::Server => "server: changed in PhotoPrism, not in the manifest".into(),
                    Cause::Manifest => "manifest: the manifest changed".into(),
                };
                let _ = writeln!(out, "  {}  {label}", terminal_safe(&action.address));
            }
        }
        out.push('\n');
    }
    if !plan.conflicts.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.bold("Conflicts: the server changed these since the apply being undone:")
        );
        for conflict in &plan.conflicts {
            let field = conflict
                .field
                .as_deref()
                .map(|field| format!(".{field}"))
                .unwrap_or_default();
            let values = match (&conflict.expected, &conflict.found) {
                (Some(expected), Some(found)) => format!(
                    " (the apply left {}, the server has {})",
                    terminal_safe(&short_value(expected)),
                    terminal_safe(&short_value(found))
                ),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {}{}: {}{values}; {}",
                terminal_safe(&conflict.address),
                terminal_safe(&field),
                terminal_safe(&conflict.reason),
                if conflict.forced {
                    "reverted anyway (--force)"
                } else {
                    "left alone (--force reverts it)"
                }
            );
        }
        out.push('\n');
    }
}

fn short_value(value: &Value) -> String {
    match value {
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Text(text) => format!("{text:?}"),
        Value::List(items) => format!("[{}]", items.join(", ")),
    }
}

/// The budget lines shown above the summary when the plan destroys something.
fn budget_lines(plan: &Plan) -> Vec<String> {
    plan.budgets
        .iter()
        .map(|budget_use| {
            let (what, usage) = crate::budget::describe(budget_use);
            format!("Budget: {what} {usage}.")
        })
        .collect()
}

/// `Plan: X to add, Y to change, Z to destroy.`
pub fn summary_line(plan: &Plan) -> String {
    format!(
        "Plan: {} to add, {} to change, {} to destroy.",
        plan.summary.add, plan.summary.change, plan.summary.destroy
    )
}

/// A group of actions rendered together: one action, or several photo
/// actions with identical changes.
enum Block<'a> {
    Single(&'a Action),
    Photos {
        kind: &'static str,
        actions: Vec<&'a Action>,
    },
}

fn photo_group_key(action: &Action) -> Option<(&'static str, String)> {
    match &action.change {
        Change::UpdatePhoto { fields, .. } => {
            Some(("update", serde_json::to_string(fields).unwrap_or_default()))
        }
        Change::RestorePhoto { .. } => Some(("restore", String::new())),
        Change::ArchivePhoto { .. } => Some(("archive", String::new())),
        Change::ApprovePhoto { restores, .. } => Some(("approve", restores.to_string())),
        _ => None,
    }
}

fn blocks(actions: &[Action]) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut groups: std::collections::HashMap<(&'static str, String), usize> =
        std::collections::HashMap::new();
    for action in actions {
        let Some(key) = photo_group_key(action) else {
            blocks.push(Block::Single(action));
            continue;
        };
        match groups.get(&key) {
            Some(&index) => {
                if let Block::Photos { actions, .. } = &mut blocks[index] {
                    actions.push(action);
                }
            }
            None => {
                groups.insert(key.clone(), blocks.len());
                blocks.push(Block::Photos {
                    kind: key.0,
                    actions: vec![action],
                });
            }
        }
    }
    blocks
}

fn render_block(out: &mut String, block: &Block<'_>, painter: &Painter, options: &TextOptions) {
    match block {
        Block::Single(action) => render_action(out, action, painter, options),
        Block::Photos { actions, .. } if actions.len() == 1 => {
            render_action(out, actions[0], painter, options)
        }
        Block::Photos { kind, actions } => render_photo_group(out, kind, actions, painter, options),
    }
}

/// A value in double quotes: `"` and `\\` are backslash-escaped, and what could
/// steer a terminal is escaped as in [`terminal_safe`]. Unlike Rust's `{:?}`,
/// letters of every script (combining marks included) are shown as they are.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_unsafe_on_terminal(c) => {
                out.push_str(&escape_unsafe(c.encode_utf8(&mut [0; 4]), false))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render_action(out: &mut String, action: &Action, painter: &Painter, options: &TextOptions) {
    let addr = painter.bold(&terminal_safe(&action.address));
    let sym = painter.symbol(action.effect);
    match &action.change {
        Change::CreateAlbum {
            album,
            fields,
            photos,
            exact,
            note,
        } => {
            let _ = writeln!(out, "  # {addr} will be created");
            if let Some(note) = note {
                let note = terminal_safe(note);
                let _ = writeln!(out, "  # {}", painter.dim(&format!("note: {note}")));
            }
            let _ = writeln!(out, "  {sym} album {} {{", quoted(&album.title));
            let width = fields
                .iter()
                .map(|field| field.field.len())
                .max()
                .unwrap_or(0)
                .max("photos".len());
            render_fields_aligned(out, fields, width, painter);
            if !photos.is_empty() || *exact {
                let _ = writeln!(
                    out,
                    "      {} {:width$} = {} photo{}{}",
                    painter.symbol(Effect::Create),
                    "photos",
                    photos.len(),
                    plural(photos.len()),
                    if *exact { " (exact)" } else { "" }
                );
                render_photo_list(out, photos, Effect::Create, 10, painter, options);
            }
            let _ = writeln!(out, "    }}");
        }
        Change::UpdateAlbum { album, fields } => {
            let _ = writeln!(out, "  # {addr} will be updated in-place");
            let _ = writeln!(
                out,
                "  {sym} album {} ({}) {{",
                quoted(&album.title),
                terminal_safe(album.uid.as_deref().unwrap_or_default())
            );
            render_fields(out, fields, painter);
            let _ = writeln!(out, "    }}");
        }
        Change::DeleteAlbum {
            album,
            reason,
            photo_count,
        } => {
            let why = match reason {
                DeleteReason::Absent => "state: absent",
                DeleteReason::Prune => "prune: not in the manifest",
                DeleteReason::Undo => "undo: the apply created it",
            };
            let _ = writeln!(
                out,
                "  # {addr} will be {} ({why})",
                painter.effect(Effect::Destroy, "destroyed")
            );
            let _ = writeln!(
                out,
                "  {sym} album {} ({}, {} photo{})",
                quoted(&album.title),
                terminal_safe(album.uid.as_deref().unwrap_or_default()),
                photo_count,
                plural(*photo_count)
            );
        }
        Change::AddPhotos { album, photos } | Change::RemovePhotos { album, photos } => {
            let (effect, verb) = match &action.change {
                Change::AddPhotos { .. } => (Effect::Create, "added to"),
                _ => (Effect::Destroy, "removed from"),
            };
            let _ = writeln!(
                out,
                "  # {addr}: {} photo{} will be {verb} the album",
                photos.len(),
                plural(photos.len())
            );
            let _ = writeln!(
                out,
                "  {sym} photos of album {} ({}) {{",
                quoted(&album.title),
                terminal_safe(album.uid.as_deref().unwrap_or_default())
            );
            render_photo_list(out, photos, effect, 6, painter, options);
            let _ = writeln!(out, "    }}");
        }
        Change::UpdatePhoto { photo, fields, .. } => {
            let _ = writeln!(out, "  # {addr} will be updated in-place");
            let _ = writeln!(out, "  {sym} photo {} {{", quoted(&photo.name));
            render_fields(out, fields, painter);
            let _ = writeln!(out, "    }}");
        }
        Change::RestorePhoto { photo } => {
            let _ = writeln!(out, "  # {addr} will be restored from the archive");
            let _ = writeln!(
                out,
                "  {sym} photo {} {{ archived = true -> false }}",
                quoted(&photo.name)
            );
        }
        Change::ArchivePhoto { photo } => {
            let _ = writeln!(out, "  # {addr} will be archived (it leaves every album)");
            let _ = writeln!(
                out,
                "  {sym} photo {} {{ archived = false -> true }}",
                quoted(&photo.name)
            );
        }
        Change::ApprovePhoto { photo, restores } => {
            let _ = writeln!(out, "  # {addr} will be approved (it leaves review)");
            if *restores {
                let note = "note: approving restores it from the archive";
                let _ = writeln!(out, "  # {}", painter.dim(note));
            }
            let _ = writeln!(
                out,
                "  {sym} photo {} {{ approved = false -> true }}",
                quoted(&photo.name)
            );
        }
        Change::SetAlbumCover { album, .. } => {
            let _ = writeln!(out, "  # {addr} will be set (a manual cover)");
            let _ = writeln!(
                out,
                "  {sym} album {}{} {{",
                quoted(&album.title),
                album_uid_suffix(album)
            );
            let fields: Vec<FieldChange> = action.change.extra_field().into_iter().collect();
            render_fields(out, &fields, painter);
            let _ = writeln!(out, "    }}");
        }
        Change::ShareLink {
            album,
            op,
            link,
            link_uid,
            fields,
            ..
        } => {
            let uid = link_uid
                .as_deref()
                .map(|uid| format!(" {}", terminal_safe(uid)))
                .unwrap_or_default();
            match op {
                crate::plan::LinkOp::Create => {
                    let _ = writeln!(
                        out,
                        "  # {addr}: a share link will be created (PhotoPrism picks its token; \
                         apply says where to find the link)"
                    );
                    let _ = writeln!(
                        out,
                        "  {sym} share link of album {}{} {{ {} }}",
                        quoted(&album.title),
                        album_uid_suffix(album),
                        terminal_safe(&link.describe())
                    );
                }
                crate::plan::LinkOp::Update => {
                    let _ = writeln!(out, "  # {addr} will be updated in-place");
                    let _ = writeln!(
                        out,
                        "  {sym} share link{uid} of album {}{} {{",
                        quoted(&album.title),
                        album_uid_suffix(album)
                    );
                    render_fields(out, fields, painter);
                    let _ = writeln!(out, "    }}");
                }
                crate::plan::LinkOp::Delete => {
                    let _ = writeln!(
                        out,
                        "  # {addr} will be {} (manage_links: not declared)",
                        painter.effect(Effect::Destroy, "destroyed")
                    );
                    let _ = writeln!(
                        out,
                        "  {sym} share link{uid} of album {}{} ({})",
                        quoted(&album.title),
                        album_uid_suffix(album),
                        terminal_safe(&link.describe())
                    );
                }
            }
        }
    }
}

/// ` (UID)` after an album's title, or nothing for an album the plan creates.
fn album_uid_suffix(album: &crate::plan::AlbumRef) -> String {
    album
        .uid
        .as_deref()
        .map(|uid| format!(" ({})", terminal_safe(uid)))
        .unwrap_or_default()
}

fn render_photo_group(
    out: &mut String,
    kind: &str,
    actions: &[&Action],
    painter: &Painter,
    options: &TextOptions,
) {
    let photos: Vec<PhotoRef> = actions
        .iter()
        .filter_map(|action| match &action.change {
            Change::UpdatePhoto { photo, .. }
            | Change::RestorePhoto { photo }
            | Change::ArchivePhoto { photo }
            | Change::ApprovePhoto { photo, .. } => Some(photo.clone()),
            _ => None,
        })
        .collect();
    let n = photos.len();
    let sym = painter.symbol(Effect::Update);
    match kind {
        "restore" => {
            let _ = writeln!(out, "  # {n} photos will be restored from the archive");
            let _ = writeln!(out, "  {sym} {n} photos {{");
            let _ = writeln!(out, "      {sym} archived = true -> false");
        }
        "archive" => {
            let _ = writeln!(
                out,
                "  # {n} photos will be archived (they leave every album)"
            );
            let _ = writeln!(out, "  {sym} {n} photos {{");
            let _ = writeln!(out, "      {sym} archived = false -> true");
        }
        "approve" => {
            let _ = writeln!(out, "  # {n} photos will be approved (they leave review)");
            if matches!(
                actions.first().map(|a| &a.change),
                Some(Change::ApprovePhoto { restores: true, .. })
            ) {
                let note = "note: approving restores them from the archive";
                let _ = writeln!(out, "  # {}", painter.dim(note));
            }
            let _ = writeln!(out, "  {sym} {n} photos {{");
            let _ = writeln!(out, "      {sym} approved = false -> true");
        }
        _ => {
            let _ = writeln!(
                out,
                "  # {n} photos will be updated in-place, each the same way"
            );
            let _ = writeln!(out, "  {sym} {n} photos {{");
            if let Some(Change::UpdatePhoto { fields, .. }) = actions.first().map(|a| &a.change) {
                render_fields(out, fields, painter);
            }
        }
    }
    let _ = writeln!(out, "      {}", painter.dim("photos:"));
    render_photo_list(out, &photos, Effect::Update, 8, painter, options);
    let _ = writeln!(out, "    }}");
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn render_photo_list(
    out: &mut String,
    photos: &[PhotoRef],
    effect: Effect,
    indent: usize,
    painter: &Painter,
    options: &TextOptions,
) {
    let limit = if options.verbose {
        usize::MAX
    } else {
        options.list_limit
    };
    let pad = " ".repeat(indent);
    let mark = match effect {
        Effect::Update => " ".to_string(),
        other => painter.symbol(other),
    };
    for photo in photos.iter().take(limit) {
        let name = if photo.name.is_empty() {
            Cow::Borrowed("(unnamed)")
        } else {
            terminal_safe(&photo.name)
        };
        let _ = writeln!(
            out,
            "{pad}{mark} {name} {}",
            painter.dim(&format!("({})", terminal_safe(&photo.uid)))
        );
    }
    if photos.len() > limit {
        let _ = writeln!(
            out,
            "{pad}  {}",
            painter.dim(&format!(
                "... and {} more (use --verbose to list them all)",
                photos.len() - limit
            ))
        );
    }
}

fn render_fields(out: &mut String, fields: &[FieldChange], painter: &Painter) {
    let width = fields
        .iter()
        .map(|field| field.field.len())
        .max()
        .unwrap_or(0);
    render_fields_aligned(out, fields, width, painter);
}

fn render_fields_aligned(
    out: &mut String,
    fields: &[FieldChange],
    width: usize,
    painter: &Painter,
) {
    for field in fields {
        let effect = if field.old.is_none() {
            Effect::Create
        } else {
            Effect::Update
        };
        let sym = painter.symbol(effect);
        let name = format!("{:width$}", field.field);
        let multiline =
            field.new.is_multiline() || field.old.as_ref().is_some_and(Value::is_multiline);
        if multiline {
            let _ = writeln!(out, "      {sym} {name} = <<-EOT");
            let old = match &field.old {
                Some(Value::Text(text)) => text.clone(),
                _ => String::new(),
            };
            let new = match &field.new {
                Value::Text(text) => text.clone(),
                other => show(other),
            };
            render_text_diff(out, &old, &new, field.old.is_none(), painter);
            let _ = writeln!(out, "          EOT");
        } else {
            match &field.old {
                None => {
                    let _ = writeln!(out, "      {sym} {name} = {}", show(&field.new));
                }
                Some(old) => {
                    let _ = writeln!(
                        out,
                        "      {sym} {name} = {} -> {}",
                        show(old),
                        show(&field.new)
                    );
                }
            }
        }
    }
}

fn render_text_diff(out: &mut String, old: &str, new: &str, created: bool, painter: &Painter) {
    if created {
        for line in new.lines() {
            let _ = writeln!(out, "            {}", terminal_safe(line));
        }
        return;
    }
    let diff = TextDiff::from_lines(old, new);
    for change in diff.iter_all_changes() {
        let line = terminal_safe(change.value().trim_end_matches('\n'));
        let text = match change.tag() {
            ChangeTag::Delete => painter.effect(Effect::Destroy, &format!("- {line}")),
            ChangeTag::Insert => painter.effect(Effect::Create, &format!("+ {line}")),
            ChangeTag::Equal => format!("  {line}"),
        };
        let _ = writeln!(out, "          {text}");
    }
}

/// A value as shown in the plan.
pub fn show(value: &Value) -> String {
    match value {
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => {
            if number.fract() == 0.0 && number.abs() < 1e15 {
                format!("{}", *number as i64)
            } else {
                number.to_string()
            }
        }
        Value::Text(text) => quoted(text),
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|item| quoted(item))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_keep_every_script() {
        assert_eq!(quoted("\u{64b}مرحبا"), "\"\u{64b}مرحبا\"");
        assert_eq!(quoted("é\u{301}"), "\"é\u{301}\"");
        assert_eq!(quoted("say \"hi\" \\ bye"), "\"say \\\"hi\\\" \\\\ bye\"");
        assert_eq!(quoted("a\nb\u{1b}"), "\"a\\nb\\u{1b}\"");
    }

    #[test]
    fn terminal_safe_escapes_what_steers_a_terminal() {
        let cases = [
            (
                "plain Ünïcödé 中文 📷👨\u{200d}👩",
                "plain Ünïcödé 中文 📷👨\u{200d}👩",
            ),
            ("\u{1b}[31mred\u{1b}[0m", "\\u{1b}[31mred\\u{1b}[0m"),
            (
                "\u{1b}]8;;http://evil\u{7}link\u{1b}]8;;\u{7}",
                "\\u{1b}]8;;http://evil\\u{7}link\\u{1b}]8;;\\u{7}",
            ),
            ("a\u{8}b\rc\td\ne", "a\\u{8}b\\rc\\td\\ne"),
            ("\u{7f}\u{85}\u{9b}2J", "\\u{7f}\\u{85}\\u{9b}2J"),
            ("gpj.\u{202e}exe", "gpj.\\u{202e}exe"),
            (
                "\u{2066}\u{2067}\u{2068}\u{2069}\u{202a}\u{202b}\u{202c}\u{202d}",
                "\\u{2066}\\u{2067}\\u{2068}\\u{2069}\\u{202a}\\u{202b}\\u{202c}\\u{202d}",
            ),
            (
                "\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}",
                "\\u{200e}\\u{200f}\\u{61c}\\u{2028}\\u{2029}",
            ),
        ];
        for (raw, shown) in cases {
            assert_eq!(terminal_safe(raw), shown, "{raw:?}");
        }
        assert_eq!(
            terminal_safe_lines("one\u{1b}\ntwo\r\n"),
            "one\\u{1b}\ntwo\\r\n"
        );
        assert!(matches!(terminal_safe("fine"), Cow::Borrowed(_)));
    }
}
