//! `ptsim plan [SCENARIO]`: commitment plans (issue 15) — the scenario's `[[plans]]`, every
//! single-term optimum and the searched best plan, replayed on the same trials; writes
//! `plans.csv`, `plans.md` (the report section) and the `plans_<pool>` and `plan_units_<pool>`
//! charts as one atomic set, and prints the table.

use crate::UsageError;
use crate::cli::PlanArgs;
use crate::guard::memory::{self, LimitSource};
use crate::output::write_all_atomic;
use crate::plan::{PlanSettings, PlansReport, Watch, analyse_plans};
use crate::progress::Progress;
use crate::report::chart::ChartOptions;
use crate::report::chart::risk::plan_charts;
use crate::report::csv::to_csv;
use crate::report::plans::{plans_section, plans_summary};
use crate::scenario::Scenario;

/// The scenario's plan settings (its `[risk] trials` when it has no `[plan]`) with the command
/// line's overrides.
fn settings(args: &PlanArgs, scenario: &Scenario) -> PlanSettings {
    let mut settings = scenario.plan.clone().unwrap_or_else(|| PlanSettings {
        trials: scenario.risk.trials,
        ..PlanSettings::default()
    });
    if let Some(trials) = args.trials {
        settings.trials = trials;
    }
    if let Some(objective) = args.objective {
        settings.goal.objective = objective;
    }
    if let Some(share) = args.max_loss_probability {
        settings.goal.max_loss_probability = Some(share);
    }
    if let Some(search) = args.search {
        settings.search = search;
    }
    settings
}

/// Refuses (exit code 2) plans estimated to need more memory than `limit`, before any trial is
/// priced.
pub fn check_plan_memory(
    scenario: &Scenario,
    settings: &PlanSettings,
    limit: (u64, LimitSource),
) -> anyhow::Result<()> {
    crate::plan::memory::check(&crate::plan::memory::estimate(scenario, settings), limit)
        .map_err(|message| UsageError(format!("{}: {message}", scenario.source)).into())
}

/// A plan analysis and what it writes: `plans.csv` then the plan charts, and the report section
/// that names them.
pub struct PlanFiles {
    pub report: PlansReport,
    pub files: Vec<(String, Vec<u8>)>,
    pub section: String,
}

/// Analyses the plans of `scenario` with `settings` (in the current thread pool) and renders
/// their files; a plan whose figures are not finite is refused.
pub fn plan_files(
    scenario: &Scenario,
    settings: &PlanSettings,
    charts: &ChartOptions,
    progress: &Progress,
) -> anyhow::Result<PlanFiles> {
    let pass = |what: &str| {
        progress.restart(
            u64::from(settings.trials),
            1,
            format!("{}: {what}", scenario.name),
        );
    };
    let step = || progress.inc(1);
    let watch = Watch {
        pass: &pass,
        step: &step,
    };
    let report = analyse_plans(scenario, settings, watch)
        .map_err(|m| UsageError(format!("{}: {m}", scenario.source)))?;
    let rows = super::finite_rows(report.rows(), &scenario.source, |r| {
        format!("pool {} plan '{}'", r.pool, r.plan)
    })?;
    progress.finish();
    let chart_files = plan_charts(&report, charts)?;
    let names: Vec<&str> = chart_files.iter().map(|(n, _)| n.as_str()).collect();
    let section = plans_section(&report, &names);
    let mut files = vec![("plans.csv".to_string(), to_csv(&rows)?)];
    files.extend(chart_files);
    Ok(PlanFiles {
        report,
        files,
        section,
    })
}

pub fn run(args: &PlanArgs) -> anyhow::Result<()> {
    let out = &args.output;
    let scenario = super::risk_scenario(args.scenario.as_deref(), out)?;
    let settings = settings(args, &scenario);
    let out_dir = out.out_dir(&scenario.name);
    crate::output::check_writable(&out_dir)?;
    let charts = out.charts();
    let (files, table) = super::thread_pool(out.threads)?.install(|| {
        check_plan_memory(&scenario, &settings, memory::limit(args.max_memory))?;
        let progress = Progress::new(u64::from(settings.trials), "trials").hide_if(out.quiet);
        let plans = plan_files(&scenario, &settings, &charts, &progress)?;
        let mut files = plans.files;
        files.insert(1, ("plans.md".to_string(), plans.section.into_bytes()));
        anyhow::Ok((files, plans_summary(&plans.report)))
    })?;
    write_all_atomic(&out_dir, &files)?;
    if !out.quiet {
        super::print_stdout(&format!("{table}\nwrote {}\n", out_dir.display()))?;
    }
    Ok(())
}
