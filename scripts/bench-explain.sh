#!/usr/bin/env bash
# The viewer heatmap's latency (`iris bench-explain`): a ViT-B/32-shaped model with random
# weights (written once, 605 MB, under ~/.cache/iris/models) and a 12-megapixel JPEG; prints
# the time from the toggle to the grid (query already embedded by the search, and unseen), a
# new query on the same photo, the parts (decode, vision pass, text), and the baseline of the
# same run: what indexing does for that photo (the same decode, one plain embedding). Build
# with plain rustc for figures: the tests' clippy-driver build turns MIR optimisations off in
# the workspace crates, whose kernels then run slower.
#
#   scripts/bench-explain.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
unset RUSTC_WORKSPACE_WRAPPER
cargo build --release -q --all-targets
grep -m1 'model name' /proc/cpuinfo
for _ in $(seq "${1:-3}"); do
  "$CARGO_TARGET_DIR/release/iris" bench-explain --model-dir "$HOME/.cache/iris/models/b32-random-rust"
done
