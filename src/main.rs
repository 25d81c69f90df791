//! The `ptsim` binary: parse the command line, run, turn an error into a message and exit code.

use clap::Parser;

fn main() {
    let cli = ptsim::cli::Cli::parse();
    if let Err(error) = ptsim::run(&cli) {
        eprintln!("error: {error:#}");
        std::process::exit(ptsim::exit_code(&error));
    }
}
