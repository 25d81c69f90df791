//! `ptsim plan` written up (issue 15): the terminal table and the report section (`plans.md`,
//! written next to `plans.csv`; `plans_section` is written to be included in report.md as well).
//! Both say how the plan was searched and which plan the objective recommends.

use std::fmt::Write;

use super::format::{grouped, percent, percent_fine, usd};
use crate::plan::{PlansReport, PoolPlans, SearchMethod};

/// "exhaustive over 1,234 plans; coordinate descent landed 0.00% above it", or the heuristic's
/// own line.
fn search_words(pool: &PoolPlans) -> String {
    let s = &pool.search;
    let terms: Vec<&str> = pool.terms.iter().map(|t| t.as_str()).collect();
    let space = format!(
        "{} slots (term × start month) on {}, at most {} units in service",
        s.slots,
        terms.join(", "),
        pool.max_units
    );
    match (s.method, s.heuristic_gap) {
        (SearchMethod::Exhaustive, Some(gap)) => format!(
            "exhaustive search over {space}: {} plans scored; coordinate descent landed {} above \
             the optimum",
            grouped(s.evaluated as u64),
            percent_fine(gap)
        ),
        _ => format!(
            "coordinate descent from the single-term optima over {space}: {} plans scored",
            grouped(s.evaluated as u64)
        ),
    }
}

/// The objective as a reader says it: "mean cost", "P90 cost, P(loss) ≤ 10.0%".
fn goal_words(report: &PlansReport) -> String {
    let goal = &report.settings.goal;
    let what = match goal.objective {
        crate::plan::Objective::Mean => "mean cost",
        crate::plan::Objective::P90 => "P90 cost",
        crate::plan::Objective::Cvar95 => "CVaR95 of cost",
    };
    match goal.max_loss_probability {
        Some(x) => format!(
            "{what}, costing more than all on-demand in at most {} of trials",
            percent(x)
        ),
        None => what.to_string(),
    }
}

/// The `ptsim plan` summary: one block per pool, one line per plan, `*` on the recommended one.
pub fn plans_summary(report: &PlansReport) -> String {
    let s = &report.scenario;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: plans over {} months, {} trials (seed {}), minimising {}; model switch {} per month",
        s.name,
        report.settings.months,
        grouped(u64::from(report.settings.trials)),
        s.seed,
        goal_words(report),
        percent(s.risk.switch_probability_per_month)
    );
    for pool in &report.pools {
        let _ = writeln!(out, "\npool {}: {}", pool.name, search_words(pool));
        let width = pool
            .samples
            .iter()
            .map(|s| s.row.plan.chars().count())
            .fold(16, usize::max);
        let _ = writeln!(
            out,
            "    {:<width$} {:>13} {:>13} {:>13} {:>13} {:>12} {:>9} {:>11}  layers",
            "plan", "mean", "P50", "P90", "CVaR95", "regret mean", "P(beats)", "stranded"
        );
        for sample in &pool.samples {
            let r = &sample.row;
            let _ = writeln!(
                out,
                "  {} {:<width$} {:>13} {:>13} {:>13} {:>13} {:>12} {:>9} {:>11}  {}",
                if r.recommended { "*" } else { " " },
                r.plan,
                usd(r.mean),
                usd(r.p50),
                usd(r.p90),
                usd(r.cvar95),
                usd(r.regret_mean),
                percent(r.prob_beats_on_demand),
                usd(r.stranded_usd_mean),
                r.layers
            );
        }
    }
    out
}

/// The report section: per pool, the recommendation, the table and the charts among `files`.
pub fn plans_section(report: &PlansReport, files: &[&str]) -> String {
    let s = &report.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "## Commitment plans\n");
    let _ = writeln!(
        out,
        "Each plan is a set of layers — units bought on a term from a start month, renewed back \
         to back while a whole term fits in the {} months — with on-demand (and batch) for the \
         rest. Every plan is replayed hour by hour on the same {} trials (seed {}), with the \
         scenario's growth, forecast error and a {} monthly chance that the traffic moves to \
         another model (no commitment is signed after it). The best plan minimises the {}.\n",
        report.settings.months,
        grouped(u64::from(report.settings.trials)),
        s.seed,
        percent(s.risk.switch_probability_per_month),
        goal_words(report)
    );
    for pool in &report.pools {
        let best = &pool.best().row;
        let _ = writeln!(out, "### {}\n", pool.name);
        let _ = writeln!(
            out,
            "**Recommended: {}** ({}) — mean {} (P10 {} – P90 {}), cheaper than all on-demand in \
             {} of trials, mean regret {} against the cheapest plan of each trial in \
             hindsight.\n",
            best.plan,
            best.layers,
            usd(best.mean),
            usd(best.p10),
            usd(best.p90),
            percent(best.prob_beats_on_demand),
            usd(best.regret_mean)
        );
        let _ = writeln!(
            out,
            "Search: {}. {} of trials switched model.\n",
            search_words(pool),
            percent(pool.switch_share)
        );
        let _ = writeln!(
            out,
            "| plan | layers | mean | P10 | P50 | P90 | CVaR95 | regret mean | stranded | beats \
             on-demand |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for sample in &pool.samples {
            let r = &sample.row;
            let name = if r.recommended {
                format!("**{}**", r.plan)
            } else {
                r.plan.clone()
            };
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.layers,
                usd(r.mean),
                usd(r.p10),
                usd(r.p50),
                usd(r.p90),
                usd(r.cvar95),
                usd(r.regret_mean),
                usd(r.stranded_usd_mean),
                percent(r.prob_beats_on_demand)
            );
        }
        let _ = writeln!(out);
        for (stem, caption) in [
            ("plans", "What each plan costs"),
            ("plan_units", "Committed units against the simulated load"),
        ] {
            let prefix = format!("{stem}_{}.", pool.name);
            if let Some(file) = files.iter().find(|f| f.starts_with(&prefix)) {
                let _ = writeln!(out, "![{caption}]({file})\n");
            }
        }
    }
    out
}
