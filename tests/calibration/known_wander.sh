#!/usr/bin/env bash
# Calibration of `ptsim backtest` on histories with a known level wander (README "Priors"):
# for each daily wander and training length, five 600-day histories (random_walk.py, seeds
# 11-15), a new origin every week, 300 trials; prints the P10-P90 coverage at 0 units and the
# randomized-PIT coverage of the central 80% over all five unit levels.
# Usage: tests/calibration/known_wander.sh [PTSIM]   (default: target/release/ptsim)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ptsim=${1:-$here/../../target/release/ptsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for wander in 0.03 0.05 0.08; do
  for train in 14 28 56; do
    for seed in 11 12 13 14 15; do
      csv=$work/rw-$wander-$seed.csv
      [ -f "$csv" ] || python3 "$here/random_walk.py" "$wander" "$seed" 600 > "$csv"
      "$ptsim" backtest "$csv" --model claude-sonnet-4.5 --train-days "$train" --step-days 7 \
        --trials 300 --charts none --json --out "$work/bt-$wander-$train-$seed" > /dev/null
    done
    python3 - "$work" "$wander" "$train" <<'PY'
import json, sys
work, wander, train = sys.argv[1:]
zero = inside = pit = cases = 0
for seed in range(11, 16):
    r = json.load(open(f"{work}/bt-{wander}-{train}-{seed}/backtest.json"))
    for w in r["windows"]:
        zero += 1
        inside += w["cases"][0]["inside"]
    o = r["overall"]
    pit += dict((round(l, 2), s) for l, s in o["coverage"])[0.8] * o["cases"]
    cases += o["cases"]
print(f"wander {wander}/day, {train} days fitted: P10-P90 at 0 units {inside / zero:.1%} "
      f"({zero} weeks); central 80% over all levels {pit / cases:.1%} ({cases} cases)")
PY
  done
done
