//! The parametric traffic source (docs/model.md §5.1, §7): level × growth × daily and weekly shape
//! × autocorrelated noise × bursts, drawn once per (workload, trial).

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Poisson, StandardNormal};
use serde::Serialize;

use super::empirical::EmpiricalNoise;
use super::time::{day_of_week, hour_of_day};
use crate::numerics::GammaQuantile;

/// Hours in a month, the unit of the growth rate (730 = 8,760 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The marginal distribution of the hourly noise multiplier (mean 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Noise {
    None,
    Lognormal,
    Gamma,
    /// Given by its quantiles (`noise_quantiles`): see `empirical`.
    Empirical,
}

/// Poisson-arriving bursts: while one lasts, traffic is multiplied by `multiplier`
/// (overlapping bursts add their excess: 1 + Σ (m − 1)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bursts {
    pub per_day: f64,
    pub multiplier: f64,
    pub hours: u32,
}

/// A fully validated parametric workload.
#[derive(Clone, Debug, Serialize)]
pub struct Parametric {
    pub input_tokens_per_hour: f64,
    pub output_tokens_per_hour: f64,
    /// Normalised to mean 1; index 0 is 00:00–01:00 UTC.
    pub hour_of_day: [f64; 24],
    /// Saturdays' and Sundays' hour-of-day shape, normalised to mean 1, when it differs from
    /// the weekdays' (`hour_of_day` is then the weekdays').
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hour_of_day_weekend: Option<[f64; 24]>,
    /// Normalised to mean 1; index 0 is Monday.
    pub day_of_week: [f64; 7],
    pub noise: Noise,
    pub noise_cv: f64,
    /// Autocorrelation of the noise's normal scores from hour to hour (for lognormal noise, of the
    /// log-noise exactly).
    pub ar1: f64,
    pub growth_per_month_mean: f64,
    pub growth_per_month_sd: f64,
    pub level_sigma: f64,
    pub bursts: Option<Bursts>,
    /// CV of the hourly output/input multiplier (lognormal, mean 1): the mix changes hour to
    /// hour around `output_tokens_per_hour / input_tokens_per_hour`. 0: a constant mix.
    pub output_ratio_cv: f64,
    /// Autocorrelation of that multiplier's log from hour to hour.
    pub output_ratio_ar1: f64,
    /// The mix's daily cycle: output/input at each hour of the day (UTC) over the mean; its
    /// weighted mean with `hour_of_day` is 1, so the mean output is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_ratio_hour_of_day: Option<[f64; 24]>,
    /// The multiplier's quantiles when `noise` is empirical.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noise_quantiles: Option<std::sync::Arc<EmpiricalNoise>>,
    #[serde(skip)]
    gamma: Option<GammaQuantile>,
}

/// Lowest monthly growth a trial may draw: a normal draw below it would make (1 + g) ≤ 0.
pub const MIN_GROWTH_PER_MONTH: f64 = -0.99;

