#!/usr/bin/env bash
# End-to-end indexing speed and memory: `iris index` over N (default 100) 12-megapixel JPEGs
# with ViT-B/32-shaped weights, against three PIL + PyTorch pipelines of reference_clip.py
# `bench` on the same folder, 2 threads each, in one run: the naive one, the strong one
# (`--strong`: PIL's reduced-scale JPEG decode, decoding in a thread ahead of the encoder, a
# warm-up batch) and the strong one under bf16 autocast (`--strong --bf16`). Prints each, the
# images/s ratios and Iris's peak RSS. Not a test: read the figures.
#
#   scripts/bench-index.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100}
cache=${IRIS_CACHE:-$HOME/.cache/iris}
venv=${IRIS_VENV:-$cache/venv}
tool=${REFERENCE_CLIP:-$(pwd)/scripts/reference_clip.py}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
model=$cache/models/b32
photos=$cache/bench-12mp
py=$venv/bin/python

[ -f "$model/model.safetensors" ] || "$py" "$tool" model "$model" --size b32
if [ "$(ls "$photos" 2>/dev/null | wc -l)" -lt "$count" ]; then
  mkdir -p "$photos"
  "$py" - "$photos" "$count" <<'PY'
import sys
sys.path.insert(0, "crates/iris-clip/tests/fixtures")
from make_fixtures import photo_like
from PIL import Image
import numpy as np
base = photo_like(1000, 750, 7)
for i in range(int(sys.argv[2])):
    # 4000x3000 from a smooth base plus per-photo noise: photo-like size and detail.
    img = np.kron(np.roll(base, i * 37, axis=1), np.ones((4, 4, 1), dtype=np.uint8))
    img = np.clip(img.astype(np.int16) + np.random.default_rng(i).integers(-6, 7, img.shape), 0, 255).astype(np.uint8)
    Image.fromarray(img).save(f"{sys.argv[1]}/photo_{i:04d}.jpg", quality=90)
PY
fi
# Same targets as the tests, so the dependencies built for them are reused as they are.
cargo build --release -q --all-targets
lib=$(mktemp -d)
/usr/bin/time -f "%M" -o "$lib.rss" "$CARGO_TARGET_DIR/release/iris" --threads 2 --model "$model" \
  --library "$lib" --json index --workers 2 "$photos" > "$lib.json"
iris=$(cat "$lib.json")
rss_kb=$(cat "$lib.rss")
torch() { "$py" "$tool" bench "$model" "$photos" --batch 16 --threads 2 --limit "$count" "$@" 2>/dev/null | tail -1; }
naive=$(torch)
strong=$(torch --strong)
strong_bf16=$(torch --strong --bf16)
echo "iris:                 $iris"
echo "pytorch naive:        $naive"
echo "pytorch strong:       $strong"
echo "pytorch strong bf16:  $strong_bf16"
"$py" - "$iris" "$rss_kb" "$naive" "$strong" "$strong_bf16" <<'PY'
import json, sys
i, rss = json.loads(sys.argv[1]), int(sys.argv[2])
ips = i["embedded"] / i["seconds"]
print(f"iris end-to-end {ips:.2f} images/s, peak RSS {rss / 1024:.0f} MiB")
for name, line in zip(["naive", "strong", "strong bf16"], sys.argv[3:]):
    t = json.loads(line)["end_to_end_images_per_s"]
    print(f"  against pytorch {name}: {t} images/s, ratio {ips / t:.2f}x")
PY
rm -rf "$lib" "$lib.json" "$lib.rss"
