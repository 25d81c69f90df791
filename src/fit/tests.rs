//! fit(simulate(θ)) recovers θ (issue 4): synthetic histories of 30, 90 and 365 days drawn from
//! the parametric source, fitted back. Oracles: profiles within a few percent, noise CV and AR(1)
//! within two of their standard errors, the right noise family, a growth trend found only when
//! there is one.

use super::*;
use crate::traffic::rng::stream;
use crate::traffic::time::DEFAULT_START_EPOCH_HOUR;
use crate::traffic::{Bursts, Noise, Parametric, profiles};

fn theta(noise: Noise, cv: f64, ar1: f64, growth: f64, bursts: Option<Bursts>) -> Parametric {
    let preset = profiles::preset("business-hours").unwrap();
    Parametric::new(
        2.0e6,
        5.0e5,
        profiles::normalise(&preset.hour_of_day).unwrap(),
        profiles::normalise(&preset.day_of_week).unwrap(),
        noise,
        cv,
        ar1,
        (growth, 0.0),
        0.0,
        bursts,
    )
}

fn history(p: &Parametric, days: usize, seed: u64) -> HourlySeries {
    let hours = days * 24;
    let (mut input, mut output) = (vec![0.0; hours], vec![0.0; hours]);
    p.generate(
        &mut stream(seed, "synthetic", 0),
        DEFAULT_START_EPOCH_HOUR,
        &mut input,
        &mut output,
    );
    HourlySeries::complete(DEFAULT_START_EPOCH_HOUR, input, output)
}

fn fit_for_a_month(series: &HourlySeries) -> Fit {
    fit_history(series, &FitOptions::for_horizon(730)).unwrap()
}

fn within(name: &str, estimate: Estimate, truth: f64, ses: f64) {
    assert!(
        (estimate.value - truth).abs() <= ses * estimate.se,
        "{name}: {} ± {} vs {truth}",
        estimate.value,
        estimate.se
    );
}

/// Largest relative error of fitted profile weights.
fn profile_error(fit: &Fit, p: &Parametric) -> (f64, f64) {
    let err = |e: &[Estimate], t: &[f64]| {
        e.iter()
            .zip(t)
            .map(|(e, t)| (e.value / t - 1.0).abs())
            .fold(0.0, f64::max)
    };
    (
        err(&fit.shape.hour_of_day, &p.hour_of_day),
        err(&fit.shape.day_of_week, &p.day_of_week),
    )
}

/// How many standard errors `estimate` is from `truth`.
fn z(estimate: Estimate, truth: f64) -> f64 {
    ((estimate.value - truth) / estimate.se).abs()
}

#[test]
fn recovers_lognormal_noise_and_profiles_at_30_90_and_365_days() {
    let p = theta(Noise::Lognormal, 0.3, 0.6, 0.0, None);
    // Tolerances on the profiles shrink with the history: an hour-of-day weight averages one
    // value per day, so with CV 0.3 its SE is 0.3/√days (5.5% at 30 days, 1.6% at 365) and the
    // largest of 24 errors runs to about 3 SE; a day-of-week weight averages days/7 days. Each
    // weight must also lie within 4 of its own SEs.
    for (days, hod_tol, dow_tol) in [(30, 0.16, 0.18), (90, 0.10, 0.08), (365, 0.05, 0.06)] {
        // Four independent histories: every estimate within 3 SE, and CV and AR(1) each within
        // 2 SE in at least three of the four (a 2-SE band holds 95% of the time).
        let (mut cv_in, mut ar_in) = (0, 0);
        for seed in 1..=4 {
            let fit = fit_for_a_month(&history(&p, days, seed));
            let (hod, dow) = profile_error(&fit, &p);
            assert!(hod < hod_tol && dow < dow_tol, "{days} days: {hod} {dow}");
            for (e, t) in fit.shape.hour_of_day.iter().zip(&p.hour_of_day) {
                within(&format!("hour-of-day {days}"), *e, *t, 4.0);
            }
            for (e, t) in fit.shape.day_of_week.iter().zip(&p.day_of_week) {
                within(&format!("day-of-week {days}"), *e, *t, 4.0);
            }
            // At CV 0.3 the two families differ little; a month cannot always tell them apart.
            if days >= 90 {
                assert_eq!(fit.noise.chosen, Noise::Lognormal, "{days} days");
            }
            within(&format!("cv {days}"), fit.noise.cv, 0.3, 3.0);
            within(&format!("ar1 {days}"), fit.noise.ar1, 0.6, 3.0);
            cv_in += usize::from(z(fit.noise.cv, 0.3) <= 2.0);
            ar_in += usize::from(z(fit.noise.ar1, 0.6) <= 2.0);
            assert!(!fit.shape.trend.kept, "{}", fit.shape.trend.verdict);
            assert!((fit.output_ratio - 0.25).abs() < 1e-12);
            within(
                &format!("level {days}"),
                fit.input_tokens_per_hour,
                2.0e6,
                3.0,
            );
            // A 4-SD threshold lets through an odd noise hour (about one a year), no more.
            assert!(
                fit.noise.bursts.is_none_or(|b| b.per_day < 0.01),
                "{days} days: {:?}",
                fit.noise.bursts
            );
            // No level wander in θ: the level's week-ahead errors are what the hourly noise of
            // the week that set the level gives (sd of a 7-day mean of daily log-levels), within
            // the sampling error of a few independent weeks.
            let errors = fit
                .level
                .errors
                .as_ref()
                .expect("a month has rolling origins");
            let noise_only = (fit.noise_daily_log_variance / 7.0).sqrt();
            assert!(
                errors.rms_log_error < 2.0 * noise_only,
                "{days} days: {errors:?} vs {noise_only}"
            );
        }
        assert!(cv_in >= 3 && ar_in >= 3, "{days} days: {cv_in} {ar_in}");
    }
}

