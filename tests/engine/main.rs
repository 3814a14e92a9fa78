//! prysm's plan and apply engine against the PhotoPrism emulator, and the
//! `prysm` binary end to end. One test binary (faster to build and link).

mod apply_tests;
mod cli_tests;
mod idempotence;
mod plan_tests;
mod real_server;
mod scale_tests;
mod support;