impl Parametric {
    /// Builds a workload; the arguments are validated by the scenario reader.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        input_tokens_per_hour: f64,
        output_tokens_per_hour: f64,
        hour_of_day: [f64; 24],
        day_of_week: [f64; 7],
        noise: Noise,
        noise_cv: f64,
        ar1: f64,
        growth: (f64, f64),
        level_sigma: f64,
        bursts: Option<Bursts>,
    ) -> Self {
        let gamma = (noise == Noise::Gamma && noise_cv > 0.0)
            .then(|| GammaQuantile::new(1.0 / (noise_cv * noise_cv)));
        Parametric {
            input_tokens_per_hour,
            output_tokens_per_hour,
            hour_of_day,
            hour_of_day_weekend: None,
            day_of_week,
            noise,
            noise_cv,
            ar1,
            growth_per_month_mean: growth.0,
            growth_per_month_sd: growth.1,
            level_sigma,
            bursts,
            output_ratio_cv: 0.0,
            output_ratio_ar1: 0.0,
            output_ratio_hour_of_day: None,
            noise_quantiles: None,
            gamma,
        }
    }

    /// The same workload with empirical noise of these quantiles (its CV is recorded as
    /// `noise_cv`).
    pub fn with_empirical_noise(mut self, table: EmpiricalNoise) -> Self {
        self.noise = Noise::Empirical;
        self.noise_cv = table.cv();
        self.gamma = None;
        self.noise_quantiles = Some(std::sync::Arc::new(table));
        self
    }

    /// The workload after its fields were changed in place: the gamma quantile cache rebuilt.
    pub fn refreshed(mut self) -> Self {
        self.gamma = (self.noise == Noise::Gamma && self.noise_cv > 0.0)
            .then(|| GammaQuantile::new(1.0 / (self.noise_cv * self.noise_cv)));
        self
    }

    /// The noise's spread scaled by `factor` (its CV for lognormal and gamma noise, the
    /// quantiles' deviations from 1 for empirical noise), capped at CV 4.
    pub fn with_noise_spread(self, factor: f64) -> Self {
        match self.noise_quantiles.clone() {
            Some(table) => self.with_empirical_noise(table.scaled(factor)),
            None => {
                let mut p = self;
                p.noise_cv = (p.noise_cv * factor).min(4.0);
                p.refreshed()
            }
        }
    }

    /// The same workload with the mix's daily cycle `cycle`, rescaled so that its mean weighted
    /// by the hour-of-day profile is 1 (the mean output is kept).
    pub fn with_output_cycle(mut self, cycle: Option<[f64; 24]>) -> Self {
        self.output_ratio_hour_of_day = cycle.map(|c| {
            let weighted: f64 = c.iter().zip(&self.hour_of_day).map(|(c, h)| c * h).sum();
            let total: f64 = self.hour_of_day.iter().sum();
            let scale = if weighted > 0.0 {
                total / weighted
            } else {
                1.0
            };
            c.map(|w| w * scale)
        });
        self
    }

    /// The same workload with its own daily shape on Saturdays and Sundays.
    pub fn with_weekend_shape(mut self, hour_of_day: Option<[f64; 24]>) -> Self {
        self.hour_of_day_weekend = hour_of_day;
        self
    }

    /// The same workload with an hourly output/input mix of CV `cv` and autocorrelation `ar1`.
    pub fn with_output_mix(mut self, cv: f64, ar1: f64) -> Self {
        self.output_ratio_cv = cv;
        self.output_ratio_ar1 = ar1;
        self
    }

    /// Draws one trial. The stream is consumed in a fixed order — level, growth, one normal per
    /// hour for the noise, then bursts, then one normal per hour for the output mix (only when
    /// it varies) — so changing one parameter leaves the other draws alone.
    pub fn generate(
        &self,
        rng: &mut ChaCha8Rng,
        start_epoch_hour: i64,
        input: &mut [f64],
        output: &mut [f64],
    ) {
        let (level, log_growth_per_hour) = draw_level_and_growth(
            rng,
            self.level_sigma,
            self.growth_per_month_mean,
            self.growth_per_month_sd,
        );

        match &self.hour_of_day_weekend {
            None => self.fill_input(
                rng,
                start_epoch_hour,
                level,
                log_growth_per_hour,
                input,
                |c| self.hour_of_day[c.hour],
            ),
            Some(weekend) => self.fill_input(
                rng,
                start_epoch_hour,
                level,
                log_growth_per_hour,
                input,
                |c| {
                    if c.day >= 5 {
                        weekend[c.hour]
                    } else {
                        self.hour_of_day[c.hour]
                    }
                },
            ),
        }
        if let Some(b) = self.bursts {
            apply_bursts(&b, rng, input);
        }
        let ratio_in = self.input_tokens_per_hour;
        let ratio_out = self.output_tokens_per_hour;
        for (multiplier, out) in input.iter_mut().zip(output.iter_mut()) {
            *out = ratio_out * *multiplier;
            *multiplier *= ratio_in;
        }
        if let Some(cycle) = &self.output_ratio_hour_of_day {
            for (h, out) in output.iter_mut().enumerate() {
                *out *= cycle[hour_of_day(start_epoch_hour + h as i64)];
            }
        }
        if self.output_ratio_cv > 0.0 {
            self.vary_output_mix(rng, output);
        }
    }

    /// The input multipliers of every hour (level × growth × daily shape × weekday × noise), the
    /// daily shape read through `shape` (monomorphised: the weekday/weekend choice costs
    /// nothing where there is no weekend shape).
    fn fill_input(
        &self,
        rng: &mut ChaCha8Rng,
        start_epoch_hour: i64,
        level: f64,
        log_growth_per_hour: f64,
        input: &mut [f64],
        shape: impl Fn(&WeekClock) -> f64,
    ) {
        let innovation_scale = (1.0 - self.ar1 * self.ar1).sqrt();
        let lognormal_sigma = (1.0 + self.noise_cv * self.noise_cv).ln().sqrt();
        let mut score = 0.0;
        let mut clock = WeekClock::at(start_epoch_hour);
        for (h, slot) in input.iter_mut().enumerate() {
            let e: f64 = StandardNormal.sample(rng);
            score = if h == 0 {
                e
            } else {
                self.ar1 * score + innovation_scale * e
            };
            // Growth and lognormal noise share one exp: exp(g·h) · exp(σz − σ²/2).
            let mut log_multiplier = log_growth_per_hour * h as f64;
            let noise = match (self.noise, &self.gamma) {
                (Noise::Lognormal, _) => {
                    log_multiplier += lognormal_log_mean_one(lognormal_sigma, score);
                    1.0
                }
                (Noise::Gamma, Some(g)) => {
                    g.quantile_from_normal_score(score) * self.noise_cv.powi(2)
                }
                (Noise::Empirical, _) => self
                    .noise_quantiles
                    .as_ref()
                    .map_or(1.0, |table| table.from_normal_score(score)),
                _ => 1.0,
            };
            *slot =
                level * shape(&clock) * self.day_of_week[clock.day] * noise * log_multiplier.exp();
            clock.tick();
        }
    }

    /// Multiplies each hour's output by a mean-1 lognormal with CV `output_ratio_cv` whose log is
    /// a stationary AR(1) with coefficient `output_ratio_ar1`.
    fn vary_output_mix(&self, rng: &mut ChaCha8Rng, output: &mut [f64]) {
        let sigma = (1.0 + self.output_ratio_cv.powi(2)).ln().sqrt();
        let rho = self.output_ratio_ar1;
        let innovation_scale = (1.0 - rho * rho).sqrt();
        let mut score = 0.0;
        for (h, out) in output.iter_mut().enumerate() {
            let e: f64 = StandardNormal.sample(rng);
            score = if h == 0 {
                e
            } else {
                rho * score + innovation_scale * e
            };
            *out *= lognormal_mean_one(sigma, score);
        }
    }
}

