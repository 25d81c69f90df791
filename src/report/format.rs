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
}
