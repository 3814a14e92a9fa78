//! Text from a server or a manifest made safe to print on a terminal: nothing
//! in it can move the cursor, change colours, open hyperlinks or reorder text.
//! Used by the client's error messages and by every renderer.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether printing `c` could steer a terminal or disguise text: control
/// characters (ESC, BEL, backspace, CR, LF, tab, DEL, the C1 range with its
/// one-byte CSI), bidirectional marks, embeddings, overrides and isolates, and
/// the Unicode line and paragraph separators.
pub(crate) fn is_unsafe_on_terminal(c: char) -> bool {
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
        )
}

pub(crate) fn escape_unsafe(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe_on_terminal(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(other));
            }
        }
    }
    Cow::Owned(out)
}

/// Text from the server (a file name, title, caption, error message) made
/// safe to print on one line of a terminal: control characters, bidi controls
/// and line breaks are shown escaped, Rust-style (`\u{1b}`, `\n`); everything
/// else, including emoji and any script, is unchanged.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    escape_unsafe(text, false)
}

/// Like [`terminal_safe`], but line breaks (`\n`) stay line breaks: for
/// multi-line texts and messages.
pub fn terminal_safe_lines(text: &str) -> Cow<'_, str> {
    escape_unsafe(text, true)
}
