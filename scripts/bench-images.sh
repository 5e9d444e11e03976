#!/usr/bin/env bash
# Writes the 64 photo-like 1024x768 JPEGs the speed benchmarks read (bench-clip.sh,
# bench-families.sh) into DIR, once: nothing is done when DIR already holds 64 files.
#
#   scripts/bench-images.sh PYTHON DIR
set -euo pipefail
cd "$(dirname "$0")/.."
py=$1 images=$2
if [ ! -d "$images" ] || [ "$(ls "$images" | wc -l)" -lt 64 ]; then
  mkdir -p "$images"
  "$py" - "$images" <<'PY'
import sys
sys.path.insert(0, "crates/iris-clip/tests/fixtures")
from make_fixtures import photo_like
from PIL import Image
for i in range(64):
    Image.fromarray(photo_like(1024, 768, 100 + i)).save(f"{sys.argv[1]}/img{i:03d}.jpg", quality=90)
PY
fi
