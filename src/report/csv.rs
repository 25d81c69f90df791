//! CSV bytes from rows whose field order is the column order (`curve.csv`, `sizing.csv`).

use serde::Serialize;

/// Serialises rows with a header line.
pub fn to_csv<T: Serialize>(rows: &[T]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::curve::CurveRow;
    use crate::stats::sizing::SizingRow;

    #[test]
    fn curve_and_sizing_headers_are_the_spec_contract() {
        let curve = String::from_utf8(
            to_csv(&[CurveRow {
                pool: "p".into(),
                ..CurveRow::default()
            }])
            .unwrap(),
        )
        .unwrap();
        insta::assert_snapshot!(curve.lines().next().unwrap(), @"pool,units,mean,p5,p10,p25,p50,p75,p90,p95,p99,cvar95,savings_p10,savings_p50,savings_p90,prob_beats_on_demand,utilization_mean,spilled_tokens_mean,absorbed_tokens_mean,batch_tokens_mean,throttled_tokens_mean");
        let sizing = String::from_utf8(
            to_csv(&[SizingRow {
                pool: "p".into(),
                rule: "min_mean",
                units: 0,
                mean: 1.0,
                p50: 1.0,
                p90: 1.0,
                cvar95: 1.0,
                savings_p50: 0.0,
                prob_beats_on_demand: 0.0,
                utilization_mean: 0.0,
                mean_se: 0.0,
                p50_se: 0.0,
                p50_ci95_low: 1.0,
                p50_ci95_high: 1.0,
            }])
            .unwrap(),
        )
        .unwrap();
        insta::assert_snapshot!(sizing.lines().next().unwrap(), @"pool,rule,units,mean,p50,p90,cvar95,savings_p50,prob_beats_on_demand,utilization_mean,mean_se,p50_se,p50_ci95_low,p50_ci95_high");
    }
}
