#!/usr/bin/env bash
# Vector search at scale: `iris bench-ann` on synthetic catalogs of 10,000, 100,000 and
# 1,000,000 rows (512-d embeddings around one cluster per 1,000 rows, generated names,
# folders, dates, cameras and places). For each size it prints the approximate index's build
# time, query latency p50/p95 with and without a filter (after:2019 camera:canon) through the
# library's vector search, the same for exact search over the held vectors (the baseline, in
# the same run on the same queries), recall@10 against exact, the size on disk and the
# memory. The index is built at every size here, so that it can be compared with exact
# search; the app uses it from iris_core::ANN_ABOVE_ROWS rows.
#   scripts/bench-search.sh [IRIS] [ROWS]    (ROWS: comma-separated, default 10000,100000,1000000)
# Needs about 3 GB of memory and 2.5 GB of temporary disk for the million rows.
set -euo pipefail
cd "$(dirname "$0")/.."
iris=${1:-${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}/release/iris}
rows=${2:-10000,100000,1000000}
grep -m1 "model name" /proc/cpuinfo || true
echo "threads: $(nproc)"
"$iris" bench-ann --rows "$rows"
