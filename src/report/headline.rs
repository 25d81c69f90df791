//! The recommendation for a pool in one sentence — what to buy and what it saves — rendered from
//! this one place by the fan chart's title, report.md's first section and the `Recommended:`
//! line of `ptsim run`'s summary. The recommendation is the `min_mean` k (lowest expected bill);
//! a saving within the Monte Carlo error of that bill is called no meaningful difference.

use super::format::{Period, share, usd3};
use super::words::count;
use crate::analysis::PoolReport;
use crate::ratecard::Product;
use crate::scenario::Scenario;
use crate::stats::convergence::{Z95, error_at};
use crate::stats::sizing::Rule;

/// What the run says to do about a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Units lower the expected bill by more than the Monte Carlo error.
    Buy,
    /// The cheapest count has units, but its saving is within the Monte Carlo error.
    NoMeaningfulDifference,
    /// No unit count lowers the expected bill.
    StayOnDemand,
}

/// The recommendation and the figures its sentence quotes (USD over the horizon, after
/// discount).
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    pub verdict: Verdict,
    /// The `min_mean` k.
    pub units: u32,
    /// The sweep ended at `units`: more might save more.
    pub capped: bool,
    pub product: Product,
    pub period: Period,
    /// Percentiles of the per-trial saving against all on-demand at `units`.
    pub savings_p10: f64,
    pub savings_p50: f64,
    pub savings_p90: f64,
    /// Mean on-demand bill − mean bill at `units`.
    pub savings_mean: f64,
    /// Half-width of the 95% Monte Carlo interval of the mean bill at `units` (1.96 s.e.).
    pub noise_usd: f64,
    pub prob_beats_on_demand: f64,
    /// When no units are recommended: the positive count with the lowest expected bill and the
    /// P50 of what it costs more than all on-demand.
    pub cheapest_alternative: Option<(u32, f64)>,
}

/// The recommendation for one pool of a run.
pub fn headline(scenario: &Scenario, report: &PoolReport) -> Headline {
    let pool = &scenario.pools[report.pool_index];
    let choice = report
        .choices
        .iter()
        .find(|c| c.rule == Rule::MinMean)
        .copied()
        .expect("every run chooses a min_mean k");
    let row = report.row_at(choice.units);
    let zero = &report.curve[0];
    let savings_mean = zero.mean - row.mean;
    let noise_usd = Z95 * error_at(&report.run, choice.units).0.mean_se;
    let verdict = match choice.units {
        0 => Verdict::StayOnDemand,
        _ if savings_mean <= noise_usd => Verdict::NoMeaningfulDifference,
        _ => Verdict::Buy,
    };
    let cheapest_alternative = (choice.units == 0)
        .then(|| {
            report.curve[1..]
                .iter()
                .min_by(|a, b| a.mean.total_cmp(&b.mean))
                .map(|r| (r.units, -r.savings_p50))
        })
        .flatten();
    Headline {
        verdict,
        units: choice.units,
        capped: choice.capped,
        product: pool.product,
        period: Period::new(scenario.horizon_hours),
        savings_p10: row.savings_p10,
        savings_p50: row.savings_p50,
        savings_p90: row.savings_p90,
        savings_mean,
        noise_usd,
        prob_beats_on_demand: row.prob_beats_on_demand,
        cheapest_alternative,
    }
}

impl Headline {
    /// "Buy 5 units: saves $91.2k a month (P10–P90 $60.0k–$120k), cheaper than on-demand in
    /// 100% of trials"; "No unit count pays: stay on demand".
    pub fn sentence(&self) -> String {
        let units = count(self.units, self.product);
        let per = self.period.per();
        match self.verdict {
            Verdict::Buy => format!(
                "Buy {units}{}: saves {} {per} (P10–P90 {}–{}), cheaper than on-demand in {} of \
                 trials",
                if self.capped {
                    " or more (the sweep ends there)"
                } else {
                    ""
                },
                usd3(self.savings_p50),
                usd3(self.savings_p10),
                usd3(self.savings_p90),
                share(self.prob_beats_on_demand)
            ),
            Verdict::NoMeaningfulDifference => format!(
                "No meaningful difference: {units} {} {} {per} on average, within the ±{} Monte \
                 Carlo error",
                if self.units == 1 { "saves" } else { "save" },
                usd3(self.savings_mean),
                usd3(self.noise_usd)
            ),
            Verdict::StayOnDemand => "No unit count pays: stay on demand".to_string(),
        }
    }

    /// A second sentence for the report and the fan chart's subtitle: the cost of the cheapest
    /// alternative when no units pay, what to do when the difference is noise; empty when
    /// buying.
    pub fn detail(&self) -> String {
        match (self.verdict, self.cheapest_alternative) {
            (Verdict::StayOnDemand, Some((units, extra))) => format!(
                "The cheapest unit count, {}, costs {} more {} at P50.",
                count(units, self.product),
                usd3(extra),
                self.period.per()
            ),
            (Verdict::NoMeaningfulDifference, _) => format!(
                "Buy {} only for guaranteed capacity or latency, not to save money; more trials \
                 would narrow the error.",
                count(self.units, self.product)
            ),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratecard::Product;

    fn buy() -> Headline {
        Headline {
            verdict: Verdict::Buy,
            units: 5,
            capped: false,
            product: Product::ModelUnit,
            period: Period::new(730),
            savings_p10: 60_012.0,
            savings_p50: 91_234.0,
            savings_p90: 120_345.0,
            savings_mean: 90_000.0,
            noise_usd: 1_600.0,
            prob_beats_on_demand: 1.0,
            cheapest_alternative: None,
        }
    }

    #[test]
    fn a_saving_reads_as_what_to_buy_and_what_it_saves_per_period() {
        assert_eq!(
            buy().sentence(),
            "Buy 5 units: saves $91.2k a month (P10–P90 $60.0k–$120k), cheaper than on-demand \
             in 100% of trials"
        );
        let six_months = Headline {
            period: Period::new(4380),
            prob_beats_on_demand: 0.997,
            ..buy()
        };
        assert!(
            six_months
                .sentence()
                .contains("saves $91.2k over 6 months (P10–P90")
                && six_months.sentence().ends_with("in 99.7% of trials"),
            "{}",
            six_months.sentence()
        );
    }

    #[test]
    fn noise_and_no_pay_say_so() {
        let noise = Headline {
            verdict: Verdict::NoMeaningfulDifference,
            units: 15,
            product: Product::AzurePtu,
            savings_mean: 78.3,
            noise_usd: 162.6,
            ..buy()
        };
        assert_eq!(
            noise.sentence(),
            "No meaningful difference: 15 PTUs save $78.3 a month on average, within the ±$163 \
             Monte Carlo error"
        );
        let none = Headline {
            verdict: Verdict::StayOnDemand,
            units: 0,
            cheapest_alternative: Some((1, 3_580.0)),
            ..buy()
        };
        assert_eq!(none.sentence(), "No unit count pays: stay on demand");
        assert_eq!(
            none.detail(),
            "The cheapest unit count, 1 unit, costs $3.58k more a month at P50."
        );
    }
}
