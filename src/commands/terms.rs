//! `ptsim terms [SCENARIO]`: every term the pools' products are sold on, priced with every policy
//! over the longest term (issue 5); writes `terms.csv` and the `terms_<pool>` and `regret_<pool>`
//! charts as one atomic set, and prints the table.

use crate::cli::TermsArgs;
use crate::output::write_all_atomic;
use crate::progress::Progress;
use crate::report::chart::risk::terms_charts;
use crate::report::csv::to_csv;
use crate::report::risk::terms_summary;
use crate::risk::{plan_terms, price_terms};

pub fn run(args: &TermsArgs) -> anyhow::Result<()> {
    let out = &args.output;
    let scenario = super::risk_scenario(args.scenario.as_deref(), out)?;
    super::check_unit_counts(&scenario, &args.units)?;
    let trials = args.trials.unwrap_or(scenario.risk.trials);
    let out_dir = out.out_dir(&scenario.name);
    crate::output::check_writable(&out_dir)?;
    let charts = out.charts();
    let progress = Progress::new(u64::from(trials), "trials").hide_if(out.quiet);
    let step = || progress.inc(1);
    let (files, table) = super::thread_pool(out.threads)?.install(|| {
        let planned = scenario
            .pools
            .iter()
            .filter(|p| p.max_units.is_none())
            .count() as u64;
        progress.restart(
            u64::from(trials),
            planned,
            format!("{}: finding the sweep end", scenario.name),
        );
        let plans = plan_terms(&scenario, trials, &args.units, &step);
        progress.restart(
            u64::from(trials),
            scenario.pools.len() as u64,
            format!("{}: pricing every term and policy", scenario.name),
        );
        let report = price_terms(&scenario, trials, plans, &step);
        progress.finish();
        let rows = super::finite_rows(report.rows(), &scenario.source, |r| {
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
