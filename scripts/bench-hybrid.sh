#!/usr/bin/env bash
# Hybrid search latency (issue "Search as people search", item 8) on synthetic catalogs of
# 10,000 and 100,000 rows: random 512-dimensional unit vectors with generated camera file
# names, trip folders, dates, cameras and places, the keyword index built. A figure is the
# catalog's work for one query whose vector is given: the filter judged on the rows held in
# memory, the vector pass, the keyword search (BM25) and the fusion, k = 100. The baseline in
# the same run is LanceDB's flat vector search with the same filter as a prefilter.
#   scripts/bench-hybrid.sh [SEARCHES]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
cargo build --release --all-targets -q
for rows in 10000 100000; do
  "$CARGO_TARGET_DIR/release/iris" bench-search --rows "$rows" --searches "${1:-20}"
done
