//! The `prysm` command line: argument parsing, connecting, and printing.
//! The work itself lives in the library modules.

mod adopt_cmd;
mod apply_cmd;
mod clean;
mod completions;
mod connect;
mod drift_cmd;
mod error;
mod export;
mod graph_cmd;
mod interrupt;
mod jobs_cmd;
mod plan_cmd;
mod progress;
mod show_cmd;
mod snapshot_cmd;
mod undo_cmd;
mod upload_cmd;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Parser, Subcommand};

pub use clean::Clean;
pub use connect::Connection;
pub use error::CliError;
pub use interrupt::Interrupts;

/// Manage a PhotoPrism library declaratively: albums, membership, favorites
/// and photo properties from YAML manifests, with plan and apply.
#[derive(Debug, Parser)]
#[command(name = "prysm", version, about, long_about = None)]
pub struct Cli {
    /// Server and credentials.
    #[command(flatten)]
    pub connection: Connection,
    /// Never use colour (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check manifests offline; no server needed.
    Validate(ManifestArgs),
    /// Show what apply would do; never writes to the server.
    Plan(PlanArgs),
    /// Make the plan (or read a saved one), confirm, and carry it out.
    Apply(ApplyArgs),
    /// Take back an apply, from its journal (default: the last one).
    Undo(UndoArgs),
    /// List the changes made on the server (outside prysm) since the last apply; exit 2 if any.
    Drift(DriftArgs),
    /// Write a manifest that describes the server as it is.
    Export(ExportArgs),
    /// Print the JSON Schema of the manifest (or, with --plan, of the JSON plan).
    Schema(SchemaArgs),
    /// Print a saved plan (text, --json or --markdown) without contacting the server
    /// (--html FILE reads thumbnails from it).
    Show(ShowArgs),
    /// Print the plan's dependency graph as Graphviz DOT (or --mermaid).
    Graph(GraphArgs),
    /// Save the server state a plan of the manifests reads, for `prysm plan --state FILE`.
    Snapshot(SnapshotArgs),
    /// Rewrite the manifests so that they describe what the server has (the opposite of apply).
    Adopt(AdoptArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command with --dir.
    Man(ManArgs),
    /// Upload files (directories are walked); files the server has already are skipped.
    Upload(upload_cmd::UploadArgs),
    /// Import the server's import folder (or a folder in it) and wait until done.
    Import(jobs_cmd::ImportArgs),
    /// Index the server's originals (or a folder in them) and wait until done.
    Index(jobs_cmd::IndexArgs),
}

/// Where apply journals go.
#[derive(Debug, Args)]
pub struct JournalArgs {
    /// Directory of the apply journals (one JSON Lines file per apply).
    #[arg(long = "journal", value_name = "DIR", env = "PRYSM_JOURNAL", default_value = crate::journal::DEFAULT_DIR)]
    pub journal_dir: PathBuf,
    /// Do not write a journal.
    #[arg(long)]
    pub no_journal: bool,
}

/// Arguments of `prysm undo`.
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The journal of the apply to take back (default: the last apply's in the journal directory).
    #[arg(value_name = "JOURNAL")]
    pub file: Option<PathBuf>,
    /// Journal directory and switch (the undo writes its own journal).
    #[command(flatten)]
    pub journal: JournalArgs,
    /// Also revert items the server changed since the apply (conflicts).
    #[arg(long)]
    pub force: bool,
    /// Save the undo plan to FILE and stop (nothing is changed); `prysm apply FILE` carries it
    /// out while the server still gives the same undo plan.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the plan (and the result) as JSON.
    #[arg(long)]
    pub json: bool,
    /// Only show the plan: exit 0 when there is nothing to undo, 2 when there is.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// How many operations may run at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub parallelism: usize,
    /// List every photo instead of summarising long lists.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Arguments of `prysm drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Directory of the apply journals.
    #[arg(long = "journal", value_name = "DIR", env = "PRYSM_JOURNAL", default_value = crate::journal::DEFAULT_DIR)]
    pub journal_dir: PathBuf,
    /// Compare with this journal instead of the last apply's.
    #[arg(long, value_name = "JOURNAL")]
    pub baseline: Option<PathBuf>,
    /// Print the changes as a JSON plan.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the changes as Markdown.
    #[arg(long)]
    pub markdown: bool,
    /// List every photo instead of summarising long lists.
    #[arg(short, long)]
    pub verbose: bool,
    /// How many read requests may run at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
}

/// Arguments of `prysm show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved by `prysm plan --out FILE` (or `prysm undo --out FILE`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the plan as JSON (the documented format).
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the plan as Markdown, for a pull-request comment.
    #[arg(long)]
    pub markdown: bool,
    /// List every photo instead of summarising long lists (text).
    #[arg(short, long)]
    pub verbose: bool,
    /// Write the plan as an HTML page with thumbnails to FILE. Saved plans hold no
    /// file hashes, so this reads the thumbnails from the plan's server (the usual
    /// connection options) unless --no-thumbnails is given.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// With --html: at most N thumbnails per list (the rest are counted).
    #[arg(long, value_name = "N", default_value_t = crate::render::html::DEFAULT_PER_ALBUM)]
    pub html_per_album: usize,
    /// With --html: the page's size budget in KiB; thumbnails past it are left out.
    #[arg(long, value_name = "KIB", default_value_t = crate::render::html::DEFAULT_MAX_BYTES / 1024)]
    pub html_max_kib: usize,
    /// With --html: do not contact the server; photos show as labelled placeholders.
    #[arg(long, requires = "html")]
    pub no_thumbnails: bool,
    /// With --html: how many thumbnail requests may run at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
}

