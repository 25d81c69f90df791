//! The bootstrap source (docs/model.md §5.3): each trial strings together whole days or weeks drawn
//! at random (with replacement) from a usage history, then applies the per-trial level and growth
//! of the parametric source. Hours keep their hour of day (UTC); days keep their weekday — a
//! Tuesday of the horizon is always some Tuesday of the history — and week blocks are seven
//! consecutive history days starting on the weekday the horizon starts on.

use std::path::PathBuf;

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use serde::Serialize;

use super::parametric::draw_level_and_growth;
use super::time::day_of_week;

/// What is resampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// Whole days, each from a history day of the same weekday.
    Day,
    /// Seven consecutive history days.
    Week,
}

/// Fewest full days a week block needs: seven consecutive days starting on every weekday.
pub const MIN_DAYS_FOR_WEEKS: usize = 13;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A validated bootstrap workload: the history's full days (midnight to midnight, UTC).
#[derive(Clone, Debug, Serialize)]
pub struct Bootstrap {
    pub file: PathBuf,
    pub block: Block,
    /// Full days of history resampled.
    pub days: usize,
    pub growth_per_month_mean: f64,
    pub growth_per_month_sd: f64,
    pub level_sigma: f64,
    /// Full days left out because some of their hours have no data.
    pub incomplete_days: usize,
    /// Epoch day (days since 1970-01-01) of the first full day.
    #[serde(skip)]
    first_day: i64,
    /// Whether each full day has data in every hour (only those are drawn).
    #[serde(skip)]
    complete: Vec<bool>,
    /// `days × 24` hours of input and output tokens.
    #[serde(skip)]
    input: Vec<f64>,
    #[serde(skip)]
    output: Vec<f64>,
}

