//! The scenario file as written (docs/model.md §7): TOML with unknown keys refused. Values are
//! range-checked here; cross-field rules live in `resolve`.

use serde::Deserialize;
use toml::Spanned;

use super::values::{
    BurstMultiplier, BurstRate, Correlation, Discount, GrowthRate, GrowthSd, HourlyUnitPrice,
    IntraHourCv, LevelSigma, MonthlyUnitPrice, Multiplier, NoiseCv, OutputWeight, Quota,
    RequestsPerHour, Share, TokenPrice, TokensPerHour, TokensPerMinute, TokensPerRequest,
};
use crate::cost::CapacityMode;
use crate::plan::{Objective, Resize, SearchMethod};
use crate::ratecard::{Product, Term};
use crate::traffic::Noise;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub horizon_hours: Option<Spanned<u32>>,
    pub trials: Option<Spanned<u32>>,
    pub seed: Option<u64>,
    pub edp_discount: Option<Discount>,
    /// A string or a TOML date-time.
    pub start: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub pools: Vec<PoolFile>,
    #[serde(default)]
    pub workloads: Vec<WorkloadFile>,
    /// Commitment-risk settings for `ptsim terms` (issue 5).
    pub risk: Option<RiskFile>,
    /// How `ptsim plan` searches (issue 15).
    pub plan: Option<PlanFile>,
    /// Plans `ptsim plan` compares (issue 15).
    #[serde(default)]
    pub plans: Vec<ListedPlanFile>,
}

/// `[plan]`: the window, terms, objective and search of `ptsim plan`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub months: Option<Spanned<u32>>,
    pub terms: Option<Spanned<Vec<Term>>>,
    pub objective: Option<Objective>,
    pub max_loss_probability: Option<Share>,
    pub trials: Option<Spanned<u32>>,
    pub search: Option<SearchMethod>,
}

/// `[[plans]]`: one plan to compare.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListedPlanFile {
    pub name: Spanned<String>,
    /// The pool's name; may be left out when the scenario has one pool.
    pub pool: Option<Spanned<String>>,
    #[serde(default)]
    pub layers: Vec<Spanned<LayerFile>>,
}

/// `[[plans.layers]]` (or `layers = [{ … }]`): units on a term from a start month.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerFile {
    pub units: Spanned<u32>,
    pub term: Spanned<Term>,
    pub start_month: Option<Spanned<u32>>,
    pub resize: Option<Resize>,
}

/// `[risk]`: how `ptsim terms` compares terms and policies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskFile {
    pub terms: Option<Spanned<Vec<Term>>>,
    pub switch_probability_per_month: Option<Share>,
    pub share_after_switch: Option<Share>,
    pub trials: Option<Spanned<u32>>,
    pub rolling_wait_months: Option<Spanned<u32>>,
}

/// `[pools.term_prices]`: USD per unit-hour of terms other than the pool's own.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermPrices {
    pub no_commit: Option<HourlyUnitPrice>,
    pub one_month: Option<HourlyUnitPrice>,
    pub three_month: Option<HourlyUnitPrice>,
    pub six_month: Option<HourlyUnitPrice>,
    pub one_year: Option<HourlyUnitPrice>,
}

