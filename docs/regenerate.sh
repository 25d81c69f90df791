#!/bin/sh
# Regenerates the README's images (docs/img/fan.png, docs/img/traffic.png): the built-in default
# scenario at its own trials and seed, default size, Sonnet pool. Run from anywhere:
#   docs/regenerate.sh
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./target/release/ptsim run --out "$out" --quiet --charts png
cp "$out/fan_claude-sonnet-4.5.png" docs/img/fan.png
cp "$out/traffic_claude-sonnet-4.5.png" docs/img/traffic.png
echo "wrote docs/img/fan.png and docs/img/traffic.png"
