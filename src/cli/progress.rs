//! Apply progress: a bar on a terminal, one line per action otherwise.

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use crate::apply::{ActionResult, ApplyObserver, Status, describe};
use crate::plan::Action;
use crate::render::text::terminal_safe;

/// Prints one line per finished action to standard error.
#[derive(Debug, Default)]
pub struct LinePrinter;

impl ApplyObserver for LinePrinter {
    fn started(&self, _actions: &[&Action]) {}

    fn finished(&self, result: &ActionResult) {
        eprintln!("{}", line(result));
    }
}

/// One progress line; names and messages from the server are escaped.
fn line(result: &ActionResult) -> String {
    let address = terminal_safe(&result.address);
    let description = terminal_safe(&result.description);
    match &result.status {
        Status::Succeeded => match &result.note {
            Some(note) => format!(
                "ok      {address}: {description}\n        {}",
                terminal_safe(note)
            ),
            None => format!("ok      {address}: {description}"),
        },
        Status::Failed(message) => format!(
            "FAILED  {address}: {description}\n        {}",
            terminal_safe(message)
        ),
        Status::Skipped(why) => {
            format!("skipped {address}: {description} ({})", terminal_safe(why))
        }
        Status::NotStarted => format!("not started {address}: {description} (interrupted)"),
    }
}

/// A progress bar on standard error; failures are printed above it.
pub struct Bar {
    bar: ProgressBar,
    running: Mutex<Vec<String>>,
}

impl Bar {
    /// A bar for `total` actions.
    pub fn new(total: usize) -> Bar {
        let bar = ProgressBar::new(total as u64);
        let style = ProgressStyle::with_template("{bar:30} {pos}/{len} actions  {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar {
            bar,
            running: Mutex::new(Vec::new()),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ApplyObserver for Bar {
    fn started(&self, actions: &[&Action]) {
        if let Some(first) = actions.first() {
            let message = terminal_safe(&describe(first)).into_owned();
            if let Ok(mut running) = self.running.lock() {
                running.push(message.clone());
            }
            self.bar.set_message(message);
        }
    }

    fn finished(&self, result: &ActionResult) {
        if !matches!(result.status, Status::Succeeded) || result.note.is_some() {
            self.bar.println(line(result));
        }
        self.bar.inc(1);
    }
}

/// A spinner on standard error while the plan reads the server (terminals only).
pub struct Reading(Option<ProgressBar>);

impl Reading {
    /// Starts the spinner when standard error is a terminal.
    pub fn start(server: &str) -> Reading {
        use std::io::IsTerminal;
        if !std::io::stderr().is_terminal() {
            return Reading(None);
        }
        let spinner = ProgressBar::new_spinner();
        spinner.set_message(format!(
            "Reading the library from {}...",
            terminal_safe(server)
        ));
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        Reading(Some(spinner))
    }
}

/// Reads of at least this many pages show how far they are.
const LONG_READ: usize = 20;

impl Reading {
    /// Where the plan reports the pages it reads: on a terminal, a long read
    /// (from [`LONG_READ`] pages) turns the spinner into `read/known pages`.
    /// `None` (silent) when standard error is not a terminal.
    pub fn sink(&self) -> Option<std::sync::Arc<dyn crate::state::ReadProgress>> {
        self.0
            .as_ref()
            .map(|bar| std::sync::Arc::new(PagesBar(bar.clone())) as _)
    }
}

/// Shows `read/known pages` on the reading spinner.
struct PagesBar(ProgressBar);

impl crate::state::ReadProgress for PagesBar {
    fn pages(&self, read: usize, known: usize) {
        if known >= LONG_READ {
            self.0.set_message(format!(
                "Reading the library: {read}/{known} pages ({}%)",
                read * 100 / known.max(1)
            ));
        }
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        if let Some(spinner) = &self.0 {
            spinner.finish_and_clear();
        }
    }
}
