//! The search for the best plan (issue 15). A plan of fixed layers is a count of units on each
//! slot — a term and a start month where that term fits — and costs its unit bill plus one
//! look-up per month in the `CostTable`. Small spaces are enumerated exhaustively; larger ones
//! by coordinate descent from the single-term optima: each pass sets every slot in turn to its
//! best count with the others held, then makes the best move of one step of units from any slot
//! to any other (which is how a cheaper term replaces a dearer one); when neither improves, the
//! best such move combined with one step up or down on a third slot (which is how a layer
//! changes term or start month when the units around it must change too); until a pass
//! improves nothing.

use rayon::prelude::*;
use serde::Serialize;

use super::layer::{Layer, Plan, PlanContext, bill, fits};
use super::objective::{Goal, Objective, Score};
use super::table::CostTable;
use crate::ratecard::Term;

/// Most plans enumerated by the exhaustive search (per objective evaluated on every trial).
pub const EXHAUSTIVE_LIMIT: usize = 5_000;
/// Most passes of coordinate descent (it stops earlier when a pass improves nothing).
const MAX_PASSES: usize = 200;
/// Trials from which the moves of a pass are scored in parallel.
const PARALLEL_TRIALS: usize = 64;

/// How to search.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, Serialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum SearchMethod {
    /// Exhaustive when the space has at most 5,000 plans, else coordinate descent.
    #[default]
    Auto,
    Exhaustive,
    Heuristic,
}

impl SearchMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SearchMethod::Auto => "auto",
            SearchMethod::Exhaustive => "exhaustive",
            SearchMethod::Heuristic => "heuristic",
        }
    }
}

/// Where a fixed layer can go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub term: Term,
    pub start_month: usize,
}

/// The slots of a search and what one unit on each costs and covers, per switch month.
#[derive(Clone, Debug)]
pub struct Space {
    pub slots: Vec<Slot>,
    /// The legal counts a slot (and a month's total) may take.
    pub levels: Vec<u32>,
    pub months: usize,
    /// Distinct switch months among the trials (None: no switch).
    groups: Vec<Option<usize>>,
    /// `[group][slot][month]`: whether a unit on the slot is in service.
    coverage: Vec<Vec<Vec<bool>>>,
    /// `[group][slot]`: the unit bill of one unit on the slot, USD after discount.
    usd_per_unit: Vec<Vec<f64>>,
}

impl Space {
    /// Every slot of `terms` that fits in the window, priced for the switch months of `table`.
    pub fn new(terms: &[Term], ctx: &PlanContext, table: &CostTable) -> Self {
        let slots: Vec<Slot> = terms
            .iter()
            .flat_map(|&term| {
                (0..ctx.months)
                    .filter(move |&s| fits(term, s, ctx.months))
                    .map(move |start_month| Slot { term, start_month })
            })
            .collect();
        // No switch is always a group: the exhaustive search bounds its totals by it.
        let mut groups: Vec<Option<usize>> = std::iter::once(None)
            .chain(table.trials.iter().map(|t| t.switch_month))
            .collect();
        groups.sort_unstable();
        groups.dedup();
        let unit = |slot: &Slot, group: Option<usize>| {
            let plan = Space::plan_of(&[*slot], &[1], "");
            bill(&plan, ctx, group, None)
        };
        let bills: Vec<Vec<_>> = groups
            .iter()
            .map(|&g| slots.iter().map(|s| unit(s, g)).collect())
            .collect();
        Space {
            coverage: bills
                .iter()
                .map(|b| {
                    b.iter()
                        .map(|b| b.units_by_month.iter().map(|&u| u > 0).collect())
                        .collect()
                })
                .collect(),
            usd_per_unit: bills
                .iter()
                .map(|b| b.iter().map(|b| b.unit_usd).collect())
                .collect(),
            slots,
            levels: table.levels.clone(),
            months: ctx.months,
            groups,
        }
    }

    /// The layers of `counts`, by start month and the longest term first (the floor first).
    fn plan_of(slots: &[Slot], counts: &[u32], name: &str) -> Plan {
        let mut layers: Vec<Layer> = slots
            .iter()
            .zip(counts)
            .filter(|(_, c)| **c > 0)
            .map(|(s, &units)| Layer {
                units,
                term: s.term,
                start_month: s.start_month,
                resize: None,
            })
            .collect();
        layers.sort_by_key(|l| (l.start_month, std::cmp::Reverse(l.term.hours())));
        Plan {
            name: name.to_string(),
            layers,
        }
    }

