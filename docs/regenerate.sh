#!/bin/sh
# Regenerates the README's images (docs/img/fan.png, docs/img/traffic.png: the built-in default
# scenario at its own trials and seed, default size, Sonnet pool; docs/img/plans.png,
# docs/img/plan_units.png: `ptsim plan scenarios/plan-growth.toml`). Run from anywhere:
#   docs/regenerate.sh
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./target/release/ptsim run --out "$out" --quiet --charts png
cp "$out/fan_claude-sonnet-4.5.png" docs/img/fan.png
cp "$out/traffic_claude-sonnet-4.5.png" docs/img/traffic.png
./target/release/ptsim plan scenarios/plan-growth.toml --out "$out/plan" --quiet --charts png
cp "$out/plan/plans_claude-sonnet-4.5.png" docs/img/plans.png
cp "$out/plan/plan_units_claude-sonnet-4.5.png" docs/img/plan_units.png
echo "wrote docs/img/fan.png, traffic.png, plans.png and plan_units.png"
