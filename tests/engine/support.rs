//! Shared test support: an emulator seeded with the example library and a
//! logged-in client, plus helpers to plan and apply manifest text.

use prysm::apply::{ApplyOptions, ApplyReport, Silent, apply};
use prysm::manifest::{Manifest, parse_str};
use prysm::photoprism::{Client, ClientOptions, Credentials, RetryPolicy, Secret, ServerUrl};
use prysm::planner::{PlanError, PlanOptions, Planned, make_plan};
use prysm::render::{TextOptions, render_text};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions};

#[path = "../../examples/common/library.rs"]
pub mod library;

/// An emulator and a client logged in to it.
pub struct Env {
    pub emulator: Emulator,
    pub client: Client,
}

/// Fast retries so fault-injection tests do not sleep long.
pub fn fast_options() -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            max_retries: 4,
            base_delay: std::time::Duration::from_millis(5),
            max_delay: std::time::Duration::from_millis(50),
        },
        ..ClientOptions::default()
    }
}

/// Starts an emulator of `generation` with the example library.
pub async fn env(generation: ApiGeneration) -> Env {
    let emulator = Emulator::start(EmulatorOptions {
        generation,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator starts");
    library::seed_example_library(&emulator);
    let client = login(&emulator).await;
    Env { emulator, client }
}

/// Logs in as the emulator's admin.
pub async fn login(emulator: &Emulator) -> Client {
    Client::connect(
        ServerUrl::parse(&emulator.url()).expect("url"),
        fast_options(),
        &Credentials::Password {
            username: "admin".to_string(),
            password: Secret::new("photoprism"),
        },
    )
    .await
    .expect("login")
}

/// Parses manifest text (panics with the rendered problems when invalid).
pub fn manifest(text: &str) -> Manifest {
    match parse_str("manifest.yaml", text) {
        Ok(manifest) => manifest,
        Err(error) => panic!("{}", prysm::manifest::render_problems(&error, false)),
    }
}

/// Both generations, for tests that must pass against old and new servers.
pub const GENERATIONS: [ApiGeneration; 2] = [ApiGeneration::V2024, ApiGeneration::V2025];

impl Env {
    /// Makes a plan for manifest text.
    pub async fn plan(&self, text: &str) -> Result<Planned, PlanError> {
        self.plan_with(text, PlanOptions::default()).await
    }

    /// Makes a plan with options.
    pub async fn plan_with(&self, text: &str, options: PlanOptions) -> Result<Planned, PlanError> {
        make_plan(&self.client, &manifest(text), &options).await
    }

    /// Plans and applies a parsed manifest; returns the report.
    pub async fn apply_manifest(&self, manifest: &Manifest) -> ApplyReport {
        let planned = make_plan(&self.client, manifest, &PlanOptions::default())
            .await
            .expect("plan");
        // As `prysm apply` does: photo updates start from what the plan read.
        let options = ApplyOptions {
            known: Some(std::sync::Arc::new(planned.state)),
            ..ApplyOptions::default()
        };
        apply(&self.client, &planned.plan, &options, &Silent).await
    }

    /// Asserts that a new plan for a parsed manifest has nothing to do.
    pub async fn assert_manifest_converged(&self, manifest: &Manifest) {
        let planned = make_plan(&self.client, manifest, &PlanOptions::default())
            .await
            .expect("plan");
        assert!(
            planned.plan.is_empty(),
            "expected no changes, got:\n{}",
            render_text(&planned.plan, &TextOptions::default())
        );
    }

    /// The rendered plan (no colour, server URL replaced), or the rendered error.
    pub async fn plan_text(&self, text: &str) -> String {
        self.plan_text_with(text, PlanOptions::default()).await
    }

    /// Like [`Env::plan_text`], with options.
    pub async fn plan_text_with(&self, text: &str, options: PlanOptions) -> String {
        let rendered = match self.plan_with(text, options).await {
            Ok(planned) => render_text(&planned.plan, &TextOptions::default()),
            Err(error) => render_error(error),
        };
        rendered.replace(&self.emulator.url(), "http://emulator")
    }

    /// Plans and applies manifest text; returns the report.
    pub async fn apply(&self, text: &str) -> ApplyReport {
        let planned = self.plan(text).await.expect("plan");
        apply(
            &self.client,
            &planned.plan,
            &ApplyOptions::default(),
            &Silent,
        )
        .await
    }

    /// Asserts that a new plan for `text` has nothing to do.
    pub async fn assert_converged(&self, text: &str) {
        let planned = self.plan(text).await.expect("plan");
        assert!(
            planned.plan.is_empty(),
            "expected no changes, got:\n{}",
            render_text(&planned.plan, &TextOptions::default())
        );
    }
}

/// Renders an error the way the CLI does, without colour.
pub fn render_error(error: impl miette::Diagnostic + Send + Sync + 'static) -> String {
    let mut out = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
    let _ = handler.render_report(&mut out, &error);
    out
}