/// A trial's forecast risk, drawn first from its stream: the level multiplier (lognormal, mean 1,
/// log-sd `level_sigma`) and the hourly log growth of `g ~ Normal(mean, sd)` a month (floored at
/// `MIN_GROWTH_PER_MONTH`).
pub(super) fn draw_level_and_growth(
    rng: &mut ChaCha8Rng,
    level_sigma: f64,
    growth_per_month_mean: f64,
    growth_per_month_sd: f64,
) -> (f64, f64) {
    let z_level: f64 = StandardNormal.sample(rng);
    let z_growth: f64 = StandardNormal.sample(rng);
    let level = lognormal_mean_one(level_sigma, z_level);
    let growth = (growth_per_month_mean + growth_per_month_sd * z_growth).max(MIN_GROWTH_PER_MONTH);
    (level, (1.0 + growth).ln() / HOURS_PER_MONTH)
}

/// Hour of day and day of week, stepped an hour at a time (no division per hour).
struct WeekClock {
    hour: usize,
    day: usize,
}

impl WeekClock {
    fn at(epoch_hour: i64) -> Self {
        WeekClock {
            hour: hour_of_day(epoch_hour),
            day: day_of_week(epoch_hour),
        }
    }

    fn tick(&mut self) {
        self.hour += 1;
        if self.hour == 24 {
            self.hour = 0;
            self.day = (self.day + 1) % 7;
        }
    }
}

