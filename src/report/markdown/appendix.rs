//! The report's appendix: where every number comes from, in plain words — the run itself, the
//! rules and the names the CSV files give them, each pool's rate-card notes as the card writes
//! them — and the files of the output set.

use std::fmt::Write;

use super::Sections;
use crate::ratecard::RateCard;
use crate::report::format::{grouped, percent};
use crate::report::words::{pool_title, rule_name};
use crate::stats::sizing::Rule;

/// Provenance: the run, the rules, the rate card's notes.
pub fn write_appendix(out: &mut String, s: &Sections) {
    let scenario = &s.report.scenario;
    let card = RateCard::shipped();
    let _ = writeln!(out, "## Appendix: where the numbers come from\n");
    let _ = writeln!(
        out,
        "- **The run.** ptsim {} simulated {} trials of {} hours each from {}, seed {} (the same \
         seed gives the same numbers), scenario `{}`. Prices are the rate card of {}.",
        env!("CARGO_PKG_VERSION"),
        grouped(u64::from(scenario.trials)),
        grouped(scenario.horizon_hours as u64),
        scenario.start,
        scenario.seed,
        std::path::Path::new(&scenario.source)
            .file_name()
            .map_or(scenario.source.clone(), |n| n.to_string_lossy().to_string()),
        scenario.rate_card_date
    );
    let _ = writeln!(
        out,
        "- **The recommendation** is the unit count with the lowest expected (mean) bill. Its \
         saving is called no meaningful difference when it is smaller than 1.96 standard errors \
         of that expected bill."
    );
    let rules: Vec<String> = Rule::ALL
        .iter()
        .map(|r| format!("{} = `{}` ({})", rule_name(*r), r.as_str(), r.description()))
        .collect();
    let _ = writeln!(
        out,
        "- **The rules** as `sizing.csv` names them: {}.",
        rules.join("; ")
    );
    if scenario.edp_discount > 0.0 {
        let _ = writeln!(
            out,
            "- **Discount.** Every figure is after a {} private-pricing discount on the whole bill.",
            percent(scenario.edp_discount)
        );
    }
    let _ = writeln!(
        out,
        "\nThe rate card's notes for each pool, as the card writes them (the tags in brackets, \
         such as [Surprises] or [Price table], name the public articles the card was built from; \
         \"Sources cited\" gives their titles). Break-even figures quoted there are for their own \
         example traffic; the report's are for this scenario's.\n"
    );
    for p in &s.report.pools {
        let pool = &scenario.pools[p.pool_index];
        let Some(rates) = card.models.get(&pool.model_key) else {
            let _ = writeln!(
                out,
                "- **{}**: prices from the scenario (`{}`).",
                pool_title(pool),
                pool.model_key
            );
            continue;
        };
        let _ = writeln!(
            out,
            "- **{}** (rate-card key `{}`). Prices: {}",
            pool_title(pool),
            pool.model_key,
            rates.source
        );
        let mut cited = rates.source.clone();
        if let Some(product) = rates.product(pool.product) {
            let _ = writeln!(out, "  Capacity: {}", product.source);
            cited.push_str(&product.source);
        }
        let cited = crate::ratecard::sources_cited_in(&cited);
        if !cited.is_empty() {
            let _ = writeln!(out, "  Sources cited: {}.", cited.join("; "));
        }
    }
    out.push('\n');
}

/// The files of the output set.
pub fn write_files(out: &mut String, _: &Sections) {
    let _ = writeln!(
        out,
        "Full tables: `curve.csv` (every unit count of every pool) and `sizing.csv` (every rule, \
         with its Monte Carlo error); what produced them, with the scenario as resolved: \
         `manifest.json`."
    );
}
