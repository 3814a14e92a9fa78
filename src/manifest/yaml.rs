//! A small YAML node tree with byte spans, built from saphyr-parser's event stream.
//!
//! saphyr's own node types merge duplicate keys and stop at the first problem; this tree keeps
//! every key of a mapping in order (so duplicates can be reported with both places) and the
//! exact span of every node, which the diagnostics underline.

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

/// The value of a node, resolved with the YAML 1.2 core schema.
#[derive(Clone, Debug)]
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
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, with its entries in source order (duplicates kept).
    Map(Vec<(Node, Node)>),
}

/// One YAML node and where it is.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// The resolved value.
    pub value: Value,
    /// Byte range in the source text.
    pub span: Range<usize>,
    /// For scalars, the scalar's text as written (without quotes); empty for collections.
    pub raw: String,
}

impl Node {
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
}

/// The documents of one file, and the problems met while reading it.
pub(crate) struct Parsed {
    /// Each document's root node.
    pub docs: Vec<Node>,
    /// YAML-level problems: syntax errors, duplicate keys, bad tags, alias abuse.
    pub problems: Vec<Problem>,
}

/// Maps saphyr's character positions to byte offsets.
struct Offsets {
    starts: Vec<usize>,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        starts.push(text.len());
        Self { starts }
    }

    fn byte(&self, char_index: usize) -> usize {
        let last = self.starts.len() - 1;
        self.starts[char_index.min(last)]
    }
}

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        flow: bool,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct Builder<'a> {
    source: &'a Arc<SourceFile>,
    offsets: Offsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Node>,
    problems: Vec<Problem>,
    alias_nodes: usize,
    alias_reported: bool,
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
        let raw = text.to_string();
        let value = match Scalar::parse_from_cow_and_metadata(text, style, tag.as_ref()) {
            Some(Scalar::Null) => Value::Null,
            Some(Scalar::Boolean(b)) => Value::Bool(b),
            Some(Scalar::Integer(i)) => Value::Int(i),
            Some(Scalar::FloatingPoint(f)) => Value::Float(f.into_inner()),
            Some(Scalar::String(s)) => Value::Str(s.into_owned()),
            None => {
                let tag_text = tag
                    .as_ref()
                    .map(|t| format!("{}{}", t.handle, t.suffix))
                    .unwrap_or_default();
                let loc = self.loc(&range);
                self.problems.push(
                    Problem::at(
                        "yaml_tag",
                        format!("`{raw}` is not a valid value for the tag `{tag_text}`"),
                        &loc,
                        "this value does not match its tag",
                    )
                    .with_help("remove the tag, or write a value of the tagged type"),
                );
                Value::Str(raw.clone())
            }
        };
        Node {
            value,
            span: range,
            raw,
        }
    }

    fn count_nodes(node: &Node) -> usize {
        match &node.value {
            Value::Seq(items) => 1 + items.iter().map(Self::count_nodes).sum::<usize>(),
            Value::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| Self::count_nodes(k) + Self::count_nodes(v))
                    .sum::<usize>()
            }
            _ => 1,
        }
    }

    fn alias(&mut self, id: usize, span: &Span) -> Node {
        let range = self.range(span);
        let Some(target) = self.anchors.get(&id).cloned() else {
            let loc = self.loc(&range);
            self.problems.push(Problem::at(
                "yaml_syntax",
                "this alias refers to no anchor",
                &loc,
                "unknown alias",
            ));
            return Node {
                value: Value::Null,
                span: range,
                raw: String::new(),
            };
        };
        self.alias_nodes += Self::count_nodes(&target);
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
            return Node {
                value: Value::Null,
                span: range,
                raw: String::new(),
            };
        }
        Node {
            span: range,
            ..target
        }
    }

    fn push(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
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
                items,
            } => {
                let end = if flow {
                    end_range.end
                } else {
                    items.last().map_or(start, |n| n.span.end)
                };
                (
                    Node {
                        value: Value::Seq(items),
                        span: start..end.max(start),
                        raw: String::new(),
                    },
                    anchor,
                )
            }
            Frame::Map {
                start,
                flow,
                anchor,
                entries,
                ..
            } => {
                self.check_duplicate_keys(&entries);
                let end = if flow {
                    end_range.end
                } else {
                    entries
                        .last()
                        .map_or(start, |(_, v)| v.span.end.max(v.span.start))
                };
                (
                    Node {
                        value: Value::Map(entries),
                        span: start..end.max(start),
                        raw: String::new(),
                    },
                    anchor,
                )
            }
        };
        self.push(node, anchor);
    }

    fn check_duplicate_keys(&mut self, entries: &[(Node, Node)]) {
        let mut seen: HashMap<&str, &Node> = HashMap::new();
        for (key, _) in entries {
            if !key.is_scalar() {
                continue;
            }
            if let Some(first) = seen.get(key.raw.as_str()) {
                let problem = Problem::at(
                    "duplicate_key",
                    format!("the key `{}` appears twice in the same mapping", key.raw),
                    &self.loc(&key.span),
                    "duplicate key",
                )
                .also_at(&self.loc(&first.span), "first defined here")
                .with_help("remove one of them; only the first is used");
                self.problems.push(problem);
            } else {
                seen.insert(key.raw.as_str(), key);
            }
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
        anchors: HashMap::new(),
        docs: Vec::new(),
        problems: Vec::new(),
        alias_nodes: 0,
        alias_reported: false,
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
                return Parsed {
                    docs: Vec::new(),
                    problems: vec![problem],
                };
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
                return Parsed {
                    docs: Vec::new(),
                    problems: vec![problem],
                };
            }
            Event::SequenceStart(anchor, _) => {
                let start = builder.range(&span).start;
                let flow = builder.is_flow_at(start);
                builder.stack.push(Frame::Seq {
                    start,
                    flow,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, _) => {
                let start = builder.range(&span).start;
                let flow = builder.is_flow_at(start);
                builder.stack.push(Frame::Map {
                    start,
                    flow,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => builder.end_collection(&span),
        }
    }
    Parsed {
        docs: builder.docs,
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
        &text[node.span.clone()]
    }

    #[test]
    fn spans_cover_nodes() {
        let text = "a: 1\nb:\n  - x: \"q\"\n  - [1, 2]\nc: {d: true}\né: ü\n";
        let parsed = parse_text(text);
        assert!(parsed.problems.is_empty());
        let Value::Map(entries) = &parsed.docs[0].value else {
            panic!()
        };
        assert_eq!(span_text(text, &entries[0].0), "a");
        assert_eq!(span_text(text, &entries[0].1), "1");
        let Value::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(span_text(text, &items[0]), "x: \"q\"");
        assert_eq!(span_text(text, &items[1]), "[1, 2]");
        assert_eq!(span_text(text, &entries[2].1), "{d: true}");
        assert_eq!(span_text(text, &entries[3].0), "é");
        assert_eq!(span_text(text, &entries[3].1), "ü");
    }

    #[test]
    fn core_schema_only_true_false_are_bools() {
        let parsed = parse_text("a: yes\nb: true\nc: \"true\"\nd: 1.5\ne: ~\n");
        let Value::Map(entries) = &parsed.docs[0].value else {
            panic!()
        };
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
}
