#!/usr/bin/env bash
# Desktop figures on a library of 10,000 photos (issue "Desktop app"): launch to interactive
# window, typed query to gallery, memory of the running app. The library is generated once
# (`iris demo`, 10,000 synthetic photos) and indexed with the demo model (MODEL to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
export PATH="$HOME/.cargo/bin:$PATH"
bin=$CARGO_TARGET_DIR/release
dir=${IRIS_BENCH_DIR:-$HOME/.cache/iris/bench-10k}
model=${MODEL:-demo}
[ -f "$dir/photos/captions.jsonl" ] || "$bin/iris" demo "$dir/photos" --count 10000 --seed 5
"$bin/iris" --model "$model" --library "$dir/library" --json index "$dir/photos"
node tests/desktop/measure.mjs "$bin/iris-desktop" "$dir/library" "$model"
