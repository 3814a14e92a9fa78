//! A small YAML node tree with byte spans, built from saphyr-parser's event stream.
//!
//! saphyr's own node types merge duplicate keys and stop at the first problem; this tree keeps
//! every key of a mapping in order (so duplicates can be reported with both places) and the
//! exact span of every node, which the diagnostics underline.
//!
//! The tree is lean, because a manifest can hold hundreds of thousands of selectors: every node
//! lives in one arena ([`Tree`]) and is 24 bytes, a collection's children are a range of that
//! arena, and a scalar's text is a span of the source (only text that differs from what is
//! written, such as an escaped quoted string, is stored apart).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use saphyr::{Scalar, ScalarStyle};
use saphyr_parser::{Event, Parser, Span};

use super::problem::Problem;
use super::source::{Loc, SourceFile};

/// Most nodes an alias may expand to in one file (guards against "billion laughs").
const ALIAS_NODE_LIMIT: usize = 10_000;

/// Deepest nesting of lists and mappings read (a manifest needs about six levels).
const MAX_DEPTH: usize = 64;

/// Where a scalar's text is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Text {
    /// The source bytes `start..end`.
    Source(u32, u32),
    /// Entry of [`Tree::owned`] (the text differs from the source, e.g. escapes).
    Owned(u32),
}

/// A collection's children: a range of [`Tree::nodes`] (keys and values alternate in a mapping).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Children {
    start: u32,
    len: u32,
}

impl Children {
    fn range(self) -> Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }
}

/// The value of a node, resolved with the YAML 1.2 core schema.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false` (only these spellings: YAML 1.2 core schema).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// Any other scalar, and every quoted one.
    Str(Text),
    /// A sequence.
    Seq(Children),
    /// A mapping, with its entries in source order (duplicates kept).
    Map(Children),
}

/// One YAML node and where it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    /// The resolved value.
    pub value: Value,
    start: u32,
    end: u32,
}

impl Node {
    /// Byte range in the source text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// What kind of value this is, for messages: "a string", "a list", ...
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Whether the node is a scalar (not a list or mapping).
    pub fn is_scalar(&self) -> bool {
        !matches!(self.value, Value::Seq(_) | Value::Map(_))
    }

    fn null(start: u32, end: u32) -> Node {
        Node {
            value: Value::Null,
            start,
            end,
        }
    }
}

/// The nodes of one file and the texts they point to.
pub(crate) struct Tree {
    source: Arc<SourceFile>,
    nodes: Vec<Node>,
    owned: Vec<Box<str>>,
}

impl Tree {
    /// The items of a sequence (empty for any other node).
    pub fn items(&self, node: &Node) -> &[Node] {
        match node.value {
            Value::Seq(children) => self.nodes.get(children.range()).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The entries of a mapping, in source order (empty for any other node).
    pub fn entries(&self, node: &Node) -> impl ExactSizeIterator<Item = (&Node, &Node)> {
        let pairs = match node.value {
            Value::Map(children) => self.nodes.get(children.range()).unwrap_or_default(),
            _ => &[],
        };
        pairs.chunks_exact(2).map(|pair| (&pair[0], &pair[1]))
    }

    /// The text of a string scalar (`None` for other nodes).
    pub fn str(&self, node: &Node) -> Option<&str> {
        match node.value {
            Value::Str(text) => Some(text_of(&self.source.text, &self.owned, text)),
            _ => None,
        }
    }

    /// A scalar's text as written, without quotes; empty for collections.
    pub fn raw(&self, node: &Node) -> &str {
        raw_of(&self.source.text, &self.owned, node)
    }
}

fn text_of<'a>(source: &'a str, owned: &'a [Box<str>], text: Text) -> &'a str {
    match text {
        Text::Source(start, end) => source.get(start as usize..end as usize).unwrap_or_default(),
        Text::Owned(index) => owned.get(index as usize).map_or("", |text| text),
    }
}

fn raw_of<'a>(source: &'a str, owned: &'a [Box<str>], node: &Node) -> &'a str {
    match node.value {
        Value::Str(text) => text_of(source, owned, text),
        Value::Seq(_) | Value::Map(_) => "",
        _ => {
            let written = source.get(node.span()).unwrap_or_default();
            written
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .or_else(|| {
                    written
                        .strip_prefix('\'')
                        .and_then(|t| t.strip_suffix('\''))
                })
                .unwrap_or(written)
        }
    }
}

/// The documents of one file, and the problems met while reading it.
pub(crate) struct Parsed {
    /// Each document's root node.
    pub docs: Vec<Node>,
    /// The nodes the roots refer to.
    pub tree: Tree,
    /// YAML-level problems: syntax errors, duplicate keys, bad tags, alias abuse.
    pub problems: Vec<Problem>,
}

/// Maps saphyr's character positions to byte offsets: the identity for ASCII text, else a
/// checkpoint every 64 characters and a short walk from there.
struct Offsets<'a> {
    text: &'a str,
    checkpoints: Option<Vec<u32>>,
}

/// Characters between two checkpoints.
const CHECKPOINT: usize = 64;

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(CHECKPOINT)
                .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
                .collect()
        });
        Self { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> usize {
        let Some(checkpoints) = &self.checkpoints else {
            return char_index.min(self.text.len());
        };
        let Some(&at) = checkpoints.get(char_index / CHECKPOINT) else {
            return self.text.len();
        };
        let at = at as usize;
        let rest = char_index % CHECKPOINT;
        self.text[at..]
            .char_indices()
            .nth(rest)
            .map_or(self.text.len(), |(i, _)| at + i)
    }
}

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        anchor: usize,
        first: usize,
    },
    Map {
        start: usize,
        flow: bool,
        anchor: usize,
        first: usize,
    },
}

