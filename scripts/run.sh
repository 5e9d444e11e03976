#!/usr/bin/env bash
# Runs Iris on a default that works without setup or network: builds the `iris` CLI, writes a
# demo library of synthetic captioned photos (once), indexes it with the demo model that is
# built into the binary, runs a few searches and prints the retrieval figures. Any arguments
# are passed to a final `iris` call instead (e.g. `scripts/run.sh search "a green heart"`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
# Same targets as the tests, so the dependencies built for them are reused as they are.
cargo build --release -q --all-targets
iris=$CARGO_TARGET_DIR/release/iris
demo=${IRIS_DEMO_DIR:-$HOME/.cache/iris/demo-library}
export IRIS_MODEL=${IRIS_MODEL:-demo} IRIS_LIBRARY=${IRIS_LIBRARY:-$demo/library}
[ -f "$demo/photos/captions.jsonl" ] || "$iris" demo "$demo/photos" --count 300 --seed 1
"$iris" index "$demo/photos"
if [ $# -gt 0 ]; then
  exec "$iris" "$@"
fi
for query in "a red circle" "a large blue square" "a yellow star -small" "a heart -red"; do
  echo "== iris search \"$query\""
  "$iris" search "$query" -k 5
done
echo "== iris eval (the demo model on this library's captions)"
"$iris" eval "$demo/photos/captions.jsonl"