/// Arguments of `prysm graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Make the plan from these manifests (a file or directory, repeatable); reads the server.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "PATH",
        conflicts_with = "plan_file",
        required_unless_present = "plan_file"
    )]
    pub files: Vec<PathBuf>,
    /// A plan saved by `prysm plan --out FILE` (or `prysm undo --out FILE`).(read offline).
    #[arg(value_name = "FILE")]
    pub plan_file: Option<PathBuf>,
    /// Print a Mermaid flowchart instead of DOT (for Markdown).
    #[arg(long)]
    pub mermaid: bool,
    /// Limit the plan to this address and what it depends on (repeatable; with -f).
    #[arg(long = "target", value_name = "ADDR", conflicts_with = "plan_file")]
    pub targets: Vec<String>,
    /// Pass the destructive-change budgets (with -f).
    #[arg(long, conflicts_with = "plan_file")]
    pub allow_destroy: bool,
    /// How many read requests may run at once (with -f).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
}

/// Arguments of `prysm snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// A manifest file or a directory of *.yaml / *.yml files (repeatable).
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    pub files: Vec<PathBuf>,
    /// Write the snapshot to FILE (JSON; schema: `prysm schema --snapshot`).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
    /// Read only what a plan limited to this address reads (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,
    /// How many read requests may run at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
}

/// Arguments of `prysm adopt`.
#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// A manifest file or a directory of *.yaml / *.yml files (repeatable); edited in place.
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    pub files: Vec<PathBuf>,
    /// Adopt only the changes at this address (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,
    /// Print a unified diff of the files instead of writing them.
    #[arg(long)]
    pub dry_run: bool,
    /// Read the server state from a snapshot (`prysm snapshot`) instead of the server.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// How many read requests may run at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
}

/// Arguments of `prysm completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `prysm man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write prysm.1 and one page per command (prysm-plan.1, ...) into DIR.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Where the manifests are.
#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// A manifest file or a directory of *.yaml / *.yml files (repeatable).
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    pub files: Vec<PathBuf>,
}

/// Arguments of `prysm plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// A manifest file or a directory of *.yaml / *.yml files (repeatable).
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    pub files: Vec<PathBuf>,
    /// Save the plan to FILE, for `prysm apply FILE`.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the plan as JSON (the documented format) instead of text.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the plan as Markdown, for a pull-request comment.
    #[arg(long)]
    pub markdown: bool,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Limit the plan to this address and what it depends on (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,
    /// Pass the destructive-change budgets (`settings.max_destroy`, `max_remove_percent`,
    /// `max_remove_photos`, `max_archive`, `max_link_deletes`, `allow_empty_query`).
    #[arg(long)]
    pub allow_destroy: bool,
    /// List every photo instead of summarising long lists.
    #[arg(short, long)]
    pub verbose: bool,
    /// How many read requests may run at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Also write the plan as one self-contained HTML page with thumbnails to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// With --html: at most N thumbnails per list (the rest are counted).
    #[arg(long, value_name = "N", default_value_t = crate::render::html::DEFAULT_PER_ALBUM)]
    pub html_per_album: usize,
    /// With --html: the page's size budget in KiB; thumbnails past it are left out.
    #[arg(long, value_name = "KIB", default_value_t = crate::render::html::DEFAULT_MAX_BYTES / 1024)]
    pub html_max_kib: usize,
    /// Directory of the apply journals, whose newest apply is the baseline for drift labels.
    #[arg(long = "journal", value_name = "DIR", env = "PRYSM_JOURNAL", default_value = crate::journal::DEFAULT_DIR)]
    pub journal_dir: PathBuf,
    /// Label changes against this journal instead of the last apply's.
    #[arg(long, value_name = "JOURNAL")]
    pub baseline: Option<PathBuf>,
    /// Do not label changes with their cause (skips reading the last apply's manifest).
    #[arg(long)]
    pub no_drift: bool,
    /// Plan offline from a snapshot saved by `prysm snapshot` (the server is not contacted).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

/// Arguments of `prysm apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A manifest file or a directory (repeatable); not with a saved plan.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "PATH",
        conflicts_with = "plan_file"
    )]
    pub files: Vec<PathBuf>,
    /// A plan saved by `prysm plan --out FILE` (or `prysm undo --out FILE`).
    #[arg(value_name = "FILE")]
    pub plan_file: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// How many operations may run at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub parallelism: usize,
    /// Limit the apply to this address and what it depends on (repeatable).
    #[arg(long = "target", value_name = "ADDR", conflicts_with = "plan_file")]
    pub targets: Vec<String>,
    /// Pass the destructive-change budgets (see `prysm plan --help`).
    #[arg(long, conflicts_with = "plan_file")]
    pub allow_destroy: bool,
    /// Print the plan and the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// List every photo instead of summarising long lists.
    #[arg(short, long)]
    pub verbose: bool,
    /// Where the journal of this apply goes.
    #[command(flatten)]
    pub journal: JournalArgs,
}

