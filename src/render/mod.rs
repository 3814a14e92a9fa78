//! Render: the plan as text for people, as JSON for machines, as Markdown for
//! pull-request comments, as an HTML page with thumbnails for reviewers, and its dependency graph as DOT or Mermaid. All read
//! the same [`crate::plan::Plan`], so they cannot disagree.

pub mod graph_view;
pub mod html;
pub mod markdown;
pub mod text;

pub use graph_view::{render_dot, render_mermaid};
pub use html::{HtmlOptions, render as render_html};
pub use markdown::{MarkdownOptions, SavedInfo, render as render_markdown};
pub use text::{NO_CHANGES, TextOptions, render as render_text, summary_line};

use crate::plan::Plan;

/// The plan as pretty JSON (the documented `--json` format), with a newline.
pub fn render_json(plan: &Plan) -> String {
    let mut json = serde_json::to_string_pretty(plan).unwrap_or_else(|_| String::from("{}"));
    json.push('\n');
    json
}
