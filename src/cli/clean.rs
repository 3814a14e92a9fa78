//! Errors shown with the server's text made harmless: [`Clean`] presents a
//! diagnostic with every message, label, help and cause passed through
//! [`terminal_safe_lines`], so that an album title or server message holding
//! escape sequences cannot steer the terminal the error is printed on.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, Severity, SourceCode};

use crate::render::text::terminal_safe_lines;

/// A diagnostic's text, escaped; the source code it points into is shown as is
/// (it is the user's own manifest).
pub struct Clean<'a> {
    inner: &'a dyn Diagnostic,
    message: String,
    code: Option<String>,
    help: Option<String>,
    url: Option<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Clean<'a>>,
    diagnostic_source: Option<Box<Clean<'a>>>,
    cause: Option<Box<Cause>>,
}

/// One link of an error's `source()` chain, as escaped text.
#[derive(Debug)]
struct Cause {
    message: String,
    next: Option<Box<Cause>>,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.next
            .as_deref()
            .map(|next| next as &(dyn std::error::Error + 'static))
    }
}

fn clean(text: impl fmt::Display) -> String {
    terminal_safe_lines(&text.to_string()).into_owned()
}

fn causes(error: Option<&(dyn std::error::Error + 'static)>) -> Option<Box<Cause>> {
    let error = error?;
    Some(Box::new(Cause {
        message: clean(error),
        next: causes(error.source()),
    }))
}

impl<'a> Clean<'a> {
    /// The escaped view of `inner`.
    pub fn new(inner: &'a dyn Diagnostic) -> Clean<'a> {
        let labels = inner
            .labels()
            .map(|labels| {
                labels
                    .map(|mut label| {
                        let text = label.label().map(clean);
                        label.set_label(text);
                        label
                    })
                    .collect()
            })
            .unwrap_or_default();
        Clean {
            inner,
            message: clean(inner),
            code: inner.code().map(clean),
            help: inner.help().map(clean),
            url: inner.url().map(clean),
            labels,
            related: inner
                .related()
                .map(|related| related.map(Clean::new).collect())
                .unwrap_or_default(),
            diagnostic_source: inner
                .diagnostic_source()
                .map(|source| Box::new(Clean::new(source))),
            cause: causes(inner.source()),
        }
    }
}

impl fmt::Debug for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Clean<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

impl Diagnostic for Clean<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.url
            .as_ref()
            .map(|url| Box::new(url) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.inner.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related
                    .iter()
                    .map(|related| related as &dyn Diagnostic),
            ))
        }
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.diagnostic_source
            .as_deref()
            .map(|source| source as &dyn Diagnostic)
    }
}

/// Renders a diagnostic, escaped, with the handler prysm uses for errors.
pub fn render(diagnostic: &dyn Diagnostic) -> String {
    struct Show<'a>(&'a miette::MietteHandler, &'a dyn Diagnostic);
    impl fmt::Display for Show<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            miette::ReportHandler::debug(self.0, self.1, f)
        }
    }
    let handler = super::report_handler();
    let clean = Clean::new(diagnostic);
    Show(&handler, &clean).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_an_error_is_escaped() {
        let error = crate::photoprism::Error::from_status(
            500,
            "GET",
            "/api/v1/albums",
            "{\"error\":\"boom\\u001b[2J\\u202eevil\"}".as_bytes(),
            None,
        );
        let cli = super::super::CliError::from(error);
        let text = render(&cli);
        assert!(text.contains("boom\\u{1b}[2J\\u{202e}evil"), "{text}");
        assert!(
            !text.chars().any(|c| c == '\u{1b}' || c == '\u{202e}'),
            "{text:?}"
        );
    }
}