struct Builder<'a> {
    source: &'a Arc<SourceFile>,
    offsets: Offsets<'a>,
    stack: Vec<Frame>,
    /// Children of the open collections, innermost last.
    pending: Vec<Node>,
    nodes: Vec<Node>,
    owned: Vec<Box<str>>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Node>,
    problems: Vec<Problem>,
    alias_nodes: usize,
    alias_reported: bool,
}

fn pos(byte: usize) -> u32 {
    u32::try_from(byte).unwrap_or(u32::MAX)
}

impl Builder<'_> {
    fn loc(&self, range: &Range<usize>) -> Loc {
        Loc::new(self.source.clone(), range.start, range.end)
    }

    fn range(&self, span: &Span) -> Range<usize> {
        self.offsets.byte(span.start.index())..self.offsets.byte(span.end.index())
    }

    fn is_flow_at(&self, byte: usize) -> bool {
        matches!(self.source.text.as_bytes().get(byte), Some(b'[' | b'{'))
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<Cow<'_, saphyr::Tag>>,
        span: &Span,
    ) -> Node {
        let range = self.range(span);
        let (start, end) = (pos(range.start), pos(range.end));
        // A string's text is the source span itself when it is written as is (or quoted
        // without escapes); otherwise it is kept apart.
        let written = self.source.text.get(range.clone()).unwrap_or_default();
        let inner = written
            .strip_prefix(['"', '\''])
            .and_then(|t| t.strip_suffix(['"', '\'']));
        let as_text = |owned: &mut Vec<Box<str>>, text: &str| -> Text {
            if written == text {
                Text::Source(start, end)
            } else if inner == Some(text) {
                Text::Source(start + 1, end.saturating_sub(1))
            } else {
                owned.push(text.into());
                Text::Owned(u32::try_from(owned.len() - 1).unwrap_or(u32::MAX))
            }
        };
        let value = match Scalar::parse_from_cow_and_metadata(text.clone(), style, tag.as_ref()) {
            Some(Scalar::Null) => Value::Null,
            Some(Scalar::Boolean(b)) => Value::Bool(b),
            Some(Scalar::Integer(i)) => Value::Int(i),
            Some(Scalar::FloatingPoint(f)) => Value::Float(f.into_inner()),
            Some(Scalar::String(s)) => Value::Str(as_text(&mut self.owned, &s)),
            None => {
                let tag_text = tag
                    .as_ref()
                    .map(|t| format!("{}{}", t.handle, t.suffix))
                    .unwrap_or_default();
                let loc = self.loc(&range);
                self.problems.push(
                    Problem::at(
                        "yaml_tag",
                        format!("`{text}` is not a valid value for the tag `{tag_text}`"),
                        &loc,
                        "this value does not match its tag",
                    )
                    .with_help("remove the tag, or write a value of the tagged type"),
                );
                Value::Str(as_text(&mut self.owned, &text))
            }
        };
        Node { value, start, end }
    }

    fn count_nodes(&self, node: &Node) -> usize {
        let children = match node.value {
            Value::Seq(children) | Value::Map(children) => children,
            _ => return 1,
        };
        1 + self
            .nodes
            .get(children.range())
            .unwrap_or_default()
            .iter()
            .map(|child| self.count_nodes(child))
            .sum::<usize>()
    }

    fn alias(&mut self, id: usize, span: &Span) -> Node {
        let range = self.range(span);
        let (start, end) = (pos(range.start), pos(range.end));
        let Some(target) = self.anchors.get(&id).copied() else {
            let loc = self.loc(&range);
            self.problems.push(Problem::at(
                "yaml_syntax",
                "this alias refers to no anchor",
                &loc,
                "unknown alias",
            ));
            return Node::null(start, end);
        };
        self.alias_nodes += self.count_nodes(&target);
        if self.alias_nodes > ALIAS_NODE_LIMIT {
            if !self.alias_reported {
                self.alias_reported = true;
                let loc = self.loc(&range);
                self.problems.push(
                    Problem::at(
                        "yaml_alias",
                        format!("aliases expand to more than {ALIAS_NODE_LIMIT} nodes"),
                        &loc,
                        "too many nodes behind this alias",
                    )
                    .with_help("write the values out instead of nesting aliases"),
                );
            }
            return Node::null(start, end);
        }
        // The alias shares the anchored node's children; only its place differs.
        Node {
            start,
            end,
            ..target
        }
    }

    fn push(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node);
        }
        if self.stack.is_empty() {
            self.docs.push(node);
        } else {
            self.pending.push(node);
        }
    }

    /// Moves the open collection's children into the arena.
    fn children(&mut self, first: usize) -> Children {
        let start = self.nodes.len();
        let len = self.pending.len().saturating_sub(first);
        self.nodes
            .extend(self.pending.drain(first.min(self.pending.len())..));
        Children {
            start: pos(start),
            len: pos(len),
        }
    }

    fn end_collection(&mut self, span: &Span) {
        let end_range = self.range(span);
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor) = match frame {
            Frame::Seq {
                start,
                flow,
                anchor,
                first,
            } => {
                let end = if flow {
                    end_range.end
                } else {
                    self.pending
                        .get(first..)
                        .and_then(<[Node]>::last)
                        .map_or(start, |n| n.end as usize)
                };
                let children = self.children(first);
                (
                    Node {
                        value: Value::Seq(children),
                        start: pos(start),
                        end: pos(end.max(start)),
                    },
                    anchor,
                )
            }
            Frame::Map {
                start,
                flow,
                anchor,
                first,
            } => {
                // A key without its value (a syntax error saphyr reports) is dropped.
                if (self.pending.len().saturating_sub(first)) % 2 == 1 {
                    self.pending.pop();
                }
                self.check_duplicate_keys(first);
                let end = if flow {
                    end_range.end
                } else {
                    self.pending
                        .get(first..)
                        .and_then(<[Node]>::last)
                        .map_or(start, |v| (v.end as usize).max(v.start as usize))
                };
                let children = self.children(first);
                (
                    Node {
                        value: Value::Map(children),
                        start: pos(start),
                        end: pos(end.max(start)),
                    },
                    anchor,
                )
            }
        };
        self.push(node, anchor);
    }

    fn check_duplicate_keys(&mut self, first: usize) {
        let entries = self.pending.get(first..).unwrap_or_default();
        if entries.len() < 4 {
            return;
        }
        let text = &self.source.text;
        let mut seen: HashMap<&str, &Node> = HashMap::new();
        let mut found = Vec::new();
        for pair in entries.chunks_exact(2) {
            let key = &pair[0];
            if !key.is_scalar() {
                continue;
            }
            let raw = raw_of(text, &self.owned, key);
            match seen.get(raw) {
                Some(first) => found.push((raw.to_string(), key.span(), first.span())),
                None => {
                    seen.insert(raw, key);
                }
            }
        }
        for (raw, again, first) in found {
            let problem = Problem::at(
                "duplicate_key",
                format!("the key `{raw}` appears twice in the same mapping"),
                &self.loc(&again),
                "duplicate key",
            )
            .also_at(&self.loc(&first), "first defined here")
            .with_help("remove one of them; only the first is used");
            self.problems.push(problem);
        }
    }
}

