#!/usr/bin/env bash
# Library-embedding parity on the ViT-B/32 shape (issue "Engine seams", item 9): indexes the two
# 12-megapixel JPEGs of crates/iris-core/tests/fixtures/large with a random-weight model of the
# real ViT-B/32 shape and prints each stored vector's cosine against `transformers` on the same
# file, and the worst. Needs a virtualenv with torch, transformers, pillow, safetensors
# (PYTHON, default ~/.cache/iris/venv/bin/python); the model (605 MB) is made once in
# ~/.cache/iris/parity-b32.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
python=${PYTHON:-$HOME/.cache/iris/venv/bin/python}
base=${IRIS_PARITY_B32:-$HOME/.cache/iris/parity-b32}
[ -f "$base/model/model.safetensors" ] || "$python" scripts/reference_clip.py model "$base/model" --size b32 --seed 0
"$python" crates/iris-core/tests/fixtures/large/make_fixtures.py --model-dir "$base/model" --out "$base/reference"
IRIS_LIBRARY_PARITY_DIR="$base/reference" cargo test --release --test library_parity -- --nocapture 2>&1 |
  grep -E 'cosine|test result'
