//! `ptsim completions SHELL`: the shell completion script, generated from the command line's own
//! definition (clap_complete), so it never falls behind a new flag.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "ptsim", &mut script);
    super::print_stdout(&String::from_utf8(script)?)
}
