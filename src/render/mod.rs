//! Render: the plan as text for people and as JSON for machines. Both read the
//! same [`crate::plan::Plan`], so they cannot disagree.

pub mod text;

pub use text::{NO_CHANGES, TextOptions, render as render_text, summary_line};

use crate::plan::Plan;

/// The plan as pretty JSON (the documented `--json` format), with a newline.
pub fn render_json(plan: &Plan) -> String {
    let mut json = serde_json::to_string_pretty(plan).unwrap_or_else(|_| String::from("{}"));
    json.push('\n');
    json
}
