#!/usr/bin/env bash
# What a model switch from the cached thumbnails costs and saves (`iris bench-switch`), against
# the baseline a switch without thumbnails would be: indexing the folder with the new model
# from the originals (the index pipeline: reduced-scale JPEG decode, EXIF orientation, the
# same decoding threads; the thumbnails already cached so that it writes none). Two sets:
#
#   demo   1,000 `iris demo` photos, switched from the tiny CLIP parity model to the demo
#          model: the cosine of each photo's two vectors and text-to-image R@1/R@5 with each.
#   12mp   32 photo-like 4000x3000 JPEGs (quality 90), switched from the demo model to a
#          random-weight ViT-B/32 (reference_clip.py): the time of each, and the cosines
#          (random weights see coarse structure only: the demo figures are the quality ones).
#
# Prints the CPU; not a test (these machines are noisy: run it twice).
#
#   scripts/bench-switch.sh
#
# Environment: IRIS_CACHE (~/.cache/iris), IRIS_VENV ($IRIS_CACHE/venv: torch, transformers,
# pillow, safetensors, numpy), WORKERS (2). The model goes to $IRIS_CACHE/models/b32 and the
# photos to $IRIS_CACHE/bench-12mp, made once.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${IRIS_CACHE:-$HOME/.cache/iris}
py=${IRIS_VENV:-$cache/venv}/bin/python
workers=${WORKERS:-2}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
unset RUSTC_WORKSPACE_WRAPPER
cargo build --release -q --all-targets
iris=$CARGO_TARGET_DIR/release/iris
grep -m1 'model name' /proc/cpuinfo
echo "flags: $(grep -m1 -o -E 'avx512[a-z_0-9]*|avx2|fma' /proc/cpuinfo | sort -u | tr '\n' ' ')"
model=$cache/models/b32
[ -f "$model/model.safetensors" ] || "$py" scripts/reference_clip.py model "$model" --size b32
photos=$cache/bench-12mp
if [ ! -d "$photos" ] || [ "$(ls "$photos" | wc -l)" -lt 32 ]; then
  mkdir -p "$photos"
  "$py" - "$photos" <<'PY'
import sys
sys.path.insert(0, "crates/iris-clip/tests/fixtures")
from make_fixtures import photo_like
from PIL import Image
for i in range(32):
    Image.fromarray(photo_like(4000, 3000, 300 + i)).save(f"{sys.argv[1]}/img{i:03d}.jpg", quality=90)
PY
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$iris" demo "$work/demo" --count 1000 --seed 31 > /dev/null
echo "== demo: tiny CLIP -> demo model"
"$iris" --model demo bench-switch "$work/demo" --from crates/iris-clip/tests/fixtures/tiny-clip --workers "$workers"
echo "== 12mp: demo model -> random ViT-B/32"
"$iris" --model "$model" bench-switch "$photos" --from demo --workers "$workers"
