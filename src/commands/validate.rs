//! `ptsim validate SCENARIO`: read and check a scenario without running it.

use crate::cli::ValidateArgs;
use crate::guard::memory;
use crate::report::format::usd;

pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let scenario = super::load_scenario(Some(&args.scenario))?;
    super::print_warnings(&scenario);
    if let Some(warning) = super::identical_trials_warning(&scenario, scenario.trials) {
        super::print_warning(&warning);
    }
    // The run's memory guard, with the sweep ends it estimates before simulating.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let pilot = crate::simulate::Pilot::draw(&scenario);
    let estimate = memory::estimate_before_run(&scenario, &pilot, threads);
    if let Err(message) = memory::check(&estimate, memory::limit(None)) {
        super::print_warning(&format!(
            "`ptsim run` would refuse this scenario: {message}"
        ));
    }
    if let Some(settings) = &scenario.plan {
        let estimate = crate::plan::memory::estimate(&scenario, settings);
        if let Err(message) = crate::plan::memory::check(&estimate, memory::limit(None)) {
            super::print_warning(&format!(
                "`ptsim plan` would refuse this scenario: {message}"
            ));
        }
    }
    let mut text = format!(
        "{}: ok — {} pool(s), {} workload(s), {} trials x {} hours from {}\n",
        args.scenario.display(),
        scenario.pools.len(),
        scenario
            .pools
            .iter()
            .map(|p| p.workloads.len())
            .sum::<usize>(),
        scenario.trials,
        scenario.horizon_hours,
        scenario.start
    );
    for p in &scenario.pools {
        let names: Vec<&str> = p.workloads.iter().map(|w| w.name.as_str()).collect();
        text.push_str(&format!(
            "  pool {}: {} {} at {}/unit-hour; workloads: {}\n",
            p.name,
            p.product.as_str(),
            p.term.as_str(),
            usd(p.model.prices.unit_usd_per_hour),
            names.join(", ")
        ));
    }
    if let Some(settings) = &scenario.plan {
        text.push_str(&format!(
            "  plans: {} months, {} trials, minimising the {} cost; {} listed plan(s)\n",
            settings.months,
            settings.trials,
            settings.goal.objective.as_str(),
            settings.plans.len()
        ));
    }
    super::print_stdout(&text)
}
