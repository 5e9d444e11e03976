#!/usr/bin/env bash
# Search latency of two builds of the `iris` CLI on one library, in alternating rounds (the
# cold-build cut of the README's "Cold build" is checked with it: BASE is a build with every
# dependency at opt-level 3, NEW one with the workspace's profile).
#   scripts/bench-builds.sh BASE_IRIS NEW_IRIS [ROUNDS]
# The library is 20,000 demo photos indexed with the demo model (made once in
# ~/.cache/iris/bench-search). Each round runs every query once with each binary; a figure is
# the wall time of one `iris search --json -k 100` process: open the catalog, embed the text,
# LanceDB's nearest-neighbour scan and the fetch of the rows.
set -euo pipefail
base=$1 new=$2 rounds=${3:-10}
dir=${IRIS_BENCH_DIR:-$HOME/.cache/iris/bench-search}
[ -f "$dir/photos/captions.jsonl" ] || "$new" demo "$dir/photos" --count 20000 --seed 7
"$new" --model demo --library "$dir/library" --json index "$dir/photos" >/dev/null
queries=("red circle" "blue square on yellow" "green triangle -red" "a small purple star")
python3 - "$base" "$new" "$dir/library" "$rounds" "${queries[@]}" <<'PY'
import statistics, subprocess, sys, time
base, new, library, rounds, queries = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
times = {base: [], new: []}
def run(binary, q):
    t = time.perf_counter()
    subprocess.run([binary, "--model", "demo", "--library", library, "--json", "search", q, "-k", "100"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t
for b in (base, new):  # warm the page cache
    run(b, queries[0])
for r in range(rounds):
    for q in queries:
        for b in ((base, new) if r % 2 == 0 else (new, base)):
            times[b].append(run(b, q))
for name, b in (("base", base), ("new", new)):
    t = sorted(times[b])
    print(f"{name}: median {statistics.median(t)*1000:.1f} ms, p10 {t[len(t)//10]*1000:.1f}, p90 {t[9*len(t)//10]*1000:.1f} ({len(t)} searches) {b}")
print(f"new/base median: {statistics.median(times[new]) / statistics.median(times[base]):.3f}")
PY
