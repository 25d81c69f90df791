#!/usr/bin/env python3
"""Compare ptsim's curve.csv with the numpy implementation's (benches/numpy/bench_year.py).

For every k and statistic: both values, the relative difference (numpy - ptsim) / |ptsim|, the
standard error of the difference and z = difference / SE; `!` flags |z| > --z (default 3).

The SE comes from the numpy run's --se-out file (bootstrap over trials; closed form sd/sqrt(N) for
means, binomial for prob_beats_on_demand); for the cost percentiles it is at least the asymptotic
sqrt(p(1-p)/N) / density, the density read off the neighbouring percentiles (the bootstrap SE
collapses where a percentile sits at the edge of an atom, e.g. trials costing exactly k units). ptsim's sample is independent and of the same
distribution, so SE(diff) = SE_numpy * sqrt(1 + N_numpy / N_ptsim), N_ptsim read from the
manifest.json next to curve.csv (else assumed equal). Statistics of the same k are strongly
correlated (one set of trials), and so are neighbouring k, so flags come in clusters; with ~800
comparisons about 2 beyond 3 SE are expected by chance alone.

Usage: python3 benches/numpy/compare.py PTSIM_CURVE.csv NUMPY_CURVE.csv [--se FILE]
                                        [--numpy-trials N] [--z 3] [--flagged-only]
"""

import argparse
import csv
import json
import math
import os
import sys

STATS = ["mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "cvar95",
         "savings_p10", "savings_p50", "savings_p90", "prob_beats_on_demand",
         "utilization_mean", "spilled_tokens_mean", "absorbed_tokens_mean", "batch_tokens_mean",
         "throttled_tokens_mean"]


PCT = {"p5": 5, "p10": 10, "p25": 25, "p50": 50, "p75": 75, "p90": 90, "p95": 95, "p99": 99}


def quantile_se(row, s, n):
    """Asymptotic SE of a sample percentile, sqrt(p(1-p)/N) / density, the density taken from the
    neighbouring percentiles of the same row. A floor under the bootstrap SE, which collapses to ~0
    where a percentile sits on the edge of an atom (e.g. trials that cost exactly the units)."""
    names = list(PCT)
    i = names.index(s)
    lo, hi = names[max(i - 1, 0)], names[min(i + 1, len(names) - 1)]
    dq = float(row[hi]) - float(row[lo])
    dp = (PCT[hi] - PCT[lo]) / 100.0
    p = PCT[s] / 100.0
    return math.sqrt(p * (1 - p) / n) * dq / dp


def read(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {(r["pool"], int(r["units"])): r for r in rows}, (rows[0].keys() if rows else [])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ptsim")
    ap.add_argument("numpy")
    ap.add_argument("--se", help="standard errors CSV (default: NUMPY with .se.csv)")
    ap.add_argument("--numpy-trials", type=int, default=1000)
    ap.add_argument("--ptsim-trials", type=int, help="default: from manifest.json, else = numpy")
    ap.add_argument("--z", type=float, default=3.0)
    ap.add_argument("--flagged-only", action="store_true")
    args = ap.parse_args()

    se_path = args.se or (args.numpy[:-4] if args.numpy.endswith(".csv") else args.numpy) + ".se.csv"
    if not os.path.exists(se_path):
        sys.exit(f"no standard errors at {se_path}: run bench_year.py with --se-out {se_path}")
    pt, pt_cols = read(args.ptsim)
    npy, np_cols = read(args.numpy)
    se, _ = read(se_path)

    n_pt = args.ptsim_trials
    manifest = os.path.join(os.path.dirname(os.path.abspath(args.ptsim)), "manifest.json")
    if n_pt is None and os.path.exists(manifest):
        with open(manifest) as fh:
            n_pt = json.load(fh).get("trials")
    n_pt = n_pt or args.numpy_trials
    scale = math.sqrt(1.0 + args.numpy_trials / n_pt)

    stats = [s for s in STATS if s in pt_cols and s in np_cols]
    keys = sorted(set(pt) & set(npy))
    missing = sorted(set(pt) ^ set(npy))
    if missing:
        print(f"rows in only one file: {missing}")

    print(f"ptsim {args.ptsim} (N={n_pt})  vs  numpy {args.numpy} (N={args.numpy_trials}); "
          f"SE(diff) = SE_numpy x {scale:.3f}; flag |z| > {args.z:g}")
    print(f"{'k':>3} {'statistic':<22} {'ptsim':>16} {'numpy':>16} {'rel diff':>9} "
          f"{'SE(diff)':>12} {'z':>7}")
    flagged, total, worst = [], 0, {}
    for key in keys:
        for s in stats:
            a, b = float(pt[key][s]), float(npy[key][s])
            e = float(se[key][s])
            if s in PCT:
                e = max(e, quantile_se(npy[key], s, args.numpy_trials))
            e *= scale
            d = b - a
            rel = d / abs(a) if a != 0 else (0.0 if d == 0 else math.inf)
            tiny = 1e-9 * max(abs(a), abs(b), 1.0)  # rounding; exact statistics (k = 0, atoms)
            if abs(d) <= tiny:
                z = 0.0
            elif e > 0:
                z = d / e
            else:
                z = math.inf
            total += 1
            flag = abs(z) > args.z
            if flag:
                flagged.append((key, s, z))
            if abs(z) > abs(worst.get(s, (0, None))[0]):
                worst[s] = (z, key[1])
            if flag or not args.flagged_only:
                print(f"{key[1]:>3} {s:<22} {a:>16.6g} {b:>16.6g} {rel:>+9.2%} {e:>12.4g} "
                      f"{z:>+7.2f}{' !' if flag else ''}")

    print()
    print("largest |z| per statistic: " + ", ".join(
        f"{s} {worst[s][0]:+.1f} (k={worst[s][1]})" for s in stats if s in worst))
    ks = sorted({k[1] for k, _, _ in flagged})
    print(f"SUMMARY: {total} comparisons, {len(flagged)} beyond {args.z:g} SE "
          f"(~{total * math.erfc(args.z / math.sqrt(2)):.1f} expected by chance if independent)"
          + (f"; flagged k: {ks}" if flagged else "; all agree within sampling error"))
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