#[test]
fn recovers_gamma_noise() {
    let p = theta(Noise::Gamma, 0.5, 0.3, 0.0, None);
    let fit = fit_for_a_month(&history(&p, 90, 7));
    assert_eq!(fit.noise.chosen, Noise::Gamma);
    within("cv", fit.noise.cv, 0.5, 2.0);
    within("ar1", fit.noise.ar1, 0.3, 2.0);
    // The right family passes the KS test.
    assert!(fit.noise.ks_p_value > 0.01, "{}", fit.noise.ks_p_value);
}

#[test]
fn finds_growth_only_where_there_is_some() {
    let p = theta(Noise::Lognormal, 0.2, 0.5, 0.05, None);
    let grown = fit_for_a_month(&history(&p, 365, 3));
    assert!(grown.shape.trend.kept, "{}", grown.shape.trend.verdict);
    within("growth", grown.growth_per_month, 0.05, 2.0);
    // The level at the end of a year of 5% a month: 2e6 × 1.05^12, within three standard
    // errors of the last week's mean it is carried forward from.
    let end = 2.0e6 * 1.05f64.powf(365.0 * 24.0 / 730.0);
    let level = grown.input_tokens_per_hour;
    assert!(
        (level.value - end).abs() < 3.0 * level.se,
        "{level:?} vs {end}"
    );
}

#[test]
fn finds_large_bursts() {
    let bursts = Bursts {
        per_day: 0.25,
        multiplier: 6.0,
        hours: 2,
    };
    let p = theta(Noise::Lognormal, 0.2, 0.5, 0.0, Some(bursts));
    let fit = fit_for_a_month(&history(&p, 365, 5));
    let b = fit.noise.bursts.expect("bursts found");
    // Overlapping and edge-of-threshold bursts blur the counts: rate and size within 30%.
    assert!((b.per_day / 0.25 - 1.0).abs() < 0.3, "{b:?}");
    assert!((b.multiplier / 6.0 - 1.0).abs() < 0.3, "{b:?}");
    assert!((1..=3).contains(&b.hours), "{b:?}");
}

#[test]
fn the_written_scenario_runs_and_carries_the_fit() {
    let p = theta(Noise::Lognormal, 0.3, 0.6, 0.0, None);
    let series = history(&p, 30, 1);
    let fit = fit_for_a_month(&series);
    let text = writer::scenario_toml(
        &writer::Header {
            name: "fitted",
            histories: "synthetic.csv",
            start_epoch_hour: series.start_epoch_hour + series.len() as i64,
            horizon_hours: 730,
        },
        &[writer::FittedWorkload {
            name: "fitted",
            pool: writer::PoolSpec {
                model_key: "claude-sonnet-4.5",
                product: crate::ratecard::Product::ModelUnit,
                term: crate::ratecard::Term::OneMonth,
            },
            history: "synthetic.csv",
            bootstrap_file: Some("synthetic.csv"),
            fit: &fit,
        }],
    );
    let card = crate::ratecard::RateCard::shipped();
    let scenario =
        crate::scenario::Scenario::parse(&text, "fitted.toml", std::path::Path::new("."), &card)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let crate::traffic::TrafficSource::Parametric(q) = &scenario.pools[0].workloads[0].source
    else {
        panic!("parametric");
    };
    // Empirical noise by default: the scenario's table is the fit's, to the 4 digits written.
    assert_eq!(q.noise, Noise::Empirical);
    let written = &q.noise_quantiles.as_ref().expect("a table").quantiles;
    let fitted = fit.empirical_noise().expect("empirical").quantiles;
    assert_eq!(written.len(), fitted.len());
    for (w, f) in written.iter().zip(&fitted) {
        assert!((w / f - 1.0).abs() < 1e-3, "{w} vs {f}\n{text}");
    }
    assert!((q.ar1 - fit.noise.empirical_ar1.value).abs() < 1e-4);
    assert!((q.input_tokens_per_hour / fit.input_tokens_per_hour.value - 1.0).abs() < 1e-5);
    // No burst in θ: the prior's alone, said so.
    assert!(
        text.contains("# no hour above 4 robust SDs, with the prior"),
        "{text}"
    );
}
