//! Human formatting of money, percentages and token counts for tables and charts.

/// `$1,234,567` for large amounts, `$12.34` below $1,000.
pub fn usd(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    if v < 1000.0 {
        return format!("{sign}${v:.2}");
    }
    format!("{sign}${}", group_digits(&format!("{v:.0}")))
}

/// `2000000` → `2,000,000`.
pub fn grouped(value: u64) -> String {
    group_digits(&value.to_string())
}

/// Commas between groups of three in a string of digits.
fn group_digits(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `$12.3k`, `$1.2M`: compact dollars for chart axes.
pub fn usd_compact(value: f64) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    match v {
        v if v >= 1e9 => format!("{sign}${:.1}B", v / 1e9),
        v if v >= 1e6 => format!("{sign}${:.1}M", v / 1e6),
        v if v >= 1e3 => format!("{sign}${:.1}k", v / 1e3),
        v => format!("{sign}${v:.0}"),
    }
}

/// Money to three significant figures, for titles and labels that are compared: `$91.2k`,
/// `$120k`, `$2.17M`, `$78.3`, `-$36.9k`.
pub fn usd3(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    if v < 0.005 {
        return "$0".to_string();
    }
    // The suffix whose mantissa, rounded to three figures, stays below 1,000.
    for (divisor, suffix) in [(1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "B")] {
        let m = v / divisor;
        let decimals = if m >= 100.0 {
            0
        } else if m >= 10.0 {
            1
        } else {
            2
        };
        let text = format!("{m:.decimals$}");
        let rounded: f64 = text.parse().unwrap_or(m);
        if rounded < 1000.0 || suffix == "B" {
            // Whole dollars need no cents once they reach three figures.
            return format!("{sign}${text}{suffix}");
        }
    }
    unreachable!("the last suffix always returns")
}

/// A share as a reader says it: whole percents (`94%`), but never rounded to `0%` or `100%`
/// unless it is exactly that (`99.7%`, `0.3%`).
pub fn share(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let pct = 100.0 * value;
    let at_edge = |text: &str| {
        let v: f64 = text.parse().unwrap_or(pct);
        (v == 0.0 && value > 0.0) || (v == 100.0 && value < 1.0)
    };
    // The fewest decimals (up to four) that do not round onto an edge the value is not at.
    (0..=4)
        .map(|d| format!("{pct:.d$}"))
        .find(|t| !at_edge(t))
        .map_or_else(|| format!("{pct}%"), |t| format!("{t}%"))
}

/// The horizon as a reader says it: 730 hours is a month, 4,380 six months, 8,760 a year, 336
/// two weeks; anything else stays in hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub hours: usize,
}

impl Period {
    pub fn new(hours: usize) -> Self {
        Period { hours }
    }

    /// (count, singular, plural) in the largest calendar unit that divides the hours.
    fn count(&self) -> (usize, &'static str, &'static str) {
        for (length, one, many) in [
            (8760, "year", "years"),
            (730, "month", "months"),
            (168, "week", "weeks"),
            (24, "day", "days"),
        ] {
            if self.hours > 0 && self.hours % length == 0 {
                return (self.hours / length, one, many);
            }
        }
        (self.hours, "hour", "hours")
    }

    /// "month", "6 months", "100 hours": the period as a noun.
    pub fn noun(&self) -> String {
        match self.count() {
            (1, one, _) => one.to_string(),
            (n, _, many) => format!("{} {many}", grouped(n as u64)),
        }
    }

    /// A length of time: "a month", "6 months".
    pub fn span(&self) -> String {
        match self.count() {
            (1, one, _) => format!("a {one}"),
            _ => self.noun(),
        }
    }

    /// After an amount: "a month", "over 6 months".
    pub fn per(&self) -> String {
        match self.count() {
            (1, one, _) => format!("a {one}"),
            _ => format!("over {}", self.noun()),
        }
    }

    /// In an axis title: "per month", "over 6 months".
    pub fn axis(&self) -> String {
        match self.count() {
            (1, one, _) => format!("per {one}"),
            _ => format!("over {}", self.noun()),
        }
    }
}

/// `36.7%`.
pub fn percent(value: f64) -> String {
    if value.is_finite() {
        format!("{:.1}%", 100.0 * value)
    } else {
        "n/a".to_string()
    }
}

/// `0.42%`: a small share with two decimals (precision targets).
pub fn percent_fine(value: f64) -> String {
    if value.is_finite() {
        format!("{:.2}%", 100.0 * value)
    } else {
        "n/a".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_compact() {
        assert_eq!(usd(1234567.4), "$1,234,567");
        assert_eq!(usd(-999.5), "-$999.50");
        assert_eq!(usd(100000.0), "$100,000");
        assert_eq!(grouped(2_000_000), "2,000,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(usd_compact(12_345.0), "$12.3k");
        assert_eq!(usd_compact(1_200_000.0), "$1.2M");
        assert_eq!(percent(0.36667), "36.7%");
    }

    #[test]
    fn three_significant_figures_whatever_the_magnitude() {
        assert_eq!(usd3(91_234.0), "$91.2k");
        assert_eq!(usd3(120_345.0), "$120k");
        assert_eq!(usd3(60_012.0), "$60.0k");
        assert_eq!(usd3(2_170_000.0), "$2.17M");
        assert_eq!(usd3(78.3), "$78.3");
        assert_eq!(usd3(163.0), "$163");
        assert_eq!(usd3(7.834), "$7.83");
        assert_eq!(usd3(-36_939.0), "-$36.9k");
        assert_eq!(usd3(999.7), "$1.00k");
        assert_eq!(usd3(999_600.0), "$1.00M");
        assert_eq!(usd3(0.0), "$0");
    }

    #[test]
    fn shares_round_to_the_edge_only_when_they_are_there() {
        assert_eq!(share(1.0), "100%");
        assert_eq!(share(0.997), "99.7%");
        assert_eq!(share(0.0), "0%");
        assert_eq!(share(0.002), "0.2%");
        assert_eq!(share(0.5312), "53%");
        assert_eq!(share(0.9996), "99.96%");
    }

    #[test]
    fn periods_are_said_in_calendar_words() {
        let words = |h| {
            let p = Period::new(h);
            (p.per(), p.axis())
        };
        assert_eq!(words(730), ("a month".into(), "per month".into()));
        assert_eq!(
            words(4380),
            ("over 6 months".into(), "over 6 months".into())
        );
        assert_eq!(words(8760), ("a year".into(), "per year".into()));
        assert_eq!(words(336), ("over 2 weeks".into(), "over 2 weeks".into()));
        assert_eq!(words(48), ("over 2 days".into(), "over 2 days".into()));
        assert_eq!(
            words(100),
            ("over 100 hours".into(), "over 100 hours".into())
        );
        assert_eq!(Period::new(1460).noun(), "2 months");
        assert_eq!(Period::new(730).span(), "a month");
        assert_eq!(Period::new(4380).span(), "6 months");
    }
}
