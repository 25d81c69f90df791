//! `ptsim terms [SCENARIO]`: every term the pools' products are sold on, priced with every policy
//! over the longest term (issue 5); writes `terms.csv` and the `terms_<pool>` and `regret_<pool>`
//! charts as one atomic set, and prints the table.

use crate::cli::TermsArgs;
use crate::output::write_all_atomic;
use crate::report::chart::risk::terms_charts;
use crate::report::csv::to_csv;
use crate::report::risk::terms_summary;
use crate::risk::analyse_terms;

pub fn run(args: &TermsArgs) -> anyhow::Result<()> {
    let out = &args.output;
    let scenario = super::risk_scenario(args.scenario.as_deref(), out)?;
    super::check_unit_counts(&scenario, &args.units)?;
    let trials = args.trials.unwrap_or(scenario.risk.trials);
    let out_dir = out.out_dir(&scenario.name);
    let charts = out.charts();
    let (files, table) = super::thread_pool(out.threads)?.install(|| {
        let report = analyse_terms(&scenario, trials, &args.units);
        let rows: Vec<_> = report
            .pools
            .iter()
            .flat_map(|p| p.samples.iter().map(|s| s.row.clone()))
            .collect();
        super::check_finite(&rows, &scenario.source, |r| {
            format!("pool {} {} {}", r.pool, r.term, r.policy)
        })?;
        let mut files = vec![("terms.csv".to_string(), to_csv(&rows)?)];
        files.extend(terms_charts(&report, &charts)?);
        anyhow::Ok((files, terms_summary(&report)))
    })?;
    write_all_atomic(&out_dir, &files)?;
    if !out.quiet {
        super::print_stdout(&format!("{table}\nwrote {}\n", out_dir.display()))?;
    }
    Ok(())
}