impl Bootstrap {
    /// Keeps the full days of a history starting at `start_epoch_hour` (`observed` false for
    /// hours without data: days with such hours are never drawn); errors say what the history
    /// lacks for `block`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        file: PathBuf,
        start_epoch_hour: i64,
        input: &[f64],
        output: &[f64],
        observed: &[bool],
        block: Block,
        growth: (f64, f64),
        level_sigma: f64,
    ) -> Result<Self, String> {
        let first_day = (start_epoch_hour + 23).div_euclid(24);
        let skip = (first_day * 24 - start_epoch_hour) as usize;
        let days = input.len().saturating_sub(skip) / 24;
        let take = |v: &[f64]| {
            let from = skip.min(v.len());
            v[from..from + days * 24].to_vec()
        };
        let from = skip.min(observed.len());
        let complete: Vec<bool> = observed[from..from + days * 24]
            .chunks(24)
            .map(|day| day.iter().all(|o| *o))
            .collect();
        let b = Bootstrap {
            file,
            block,
            days,
            growth_per_month_mean: growth.0,
            growth_per_month_sd: growth.1,
            level_sigma,
            incomplete_days: complete.iter().filter(|c| !**c).count(),
            first_day,
            complete,
            input: take(input),
            output: take(output),
        };
        match block {
            Block::Day => {
                if let Some(w) = (0..7).find(|w| b.days_on(*w).is_empty()) {
                    return Err(format!(
                        "the history has no full {} (midnight to midnight UTC, every hour with \
                         data) among its {days} full days; block = \"day\" draws each day from \
                         the same weekday",
                        WEEKDAYS[w]
                    ));
                }
            }
            Block::Week => {
                if days < MIN_DAYS_FOR_WEEKS {
                    return Err(format!(
                        "the history has {days} full days; block = \"week\" needs at least \
                         {MIN_DAYS_FOR_WEEKS} (a week starting on any weekday); use block = \"day\""
                    ));
                }
                if let Some(w) = (0..7).find(|w| b.weeks_on(*w).is_empty()) {
                    return Err(format!(
                        "no seven consecutive full days with data start on a {}; use block = \
                         \"day\", or gaps = \"interpolate\" to fill the missing hours",
                        WEEKDAYS[w]
                    ));
                }
            }
        }
        Ok(b)
    }

    /// Indices of the complete full days falling on weekday `w` (0 = Monday).
    fn days_on(&self, w: usize) -> Vec<usize> {
        (0..self.days)
            .filter(|&d| self.complete[d] && day_of_week((self.first_day + d as i64) * 24) == w)
            .collect()
    }

    /// Indices of the days that start seven complete consecutive days on weekday `w`.
    fn weeks_on(&self, w: usize) -> Vec<usize> {
        (0..self.days)
            .filter(|&d| day_of_week((self.first_day + d as i64) * 24) == w)
            .filter(|d| d + 7 <= self.days && self.complete[*d..d + 7].iter().all(|c| *c))
            .collect()
    }

    /// Fewest distinct blocks any trial block can be drawn from (days of one weekday, or weeks
    /// starting on one weekday): with few, trials barely differ but for their level and growth.
    pub fn fewest_choices(&self) -> usize {
        (0..7)
            .map(|w| match self.block {
                Block::Day => self.days_on(w).len(),
                Block::Week => self.weeks_on(w).len(),
            })
            .min()
            .unwrap_or(0)
    }

    /// Mean input and output tokens per hour of the days that are resampled.
    pub fn mean_tokens_per_hour(&self) -> (f64, f64) {
        let kept = || {
            (0..self.days)
                .filter(|d| self.complete[*d])
                .flat_map(|d| d * 24..(d + 1) * 24)
        };
        let n = kept().count().max(1) as f64;
        (
            kept().map(|h| self.input[h]).sum::<f64>() / n,
            kept().map(|h| self.output[h]).sum::<f64>() / n,
        )
    }

    /// Draws one trial into the buffers. The stream is consumed as level, growth, then one
    /// draw per block in time order.
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
        let start_day = start_epoch_hour.div_euclid(24);
        let by_weekday: Vec<Vec<usize>> = (0..7)
            .map(|w| match self.block {
                Block::Day => self.days_on(w),
                Block::Week => self.weeks_on(w),
            })
            .collect();
        let week_starts = &by_weekday[day_of_week(start_day * 24)];
        let mut block: Option<(i64, usize)> = None;
        for (h, (i, o)) in input.iter_mut().zip(output.iter_mut()).enumerate() {
            let epoch_hour = start_epoch_hour + h as i64;
            let day = epoch_hour.div_euclid(24);
            let (key, offset) = match self.block {
                Block::Day => (day, 0),
                Block::Week => {
                    let week = (day - start_day).div_euclid(7);
                    (week, (day - start_day - 7 * week) as usize)
                }
            };
            let source = match block {
                Some((k, s)) if k == key => s,
                _ => {
                    let choices = match self.block {
                        Block::Day => &by_weekday[day_of_week(epoch_hour)],
                        Block::Week => week_starts,
                    };
                    let s = choices[rng.random_range(0..choices.len())];
                    block = Some((key, s));
                    s
                }
            };
            let at = (source + offset) * 24 + epoch_hour.rem_euclid(24) as usize;
            let scale = level * (log_growth_per_hour * h as f64).exp();
            *i = self.input[at] * scale;
            *o = self.output[at] * scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traffic::rng::stream;
    use crate::traffic::time::DEFAULT_START_EPOCH_HOUR;

    /// 21 days from Monday 2024-01-01 05:00: each hour's input encodes its day and hour.
    fn history(block: Block) -> Bootstrap {
        let start = DEFAULT_START_EPOCH_HOUR + 5;
        let input: Vec<f64> = (0..21 * 24)
            .map(|h| {
                let e = start + h as i64;
                (e.div_euclid(24) * 100 + e.rem_euclid(24)) as f64
            })
            .collect();
        let output: Vec<f64> = input.iter().map(|v| v / 10.0).collect();
        Bootstrap::new(
            "h.csv".into(),
            start,
            &input,
            &output,
            &vec![true; input.len()],
            block,
            (0.0, 0.0),
            0.0,
        )
        .unwrap()
    }

    fn draw(b: &Bootstrap, start: i64, hours: usize) -> Vec<f64> {
        let (mut i, mut o) = (vec![0.0; hours], vec![0.0; hours]);
        b.generate(&mut stream(3, "w", 0), start, &mut i, &mut o);
        assert!(i.iter().zip(&o).all(|(i, o)| (o - i / 10.0).abs() < 1e-9));
        i
    }

    #[test]
    fn only_full_days_are_kept() {
        // 05:00 on day 1 to 04:00 on day 22: 20 full days from Tuesday.
        let b = history(Block::Day);
        assert_eq!(b.days, 20);
        assert_eq!(b.first_day, DEFAULT_START_EPOCH_HOUR / 24 + 1);
    }

    #[test]
    fn day_blocks_keep_weekday_and_hour_and_whole_days() {
        let b = history(Block::Day);
        let start = DEFAULT_START_EPOCH_HOUR + 24 * 70 + 7; // a Monday, 07:00
        let values = draw(&b, start, 24 * 30);
        for (h, v) in values.iter().enumerate() {
            let e = start + h as i64;
            let (src_day, src_hour) = ((*v as i64) / 100, (*v as i64) % 100);
            assert_eq!(src_hour, e.rem_euclid(24), "hour {h}");
            assert_eq!(day_of_week(src_day * 24), day_of_week(e), "hour {h}");
            if h > 0 && e.rem_euclid(24) > 0 {
                // Within a day, the hours come from the same source day.
                assert_eq!(src_day, (values[h - 1] as i64) / 100);
            }
        }
    }

    #[test]
    fn week_blocks_are_seven_consecutive_days() {
        let b = history(Block::Week);
        let start = DEFAULT_START_EPOCH_HOUR + 24 * 72; // a Wednesday
        let values = draw(&b, start, 24 * 28);
        for week in values.chunks(168) {
            let first = (week[0] as i64) / 100;
            for (h, v) in week.iter().enumerate() {
                assert_eq!((*v as i64) / 100, first + h as i64 / 24);
            }
        }
    }

    #[test]
    fn level_and_growth_scale_like_the_parametric_source() {
        let mut b = history(Block::Day);
        b.growth_per_month_mean = 0.1;
        let start = DEFAULT_START_EPOCH_HOUR + 24 * 70;
        let plain = draw(&history(Block::Day), start, 731);
        let grown = draw(&b, start, 731);
        assert!((grown[730] / plain[730] - 1.1).abs() < 1e-12);
        assert_eq!(grown[0], plain[0]);
    }

    #[test]
    fn short_histories_are_refused_with_the_reason() {
        let week = vec![1.0; 8 * 24];
        let all = |v: &[f64]| vec![true; v.len()];
        let e = Bootstrap::new(
            "h".into(),
            0,
            &week,
            &week,
            &all(&week),
            Block::Week,
            (0.0, 0.0),
            0.0,
        )
        .unwrap_err();
        assert!(e.contains("needs at least 13"), "{e}");
        // 174 hours from 05:00: six full days.
        let six = vec![1.0; 6 * 24 + 30];
        let e = Bootstrap::new(
            "h".into(),
            5,
            &six,
            &six,
            &all(&six),
            Block::Day,
            (0.0, 0.0),
            0.0,
        )
        .unwrap_err();
        assert!(e.contains("no full"), "{e}");
        // Eight days from Monday with one hour of the only Thursday missing: no Thursday to draw.
        let eight = vec![1.0; 8 * 24];
        let mut seen = all(&eight);
        seen[3 * 24 + 10] = false;
        let e = Bootstrap::new(
            "h".into(),
            DEFAULT_START_EPOCH_HOUR,
            &eight,
            &eight,
            &seen,
            Block::Day,
            (0.0, 0.0),
            0.0,
        )
        .unwrap_err();
        assert!(e.contains("no full Thursday"), "{e}");
    }
}