    /// The plan of `counts` (one per slot), named `name`.
    pub fn plan(&self, counts: &[u32], name: &str) -> Plan {
        Space::plan_of(&self.slots, counts, name)
    }

    fn group(&self, switch_month: Option<usize>) -> usize {
        self.groups
            .binary_search(&switch_month)
            .expect("every trial's switch month has a group")
    }

    /// The counts of `plan` on the slots, if every layer is a fixed one on a slot of the space
    /// and the counts are levels.
    pub fn counts_of(&self, plan: &Plan) -> Option<Vec<u32>> {
        let mut counts = vec![0u32; self.slots.len()];
        for layer in &plan.layers {
            let slot = self.slots.iter().position(|s| {
                layer.resize.is_none() && s.term == layer.term && s.start_month == layer.start_month
            })?;
            counts[slot] = counts[slot].checked_add(layer.units)?;
        }
        counts
            .iter()
            .all(|c| self.levels.contains(c))
            .then_some(counts)
    }

    /// The slot of `term` starting at month 0, if the term fits.
    pub fn first_slot(&self, term: Term) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| s.term == term && s.start_month == 0)
    }
}

/// Units in service each month and the unit bill, for each switch month a set of trials has.
#[derive(Clone, Debug)]
struct State {
    counts: Vec<u32>,
    /// `[used group][month]`.
    profile: Vec<Vec<u32>>,
    unit_usd: Vec<f64>,
}

/// Scores plans on a set of trials.
pub struct Evaluator<'a> {
    space: &'a Space,
    table: &'a CostTable,
    goal: Goal,
    trials: Vec<usize>,
    /// For each trial of `trials`, its index into `used`.
    trial_group: Vec<usize>,
    /// The space's groups these trials fall in.
    used: Vec<usize>,
    on_demand: Vec<f64>,
    /// For the plain mean: `[used group][month × levels + level]`, the month costs summed over
    /// the group's trials (in trial order), so that a plan's mean needs no pass over trials.
    group_sums: Option<Vec<Vec<f64>>>,
    /// Trials in each used group.
    group_trials: Vec<f64>,
}

impl<'a> Evaluator<'a> {
    /// Scores on `trials` (indices into the table) by `goal`.
    pub fn new(space: &'a Space, table: &'a CostTable, goal: Goal, trials: Vec<usize>) -> Self {
        let mut used: Vec<usize> = Vec::new();
        let trial_group: Vec<usize> = trials
            .iter()
            .map(|&t| {
                let g = space.group(table.trials[t].switch_month);
                match used.iter().position(|&u| u == g) {
                    Some(i) => i,
                    None => {
                        used.push(g);
                        used.len() - 1
                    }
                }
            })
            .collect();
        let plain_mean = goal.objective == Objective::Mean && goal.max_loss_probability.is_none();
        let group_sums = plain_mean.then(|| {
            let mut sums = vec![vec![0.0; table.levels.len() * space.months]; used.len()];
            for (&t, &u) in trials.iter().zip(&trial_group) {
                for (sum, cost) in sums[u].iter_mut().zip(&table.trials[t].costs) {
                    *sum += cost;
                }
            }
            sums
        });
        let mut group_trials = vec![0.0; used.len()];
        for &u in &trial_group {
            group_trials[u] += 1.0;
        }
        Evaluator {
            on_demand: trials.iter().map(|&t| table.on_demand(t)).collect(),
            group_sums,
            group_trials,
            space,
            table,
            goal,
            trials,
            trial_group,
            used,
        }
    }

    /// The plain mean of `state` from the group sums; None when some month's total is not a
    /// priced legal count.
    fn mean_of_groups(&self, state: &State, sums: &[Vec<f64>]) -> Option<f64> {
        let n = self.table.levels.len();
        let mut total = 0.0;
        for (u, profile) in state.profile.iter().enumerate() {
            total += self.group_trials[u] * state.unit_usd[u];
            for (m, &units) in profile.iter().enumerate() {
                total += sums[u][m * n + self.table.level(units)?];
            }
        }
        Some(total / self.trials.len().max(1) as f64)
    }

    fn state(&self, counts: Vec<u32>) -> State {
        let mut state = State {
            profile: vec![vec![0; self.space.months]; self.used.len()],
            unit_usd: vec![0.0; self.used.len()],
            counts: vec![0; counts.len()],
        };
        let moves: Vec<(usize, u32)> = counts.into_iter().enumerate().collect();
        self.apply(&mut state, &moves);
        state
    }

