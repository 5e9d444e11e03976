#!/usr/bin/env bash
# Full-size parity of iris-clip with `transformers` on the shapes it must load: random-weight
# models of the ViT-B/32, B/16, L/14 and L/14-336 shapes (quick_gelu, as OpenAI's), B/16 with
# hidden_act gelu (as LAION/OpenCLIP's), and the base shapes of the other two families:
# chinese-clip-base (OFA-Sys/chinese-clip-vit-base-patch16: BERT text tower, vocab.txt) and
# siglip-base (google/siglip-base-patch16-224). For each shape it makes what is missing: the
# model in $IRIS_MODELS/NAME (0.6-1.7 GB each; CLIP shapes by scripts/reference_clip.py, the
# other two by scripts/family_models.py, default initialisation from seed 0) and the reference
# outputs in $IRIS_PARITY_ROOT/NAME (by crates/iris-clip/tests/fixtures/make_fixtures.py,
# make_chinese_clip_fixtures.py or make_siglip_fixtures.py with --model-dir, remade when older
# than the model). Then it runs tests/parity.rs on that set (IRIS_PARITY_DIR) and prints one
# summary line: worst pixel difference (limit 0.02), worst text cosine (>= 0.9999), worst image
# cosine (>= 0.999), the test result and the seconds the tests took. A failing shape's panic
# messages follow its line; the full output is in $IRIS_PARITY_ROOT/NAME/parity.log.
#
# Usage: scripts/parity-shapes.sh [PYTHON [PARITY_TEST_BINARY]]
#   PYTHON              a virtualenv python with torch, transformers 5, tokenizers, sentencepiece,
#                       protobuf, pillow, safetensors, numpy
#                       (default $PYTHON, else ~/.cache/iris/venv/bin/python)
#   PARITY_TEST_BINARY  an already built parity test (target/release/deps/parity-*); without it
#                       the tests run through `cargo test --release --test parity`, with
#                       CARGO_TARGET_DIR defaulting to ~/.cache/iris/target.
#   SHAPES="b16 siglip-base"  (environment) only these shapes; default all seven: b32 b16 l14
#                       l14_336 b16-gelu chinese-clip-base siglip-base.
#   IMAGE_BACKEND=torchvision  (environment) references made with transformers' torchvision
#                       image backend instead of Pillow's (the default, which iris-clip
#                       reproduces; torchvision's uint8 bicubic resize is up to 2 levels from
#                       Pillow's, past the 0.02 pixel limit on some images); they go to
#                       ~/.cache/iris/parity-torchvision. The Chinese-CLIP and SigLIP reference
#                       scripts use Pillow's backend only: those two shapes are skipped then.
# The tests that check a committed fixture by name (SigLIP logits, the gelu fixture, Chinese-CLIP's
# pytorch_model.bin, batch independence) run on those fixtures whatever the set.
# Exits 1 when any shape fails. Needs ~7.5 GB of disk for the seven models.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-${PYTHON:-$HOME/.cache/iris/venv/bin/python}}
bin=${2:-}
models=${IRIS_MODELS:-$HOME/.cache/iris/models}
backend=${IMAGE_BACKEND:-pil}
root=${IRIS_PARITY_ROOT:-$HOME/.cache/iris/parity-$backend}
shapes=${SHAPES:-b32 b16 l14 l14_336 b16-gelu chinese-clip-base siglip-base}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
# A test binary run by hand finds the committed fixtures through CARGO_MANIFEST_DIR, as under cargo.
[ -z "$bin" ] || { bin=$(realpath "$bin"); export CARGO_MANIFEST_DIR=${CARGO_MANIFEST_DIR:-$PWD/crates/iris-clip}; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

failed=0
fixtures=crates/iris-clip/tests/fixtures
for name in $shapes; do
  model=$models/$name out=$root/$name
  case $name in
    chinese-clip-base | siglip-base)
      if [ "$backend" != pil ]; then
        echo "$name: skipped: its reference script has Pillow's image backend only"
        continue
      fi
      family=${name%-base}
      make_model=("$python" scripts/family_models.py model "$model" --family "${family//-/_}" --seed 0)
      make_reference=("$python" "$fixtures/make_${family//-/_}_fixtures.py" --model-dir "$model" --out "$out") ;;
    *)
      case $name in
        *-gelu) args=(--size "${name%-gelu}" --act gelu) ;;
        *) args=(--size "$name") ;;
      esac
      make_model=("$python" scripts/reference_clip.py model "$model" "${args[@]}" --seed 0)
      make_reference=("$python" "$fixtures/make_fixtures.py" --model-dir "$model" --out "$out"
        ${backend:+--image-backend "$backend"}) ;;
  esac
  made=""
  if [ ! -f "$model/model.safetensors" ]; then
    t=$(now)
    "${make_model[@]}" >/dev/null 2>&1 ||
      { echo "$name: making the model failed: ${make_model[*]}"; failed=1; continue; }
    made+=" model $(since "$t")s"
  fi
  if [ ! -f "$out/reference.json" ] || [ "$model/model.safetensors" -nt "$out/reference.json" ]; then
    t=$(now)
    mkdir -p "$out"
    "${make_reference[@]}" >/dev/null 2>&1 ||
      { echo "$name: making the reference failed: ${make_reference[*]}"; failed=1; continue; }
    made+=" reference $(since "$t")s"
  fi
  t=$(now)
  set +e
  if [ -n "$bin" ]; then
    IRIS_PARITY_DIR=$out "$bin" --test-threads 1 --nocapture >"$out/parity.log" 2>&1
  else
    IRIS_PARITY_DIR=$out cargo test --release --test parity -- --test-threads 1 --nocapture >"$out/parity.log" 2>&1
  fi
  rc=$?
  set -e
  took=$(since "$t")
  awk -v name="$name" -v rc="$rc" -v took="$took" -v made="$made" '
    BEGIN { px = -1; tc = 2; ic = 2; result = "no test result" }
    /: max abs pixel difference [^ ]+$/ { v = $NF + 0; if (v > px) px = v }
    /(^|\.\.\. |: )text ".*": cosine [^ ]+$/ { v = $NF + 0; if (v < tc) tc = v }
    /(^|\.\.\. |: )image .*: cosine [^ ]+$/ { v = $NF + 0; if (v < ic) ic = v }
    /^test result:/ { result = $4 " " $5 " " $6 " " $7; sub(/;$/, "", result) }
    END {
      spx = "-"; stc = "-"; sic = "-"
      if (px >= 0) spx = sprintf("%.5f", px)
      if (tc <= 1.5) stc = sprintf("%.6f", tc)
      if (ic <= 1.5) sic = sprintf("%.6f", ic)
      verdict = "FAIL"; if (rc == 0) verdict = "PASS"
      if (made != "") made = " (made" made ")"
      printf "%-17s pixels %s  text cos %s  image cos %s  %s  %s  tests %ss%s\n", name, spx, stc, sic, verdict, result, took, made
    }' "$out/parity.log"
  if [ "$rc" != 0 ]; then
    failed=1
    grep -A1 "panicked at" "$out/parity.log" | grep -v '^--$' | sed 's/^/    /' || true
    echo "    full output: $out/parity.log"
  fi
done
exit $failed