impl TermPrices {
    /// The price given for `term`, if any.
    pub fn get(&self, term: Term) -> Option<f64> {
        match term {
            Term::NoCommit => self.no_commit,
            Term::OneMonth => self.one_month,
            Term::ThreeMonth => self.three_month,
            Term::SixMonth => self.six_month,
            Term::OneYear => self.one_year,
        }
        .map(|p| p.0)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolFile {
    pub name: Option<Spanned<String>>,
    pub model: Spanned<String>,
    pub product: Option<Product>,
    pub term: Option<Term>,
    pub max_units: Option<Spanned<u32>>,
    pub fill_idle: Option<bool>,
    pub intra_hour_cv: Option<IntraHourCv>,
    pub on_demand_quota_tokens_per_minute: Option<Quota>,
    pub prices: Option<PriceOverrides>,
    pub capacity: Option<CapacityOverrides>,
    pub term_prices: Option<TermPrices>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceOverrides {
    pub input_per_mtok: Option<TokenPrice>,
    pub output_per_mtok: Option<TokenPrice>,
    pub batch: Option<bool>,
    pub batch_input_per_mtok: Option<TokenPrice>,
    pub batch_output_per_mtok: Option<TokenPrice>,
    pub cache_read_per_mtok: Option<TokenPrice>,
    pub priority_multiplier: Option<Multiplier>,
    pub token_price_multiplier: Option<Multiplier>,
    pub unit_per_hour: Option<HourlyUnitPrice>,
    pub unit_per_month: Option<MonthlyUnitPrice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityOverrides {
    pub input_tokens_per_minute: Option<TokensPerMinute>,
    pub output_tokens_per_minute: Option<TokensPerMinute>,
    /// `shared` mode: one output token burns this many input tokens (output TPM = input / w).
    pub output_weight: Option<Spanned<OutputWeight>>,
    pub mode: Option<CapacityMode>,
    /// Smallest purchase above zero (Azure global PTUs: 15).
    pub min_units: Option<Spanned<u32>>,
    /// Step above the minimum (Azure global PTUs: 5).
    pub unit_increment: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadFile {
    pub name: Spanned<String>,
    pub model: Spanned<String>,
    pub batch_share: Option<Share>,
    pub batch_window_hours: Option<Spanned<u32>>,
    pub cache_hit_share: Option<Share>,
    pub priority: Option<bool>,
    pub parametric: Option<Spanned<ParametricFile>>,
    pub trace: Option<TraceFile>,
    pub bootstrap: Option<BootstrapFile>,
}

/// `[workloads.bootstrap]`: days or weeks resampled from a history (docs/model.md §5.3).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapFile {
    /// A CSV history or a CloudWatch `get-metric-data` JSON export.
    pub file: Spanned<String>,
    pub block: Option<crate::traffic::Block>,
    pub growth_per_month_mean: Option<GrowthRate>,
    /// Omitted: estimated from the history as `ptsim fit` would.
    pub growth_per_month_sd: Option<GrowthSd>,
    /// Omitted: estimated from the history as `ptsim fit` would.
    pub level_sigma: Option<LevelSigma>,
    /// Output share of a `total_tokens` history.
    pub output_share: Option<Share>,
    /// Hours without data: "missing" (days with them are not drawn), "interpolate", "zero".
    pub gaps: Option<crate::history::GapPolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceFile {
    pub file: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParametricFile {
    pub input_tokens_per_hour: Option<TokensPerHour>,
    pub output_tokens_per_hour: Option<TokensPerHour>,
    pub requests_per_hour: Option<RequestsPerHour>,
    pub input_tokens_per_request: Option<TokensPerRequest>,
    pub output_tokens_per_request: Option<TokensPerRequest>,
    pub profile: Option<Spanned<String>>,
    pub hour_of_day: Option<Spanned<Vec<f64>>>,
    /// Saturdays' and Sundays' own daily shape (`hour_of_day` is then the weekdays').
    pub hour_of_day_weekend: Option<Spanned<Vec<f64>>>,
    pub day_of_week: Option<Spanned<Vec<f64>>>,
    pub noise: Option<Noise>,
    pub noise_cv: Option<NoiseCv>,
    /// The multiplier's quantiles at (i + ½)/n when `noise = "empirical"`.
    pub noise_quantiles: Option<Spanned<Vec<f64>>>,
    /// Pareto index of empirical noise above its last quantile (omitted: bounded).
    pub noise_tail_index: Option<Spanned<f64>>,
    pub ar1: Option<Correlation>,
    pub growth_per_month_mean: Option<GrowthRate>,
    pub growth_per_month_sd: Option<GrowthSd>,
    pub level_sigma: Option<LevelSigma>,
    pub bursts_per_day: Option<BurstRate>,
    pub burst_multiplier: Option<BurstMultiplier>,
    pub burst_hours: Option<Spanned<u32>>,
    pub output_ratio_cv: Option<NoiseCv>,
    pub output_ratio_ar1: Option<Correlation>,
    /// The mix's daily cycle (24 weights; rescaled so the mean output is kept).
    pub output_ratio_hour_of_day: Option<Spanned<Vec<f64>>>,
}