    fn apply(&self, state: &mut State, moves: &[(usize, u32)]) {
        for &(slot, count) in moves {
            let delta = i64::from(count) - i64::from(state.counts[slot]);
            state.counts[slot] = count;
            for (u, &g) in self.used.iter().enumerate() {
                for (p, &covered) in state.profile[u]
                    .iter_mut()
                    .zip(&self.space.coverage[g][slot])
                {
                    if covered {
                        *p = (i64::from(*p) + delta) as u32;
                    }
                }
                state.unit_usd[u] += delta as f64 * self.space.usd_per_unit[g][slot];
            }
        }
    }

    /// Each trial's cost in `state`; None when some month's total is not a priced legal count.
    fn costs(&self, state: &State) -> Option<Vec<f64>> {
        let levels: Vec<Vec<usize>> = state
            .profile
            .iter()
            .map(|p| self.table.levels_of(p))
            .collect::<Option<_>>()?;
        Some(
            self.trials
                .iter()
                .zip(&self.trial_group)
                .map(|(&t, &u)| state.unit_usd[u] + self.table.non_unit_usd(t, &levels[u]))
                .collect(),
        )
    }

    fn score_state(&self, state: &State) -> Score {
        if let Some(sums) = &self.group_sums {
            return self
                .mean_of_groups(state, sums)
                .map_or(Score::WORST, |value| Score {
                    excess_loss: 0.0,
                    value,
                });
        }
        self.costs(state)
            .map_or(Score::WORST, |c| self.goal.score(&c, &self.on_demand))
    }

    /// The score of `counts` (one per slot).
    pub fn score(&self, counts: &[u32]) -> Score {
        self.score_state(&self.state(counts.to_vec()))
    }

    /// The score of `state` after each of `moves`, in order (in parallel when there are many
    /// trials; each score is a serial sum, so the result does not depend on the thread count).
    fn scores_moved(&self, state: &State, moves: &[Vec<(usize, u32)>]) -> Vec<Score> {
        let score = |m: &Vec<(usize, u32)>| {
            let mut moved = state.clone();
            self.apply(&mut moved, m);
            self.score_state(&moved)
        };
        if self.trials.len() >= PARALLEL_TRIALS {
            moves.par_iter().map(score).collect()
        } else {
            moves.iter().map(score).collect()
        }
    }

    /// The best count on `slot` alone (the single-term optimum when it is a term's month-0 slot).
    pub fn best_on(&self, slot: usize) -> (Vec<u32>, Score) {
        let mut best = (vec![0; self.space.slots.len()], Score::WORST);
        for &level in &self.space.levels {
            let mut counts = vec![0; self.space.slots.len()];
            counts[slot] = level;
            let score = self.score(&counts);
            if score.better_than(&best.1) {
                best = (counts, score);
            }
        }
        best
    }

    /// Coordinate descent from `start` (see the module notes); with `triples`, a pass that
    /// improves nothing else also tries every move of one step from a slot to another combined
    /// with one step up or down on a third.
    pub fn descend(&self, start: Vec<u32>, triples: bool) -> Found {
        let levels = &self.space.levels;
        let n = self.space.slots.len();
        let mut state = self.state(start);
        let mut best = self.score_state(&state);
        let mut evaluated = 1;
        let mut try_moves = |state: &mut State, best: &mut Score, moves: Vec<Vec<(usize, u32)>>| {
            evaluated += moves.len();
            let pick = first_better(&self.scores_moved(state, &moves), best);
            if let Some(i) = pick {
                self.apply(state, &moves[i]);
            }
            pick.is_some()
        };
        for _ in 0..MAX_PASSES {
            let mut improved = false;
            for slot in 0..n {
                let moves = levels
                    .iter()
                    .filter(|&&l| l != state.counts[slot])
                    .map(|&l| vec![(slot, l)])
                    .collect();
                improved |= try_moves(&mut state, &mut best, moves);
            }
            let pairs = transfers(levels, &state.counts);
            improved |= try_moves(&mut state, &mut best, pairs.clone());
            if !improved && triples {
                let moves = pairs
                    .iter()
                    .flat_map(|pair| {
                        let counts = &state.counts;
                        (0..n)
                            .filter(move |&k| k != pair[0].0 && k != pair[1].0)
                            .flat_map(move |k| [-1, 1].map(|d| (k, step(levels, counts[k], d))))
                            .filter_map(move |(k, level)| Some(vec![pair[0], pair[1], (k, level?)]))
                    })
                    .collect();
                improved |= try_moves(&mut state, &mut best, moves);
            }
            if !improved {
                break;
            }
        }
        // Scored afresh: the running bill has summed many moves' deltas.
        Found {
            score: self.score(&state.counts),
            counts: state.counts,
            evaluated,
        }
    }

