//! The `prysm` command line.

fn main() -> std::process::ExitCode {
    prysm::cli::main()
}
