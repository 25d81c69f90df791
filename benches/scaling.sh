#!/usr/bin/env bash
# How run time grows with trials, hours, unit levels and workloads (BENCHMARKS.md, issue 6).
# Builds variants of scenarios/bench_year.toml in a temporary folder and times the release binary:
# the median of 5 runs of `ptsim run … --charts none -q`, wall seconds and peak RSS.
# Usage: benches/scaling.sh [runs]   (from the repository root, after `cargo build --release`)
set -euo pipefail
runs=${1:-5}
bin=./target/release/ptsim
base=scenarios/bench_year.toml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# median wall seconds and the peak RSS (MB) of that run, for a scenario file and extra flags
measure() {
    local file=$1; shift
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" "$bin" run "$file" --charts none -q --out "$work/out" "$@" 2>&1 >/dev/null | tail -1
    done | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.2f s | %.0f MB", $1, $2 / 1024 }'
}

variant() { # name, sed expression
    sed -e "$2" "$base" > "$work/$1.toml"
    echo "$work/$1.toml"
}

# extra workloads: copies of the one workload under other names (each its own random stream)
workloads() {
    cp "$base" "$work/w$1.toml"
    for i in $(seq 2 "$1"); do
        sed -n '/^\[\[workloads\]\]/,$p' "$base" | sed -e "s/^name = \"assistant\"/name = \"assistant-$i\"/" >> "$work/w$1.toml"
    done
    echo "$work/w$1.toml"
}

echo "| dimension | value | wall (median of $runs) | peak RSS |"
echo "|---|---|---|---|"
for t in 1000 10000; do
    echo "| trials | $t | $(measure "$base" --trials "$t") |"
done
# 100,000 trials take most of a minute: the median of 3
echo "| trials | 100000 | $(runs=3 measure "$base" --trials 100000) |"
for h in 730 4380 8760; do
    echo "| hours | $h | $(measure "$(variant "h$h" "s/^horizon_hours = .*/horizon_hours = $h/")") |"
done
for k in 10 40 160; do
    echo "| unit levels | 0..=$k | $(measure "$(variant "k$k" "s/^max_units = .*/max_units = $k/")") |"
done
for w in 1 2 4; do
    echo "| workloads | $w | $(measure "$(workloads "$w")") |"
done