/// Parses a file into its documents, collecting every YAML-level problem.
///
/// A syntax error ends the parse of that file (the rest cannot be read reliably); the nodes
/// read so far are dropped and only the syntax error is reported.
pub(crate) fn parse(source: &Arc<SourceFile>) -> Parsed {
    let mut builder = Builder {
        source,
        offsets: Offsets::new(&source.text),
        stack: Vec::new(),
        pending: Vec::new(),
        nodes: Vec::new(),
        owned: Vec::new(),
        anchors: HashMap::new(),
        docs: Vec::new(),
        problems: Vec::new(),
        alias_nodes: 0,
        alias_reported: false,
    };
    let unreadable = |problem: Problem| Parsed {
        docs: Vec::new(),
        tree: Tree {
            source: source.clone(),
            nodes: Vec::new(),
            owned: Vec::new(),
        },
        problems: vec![problem],
    };
    let mut parser = Parser::new_from_str(&source.text);
    let mut doc_count = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(err) => {
                let at = builder.offsets.byte(err.marker().index());
                let end = source.text[at..]
                    .chars()
                    .next()
                    .map_or(at, |c| at + c.len_utf8());
                let loc = Loc::new(source.clone(), at, end);
                let problem = Problem::at(
                    "yaml_syntax",
                    format!("this is not valid YAML: {}", err.info()),
                    &loc,
                    err.info().to_string(),
                )
                .with_help("check the indentation, quotes and colons around this position");
                return unreadable(problem);
            }
        };
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                doc_count += 1;
                if doc_count == 2 {
                    let start = builder.range(&span).start;
                    let end = source.text[start..]
                        .char_indices()
                        .nth(3)
                        .map_or(source.text.len(), |(i, _)| start + i);
                    let loc = Loc::new(source.clone(), start, end);
                    builder.problems.push(
                        Problem::at(
                            "multiple_documents",
                            "a manifest file holds one YAML document",
                            &loc,
                            "a second document starts here",
                        )
                        .with_help(
                            "put each part in its own file, or merge them into one document",
                        ),
                    );
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let node = builder.scalar(text, style, tag, &span);
                builder.push(node, anchor);
            }
            Event::Alias(id) => {
                let node = builder.alias(id, &span);
                builder.push(node, 0);
            }
            Event::SequenceStart(..) | Event::MappingStart(..)
                if builder.stack.len() >= MAX_DEPTH =>
            {
                let start = builder.range(&span).start;
                let end = source.text[start..]
                    .chars()
                    .next()
                    .map_or(start, |c| start + c.len_utf8());
                let loc = Loc::new(source.clone(), start, end);
                let problem = Problem::at(
                    "yaml_depth",
                    format!("lists and mappings are nested more than {MAX_DEPTH} levels deep"),
                    &loc,
                    "too deep",
                )
                .with_help("a manifest needs only a few levels; check for unbalanced brackets");
                return unreadable(problem);
            }
            Event::SequenceStart(anchor, _) => {
                let start = builder.range(&span).start;
                let flow = builder.is_flow_at(start);
                let first = builder.pending.len();
                builder.stack.push(Frame::Seq {
                    start,
                    flow,
                    anchor,
                    first,
                });
            }
            Event::MappingStart(anchor, _) => {
                let start = builder.range(&span).start;
                let flow = builder.is_flow_at(start);
                let first = builder.pending.len();
                builder.stack.push(Frame::Map {
                    start,
                    flow,
                    anchor,
                    first,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => builder.end_collection(&span),
        }
    }
    let mut nodes = builder.nodes;
    nodes.shrink_to_fit();
    Parsed {
        docs: builder.docs,
        tree: Tree {
            source: source.clone(),
            nodes,
            owned: builder.owned,
        },
        problems: builder.problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Parsed {
        parse(&Arc::new(SourceFile::new("t.yaml", text)))
    }

    fn span_text<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.span()]
    }

    #[test]
    fn nodes_are_small() {
        assert!(
            std::mem::size_of::<Node>() <= 24,
            "{}",
            std::mem::size_of::<Node>()
        );
    }

    #[test]
    fn spans_cover_nodes() {
        let text = "a: 1\nb:\n  - x: \"q\"\n  - [1, 2]\nc: {d: true}\né: ü\n";
        let parsed = parse_text(text);
        assert!(parsed.problems.is_empty());
        let tree = &parsed.tree;
        let entries: Vec<_> = tree.entries(&parsed.docs[0]).collect();
        assert_eq!(span_text(text, entries[0].0), "a");
        assert_eq!(span_text(text, entries[0].1), "1");
        let items = tree.items(entries[1].1);
        assert_eq!(span_text(text, &items[0]), "x: \"q\"");
        assert_eq!(span_text(text, &items[1]), "[1, 2]");
        assert_eq!(span_text(text, entries[2].1), "{d: true}");
        assert_eq!(span_text(text, entries[3].0), "é");
        assert_eq!(span_text(text, entries[3].1), "ü");
        assert_eq!(tree.str(entries[3].1), Some("ü"));
        let inner: Vec<_> = tree.entries(&items[0]).collect();
        assert_eq!(tree.str(inner[0].1), Some("q"));
    }

    #[test]
    fn texts_are_unescaped_and_raw_is_as_written() {
        let text =
            "a: \"tab\\there\"\nb: 'it''s'\nc: plain text\nd: 12\ne: \"ünï\"\nf: |\n  x\n  y\n";
        let parsed = parse_text(text);
        assert!(parsed.problems.is_empty());
        let tree = &parsed.tree;
        let entries: Vec<_> = tree.entries(&parsed.docs[0]).collect();
        assert_eq!(tree.str(entries[0].1), Some("tab\there"));
        assert_eq!(tree.str(entries[1].1), Some("it's"));
        assert_eq!(tree.str(entries[2].1), Some("plain text"));
        assert_eq!(tree.str(entries[3].1), None);
        assert_eq!(tree.raw(entries[3].1), "12");
        assert_eq!(tree.str(entries[4].1), Some("ünï"));
        assert_eq!(tree.str(entries[5].1), Some("x\ny\n"));
        assert_eq!(tree.raw(entries[0].0), "a");
    }

    #[test]
    fn core_schema_only_true_false_are_bools() {
        let parsed = parse_text("a: yes\nb: true\nc: \"true\"\nd: 1.5\ne: ~\n");
        let entries: Vec<_> = parsed.tree.entries(&parsed.docs[0]).collect();
        assert!(matches!(entries[0].1.value, Value::Str(_)));
        assert!(matches!(entries[1].1.value, Value::Bool(true)));
        assert!(matches!(entries[2].1.value, Value::Str(_)));
        assert!(matches!(entries[3].1.value, Value::Float(_)));
        assert!(matches!(entries[4].1.value, Value::Null));
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let parsed = parse_text("a: 1\nb: 2\na: 3\n");
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].code(), "prysm::manifest::duplicate_key");
        let parsed = parse_text("\"a\": 1\na: 2\n");
        assert_eq!(parsed.problems.len(), 1);
    }

    #[test]
    fn syntax_error_has_position() {
        let parsed = parse_text("a: [1, 2\nb: 3\n");
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].code(), "prysm::manifest::yaml_syntax");
    }

    #[test]
    fn deep_nesting_stops() {
        let text = format!("a: {}{}", "[".repeat(100), "]".repeat(100));
        let parsed = parse_text(&text);
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].code(), "prysm::manifest::yaml_depth");
        // Deeper still, saphyr's own flow limit answers first; either way it is one problem.
        let text = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse_text(&text).problems.len(), 1);
        let mut block = String::new();
        for depth in 0..200 {
            block.push_str(&format!("{}k{depth}:\n", " ".repeat(depth)));
        }
        let parsed = parse_text(&block);
        assert_eq!(parsed.problems[0].code(), "prysm::manifest::yaml_depth");
    }

    #[test]
    fn aliases_expand_and_bombs_stop() {
        let parsed = parse_text("a: &x {k: v}\nb: *x\n");
        assert!(parsed.problems.is_empty());
        let entries: Vec<_> = parsed.tree.entries(&parsed.docs[0]).collect();
        let aliased: Vec<_> = parsed.tree.entries(entries[1].1).collect();
        assert_eq!(parsed.tree.str(aliased[0].1), Some("v"));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{prev}, {prev}, {prev}, {prev}, {prev}, {prev}, {prev}, {prev}, {prev}, {prev}]\n"));
        }
        let parsed = parse_text(&bomb);
        assert!(
            parsed
                .problems
                .iter()
                .any(|p| p.code() == "prysm::manifest::yaml_alias")
        );
    }

    #[test]
    fn offsets_of_non_ascii_text() {
        let text: String = (0..500)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let offsets = Offsets::new(&text);
        for (chars, (bytes, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.byte(chars), bytes);
        }
        assert_eq!(offsets.byte(10_000), text.len());
        let ascii = Offsets::new("abc");
        assert_eq!(ascii.byte(2), 2);
        assert_eq!(ascii.byte(9), 3);
    }
}
