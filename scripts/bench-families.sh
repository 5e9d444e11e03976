#!/usr/bin/env bash
# Speed of iris-clip against PyTorch on the base shape of each model family it runs, on the
# same random weights and the same photos, both with 2 threads and batches of 16, in alternating
# rounds of one run (each round: for each family, iris-clip's bench example, then PyTorch):
#
#   clip          CLIP ViT-B/16 (openai/clip-vit-base-patch16's shape; reference_clip.py model --size b16)
#   chinese_clip  Chinese-CLIP base (OFA-Sys/chinese-clip-vit-base-patch16's shape: ViT-B/16 vision
#                 tower, RoBERTa-wwm-ext-base text tower, vocab.txt of 21128; family_models.py)
#   siglip        SigLIP base (google/siglip-base-patch16-224's shape, Unigram tokenizer.json of
#                 32000 pieces, texts padded to 64; family_models.py)
#
# Prints each round's figures and, at the end, the median over rounds per family: image encoding
# img/s (encode only, each side on the pixels its own preprocessing made of the same photos;
# PyTorch after a warm-up batch), the latency of a warm 5-word query ("a dog asleep on a sofa",
# tokenisation included on both sides), the ratios (Iris / PyTorch for throughput, PyTorch /
# Iris for latency: above 1 means Iris is faster) and Iris's load to first embedding. Not a test:
# these machines are noisy, so read the medians. See scripts/family_models.py for what the
# PyTorch side does per family. The bench example times 21 distinct queries (one repeated would
# be answered from the model's cache of its recent texts).
#
#   scripts/bench-families.sh [ROUNDS]
#
# Environment: FAMILIES="clip siglip" (default all three), THREADS (2), BATCH (16),
# IRIS_BENCH (a prebuilt bench example binary; by default the workspace is built, as
# bench-clip.sh does, and $CARGO_TARGET_DIR/release/examples/bench used), IRIS_CACHE (~/.cache/iris),
# IRIS_VENV ($IRIS_CACHE/venv: torch, transformers 5, tokenizers, sentencepiece, protobuf,
# pillow, safetensors, numpy). The models (575-810 MB each) go to $IRIS_CACHE/models/{b16,
# chinese-clip-base,siglip-base} and 64 test photos to $IRIS_CACHE/bench-images, made once.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
families=${FAMILIES:-clip chinese_clip siglip}
threads=${THREADS:-2}
batch=${BATCH:-16}
cache=${IRIS_CACHE:-$HOME/.cache/iris}
venv=${IRIS_VENV:-$cache/venv}
py=$venv/bin/python
models=$cache/models
images=$cache/bench-images
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
bench=${IRIS_BENCH:-$CARGO_TARGET_DIR/release/examples/bench}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

model_dir() {
  case $1 in
    clip) echo "$models/b16" ;;
    chinese_clip) echo "$models/chinese-clip-base" ;;
    siglip) echo "$models/siglip-base" ;;
    *) echo "unknown family $1 (clip, chinese_clip, siglip)" >&2; exit 2 ;;
  esac
}

for f in $families; do
  dir=$(model_dir "$f")
  [ -f "$dir/model.safetensors" ] && continue
  echo "making $dir"
  case $f in
    clip) "$py" scripts/reference_clip.py model "$dir" --size b16 >/dev/null ;;
    *) "$py" scripts/family_models.py model "$dir" --family "$f" >/dev/null 2>&1 ;;
  esac
done
scripts/bench-images.sh "$py" "$images"
# The whole workspace, not -p: one feature set, so dependencies are not rebuilt.
[ -n "${IRIS_BENCH:-}" ] || cargo build --release -q --all-targets

for round in $(seq "$rounds"); do
  for f in $families; do
    dir=$(model_dir "$f")
    iris=$("$bench" "$dir" "$images" "$threads" "$batch")
    torch=$("$py" scripts/family_models.py bench "$dir" "$images" --batch "$batch" --threads "$threads" 2>/dev/null | tail -1)
    echo "$f $round $iris" >>"$log/iris"
    echo "$f $round $torch" >>"$log/torch"
    "$py" - "$f" "$round" "$iris" "$torch" <<'PY'
import json, sys
f, r, i, t = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
ratio = f"{t['text_latency_ms'] / i['text_latency_ms']:.2f}x"
print(f"round {r} {f:12}  images/s iris {i['encode_images_per_s']:6.2f}  torch {t['encode_images_per_s']:6.2f}"
      f"  ({i['encode_images_per_s'] / t['encode_images_per_s']:.2f}x)   text ms iris {i['text_latency_ms']:6.2f}"
      f"  torch {t['text_latency_ms']:6.2f} ({ratio})"
      f"   load ms iris {i['load_to_first_embedding_ms']:.0f}  torch {t['load_to_first_embedding_ms']:.0f}", flush=True)
PY
  done
done

"$py" - "$log/iris" "$log/torch" "$threads" "$batch" <<'PY'
import json, statistics, sys
def read(path):
    out = {}
    for line in open(path):
        f, _, j = line.split(" ", 2)
        out.setdefault(f, []).append(json.loads(j))
    return out
iris, torch = read(sys.argv[1]), read(sys.argv[2])
med = lambda rows, k: statistics.median(r[k] for r in rows)
rng = lambda xs: f"{min(xs):.2f}-{max(xs):.2f}"
n = len(next(iter(iris.values())))
print(f"\nmedians over {n} rounds, {sys.argv[3]} threads, batch {sys.argv[4]}"
      f" ({iris[next(iter(iris))][0]['images']} photos; ratio ranges are per round)")
print(f"{'family':13} {'iris img/s':>10} {'torch img/s':>11} {'ratio':>13}   {'iris text ms':>12} {'torch text ms':>13}"
      f" {'ratio':>13}   {'iris load ms':>12} {'torch load ms':>13}")
for f in iris:
    i, t = iris[f], torch[f]
    img = [a["encode_images_per_s"] / b["encode_images_per_s"] for a, b in zip(i, t)]
    txt = [b["text_latency_ms"] / a["text_latency_ms"] for a, b in zip(i, t)]
    print(f"{f:13} {med(i, 'encode_images_per_s'):10.2f} {med(t, 'encode_images_per_s'):11.2f}"
          f" {statistics.median(img):5.2f}x {rng(img):>7}   {med(i, 'text_latency_ms'):12.2f}"
          f" {med(t, 'text_latency_ms'):13.2f} "
          + f"{statistics.median(txt):5.2f}x {rng(txt):>7}" +
          f"   {med(i, 'load_to_first_embedding_ms'):12.0f} {med(t, 'load_to_first_embedding_ms'):13.0f}")
print("image ratio: iris img/s / torch img/s; text ratio: torch ms / iris ms (above 1: iris faster)")
PY
