#!/usr/bin/env bash
# HEIC against JPEG, and live-folder latency. Prints figures; not a test.
#
# 1. `iris index` throughput and peak RSS over N (default 100) 12-megapixel HEIC files, made
#    with heif-enc (quality 80) from the 12-MP JPEG set of bench-index.sh, against the same N
#    photos as JPEG; ViT-B/32-shaped weights, 2 threads and 2 workers for both, one run.
# 2. `iris watch` on a root: the time from a photo's last write (a copy into the root) to it
#    appearing in `iris search` run by another process, over R (default 5) photos.
#
#   scripts/bench-formats.sh [N] [R]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100}
rounds=${2:-5}
cache=${IRIS_CACHE:-$HOME/.cache/iris}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
model=$cache/models/b32
jpegs=$cache/bench-12mp
heics=$cache/bench-12mp-heic
iris=$CARGO_TARGET_DIR/release/iris
venv=${IRIS_VENV:-$cache/venv}
[ -f "$model/model.safetensors" ] || "$venv/bin/python" scripts/reference_clip.py model "$model" --size b32
# The JPEG set is bench-index.sh's (it makes it, and measures against PyTorch on the way).
[ "$(ls "$jpegs" 2>/dev/null | wc -l)" -ge "$count" ] || scripts/bench-index.sh "$count" > /dev/null
mkdir -p "$heics"
for f in $(ls "$jpegs" | head -n "$count"); do
  out=$heics/${f%.jpg}.heic
  [ -f "$out" ] || heif-enc -q 80 "$jpegs/$f" -o "$out" > /dev/null
done
cargo build --release -q --all-targets

index_figures() { # folder of N photos -> "images/s peak-MiB"
  local set lib
  set=$(mktemp -d)
  for f in $(ls "$1" | head -n "$count"); do ln -s "$1/$f" "$set/$f"; done
  lib=$(mktemp -d)
  /usr/bin/time -f "%M" -o "$lib.rss" "$iris" --threads 2 --model "$model" --library "$lib" \
    --json index --workers 2 "$set" > "$lib.json"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.2f %.0f %d" % (r["embedded"]/r["seconds"], int(open(sys.argv[2]).read())/1024, r["failed"]))' "$lib.json" "$lib.rss"
  rm -rf "$lib" "$lib.json" "$lib.rss" "$set"
}
read -r jpeg_ips jpeg_rss jpeg_failed <<< "$(index_figures "$jpegs")"
read -r heic_ips heic_rss heic_failed <<< "$(index_figures "$heics")"
echo "index $count x 12 MP: JPEG $jpeg_ips images/s, peak RSS $jpeg_rss MiB ($jpeg_failed failed)"
echo "index $count x 12 MP: HEIC $heic_ips images/s, peak RSS $heic_rss MiB ($heic_failed failed)"
python3 -c "import sys; print(f'HEIC/JPEG throughput {float(sys.argv[1])/float(sys.argv[2]):.2f}x, peak RSS {float(sys.argv[3])/float(sys.argv[4]):.2f}x')" \
  "$heic_ips" "$jpeg_ips" "$heic_rss" "$jpeg_rss"

# Live folders: demo model (the search process starts in milliseconds), a small root.
work=$(mktemp -d)
"$iris" demo "$work/root" --count 20 --seed 3 > /dev/null
"$iris" demo "$work/incoming" --count "$rounds" --seed 4 > /dev/null
"$iris" --model demo --library "$work/lib" --json index "$work/root" > /dev/null
"$iris" --model demo --library "$work/lib" --json watch > "$work/watch.log" 2>&1 &
watcher=$!
trap 'kill $watcher 2>/dev/null; rm -rf "$work"' EXIT
sleep 2
for i in $(seq 0 $((rounds - 1))); do
  name=$(printf '%06d.png' "$i")
  cp "$work/incoming/$name" "$work/root/arrived-$name"
  written=$(date +%s.%N)
  until "$iris" --model demo --library "$work/lib" --json search "a shape" -k 10000 \
      | grep -q "arrived-$name"; do
    sleep 0.05
  done
  python3 -c "import sys; print(f'watch: arrived-{sys.argv[3]} searchable {float(sys.argv[1])-float(sys.argv[2]):.2f} s after its last write')" \
    "$(date +%s.%N)" "$written" "$name"
done
