//! Serves a seeded PhotoPrism emulator until Ctrl-C.
//!
//! `cargo run -p prysm-emulator -- --port 2342 --photos 500 --generation 2025 [--seed 1]`
//! (`--help` lists every option; see [`prysm_emulator::cli`]).

use std::process::ExitCode;

fn main() -> ExitCode {
    prysm_emulator::cli::main(std::env::args().skip(1))
}
