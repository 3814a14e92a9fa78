//! prysm's plan and apply engine against the PhotoPrism emulator, and the
//! `prysm` binary end to end. One test binary (faster to build and link).

mod adopt;
mod albumx;
mod apply_tests;
mod broken_connection;
mod cli_tests;
mod drift;
mod export_tests;
mod flaky;
mod html;
mod idempotence;
mod journal;
mod labels;
mod library_jobs;
mod markdown;
mod plan_tests;
mod real_server;
mod review;
mod scale_tests;
mod secrets;
mod selectors;
mod snapshot;
mod support;
mod terminal;
mod titles;
#[path = "../client/tls_proxy.rs"]
mod tls_proxy;
mod undo;
