//! `ptsim import cur|focus FILE…`: Bedrock usage from billing exports into hourly traces per
//! model, `import.json` and a `workloads.toml` snippet, all written at once or not at all.

use crate::cli::{ImportArgs, ImportCommand};
use crate::import::{self, Format};
use crate::output::write_all_atomic;
use crate::progress::Progress;
use crate::ratecard::RateCard;

pub fn run(command: &ImportCommand) -> anyhow::Result<()> {
    let (format, args) = match command {
        ImportCommand::Cur(args) => (Format::Cur, args),
        ImportCommand::Focus(args) => (Format::Focus, args),
    };
    import_files(format, args)
}

fn import_files(format: Format, args: &ImportArgs) -> anyhow::Result<()> {
    let card = RateCard::shipped();
    crate::output::check_writable(&args.out)?;
    let progress = Progress::bytes(0).hide_if(args.quiet);
    let current = std::cell::RefCell::new(std::path::PathBuf::new());
    let on_read = |path: &std::path::Path, read: u64, size: u64| {
        if *current.borrow() != path {
            *current.borrow_mut() = path.to_path_buf();
            progress.restart(size, 1, format!("reading {}", path.display()));
        }
        progress.set_position(read);
    };
    let import = import::read_files(format, &args.files, &card, args.marketplace_unit, &on_read);
    progress.finish();
    let import = import?;
    let files = import::outputs(&import, format, &args.files);
    write_all_atomic(&args.out, &files)?;
    if args.quiet {
        return Ok(());
    }
    for w in &import.warnings {
        super::print_warning(w);
    }
    if !import.unclassified.is_empty() {
        let first: Vec<String> = import
            .unclassified
            .iter()
            .take(5)
            .map(|u| {
                format!(
                    "{} row {} '{}': {}",
                    u.file.display(),
                    u.row,
                    u.usage_type,
                    u.reason
                )
            })
            .collect();
        super::print_warning(&format!(
            "{} Bedrock usage rows not classified as token usage (listed in import.json); the \
             first: {}",
            import.unclassified.len(),
            first.join("; ")
        ));
    }
    let skipped: u64 = import.not_usage_rows.values().sum();
    if skipped > 0 {
        super::print_warning(&format!(
            "{skipped} Bedrock rows are not usage and were skipped ({})",
            import
                .not_usage_rows
                .iter()
                .map(|(t, n)| format!("{n} {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some((first, last)) = import.span()
        && last - first + 1 < (crate::history::MIN_DAYS * 24) as i64
    {
        super::print_warning(&format!(
            "the usage covers {} hours; `ptsim fit` and `backtest` need at least {} days",
            last - first + 1,
            crate::history::MIN_DAYS
        ));
    }
    if import.spread_rows > 0 {
        super::print_warning(&format!(
            "{} line items span several hours (daily or monthly granularity) and were spread \
             evenly over their hours: those hours show a flat profile",
            import.spread_rows
        ));
    }
    let text = format!(
        "{}{} rows read ({} of other services); wrote {} files to {} (traces, import.json, \
         workloads.toml)\n",
        import::write::summary_table(&import),
        import.rows_read,
        import.other_service_rows,
        files.len(),
        args.out.display()
    );
    super::print_stdout(&text)
}
