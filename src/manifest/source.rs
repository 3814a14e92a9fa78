//! Manifest source files and locations inside them.

use std::fmt;
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

/// One manifest file: its name (the path as given) and its text.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file's name as the user gave it (used in every diagnostic).
    pub name: String,
    /// The file's full text.
    pub text: String,
}

impl SourceFile {
    /// Creates a source file from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .field("len", &self.text.len())
            .finish()
    }
}

/// Where a node is: a file and a byte span inside it.
#[derive(Clone)]
pub struct Loc {
    /// The file the node is in.
    pub source: Arc<SourceFile>,
    /// The node's byte span in [`SourceFile::text`].
    pub span: SourceSpan,
}

impl Loc {
    /// Creates a location from a file and a byte range.
    pub fn new(source: Arc<SourceFile>, start: usize, end: usize) -> Self {
        let len = end.saturating_sub(start);
        Self {
            source,
            span: SourceSpan::new(start.into(), len),
        }
    }

    /// The 1-based line and column (in characters) of the start of the node.
    pub fn line_col(&self) -> (usize, usize) {
        let text = &self.source.text;
        let mut offset = self.span.offset().min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// The file as a miette source, named by its path.
    pub fn named_source(&self) -> NamedSource<String> {
        NamedSource::new(&self.source.name, self.source.text.clone()).with_language("yaml")
    }

    /// `file.yaml:12:7`: the file name, line and column.
    pub fn display(&self) -> String {
        let (line, col) = self.line_col();
        format!("{}:{line}:{col}", self.source.name)
    }

    /// Whether both locations are in the same file.
    pub fn same_file(&self, other: &Loc) -> bool {
        Arc::ptr_eq(&self.source, &other.source) || self.source.name == other.source.name
    }

    /// The source text the span covers.
    pub fn snippet(&self) -> &str {
        let start = self.span.offset();
        let end = start + self.span.len();
        self.source.text.get(start..end).unwrap_or("")
    }
}

impl fmt::Debug for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl PartialEq for Loc {
    fn eq(&self, other: &Self) -> bool {
        self.same_file(other) && self.span == other.span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = Arc::new(SourceFile::new("a.yaml", "a: 1\nbé: xyz\n"));
        let offset = src.text.find("xyz").unwrap();
        let loc = Loc::new(src, offset, offset + 3);
        assert_eq!(loc.line_col(), (2, 5));
        assert_eq!(loc.display(), "a.yaml:2:5");
        assert_eq!(loc.snippet(), "xyz");
    }
}
