//! Tests of the PhotoPrism client (`prysm::photoprism`): recorded fixtures, a scripted stub
//! server, the emulator (both API generations), and a real server when `PRYSM_TEST_URL`,
//! `PRYSM_TEST_USERNAME` and `PRYSM_TEST_PASSWORD` are set.

mod emulated;
mod fixtures;
mod fuzz;
mod harness;
mod hostile;
mod offline;
mod png;
mod raw;
mod reach;
mod real;
mod resilience;
mod stub;
mod suite;
mod tls;
mod tls_proxy;
