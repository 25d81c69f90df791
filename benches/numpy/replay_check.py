#!/usr/bin/env python3
"""Exact check of the cost model: the same traffic through bench_year.py's simulate() and through
`ptsim replay` (no randomness), for k = 0..40.

Draws a few trials with numpy, writes each as a trace CSV and a one-workload scenario equal to
bench_year.toml except that the traffic is that trace, runs `ptsim replay --units 0,...,40 --json`
and prints the largest relative difference per reported figure. Agreement to ~1e-12 means any
statistical disagreement in compare.py comes from traffic generation, not from the cost model.

Usage: python3 benches/numpy/replay_check.py [--trials 3] [--seed 123] [--ptsim ./target/release/ptsim]
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_year as by  # noqa: E402

SCENARIO = """name = "replay-check-{j}"
horizon_hours = {hours}
trials = 1
seed = 6
[[pools]]
model = "{pool}"
term = "one_year"
max_units = {max_units}
fill_idle = true
[[workloads]]
name = "assistant"
model = "{pool}"
batch_share = {b}
batch_window_hours = {w}
[workloads.trace]
file = "trace{j}.csv"
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--ptsim", default="./target/release/ptsim")
    ap.add_argument("--backlog", choices=["ring", "pointer"], default="ring")
    args = ap.parse_args()
    ptsim = os.path.abspath(args.ptsim)

    inp, out = by.generate(np.random.default_rng(args.seed), args.trials, by.HOURS)
    res = by.simulate(inp, out, args.backlog)
    start = datetime.datetime(2024, 1, 1)  # a Monday, as bench_year's hour 0
    stamps = [(start + datetime.timedelta(hours=h)).strftime("%Y-%m-%dT%H:00:00Z")
              for h in range(by.HOURS)]
    figures = [("total_usd", "total"), ("utilization", "util"),
               ("spilled_tokens", "spilled"), ("absorbed_tokens", "absorbed"),
               ("batch_tokens", "batch")]
    worst_all = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for j in range(args.trials):
            with open(os.path.join(tmp, f"trace{j}.csv"), "w") as fh:
                fh.write("timestamp,input_tokens,output_tokens\n")
                for h in range(by.HOURS):
                    fh.write(f"{stamps[h]},{float(inp[j, h])!r},{float(out[j, h])!r}\n")
            scen = os.path.join(tmp, f"s{j}.toml")
            with open(scen, "w") as fh:
                fh.write(SCENARIO.format(j=j, hours=by.HOURS, pool=by.POOL,
                                         max_units=by.MAX_UNITS, b=by.BATCH_SHARE, w=by.WINDOW))
            units = ",".join(str(k) for k in range(by.MAX_UNITS + 1))
            run = subprocess.run([ptsim, "replay", scen, "--units", units, "--json"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(run.stderr)
            worst = {}
            for r in json.loads(run.stdout)["pools"][0]["results"]:
                k = r["units"]
                for theirs, mine in figures:
                    d = abs(res[mine][k, j] - r[theirs]) / max(abs(r[theirs]), 1.0)
                    worst[theirs] = max(worst.get(theirs, 0.0), d)
            worst_all = max(worst_all, *worst.values())
            print(f"trial {j}: largest relative difference, k = 0..{by.MAX_UNITS}: "
                  + ", ".join(f"{key} {v:.1e}" for key, v in worst.items()))
    ok = worst_all < 1e-9
    print(f"SUMMARY: cost model {'agrees' if ok else 'DISAGREES'} with ptsim replay "
          f"(largest relative difference {worst_all:.1e})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