/// `exp(σ·z − σ²/2)`: a lognormal multiplier with mean 1 and log-sd σ.
fn lognormal_mean_one(sigma: f64, z: f64) -> f64 {
    lognormal_log_mean_one(sigma, z).exp()
}

/// `σ·z − σ²/2`: the log of a lognormal multiplier with mean 1 and log-sd σ.
fn lognormal_log_mean_one(sigma: f64, z: f64) -> f64 {
    sigma * z - 0.5 * sigma * sigma
}

fn apply_bursts(bursts: &Bursts, rng: &mut ChaCha8Rng, multipliers: &mut [f64]) {
    let hours = multipliers.len();
    let expected = bursts.per_day * hours as f64 / 24.0;
    if expected <= 0.0 || hours == 0 {
        return;
    }
    let count = Poisson::new(expected).map_or(0.0, |p| p.sample(rng)) as usize;
    let mut extra = vec![0.0; hours];
    for _ in 0..count {
        let start = rng.random_range(0..hours);
        let end = (start + bursts.hours as usize).min(hours);
        for e in &mut extra[start..end] {
            *e += bursts.multiplier - 1.0;
        }
    }
    for (m, e) in multipliers.iter_mut().zip(extra) {
        *m *= 1.0 + e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traffic::rng::stream;
    use crate::traffic::time::DEFAULT_START_EPOCH_HOUR;

    fn flat(noise: Noise, cv: f64, ar1: f64) -> Parametric {
        Parametric::new(
            1000.0,
            250.0,
            [1.0; 24],
            [1.0; 7],
            noise,
            cv,
            ar1,
            (0.0, 0.0),
            0.0,
            None,
        )
    }

    fn draw(p: &Parametric, trial: u64, hours: usize) -> (Vec<f64>, Vec<f64>) {
        let (mut i, mut o) = (vec![0.0; hours], vec![0.0; hours]);
        p.generate(
            &mut stream(1, "w", trial),
            DEFAULT_START_EPOCH_HOUR,
            &mut i,
            &mut o,
        );
        (i, o)
    }

    #[test]
    fn no_noise_no_growth_is_the_mean_times_the_profile() {
        let mut p = flat(Noise::None, 0.0, 0.0);
        p.hour_of_day[3] = 2.0;
        p.day_of_week[1] = 0.5; // Tuesday
        let (i, o) = draw(&p, 0, 48);
        assert_eq!(i[0], 1000.0);
        assert_eq!(o[0], 250.0);
        assert_eq!(i[3], 2000.0);
        assert_eq!(i[24 + 3], 1000.0); // Tuesday 03:00: 2 × 0.5
    }

    #[test]
    fn a_weekend_shape_applies_on_saturdays_and_sundays_only() {
        let mut weekend = [1.0; 24];
        weekend[10] = 3.0;
        let p = flat(Noise::None, 0.0, 0.0).with_weekend_shape(Some(weekend));
        let (i, _) = draw(&p, 0, 24 * 7);
        // 2024-01-01 is a Monday: day 5 is the Saturday.
        assert_eq!(
            (i[10], i[4 * 24 + 10], i[5 * 24 + 10], i[6 * 24 + 10]),
            (1000.0, 1000.0, 3000.0, 3000.0)
        );
    }

    #[test]
    fn growth_compounds_monthly() {
        let mut p = flat(Noise::None, 0.0, 0.0);
        p.growth_per_month_mean = 0.1;
        let (i, _) = draw(&p, 0, 731);
        assert!((i[730] / i[0] - 1.1).abs() < 1e-12);
    }

    /// Sample mean, CV and lag-1 autocorrelation of the log noise over many hours.
    fn moments(values: &[f64]) -> (f64, f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        let logs: Vec<f64> = values.iter().map(|v| v.ln()).collect();
        let lm = logs.iter().sum::<f64>() / n;
        let lvar = logs.iter().map(|l| (l - lm).powi(2)).sum::<f64>() / n;
        let lag = logs
            .windows(2)
            .map(|w| (w[0] - lm) * (w[1] - lm))
            .sum::<f64>()
            / (n - 1.0);
        (mean, var.sqrt() / mean, lag / lvar)
    }

    #[test]
    fn lognormal_noise_has_mean_one_the_cv_and_the_log_autocorrelation() {
        let (i, _) = draw(&flat(Noise::Lognormal, 0.25, 0.7), 0, 200_000);
        let (mean, cv, rho) = moments(&i);
        assert!((mean / 1000.0 - 1.0).abs() < 0.01, "{mean}");
        assert!((cv - 0.25).abs() < 0.01, "{cv}");
        assert!((rho - 0.7).abs() < 0.01, "{rho}");
    }

    #[test]
    fn gamma_noise_has_mean_one_and_the_cv() {
        let (i, _) = draw(&flat(Noise::Gamma, 0.5, 0.0), 0, 200_000);
        let (mean, cv, _) = moments(&i);
        assert!((mean / 1000.0 - 1.0).abs() < 0.01, "{mean}");
        assert!((cv - 0.5).abs() < 0.01, "{cv}");
    }

    #[test]
    fn the_output_mix_varies_with_its_cv_and_autocorrelation_and_leaves_input_alone() {
        let steady = flat(Noise::Lognormal, 0.3, 0.5);
        let mixed = flat(Noise::Lognormal, 0.3, 0.5).with_output_mix(0.4, 0.8);
        let (i0, _) = draw(&steady, 0, 100_000);
        let (i1, o1) = draw(&mixed, 0, 100_000);
        assert_eq!(i0, i1);
        let ratios: Vec<f64> = i1.iter().zip(&o1).map(|(i, o)| o / i / 0.25).collect();
        let (mean, cv, rho) = moments(&ratios);
        assert!((mean - 1.0).abs() < 0.01, "{mean}");
        assert!((cv - 0.4).abs() < 0.01, "{cv}");
        assert!((rho - 0.8).abs() < 0.01, "{rho}");
    }

    #[test]
    fn empirical_noise_has_mean_one_and_keeps_within_its_quantiles() {
        let values: Vec<f64> = (0..50).map(|i| 0.6 + 0.016 * i as f64).collect();
        let table = EmpiricalNoise::new(&values, None).unwrap();
        let top = table.quantiles[49] + 0.5 * (table.quantiles[49] - table.quantiles[48]);
        let p = flat(Noise::None, 0.0, 0.7).with_empirical_noise(table);
        let (i, _) = draw(&p, 0, 100_000);
        let (mean, _, _) = moments(&i);
        assert!((mean / 1000.0 - 1.0).abs() < 0.01, "{mean}");
        assert!(i.iter().all(|v| *v <= 1000.0 * top + 1e-6));
    }

    #[test]
    fn bursts_raise_the_mean_by_rate_times_duration_times_excess() {
        let mut p = flat(Noise::None, 0.0, 0.0);
        // 0.5 bursts/day × 4 h × (3 − 1) / 24 h = +1/6 on average (edge effects aside).
        p.bursts = Some(Bursts {
            per_day: 0.5,
            multiplier: 3.0,
            hours: 4,
        });
        let mean = (0..50)
            .map(|t| draw(&p, t, 8760).0.iter().sum::<f64>() / 8760.0)
            .sum::<f64>()
            / 50.0;
        assert!((mean / 1000.0 - 7.0 / 6.0).abs() < 0.01, "{mean}");
    }
}
