#!/usr/bin/env bash
# Runs every test of the project and ends with one summary line:
#   1. the front end's unit tests (Vitest), after building ui/dist (the desktop binary embeds it);
#   2. the Rust workspace (unit, parity, library, CLI, demo-model and desktop-command tests),
#      built with the release profile so that tests and runs share one set of compiled
#      dependencies in $CARGO_TARGET_DIR (default ~/.cache/iris/target);
#   3. the desktop app end to end in a real window (Xvfb + tauri-driver + WebKitWebDriver).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
export CARGO_TERM_COLOR=never
logs=$(mktemp -d)
status=0

echo "== front end: npm install, build, vitest"
(cd ui && npm install --no-audit --no-fund --loglevel=error && npm run build --silent) >"$logs/ui-build" 2>&1 \
  || { cat "$logs/ui-build"; echo "summary: front end build failed"; exit 1; }
(cd ui && npx vitest run --reporter=dot) 2>&1 | tee "$logs/vitest" | tail -5
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== rust: cargo build, then cargo test --release --all-targets"
# The build makes the binaries the e2e test runs (the same units as the tests: nothing twice).
cargo build --release --all-targets 2>&1 | grep -vE '^\s+(Compiling|Fresh)'
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
cargo test --release --all-targets --no-fail-fast 2>&1 | tee "$logs/cargo" | grep -vE '^\s+(Compiling|Fresh)'
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== desktop end to end"
if [ -x "$CARGO_TARGET_DIR/release/iris-desktop" ]; then
  IRIS_ARTIFACTS=${IRIS_ARTIFACTS:-$CARGO_TARGET_DIR/e2e} node tests/desktop/e2e.mjs \
    "$CARGO_TARGET_DIR/release/iris-desktop" "$CARGO_TARGET_DIR/release/iris" 2>&1 | tee "$logs/e2e"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
else
  echo "desktop e2e: 0 passed, 1 failed (iris-desktop was not built)" | tee "$logs/e2e"
  status=1
fi

# Vitest prints "Tests  85 passed (85)" (and "N failed"); cargo "test result: ok. P passed; F failed; I ignored";
# the e2e script "desktop e2e: P passed, F failed".
sed 's/\x1b\[[0-9;]*m//g' "$logs/vitest" | grep -E '^\s*Tests ' | awk '{for (i=1;i<NF;i++) {if ($(i+1)=="passed") vp+=$i; if ($(i+1)=="failed") vf+=$i}} END {printf "%d %d\n", vp, vf}' >"$logs/v"
grep -E '^test result:' "$logs/cargo" | awk '{p+=$4; f+=$6; i+=$8} END {printf "%d %d %d\n", p, f, i}' >"$logs/c"
grep -E '^desktop e2e:' "$logs/e2e" | awk '{printf "%d %d\n", $3, $5}' >"$logs/e"
read -r vp vf <"$logs/v"; read -r cp cf ci <"$logs/c"; read -r ep ef <"$logs/e" || { ep=0; ef=1; }
echo "summary: $((vp + cp + ep)) passed, $((vf + cf + ef)) failed, $ci ignored (vitest $vp/$((vp + vf)), cargo $cp/$((cp + cf)), desktop e2e $ep/$((ep + ef)))"
rm -rf "$logs"
[ $((vf + cf + ef)) -eq 0 ] || status=1
exit "$status"
