//! Manifest problems (one per mistake) and the error that carries all of them.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, NamedSource,
    Severity, SourceCode, SourceSpan, SpanContents,
};

use super::source::{Loc, SourceFile};

/// The prefix of every manifest problem code.
const CODE_PREFIX: &str = "prysm::manifest::";

/// One mistake in a manifest: a code, a message, the node it is about and a hint.
///
/// A problem that involves two places (a duplicate, a conflict) labels both when they are in
/// the same file, and otherwise carries a related note pointing into the other file.
pub struct Problem {
    code: String,
    message: String,
    help: Option<String>,
    severity: Severity,
    source: Option<Arc<SourceFile>>,
    named: Option<NamedSource<SharedText>>,
    labels: Vec<(SourceSpan, Option<String>, bool)>,
    related: Vec<Problem>,
}

impl Problem {
    /// Turns the problem into a warning: reported, but the manifest stays usable.
    pub(crate) fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Whether this is a warning rather than an error.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// A problem about the node at `loc`, underlined with `label`.
    pub(crate) fn at(
        code: &str,
        message: impl Into<String>,
        loc: &Loc,
        label: impl Into<String>,
    ) -> Self {
        let label = label.into();
        Self {
            code: format!("{CODE_PREFIX}{code}"),
            message: message.into(),
            help: None,
            severity: Severity::Error,
            source: Some(loc.source.clone()),
            named: Some(
                NamedSource::new(&loc.source.name, SharedText(loc.source.clone()))
                    .with_language("yaml"),
            ),
            labels: vec![(loc.span, (!label.is_empty()).then_some(label), true)],
            related: Vec::new(),
        }
    }

    /// A problem that is about no node (an unreadable path, for example).
    pub(crate) fn general(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: format!("{CODE_PREFIX}{code}"),
            message: message.into(),
            help: None,
            severity: Severity::Error,
            source: None,
            named: None,
            labels: Vec::new(),
            related: Vec::new(),
        }
    }

    /// Adds a hint shown under the snippet.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names a second place the problem is about: a second label when it is in the same
    /// file, otherwise a related note that shows the other file.
    pub(crate) fn also_at(mut self, loc: &Loc, label: impl Into<String>) -> Self {
        let label = label.into();
        let same_file = self
            .source
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(s, &loc.source) || s.name == loc.source.name);
        if same_file {
            self.labels.push((loc.span, Some(label), false));
        } else {
            let mut note = Problem::at(&self.code[CODE_PREFIX.len()..], label.clone(), loc, label);
            note.severity = Severity::Advice;
            self.related.push(note);
        }
        self
    }

    /// The full problem code, e.g. `prysm::manifest::unknown_field`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if there is one.
    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Where the problem is (its primary label), if it is about a node.
    pub fn loc(&self) -> Option<Loc> {
        let source = self.source.clone()?;
        let (span, _, _) = self.labels.iter().find(|(_, _, primary)| *primary)?;
        Some(Loc {
            source,
            span: *span,
        })
    }

    /// Every place this problem names: its labels and those of its related notes.
    pub fn locs(&self) -> Vec<Loc> {
        let mut out = Vec::new();
        if let Some(source) = &self.source {
            for (span, _, _) in &self.labels {
                out.push(Loc {
                    source: source.clone(),
                    span: *span,
                });
            }
        }
        for related in &self.related {
            out.extend(related.locs());
        }
        out
    }

    /// Notes that point at other files.
    pub fn related_problems(&self) -> &[Problem] {
        &self.related
    }

    /// The key problems are ordered by: file name, then position.
    pub(crate) fn sort_key(&self) -> (String, usize) {
        match self.loc() {
            Some(loc) => (loc.source.name.clone(), loc.span.offset()),
            None => (String::new(), 0),
        }
    }
}

impl fmt::Debug for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Problem");
        s.field("code", &self.code).field("message", &self.message);
        if let Some(loc) = self.loc() {
            s.field("at", &loc.display());
        }
        s.finish()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.named.as_ref().map(|n| n as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().map(|(span, text, primary)| {
            if *primary {
                LabeledSpan::new_primary_with_span(text.clone(), *span)
            } else {
                LabeledSpan::new_with_span(text.clone(), *span)
            }
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|p| p as &dyn Diagnostic)))
    }
}

/// A file's text shared between all problems about it (no copy per problem).
struct SharedText(Arc<SourceFile>);

impl SourceCode for SharedText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        self.0
            .text
            .read_span(span, context_lines_before, context_lines_after)
    }
}

/// The manifest could not be used: every problem found in every file.
pub struct ManifestError {
    problems: Vec<Problem>,
}

impl ManifestError {
    /// Wraps the problems found (sorted by file and position, stable otherwise).
    pub(crate) fn new(mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(Problem::sort_key);
        Self { problems }
    }

    /// Every problem, ordered by file and position.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Debug for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManifestError")
            .field("problems", &self.problems)
            .finish()
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        let noun = if n == 1 { "problem" } else { "problems" };
        write!(f, "found {n} {noun} in the manifest")
    }
}

impl std::error::Error for ManifestError {}

impl Diagnostic for ManifestError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("prysm::manifest::invalid"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.problems.iter().map(|p| p as &dyn Diagnostic)))
    }
}

/// Renders every problem the way `prysm validate` prints them: miette's graphical report,
/// 100 columns wide; with `color` false it uses plain ASCII and no escape codes.
pub fn render_problems(err: &ManifestError, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::none()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, err).is_err() {
        // Rendering into a String cannot fail on I/O; fall back to plain messages anyway.
        out = err.to_string();
        for p in &err.problems {
            out.push_str(&format!("\n  {}: {}", p.code, p.message));
        }
    }
    out
}
