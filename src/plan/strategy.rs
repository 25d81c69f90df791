//! Which searches run and what is reported of them (issue 15): the single-term optima, then
//! exhaustive enumeration where the space is small and coordinate descent — from all on-demand,
//! every single-term optimum and every listed fixed plan — always, so that the heuristic's
//! distance from the exhaustive optimum is measured wherever both ran.

use serde::Serialize;

use super::search::{EXHAUSTIVE_LIMIT, Evaluator, Found, SearchMethod, Space};
use crate::ratecard::Term;

/// Most plans `--search exhaustive` enumerates before refusing.
pub const EXHAUSTIVE_MAX: usize = 200_000;

/// How the best plan was searched for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchSummary {
    /// `exhaustive` or `heuristic` (what `auto` chose).
    pub method: SearchMethod,
    /// Slots (term, start month) a layer could take.
    pub slots: usize,
    /// Plans scored on every trial.
    pub evaluated: usize,
    /// When the exhaustive search ran: how far the heuristic's best landed above it, as a share
    /// of the exhaustive optimum's objective (0 = it found the optimum).
    pub heuristic_gap: Option<f64>,
}

/// The best count on each term's month-0 slot alone: the best plan that buys only that term.
pub fn single_term_optima(
    evaluator: &Evaluator,
    space: &Space,
    terms: &[Term],
) -> Vec<(Term, Found)> {
    terms
        .iter()
        .filter_map(|&t| {
            let (counts, score) = evaluator.best_on(space.first_slot(t)?);
            Some((
                t,
                Found {
                    counts,
                    score,
                    evaluated: space.levels.len(),
                },
            ))
        })
        .collect()
}

/// Coordinate descent from all on-demand, each single-term optimum and each of `starts`; the
/// best end point (the first of equals).
fn descend_from_all(
    evaluator: &Evaluator,
    space: &Space,
    singles: &[(Term, Found)],
    starts: &[Vec<u32>],
) -> Found {
    let all = std::iter::once(vec![0; space.slots.len()])
        .chain(singles.iter().map(|(_, f)| f.counts.clone()))
        .chain(starts.iter().cloned());
    let mut best: Option<Found> = None;
    let mut evaluated = 0;
    for start in all {
        let found = evaluator.descend(start, true);
        evaluated += found.evaluated;
        if best
            .as_ref()
            .is_none_or(|b| found.score.better_than(&b.score))
        {
            best = Some(found);
        }
    }
    Found {
        evaluated,
        ..best.expect("all on-demand is always a start")
    }
}

/// The best fixed-layer plan `method` finds, and how it was found. Err when an exhaustive
/// search is asked of a space with more than `EXHAUSTIVE_MAX` plans.
pub fn find_best(
    evaluator: &Evaluator,
    space: &Space,
    method: SearchMethod,
    singles: &[(Term, Found)],
    starts: &[Vec<u32>],
) -> Result<(Found, SearchSummary), String> {
    let exhaustive = match method {
        SearchMethod::Heuristic => None,
        SearchMethod::Auto => evaluator.exhaustive(EXHAUSTIVE_LIMIT),
        SearchMethod::Exhaustive => {
            Some(evaluator.exhaustive(EXHAUSTIVE_MAX).ok_or_else(|| {
                format!(
                    "the exhaustive search has more than {EXHAUSTIVE_MAX} plans here ({} slots, \
                 0..={} units); use --search heuristic, fewer [plan] terms or fewer months",
                    space.slots.len(),
                    space.levels.last().copied().unwrap_or(0)
                )
            })?)
        }
    };
    let descended = descend_from_all(evaluator, space, singles, starts);
    let mut summary = SearchSummary {
        method: SearchMethod::Heuristic,
        slots: space.slots.len(),
        evaluated: singles.iter().map(|(_, f)| f.evaluated).sum::<usize>() + descended.evaluated,
        heuristic_gap: None,
    };
    let Some(optimum) = exhaustive else {
        return Ok((descended, summary));
    };
    summary.method = SearchMethod::Exhaustive;
    summary.evaluated += optimum.evaluated;
    let (got, want) = (descended.score, optimum.score);
    summary.heuristic_gap = Some(if got.excess_loss == want.excess_loss {
        ((got.value - want.value) / want.value.abs().max(f64::MIN_POSITIVE)).max(0.0)
    } else {
        f64::INFINITY
    });
    // The enumeration bounds totals as if no trial switched; when every trial does, descent can
    // reach a plan it skips.
    let best = if got.better_than(&want) {
        descended
    } else {
        optimum
    };
    Ok((best, summary))
}
