#!/usr/bin/env bash
# The backtest of README "Priors" on public production traces: seven series of the Numenta
# Anomaly Benchmark (numenta/NAB on GitHub, 5-minute counts: Twitter mentions of AAPL, GOOG,
# AMZN, FB and IBM; an AWS ELB's request count; NYC taxi passengers, 30-minute) read as LLM
# traffic: summed into hours, scaled to 80 M tokens an hour on average, 20% of them output.
# Fit 7, 14 or 28 days, predict the next 7, a new origin every day, at 0, 25%, 50%, 75% and
# 100% of the training peak. Needs the network (raw.githubusercontent.com) and python3.
# Usage: tests/calibration/public_traces.sh [PTSIM] [DATA-DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ptsim=${1:-$here/../../target/release/ptsim}
data=${2:-$(mktemp -d)}
nab=https://raw.githubusercontent.com/numenta/NAB/master/data
taxi=https://raw.githubusercontent.com/numenta/NAB/master/data/realKnownCause/nyc_taxi.csv
series="realTweets/Twitter_volume_AAPL realTweets/Twitter_volume_GOOG realTweets/Twitter_volume_AMZN
realTweets/Twitter_volume_FB realTweets/Twitter_volume_IBM realAWSCloudwatch/elb_request_count_8c0756"
mkdir -p "$data"
for s in $series; do
  [ -f "$data/$(basename "$s").raw" ] || curl -fsSL "$nab/$s.csv" -o "$data/$(basename "$s").raw"
done
[ -f "$data/nyc_taxi.raw" ] || curl -fsSL "$taxi" -o "$data/nyc_taxi.raw"
for raw in "$data"/*.raw; do
  python3 - "$raw" "${raw%.raw}.csv" <<'PY'
import csv, datetime, sys
sums = {}
with open(sys.argv[1]) as f:
    rows = csv.reader(f)
    next(rows)
    for r in rows:
        t = datetime.datetime.fromisoformat(r[0].strip().replace(" ", "T")).replace(minute=0, second=0)
        sums[t] = sums.get(t, 0.0) + float(r[1])
first, last = min(sums), max(sums)
start = first if first.hour == 0 else first.replace(hour=0) + datetime.timedelta(days=1)
end = last if last.hour == 23 else last.replace(hour=0) - datetime.timedelta(hours=1)
hours = {t: v for t, v in sums.items() if start <= t <= end}
scale = 8e7 / (sum(hours.values()) / len(hours))
with open(sys.argv[2], "w") as out:
    out.write("timestamp,total_tokens\n")
    for t in sorted(hours):
        out.write(f"{t:%Y-%m-%dT%H:00:00Z},{round(hours[t] * scale)}\n")
PY
done
for train in 7 14 28; do
  for csv in "$data"/*.csv; do
    days=$(( ($(wc -l < "$csv") - 1) / 24 ))
    [ "$days" -ge $((train + 7)) ] || continue
    "$ptsim" backtest "$csv" --model claude-sonnet-4.5 --train-days "$train" --output-share 0.2 \
      --trials 300 --charts none --json --out "$data/bt-$train-$(basename "$csv" .csv)" > /dev/null 2>&1
  done
  python3 - "$data" "$train" <<'PY'
import glob, json, statistics, sys
data, train = sys.argv[1:]
cases = inside = inside90 = 0
widths = []
for path in sorted(glob.glob(f"{data}/bt-{train}-*/backtest.json")):
    for w in json.load(open(path))["windows"]:
        for c in w["cases"]:
            cases += 1
            inside += c["inside"]
            inside90 += c["inside_p5_p95"]
            widths.append((c["p90_usd"] - c["p10_usd"]) / c["p50_usd"])
print(f"{train} days fitted: {cases} cases, P10-P90 {inside / cases:.0%}, P5-P95 "
      f"{inside90 / cases:.0%}, median P10-P90 width {statistics.median(widths):.0%} of P50")
PY
done
