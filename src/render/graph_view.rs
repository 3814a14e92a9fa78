//! The plan's dependency graph as Graphviz DOT or Mermaid (`prysm graph`):
//! one node per action, named by its address and coloured by its effect
//! (green create, yellow update, red destroy; updates that remove or archive
//! photos get a red border), and an edge from every action to the actions
//! that wait for it. Album deletes, which apply runs after everything else,
//! are drawn in their own box.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::plan::{Action, Change, Effect, Plan};

use super::markdown::escape_controls;

/// Fill and border colours of an effect.
fn colours(effect: Effect) -> (&'static str, &'static str) {
    match effect {
        Effect::Create => ("#dafbe1", "#2da44e"),
        Effect::Update => ("#fff8c5", "#bf8700"),
        Effect::Destroy => ("#ffebe9", "#cf222e"),
    }
}

/// Whether an action destroys something (deletes, removals, archives).
fn destructive(action: &Action) -> bool {
    matches!(
        action.change,
        Change::DeleteAlbum { .. }
            | Change::RemovePhotos { .. }
            | Change::ArchivePhoto { .. }
            | Change::ShareLink {
                op: crate::plan::LinkOp::Delete,
                ..
            }
    )
}

/// What an action does, in a few words.
fn describe(action: &Action) -> String {
    let photos = |n: usize| format!("{n} photo{}", if n == 1 { "" } else { "s" });
    match &action.change {
        Change::CreateAlbum { photos: list, .. } if list.is_empty() => "create album".to_string(),
        Change::CreateAlbum { photos: list, .. } => {
            format!("create album with {}", photos(list.len()))
        }
        Change::UpdateAlbum { fields, .. } => format!(
            "update {}",
            fields
                .iter()
                .map(|field| field.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Change::DeleteAlbum { photo_count, .. } => {
            format!("delete album ({})", photos(*photo_count))
        }
        Change::AddPhotos { photos: list, .. } => format!("add {}", photos(list.len())),
        Change::RemovePhotos { photos: list, .. } => format!("remove {}", photos(list.len())),
        Change::UpdatePhoto { fields, .. } => format!(
            "update {}",
            fields
                .iter()
                .map(|field| field.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Change::ArchivePhoto { .. } => "archive".to_string(),
        Change::RestorePhoto { .. } => "restore".to_string(),
        Change::ApprovePhoto { .. } => "approve".to_string(),
        Change::SetAlbumCover { .. } => "set cover".to_string(),
        Change::ShareLink { op, .. } => match op {
            crate::plan::LinkOp::Create => "create share link".to_string(),
            crate::plan::LinkOp::Update => "update share link".to_string(),
            crate::plan::LinkOp::Delete => "delete share link".to_string(),
        },
    }
}

/// Short name of an action's kind, to tell apart actions on one address.
fn kind(change: &Change) -> &'static str {
    match change {
        Change::CreateAlbum { .. } => "create",
        Change::UpdateAlbum { .. } => "update",
        Change::DeleteAlbum { .. } => "delete",
        Change::AddPhotos { .. } => "add",
        Change::RemovePhotos { .. } => "remove",
        Change::UpdatePhoto { .. } => "update",
        Change::ArchivePhoto { .. } => "archive",
        Change::RestorePhoto { .. } => "restore",
        Change::ApprovePhoto { .. } => "approve",
        Change::SetAlbumCover { .. } => "cover",
        Change::ShareLink { op, .. } => match op {
            crate::plan::LinkOp::Create => "create",
            crate::plan::LinkOp::Update => "update",
            crate::plan::LinkOp::Delete => "delete",
        },
    }
}

/// The node name of every action: its address, with the kind added where
/// several actions share an address (`photo.p… (archive)`).
fn node_names(plan: &Plan) -> Vec<String> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for action in &plan.actions {
        *uses.entry(action.address.as_str()).or_default() += 1;
    }
    plan.actions
        .iter()
        .map(|action| {
            if uses.get(action.address.as_str()).copied().unwrap_or(0) > 1 {
                format!("{} ({})", action.address, kind(&action.change))
            } else {
                action.address.clone()
            }
        })
        .collect()
}

/// Text for a DOT quoted string: control characters made visible, backslashes
/// and `"` escaped (so DOT's own escapes such as `\l` cannot be formed).
fn dot_escape(text: &str) -> String {
    escape_controls(text)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

/// A DOT quoted string.
fn dot_string(text: &str) -> String {
    format!("\"{}\"", dot_escape(text))
}

/// The plan's dependency graph in Graphviz DOT.
pub fn render_dot(plan: &Plan) -> String {
    let mut out = String::new();
    out.push_str("digraph prysm_plan {\n");
    let _ = writeln!(
        out,
        "  label={};\n  labelloc=t;\n  rankdir=LR;",
        dot_string(&format!(
            "prysm plan on {}: {} to add, {} to change, {} to destroy",
            plan.server, plan.summary.add, plan.summary.change, plan.summary.destroy
        ))
    );
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n",
    );
    let names = node_names(plan);
    let node = |out: &mut String, index: usize, action: &Action, indent: &str| {
        let (fill, border) = colours(action.effect);
        let border = if destructive(action) {
            colours(Effect::Destroy).1
        } else {
            border
        };
        let width = if destructive(action) { 2 } else { 1 };
        // Two lines: DOT's `\n` escape between the escaped address and description.
        let label = format!(
            "\"{} {}\\n{}\"",
            action.effect.symbol(),
            dot_escape(&names[index]),
            dot_escape(&describe(action))
        );
        let _ = writeln!(
            out,
            "{indent}{} [label={label}, fillcolor=\"{fill}\", color=\"{border}\", penwidth={width}];",
            dot_string(&names[index]),
        );
    };
    let (deletes, others): (Vec<_>, Vec<_>) = plan
        .actions
        .iter()
        .enumerate()
        .partition(|(_, action)| matches!(action.change, Change::DeleteAlbum { .. }));
    for (index, action) in &others {
        node(&mut out, *index, action, "  ");
    }
    if !deletes.is_empty() {
        out.push_str("  subgraph cluster_deletes {\n");
        out.push_str(
            "    label=\"album deletes (run last)\";\n    style=dashed;\n    color=\"#cf222e\";\n",
        );
        for (index, action) in &deletes {
            node(&mut out, *index, action, "    ");
        }
        out.push_str("  }\n");
    }
    let position: BTreeMap<usize, usize> = plan
        .actions
        .iter()
        .enumerate()
        .map(|(index, action)| (action.id, index))
        .collect();
    for (index, action) in plan.actions.iter().enumerate() {
        for dep in &action.depends_on {
            if let Some(&from) = position.get(dep) {
                let _ = writeln!(
                    out,
                    "  {} -> {};",
                    dot_string(&names[from]),
                    dot_string(&names[index])
                );
            }
        }
    }
    out.push_str("}\n");
    out
}

/// A Mermaid label: control characters made visible and everything Mermaid
/// or HTML could read as markup written as an entity code.
fn mermaid_label(text: &str) -> String {
    let mut out = String::new();
    for c in escape_controls(text).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out
}

/// The plan's dependency graph as a Mermaid flowchart (put it in a
/// ```` ```mermaid ```` block to show it in GitHub or GitLab Markdown).
pub fn render_mermaid(plan: &Plan) -> String {
    let mut out = String::from("flowchart LR\n");
    let names = node_names(plan);
    let node = |out: &mut String, index: usize, action: &Action, indent: &str| {
        let class = match action.effect {
            Effect::Create => "create",
            Effect::Update if destructive(action) => "destructive",
            Effect::Update => "update",
            Effect::Destroy => "destroy",
        };
        let _ = writeln!(
            out,
            "{indent}n{index}[\"{} {}<br/>{}\"]:::{class}",
            action.effect.symbol(),
            mermaid_label(&names[index]),
            mermaid_label(&describe(action))
        );
    };
    let (deletes, others): (Vec<_>, Vec<_>) = plan
        .actions
        .iter()
        .enumerate()
        .partition(|(_, action)| matches!(action.change, Change::DeleteAlbum { .. }));
    if plan.actions.is_empty() {
        out.push_str("  empty[\"No changes\"]\n");
    }
    for (index, action) in &others {
        node(&mut out, *index, action, "  ");
    }
    if !deletes.is_empty() {
        out.push_str("  subgraph deletes [\"album deletes (run last)\"]\n");
        for (index, action) in &deletes {
            node(&mut out, *index, action, "    ");
        }
        out.push_str("  end\n");
    }
    let position: BTreeMap<usize, usize> = plan
        .actions
        .iter()
        .enumerate()
        .map(|(index, action)| (action.id, index))
        .collect();
    for (index, action) in plan.actions.iter().enumerate() {
        for dep in &action.depends_on {
            if let Some(&from) = position.get(dep) {
                let _ = writeln!(out, "  n{from} --> n{index}");
            }
        }
    }
    for (class, effect) in [
        ("create", Effect::Create),
        ("update", Effect::Update),
        ("destroy", Effect::Destroy),
    ] {
        let (fill, border) = colours(effect);
        let _ = writeln!(out, "  classDef {class} fill:{fill},stroke:{border}");
    }
    let (fill, _) = colours(Effect::Update);
    let (_, border) = colours(Effect::Destroy);
    let _ = writeln!(
        out,
        "  classDef destructive fill:{fill},stroke:{border},stroke-width:2px"
    );
    out
}