/// Arguments of `prysm schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the schema of the JSON plan format instead of the manifest's.
    #[arg(long, conflicts_with = "snapshot")]
    pub plan: bool,
    /// Print the schema of the snapshot file (`prysm snapshot`).
    #[arg(long)]
    pub snapshot: bool,
}

/// Arguments of `prysm export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write the manifest to this file instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Whether to colour output written to stdout.
pub fn use_color(no_color: bool) -> bool {
    !no_color
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::io::stdout().is_terminal()
}

/// Whether errors on standard error are coloured (set once by [`main`]).
static STDERR_COLOR: AtomicBool = AtomicBool::new(false);

/// The miette handler errors are printed with.
fn report_handler() -> miette::MietteHandler {
    let color = STDERR_COLOR.load(Ordering::Relaxed);
    miette::MietteHandlerOpts::new()
        .color(color)
        .unicode(color)
        .terminal_links(false)
        .build()
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = use_color(cli.no_color);
    let stderr_color = !cli.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::io::stderr().is_terminal();
    STDERR_COLOR.store(stderr_color, Ordering::Relaxed);
    let _ = miette::set_hook(Box::new(|_| Box::new(report_handler())));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(run(cli, color));
    // A confirmation prompt cut short by Ctrl-C leaves a thread blocked on
    // standard input: do not wait for it.
    runtime.shutdown_background();
    match result {
        Ok(code) => code,
        Err(error) => {
            let code = error.exit_code();
            error.print();
            ExitCode::from(code)
        }
    }
}

/// Runs one parsed command.
pub async fn run(cli: Cli, color: bool) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Validate(args) => validate(&args),
        Command::Schema(args) => {
            if args.plan {
                print!("{}", crate::plan::plan_json_schema_string());
            } else if args.snapshot {
                print!("{}", crate::snapshot::snapshot_json_schema_string());
            } else {
                print!("{}", crate::manifest::json_schema_string());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan(args) => plan_cmd::run(&cli.connection, &args, color).await,
        Command::Apply(args) => apply_cmd::run(&cli.connection, &args, color).await,
        Command::Undo(args) => undo_cmd::run(&cli.connection, &args, color).await,
        Command::Drift(args) => drift_cmd::run(&cli.connection, &args, color).await,
        Command::Export(args) => export::run(&cli.connection, &args).await,
        Command::Show(args) => show_cmd::run(&cli.connection, &args, color).await,
        Command::Snapshot(args) => snapshot_cmd::run(&cli.connection, &args).await,
        Command::Adopt(args) => adopt_cmd::run(&cli.connection, &args).await,
        Command::Graph(args) => graph_cmd::run(&cli.connection, &args).await,
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
        Command::Upload(args) => upload_cmd::run(&cli.connection, &args).await,
        Command::Import(args) => jobs_cmd::import(&cli.connection, &args).await,
        Command::Index(args) => jobs_cmd::index(&cli.connection, &args).await,
    }
}

/// Prints a manifest's warnings to standard error.
pub fn print_warnings(manifest: &crate::manifest::Manifest) {
    let color = std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::io::stderr().is_terminal();
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    for warning in &manifest.warnings {
        let mut out = String::new();
        if handler
            .render_report(&mut out, &Clean::new(warning.as_ref()))
            .is_err()
        {
            out = Clean::new(warning.as_ref()).to_string();
        }
        eprintln!("{out}");
    }
}

fn validate(args: &ManifestArgs) -> Result<ExitCode, CliError> {
    match crate::manifest::load(&args.files) {
        Ok(manifest) => {
            print_warnings(&manifest);
            let warnings = match manifest.warnings.len() {
                0 => String::new(),
                1 => " (1 warning)".to_string(),
                n => format!(" ({n} warnings)"),
            };
            println!(
                "The manifest is valid{warnings}: {} album{}, {} photo rule{} in {} file{}.",
                manifest.albums.len(),
                plural(manifest.albums.len()),
                manifest.photos.len(),
                plural(manifest.photos.len()),
                manifest.files.len(),
                plural(manifest.files.len()),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => Err(CliError::Manifest(error)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