    /// Every plan whose monthly totals stay within the priced counts, in a fixed order; the
    /// first best wins ties. None when there are more than `limit`.
    pub fn exhaustive(&self, limit: usize) -> Option<Found> {
        let plans = enumerate(self.space, limit)?;
        let scores: Vec<Score> = plans.par_iter().map(|c| self.score(c)).collect();
        let mut best = Found {
            counts: vec![0; self.space.slots.len()],
            score: Score::WORST,
            evaluated: plans.len(),
        };
        for (counts, score) in plans.into_iter().zip(scores) {
            if score.better_than(&best.score) {
                (best.counts, best.score) = (counts, score);
            }
        }
        Some(best)
    }
}

/// The index of the best score strictly better than `best` (the first of equals), which
/// becomes the new `best`.
fn first_better(scores: &[Score], best: &mut Score) -> Option<usize> {
    let mut pick = None;
    for (i, s) in scores.iter().enumerate() {
        if s.better_than(best) {
            (*best, pick) = (*s, Some(i));
        }
    }
    pick
}

/// Every move of one step of units from one slot to another.
fn transfers(levels: &[u32], counts: &[u32]) -> Vec<Vec<(usize, u32)>> {
    let n = counts.len();
    (0..n)
        .flat_map(|from| (0..n).map(move |to| (from, to)))
        .filter(|(from, to)| from != to)
        .filter_map(|(from, to)| {
            Some(vec![
                (from, step(levels, counts[from], -1)?),
                (to, step(levels, counts[to], 1)?),
            ])
        })
        .collect()
}

/// The level one step above (+1) or below (−1) `count`, if there is one.
fn step(levels: &[u32], count: u32, direction: i32) -> Option<u32> {
    let i = levels.iter().position(|&l| l == count)?;
    match direction {
        1 => levels.get(i + 1).copied(),
        _ => i.checked_sub(1).map(|j| levels[j]),
    }
}

/// What a search found.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub counts: Vec<u32>,
    pub score: Score,
    /// Plans scored.
    pub evaluated: usize,
}

/// Every count vector whose months stay within the largest level without a switch (a switch
/// only shortens coverage), or None past `limit`.
fn enumerate(space: &Space, limit: usize) -> Option<Vec<Vec<u32>>> {
    let cover = &space.coverage[space.group(None)];
    let mut walk = Walk {
        space,
        months: cover
            .iter()
            .map(|c| (0..space.months).filter(|&m| c[m]).collect())
            .collect(),
        max: space.levels.last().copied().unwrap_or(0),
        counts: vec![0; space.slots.len()],
        totals: vec![0; space.months],
        out: Vec::new(),
        limit,
    };
    walk.from(0).then_some(walk.out)
}

/// The depth-first enumeration behind `enumerate`.
struct Walk<'a> {
    space: &'a Space,
    /// `[slot]`: the months a unit on it serves.
    months: Vec<Vec<usize>>,
    max: u32,
    counts: Vec<u32>,
    totals: Vec<u32>,
    out: Vec<Vec<u32>>,
    limit: usize,
}

impl Walk<'_> {
    /// Extends the counts from `slot` on; false once past the limit.
    fn from(&mut self, slot: usize) -> bool {
        if slot == self.counts.len() {
            self.out.push(self.counts.clone());
            return self.out.len() <= self.limit;
        }
        for &level in &self.space.levels {
            if self.months[slot]
                .iter()
                .any(|&m| self.totals[m] + level > self.max)
            {
                break;
            }
            self.add(slot, level, true);
            let within = self.from(slot + 1);
            self.add(slot, level, false);
            if !within {
                return false;
            }
        }
        true
    }

    fn add(&mut self, slot: usize, level: u32, on: bool) {
        for &m in &self.months[slot] {
            if on {
                self.totals[m] += level;
            } else {
                self.totals[m] -= level;
            }
        }
        self.counts[slot] = if on { level } else { 0 };
    }
}
