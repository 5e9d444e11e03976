#!/usr/bin/env bash
# Runs Iris, the desktop app, on a default that works without setup or network: builds the
# front end and the binaries, writes a demo library of synthetic captioned photos (once) and
# opens the window on it with the demo model built into the binary. Arguments are passed to
# the app instead (e.g. `scripts/run.sh --model openai/clip-vit-base-patch32 ~/Pictures`).
# Without a display (no $DISPLAY or $WAYLAND_DISPLAY) it shows the same library through the
# `iris` CLI: index, a few searches and the retrieval figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
(cd ui && { [ -d node_modules ] || npm install --no-audit --no-fund --loglevel=error; } && npm run build --silent)
# Same targets as the tests, so the dependencies built for them are reused as they are.
cargo build --release -q --all-targets
bin=$CARGO_TARGET_DIR/release
# Seed 3: photos the demo model never saw (it was trained on seed 1, evaluated on seed 2).
demo=${IRIS_DEMO_DIR:-$HOME/.cache/iris/demo-library-seed3}
[ -f "$demo/photos/captions.jsonl" ] || "$bin/iris" demo "$demo/photos" --count 300 --seed 3

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  if [ $# -gt 0 ]; then
    exec "$bin/iris-desktop" "$@"
  fi
  exec "$bin/iris-desktop" --model "${IRIS_MODEL:-demo}" --library "${IRIS_LIBRARY:-$demo/library}" "$demo/photos"
fi

echo "no display: showing the demo library through the iris CLI instead of the window"
export IRIS_MODEL=${IRIS_MODEL:-demo} IRIS_LIBRARY=${IRIS_LIBRARY:-$demo/library}
"$bin/iris" index "$demo/photos"
for query in "a red circle" "a large blue square" "a yellow star -small" "a heart -red"; do
  echo "== iris search \"$query\""
  "$bin/iris" search "$query" -k 5
done
echo "== iris eval (the demo model on this library's captions)"
"$bin/iris" eval "$demo/photos/captions.jsonl"
