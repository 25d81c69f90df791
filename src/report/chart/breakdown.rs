//! Chart 4, what the bill is made of at each unit count over the decision region: the expected
//! unit bill, on-demand spill and batch, stacked (their sum is the expected total, the `mean` of
//! curve.csv), against the expected all-on-demand bill.

use plotters::prelude::*;

use super::Context;
use super::annotate::{Note, Place, note};
use super::axis::padded;
use super::layout::{Area, Entry, Swatch, footer, header, legend};
use super::style::{self, Backend, RECOMMENDED, REFERENCE, okabe_ito};
use super::units::{bill_panel, dashed, recommended_band, region, units_axis};
use crate::cost::UnitOutcome;
use crate::report::format::usd3;
use crate::report::words::count;
use crate::simulate::PoolRun;

const UNITS: RGBColor = okabe_ito::BLUE;
const SPILL: RGBColor = okabe_ito::ORANGE;
const BATCH: RGBColor = okabe_ito::PURPLE;

/// Mean unit bill, on-demand and batch over trials at sweep position `at`, USD.
pub fn mean_parts(run: &PoolRun, at: usize) -> [f64; 3] {
    let mut sums = [0.0; 3];
    for trial in &run.trials {
        let o: &UnitOutcome = &trial.by_units[at];
        sums[0] += o.units_usd;
        sums[1] += o.on_demand_usd;
        sums[2] += o.batch_usd;
    }
    let n = run.trials.len().max(1) as f64;
    sums.map(|s| s / n)
}

/// Draws the bill-breakdown chart of one pool.
pub fn draw<DB: Backend>(root: &Area<DB>, ctx: &Context) -> anyhow::Result<()> {
    let sizes = &ctx.sizes;
    let h = &ctx.headline;
    let region = region(ctx);
    let rows = region.rows;
    let run = &ctx.report.run;
    let parts: Vec<[f64; 3]> = (0..rows.len()).map(|i| mean_parts(run, i)).collect();
    let at = run.index_of(h.units);
    let [units_usd, spill, batch] = parts.get(at).copied().unwrap_or(mean_parts(run, at));
    let per = h.period.per();
    let title = format!(
        "At {} the expected bill {per} is {} of units, {} of on-demand spill and {} of batch",
        count(h.units, ctx.pool.product),
        usd3(units_usd),
        usd3(spill),
        usd3(batch)
    );
    let body = header(
        root,
        sizes,
        &title,
        &format!(
            "{} · expected (mean) bill {} by units bought, stacked · each unit adds its price and \
             takes traffic off on-demand and batch",
            style::subtitle(ctx.pool),
            h.period.axis()
        ),
    )?;
    let body = footer(&body, sizes, &style::footnote(ctx.scenario))?;
    let on_demand = rows[0].mean;
    let entries = [
        Entry::new(
            Swatch::Band(UNITS.mix(0.75)),
            "Units (billed whether used or not)",
        ),
        Entry::new(Swatch::Band(SPILL.mix(0.75)), "On-demand spill"),
        Entry::new(Swatch::Band(BATCH.mix(0.75)), "Batch"),
        Entry::new(
            Swatch::Dashed(REFERENCE),
            format!("All on-demand, expected {} {per}", usd3(on_demand)),
        ),
    ];
    let plot = legend(&body, sizes, &entries)?;
    let (width, _) = plot.dim_in_pixel();
    let (x_range, _) = units_axis(sizes, rows, width);
    let (left, right) = (x_range.start, x_range.end);
    let top = rows.iter().map(|r| r.mean).fold(on_demand, f64::max);
    let (_, y_max) = padded(0.0, top, 0.1);
    let mut chart = bill_panel(&plot, ctx, &region, y_max, "Expected bill")?;
    let k: Vec<f64> = rows.iter().map(|r| f64::from(r.units)).collect();
    let mut base = vec![0.0; rows.len()];
    for (layer, color) in [(0, UNITS), (1, SPILL), (2, BATCH)] {
        let top: Vec<f64> = base.iter().zip(&parts).map(|(b, p)| b + p[layer]).collect();
        let mut outline: Vec<(f64, f64)> = k.iter().copied().zip(top.iter().copied()).collect();
        outline.extend(k.iter().copied().zip(base.iter().copied()).rev());
        chart.draw_series([Polygon::new(outline, color.mix(0.75).filled())])?;
        base = top;
    }
    let step = f64::from(ctx.pool.steps.increment.max(1));
    recommended_band(&mut chart, h.units, step, (0.0, y_max))?;
    dashed(
        &mut chart,
        sizes,
        ((left, on_demand), (right, on_demand)),
        REFERENCE,
    )?;
    let total = units_usd + spill + batch;
    note(
        &mut chart,
        sizes,
        (f64::from(h.units), total),
        &Note {
            lines: vec![
                (
                    format!(
                        "{}: {} expected",
                        count(h.units, ctx.pool.product),
                        usd3(total)
                    ),
                    sizes.label_bold_in(RECOMMENDED),
                ),
                (
                    format!("{} below all on-demand", usd3(on_demand - total)),
                    sizes.label(),
                ),
            ],
            border: Some(RECOMMENDED),
            place: Place::Above,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{LoadSummary, TrialOutcome};

    #[test]
    fn parts_are_means_over_trials_and_add_up_to_the_total() {
        let outcome = |units_usd, on_demand_usd, batch_usd| UnitOutcome {
            units: 1,
            total_usd: units_usd + on_demand_usd + batch_usd,
            units_usd,
            on_demand_usd,
            batch_usd,
            ..UnitOutcome::default()
        };
        let run = PoolRun {
            units: vec![1],
            trials: vec![
                TrialOutcome {
                    load: LoadSummary::default(),
                    by_units: vec![outcome(100.0, 30.0, 6.0)],
                },
                TrialOutcome {
                    load: LoadSummary::default(),
                    by_units: vec![outcome(100.0, 50.0, 2.0)],
                },
            ],
        };
        assert_eq!(mean_parts(&run, 0), [100.0, 40.0, 4.0]);
    }
}
