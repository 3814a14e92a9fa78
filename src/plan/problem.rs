//! Problems found while planning (unresolved selectors, ambiguous albums,
//! conflicting rules), reported like compiler errors with the manifest line.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use crate::manifest::Loc;

/// One problem, pointing at the manifest node it is about.
#[derive(Debug)]
pub struct PlanProblem {
    code: &'static str,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<PlanProblem>,
}

impl PlanProblem {
    /// A problem with a code (`prysm::plan::...`) and a message.
    pub fn new(code: &'static str, message: impl Into<String>) -> PlanProblem {
        PlanProblem {
            code,
            message: message.into(),
            help: None,
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        }
    }

    /// Underlines `loc` with a label. The first label decides the source file;
    /// labels in other files become related notes.
    pub fn at(mut self, loc: &Loc, label: impl Into<String>) -> PlanProblem {
        let label = label.into();
        match &self.source {
            None => {
                self.source = Some(loc.named_source());
                self.labels
                    .push(LabeledSpan::new_with_span(Some(label), loc.span));
            }
            Some(source) if source.name() == loc.source.name => {
                self.labels
                    .push(LabeledSpan::new_with_span(Some(label), loc.span));
            }
            Some(_) => {
                let note = PlanProblem::new(self.code, label.clone()).at(loc, label);
                self.related.push(note);
            }
        }
        self
    }

    /// Adds a hint telling the user what to do.
    pub fn help(mut self, help: impl Into<String>) -> PlanProblem {
        self.help = Some(help.into());
        self
    }

    /// The problem's code.
    pub fn code_str(&self) -> &'static str {
        self.code
    }

    /// The problem's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlanProblem {}

impl Diagnostic for PlanProblem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related
                    .iter()
                    .map(|problem| problem as &dyn Diagnostic),
            ))
        }
    }
}

/// Every problem that stopped a plan, reported together.
#[derive(Debug)]
pub struct PlanProblems {
    problems: Vec<PlanProblem>,
}

impl PlanProblems {
    /// Wraps a non-empty list of problems.
    pub fn new(problems: Vec<PlanProblem>) -> PlanProblems {
        PlanProblems { problems }
    }

    /// The problems.
    pub fn problems(&self) -> &[PlanProblem] {
        &self.problems
    }
}

impl fmt::Display for PlanProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.len() {
            1 => write!(f, "the plan failed with 1 problem"),
            n => write!(f, "the plan failed with {n} problems"),
        }
    }
}

impl std::error::Error for PlanProblems {}

impl Diagnostic for PlanProblems {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("prysm::plan"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(
            self.problems
                .iter()
                .map(|problem| problem as &dyn Diagnostic),
        ))
    }
}
