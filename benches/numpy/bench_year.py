#!/usr/bin/env python3
"""An independent, straightforward numpy implementation of scenarios/bench_year.toml (issue 6).

Written from docs/model.md (§2, §4, §5, §7) and the README's "Model" section, not from ptsim's code; it
uses numpy's own random generator, so it agrees with `ptsim run` statistically, not bitwise.

The scenario, hard-coded below:
  one pool, claude-sonnet-4.5 model units, one_year term (21.78 USD/unit-hour), separate mode,
  C_in = 266,667 x 60, C_out = 66,667 x 60 tokens/hour per unit; units k = 0..40; fill_idle;
  one parametric workload: 1.2e8 input + 2.0e7 output tokens/hour, profile "business-hours",
  lognormal noise CV 0.25 with AR(1) 0.7, growth ~ Normal(0.03, 0.02)/month, level log-sd 0.3,
  30% batch share with a 24 h window; 8,760 hours from Monday 2024-01-01 00:00 UTC; 1,000 trials.

How it computes (straightforward, vectorised across trials):
  1. traffic: arrays of shape (trials, hours) for the multiplier, input and output tokens;
  2. per hour (a Python loop over 8,760 hours) every k and every trial at once, arrays (k, trials):
     realtime served min(R, k), spill billed on demand, the idle capacity pair of separate mode, and
     the deferrable backlog served earliest-deadline first. With one workload and one window EDF is
     FIFO: `--backlog pointer` (default, the benchmark) keeps one "served-through" position in the
     cumulative deferred arrivals per (k, trial), O(1) per hour; `--backlog ring` keeps each arrival
     hour's remaining load in a ring (24, k, trials) served in arrival order with partial service (a
     cumulative sum over the ring): the literal queue, ~5x slower, same results to ~1e-11. Work
     still queued after its deadline hour a + 23, or at the end of the horizon, pays batch prices.
  One workload means one token mix (output/input fixed), so the backlog can be kept in load units
  (unit-hours): an item of load L holds L*a_in input and L*a_out output tokens, and the separate-mode
  rule "an item takes the largest fraction that fits both budgets" becomes "serve
  min(L, idle_in/a_in, idle_out/a_out)".

Writes a CSV with ptsim's curve.csv columns (throttled_tokens_mean is always 0: no quota), and with
--se-out a CSV of the same shape holding bootstrap standard errors of each statistic (for
compare.py). Usage:
  python3 benches/numpy/bench_year.py [--trials N] [--seed S] [--out FILE] [--se-out FILE]
                                      [--backlog pointer|ring] [--chunk N]
"""

import argparse
import csv
import math
import sys
import time

import numpy as np

# ---- the scenario (scenarios/bench_year.toml) and the rate card (src/ratecard/rates.toml) ----
POOL = "claude-sonnet-4.5"
HOURS = 8760
TRIALS = 1000
SEED = 6
MAX_UNITS = 40
UNIT_PER_HOUR = 21.78  # one_year
C_IN = 266_667 * 60.0  # tokens per unit-hour
C_OUT = 66_667 * 60.0
P_IN, P_OUT = 3.00e-6, 15.00e-6  # USD per token, on demand
B_IN, B_OUT = 1.50e-6, 7.50e-6  # batch
IN_PER_HOUR, OUT_PER_HOUR = 1.2e8, 2.0e7
BATCH_SHARE = 0.3
WINDOW = 24
NOISE_CV, AR1 = 0.25, 0.7
GROWTH_MEAN, GROWTH_SD, MIN_GROWTH = 0.03, 0.02, -0.99
LEVEL_SIGMA = 0.3
HOURS_PER_MONTH = 730.0
DISCOUNT = 0.0

# "business-hours" (src/traffic/profiles.rs), UTC hours, Monday first; normalised to mean 1.
HOUR_OF_DAY = np.array([
    0.15, 0.12, 0.1, 0.1, 0.12, 0.2, 0.4, 0.8, 1.4, 1.8, 1.9, 1.9, 1.7, 1.8, 1.9, 1.8, 1.6,
    1.2, 0.8, 0.55, 0.4, 0.3, 0.25, 0.2,
])
DAY_OF_WEEK = np.array([1.2, 1.25, 1.25, 1.2, 1.1, 0.5, 0.5])
HOUR_OF_DAY = HOUR_OF_DAY / HOUR_OF_DAY.mean()
DAY_OF_WEEK = DAY_OF_WEEK / DAY_OF_WEEK.mean()

QUANTILES = [5, 10, 25, 50, 75, 90, 95, 99]
COLUMNS = ["pool", "units", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99",
           "cvar95", "savings_p10", "savings_p50", "savings_p90", "prob_beats_on_demand",
           "utilization_mean", "spilled_tokens_mean", "absorbed_tokens_mean",
           "batch_tokens_mean", "throttled_tokens_mean"]


