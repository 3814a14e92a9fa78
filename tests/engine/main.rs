//! prysm's plan and apply engine against the PhotoPrism emulator, and the
//! `prysm` binary end to end. One test binary (faster to build and link).

mod apply_tests;
mod cli_tests;
mod export_tests;
mod flaky;
mod idempotence;
mod library_jobs;
mod markdown;
mod plan_tests;
mod real_server;
mod review;
mod support;
mod terminal;
mod titles;
