#!/usr/bin/env bash
# The torture suite (crates/iris-torture): each case in its own process, so that a crash, an
# abort or the peak memory of one case is that case's alone. Ends with one line
# "torture: N passed, N failed, N skipped" (skipped: a case this machine cannot run, such as
# the disk-full case without root to mount its tmpfs). scripts/test.sh runs the short profile
# (CI); --long runs the full counts (every 37th byte cut, 200,000 mutants, 100 kills).
#   scripts/torture.sh [--long] [CASE...]     (cases: iris-torture --list)
# IRIS_TORTURE_BIN names a binary already built (test.sh passes the one it built); otherwise
# the release build shared with the tests and the app makes it.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
profile=()
cases=()
for arg in "$@"; do
  case $arg in
    --long) profile=(--long) ;;
    *) cases+=("$arg") ;;
  esac
done
bin=${IRIS_TORTURE_BIN:-}
if [ -z "$bin" ]; then
  if ! cargo build --release --all-targets -q; then
    echo "torture: 0 passed, 1 failed (the build failed)"
    exit 1
  fi
  bin=$CARGO_TARGET_DIR/release/iris-torture
fi
[ ${#cases[@]} -gt 0 ] || mapfile -t cases < <("$bin" --list)
# The demo model is written into a temporary cache, never into the user's ~/.cache/iris.
if [ -z "${IRIS_CACHE_DIR:-}" ]; then
  IRIS_CACHE_DIR=$(mktemp -d)
  export IRIS_CACHE_DIR
  trap 'rm -rf "$IRIS_CACHE_DIR"' EXIT
fi
passed=0
failed=0
skipped=0
for name in "${cases[@]}"; do
  echo "== torture case $name ${profile[*]:-}"
  # Decoders (libheif, dav1d, libde265) write to stderr for each bad file: kept aside, and
  # its last lines shown when the case fails.
  stderr=$(mktemp)
  "$bin" "${profile[@]}" "$name" 2>"$stderr"
  code=$?
  [ $code -eq 0 ] || [ $code -eq 3 ] || tail -20 "$stderr"
  rm -f "$stderr"
  if [ $code -eq 0 ]; then
    passed=$((passed + 1))
  elif [ $code -eq 3 ]; then
    skipped=$((skipped + 1))
  else
    [ $code -gt 128 ] && echo "case $name: killed by signal $((code - 128)) (an abort or a crash)"
    failed=$((failed + 1))
  fi
done
echo "torture: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
