#!/usr/bin/env bash
# The library map in the real window (tests/desktop/measure_map.mjs): a library of synthetic
# photos for the demo model (100,000 by default, folders as regions, their drive unplugged so
# that no image is needed), opened under Xvfb; prints the time to the first frame of the map,
# frames per second while panning and zooming, and a fillRect-per-point canvas as the baseline.
#
#   scripts/bench-map-window.sh [POINTS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
points=${1:-100000}
bin=$CARGO_TARGET_DIR/release
library=$(mktemp -d)/library
grep -m1 'model name' /proc/cpuinfo
"$bin/iris" --model demo --library "$library" bench-map --write-library "$points"
node tests/desktop/measure_map.mjs "$bin/iris-desktop" "$library" "$points"
rm -rf "$(dirname "$library")"