def load(i, o):
    """Unit-hours of i input and o output tokens, separate mode (docs/model.md §2)."""
    return np.maximum(i / C_IN, o / C_OUT)


def generate(rng, n, hours):
    """Input and output tokens per hour, arrays (n, hours) (docs/model.md §5 / §7 parametric formula)."""
    level = np.exp(LEVEL_SIGMA * rng.standard_normal(n) - 0.5 * LEVEL_SIGMA**2)
    g = np.maximum(GROWTH_MEAN + GROWTH_SD * rng.standard_normal(n), MIN_GROWTH)
    h = np.arange(hours)
    calendar = HOUR_OF_DAY[h % 24] * DAY_OF_WEEK[(h // 24) % 7]  # hour 0 = Monday 00:00
    growth = np.exp(np.log1p(g)[:, None] * (h / HOURS_PER_MONTH)[None, :])  # (1+g)^(h/730)

    sigma = math.sqrt(math.log1p(NOISE_CV**2))
    e = rng.standard_normal((n, hours))
    x = np.empty((n, hours))
    x[:, 0] = sigma * e[:, 0]  # stationary start: x0 ~ N(0, sigma^2)
    innov = sigma * math.sqrt(1.0 - AR1**2)
    for t in range(1, hours):
        x[:, t] = AR1 * x[:, t - 1] + innov * e[:, t]
    del e
    noise = np.exp(x - 0.5 * sigma**2)
    del x

    m = level[:, None] * growth * calendar[None, :] * noise
    del growth, noise
    return IN_PER_HOUR * m, OUT_PER_HOUR * m


def simulate(inp, out, backlog):
    """Per-trial results for k = 0..MAX_UNITS: dict of arrays (K, n)."""
    n, hours = inp.shape
    b = BATCH_SHARE
    # Realtime and deferrable loads and the realtime on-demand value, transposed to (hours, n) so
    # that one hour is a contiguous row.
    R = np.ascontiguousarray(load((1 - b) * inp, (1 - b) * out).T)
    V = np.ascontiguousarray(((1 - b) * inp * P_IN + (1 - b) * out * P_OUT).T)
    D = np.ascontiguousarray(load(b * inp, b * out).T)
    # The token mix, per unit-hour of load (one workload: the same every hour, realtime and
    # deferrable alike).
    a_in = IN_PER_HOUR / float(load(IN_PER_HOUR, OUT_PER_HOUR))
    a_out = OUT_PER_HOUR / float(load(IN_PER_HOUR, OUT_PER_HOUR))

    k = np.arange(MAX_UNITS + 1, dtype=float)[:, None]  # (K, 1)
    nk = k.shape[0]
    shape = (nk, n)
    on_demand = np.zeros(shape)
    spilled = np.zeros(shape)  # load units
    absorbed = np.zeros(shape)
    expired = np.zeros(shape)
    served_load = np.zeros(shape)

    if backlog == "ring":
        ring = np.zeros((WINDOW, nk, n))  # ring[0] oldest arrival ... ring[-1] this hour's
        cum = np.empty_like(ring)
    else:
        cum_arrivals = np.cumsum(D, axis=0)  # (hours, n): deferred load arrived up to hour t
        pos = np.zeros(shape)  # queue served (or expired) through this cumulative position

    for t in range(hours):
        r = R[t]
        s = np.minimum(r, k)  # realtime served
        spill = r - s
        f = spill / np.maximum(r, 1e-300)  # spill fraction (0 when r = 0)
        on_demand += f * V[t]
        spilled += spill
        # capacity left, separate mode: the pair (k C_in - served in, k C_out - served out), in
        # unit-hours of the deferrable mix
        idle = np.minimum((k * C_IN - s * a_in) / a_in, (k * C_OUT - s * a_out) / a_out)
        np.maximum(idle, 0.0, out=idle)

        if backlog == "ring":
            ring[:-1] = ring[1:]
            ring[-1] = D[t]
            np.cumsum(ring, axis=0, out=cum)
            served = np.minimum(idle, cum[-1])
            # FIFO with partial service: slot j keeps min(load_j, max(0, cum_j - served))
            np.subtract(cum, served, out=cum)
            np.maximum(cum, 0.0, out=cum)
            np.minimum(cum, ring, out=ring)
            expired += ring[0]  # arrived t - 23: deadline t, billed at batch prices
        else:
            y = np.minimum(pos + idle, cum_arrivals[t])
            served = y - pos
            if t >= WINDOW - 1:
                np.maximum(y, cum_arrivals[t - WINDOW + 1], out=pos)
                expired += pos - y
            else:
                pos = y
        absorbed += served
        served_load += load((s + served) * a_in, (s + served) * a_out)

    # end of the horizon: everything still queued pays batch
    if backlog == "ring":
        expired += ring[1:].sum(axis=0)
    else:
        expired += cum_arrivals[-1] - pos

    batch_cost = expired * (a_in * B_IN + a_out * B_OUT)
    units_cost = k * UNIT_PER_HOUR * hours
    total = (units_cost + on_demand + batch_cost) * (1 - DISCOUNT)
    with np.errstate(invalid="ignore", divide="ignore"):
        util = np.where(k > 0, served_load / (k * hours), 0.0)
    tokens = a_in + a_out
    return {
        "total": total,
        "util": util,
        "spilled": spilled * tokens,
        "absorbed": absorbed * tokens,
        "batch": expired * tokens,
    }


def statistics(res, idx=None):
    """curve.csv statistics per k from per-trial results (K, n); idx resamples trials."""
    if idx is not None:
        res = {key: v[:, idx] for key, v in res.items()}
    total = res["total"]
    n = total.shape[1]
    st = {"mean": total.mean(axis=1)}
    for q, row in zip(QUANTILES, np.percentile(total, QUANTILES, axis=1)):
        st[f"p{q}"] = row
    worst = math.ceil(0.05 * n)
    st["cvar95"] = np.sort(total, axis=1)[:, n - worst:].mean(axis=1)
    savings = total[0][None, :] - total
    for q, row in zip([10, 50, 90], np.percentile(savings, [10, 50, 90], axis=1)):
        st[f"savings_p{q}"] = row
    st["prob_beats_on_demand"] = (total < total[0][None, :]).mean(axis=1)
    st["utilization_mean"] = res["util"].mean(axis=1)
    st["spilled_tokens_mean"] = res["spilled"].mean(axis=1)
    st["absorbed_tokens_mean"] = res["absorbed"].mean(axis=1)
    st["batch_tokens_mean"] = res["batch"].mean(axis=1)
    st["throttled_tokens_mean"] = np.zeros(total.shape[0])
    return st


def write_csv(path, st):
    nk = len(st["mean"])
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for j in range(nk):
            w.writerow([POOL, j] + [repr(float(st[c][j])) for c in COLUMNS[2:]])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=TRIALS)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--hours", type=int, default=HOURS, help=argparse.SUPPRESS)
    ap.add_argument("--out", default="numpy_curve.csv", help="curve CSV to write")
    ap.add_argument("--se-out", help="also write bootstrap standard errors of every statistic")
    ap.add_argument("--bootstrap", type=int, default=200, help="resamples for --se-out")
    ap.add_argument("--backlog", choices=["ring", "pointer"], default="pointer")
    ap.add_argument("--chunk", type=int, default=0,
                    help="trials per batch (0 = all at once, the benchmark); bounds memory")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    chunk = args.chunk or args.trials
    parts, t_gen, t_sim = [], 0.0, 0.0
    for start in range(0, args.trials, chunk):
        n = min(chunk, args.trials - start)
        ta = time.perf_counter()
        inp, out = generate(rng, n, args.hours)
        tb = time.perf_counter()
        parts.append(simulate(inp, out, args.backlog))
        del inp, out
        t_gen += tb - ta
        t_sim += time.perf_counter() - tb
    res = {key: np.concatenate([p[key] for p in parts], axis=1) for key in parts[0]}
    ta = time.perf_counter()
    write_csv(args.out, statistics(res))
    t_stats = time.perf_counter() - ta

    if args.se_out:
        bs = np.random.default_rng(args.seed + 1)
        n = args.trials
        draws = [statistics(res, bs.integers(0, n, n)) for _ in range(args.bootstrap)]
        se = {c: np.std([d[c] for d in draws], axis=0, ddof=1) for c in COLUMNS[2:]}
        # the mean's standard error in closed form
        se["mean"] = res["total"].std(axis=1, ddof=1) / math.sqrt(n)
        for c, key in [("utilization_mean", "util"), ("spilled_tokens_mean", "spilled"),
                       ("absorbed_tokens_mean", "absorbed"), ("batch_tokens_mean", "batch")]:
            se[c] = res[key].std(axis=1, ddof=1) / math.sqrt(n)
        # binomial, smoothed so that 0/N and N/N do not claim zero error
        p = (statistics(res)["prob_beats_on_demand"] * n + 1) / (n + 2)
        se["prob_beats_on_demand"] = np.sqrt(p * (1 - p) / n)
        write_csv(args.se_out, se)

    if not args.quiet:
        print(f"{args.trials} trials x {args.hours} h x {MAX_UNITS + 1} k, backlog={args.backlog}: "
              f"generate {t_gen:.2f} s, simulate {t_sim:.2f} s, stats {t_stats:.2f} s, "
              f"total {time.perf_counter() - t0:.2f} s -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
