#!/usr/bin/env bash
# Speed of iris-clip against the PyTorch CPU baseline on the same ViT-B/32-shaped weights and
# the same images, both with 2 threads, in alternating rounds of one run. Prints each side's
# figures and the ratios (Iris / PyTorch for throughput, Iris / PyTorch for text latency). Iris
# runs in its default precision (int8 on CPUs with AVX2: the VNNI kernel where the CPU has
# AVX512-VNNI), with IRIS_INT8_KERNEL=avx2 (the kernels AVX2-only CPUs run: 8-bit for text,
# 7-bit for images) and
# with IRIS_PRECISION=f32; PyTorch in f32 and under bf16 autocast. Not a test: these machines
# are noisy, so read the median over rounds.
#
#   scripts/bench-clip.sh [ROUNDS]
#
# Needs a virtualenv with torch, transformers, pillow, safetensors, numpy at $IRIS_VENV
# (default ~/.cache/iris/venv) and scripts/reference_clip.py (or $REFERENCE_CLIP).
# The model (605 MB) and 64 test photos are generated once under ~/.cache/iris.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
cache=${IRIS_CACHE:-$HOME/.cache/iris}
venv=${IRIS_VENV:-$cache/venv}
tool=${REFERENCE_CLIP:-$(pwd)/scripts/reference_clip.py}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
model=$cache/models/b32
images=$cache/bench-images
py=$venv/bin/python

[ -f "$model/model.safetensors" ] || "$py" "$tool" model "$model" --size b32
scripts/bench-images.sh "$py" "$images"
cargo build --release -q --all-targets
bench=$CARGO_TARGET_DIR/release/examples/bench

for round in $(seq "$rounds"); do
  iris=$("$bench" "$model" "$images" 2 16)
  iris_avx2=$(IRIS_INT8_KERNEL=avx2 "$bench" "$model" "$images" 2 16)
  iris_f32=$(IRIS_PRECISION=f32 "$bench" "$model" "$images" 2 16)
  torch=$("$py" "$tool" bench "$model" "$images" --batch 16 --threads 2 2>/dev/null | tail -1)
  torch_bf16=$("$py" "$tool" bench "$model" "$images" --batch 16 --threads 2 --bf16 2>/dev/null | tail -1)
  echo "round $round iris:          $iris"
  echo "round $round iris avx2:     $iris_avx2"
  echo "round $round iris f32:      $iris_f32"
  echo "round $round pytorch:       $torch"
  echo "round $round pytorch bf16:  $torch_bf16"
  "$py" - "$iris" "$iris_f32" "$torch" "$torch_bf16" "$iris_avx2" <<'PY'
import json, sys
i, f, t, b, a = (json.loads(a) for a in sys.argv[1:])
print(f"  encode images/s ratio (iris/pytorch): {i['encode_images_per_s'] / t['encode_images_per_s']:.2f}x"
      f" (avx2 kernel {a['encode_images_per_s'] / t['encode_images_per_s']:.2f}x,"
      f" iris f32 {f['encode_images_per_s'] / t['encode_images_per_s']:.2f}x, against pytorch bf16 autocast"
      f" {i['encode_images_per_s'] / b['encode_images_per_s']:.2f}x)"
      f"  end-to-end ratio: {i['end_to_end_images_per_s'] / t['end_to_end_images_per_s']:.2f}x")
print(f"  text latency: iris {i['text_latency_ms']} ms (avx2 kernel {a['text_latency_ms']} ms, f32 {f['text_latency_ms']} ms), pytorch"
      f" {t['text_latency_ms']} ms (bf16 autocast {b['text_latency_ms']} ms): iris/pytorch"
      f" {i['text_latency_ms'] / t['text_latency_ms']:.2f}"
      f"  load to first embedding: {i['load_to_first_embedding_ms']} ms (f32 {f['load_to_first_embedding_ms']} ms)")
PY
done
