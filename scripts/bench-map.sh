#!/usr/bin/env bash
# The library map's layout time (`iris bench-map`): synthetic 512-d embeddings in 200
# clusters, 10,000 and 100,000 rows; prints the map's time (UMAP on 4,096 landmarks, the rest
# placed among them) and, at 10,000, the baseline of the same run: UMAP on every row; with
# each, the share of 10 nearest map neighbours from the same cluster. Build with plain rustc
# for figures (see bench-explain.sh).
#
#   scripts/bench-map.sh [--rows 10000,100000]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
unset RUSTC_WORKSPACE_WRAPPER
cargo build --release -q --all-targets
grep -m1 'model name' /proc/cpuinfo
"$CARGO_TARGET_DIR/release/iris" bench-map "$@"
