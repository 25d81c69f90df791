//! The `ptsim` binary: parse the command line, run, turn an error into a message and exit code.

use std::io::Write;

fn main() {
    let cli = ptsim::cli::parse();
    if let Err(error) = ptsim::run(&cli) {
        // Not eprintln!: it panics when stderr is a closed pipe (`ptsim … 2>&1 | head`).
        let _ = writeln!(std::io::stderr(), "error: {error:#}");
        std::process::exit(ptsim::exit_code(&error));
    }
}
