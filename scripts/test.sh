#!/usr/bin/env bash
# Runs every test and check of the project and ends with one summary line:
#   1. checks: `cargo fmt --check`, clippy with `-D warnings` on every target, the front end's
#      svelte-check (`npm run check`) and the test of the summary script, each one counted as
#      passed or failed;
#   2. the front end's unit tests (Vitest), after building ui/dist (the desktop binary embeds it);
#   3. the Rust workspace (unit, parity, library, CLI, demo-model and desktop-command tests),
#      built with the release profile so that tests and runs share one set of compiled
#      dependencies in $CARGO_TARGET_DIR (default ~/.cache/iris/target);
#   4. the torture suite's short profile (scripts/torture.sh: bad files, bombs, fuzzed decodes,
#      broken models), each case counted as passed or failed;
#   5. the desktop app end to end in a real window (Xvfb + tauri-driver + WebKitWebDriver),
#      only against a binary this run built;
#   6. the Debian package, built from that binary, installed with dpkg, checked and removed
#      (tests/package/deb_test.sh; a check, run as root only: dpkg -i needs it).
# A compile error, a test binary that crashes, a Vitest file that fails to load and a failed
# build each count as a failure (scripts/summary.sh reads the logs).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
export CARGO_TERM_COLOR=never
# Tests write the demo model into a temporary cache, never into the user's ~/.cache/iris.
IRIS_CACHE_DIR=$(mktemp -d)
export IRIS_CACHE_DIR
logs=$(mktemp -d)
trap 'rm -rf "$logs" "$IRIS_CACHE_DIR"' EXIT
: >"$logs/checks"

check() { # check NAME COMMAND...: runs a check, records "NAME ok|failed"
  local name=$1
  shift
  if "$@" >"$logs/check-$name" 2>&1; then
    echo "$name ok" >>"$logs/checks"
  else
    cat "$logs/check-$name"
    echo "$name failed" >>"$logs/checks"
  fi
}

check summary-script bash tests/scripts/summary_test.sh

echo "== front end: npm install, build, svelte-check, vitest"
if (cd ui && npm install --no-audit --no-fund --loglevel=error && npm run build --silent) >"$logs/ui-build" 2>&1; then
  echo "ui-build ok" >>"$logs/checks"
else
  cat "$logs/ui-build"
  echo "ui-build failed" >>"$logs/checks"
fi
check svelte-check bash -c 'cd ui && npm run check --silent'
(cd ui && npx vitest run --reporter=dot) >"$logs/vitest" 2>&1
echo "vitest exit $?" >>"$logs/vitest"
tail -6 "$logs/vitest"

echo "== rust: fmt, clippy, build, cargo test --release --all-targets"
check rustfmt cargo fmt --all --check
# Clippy lints the workspace inside the one release build: clippy-driver is the workspace's
# compiler (RUSTC_WORKSPACE_WRAPPER, what `cargo clippy` sets up for its check build), so the
# lints of `cargo clippy --all-targets -- -D warnings` cost no second build of the dependencies
# (a cold check build of LanceDB and DataFusion would not fit CI's 90 minutes). Dependencies are
# compiled by plain rustc and stay shared with `scripts/run.sh`; the tests below use the same
# wrapper, so nothing is built twice.
if clippy=$(command -v clippy-driver); then
  export RUSTC_WORKSPACE_WRAPPER=$clippy
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
fi
# The build makes the binaries the e2e test runs (the same units as the tests: nothing twice).
cargo build --release --all-targets >"$logs/build" 2>&1
build_exit=$?
grep -vE '^\s+(Compiling|Fresh)' "$logs/build"
if [ $build_exit -eq 0 ]; then
  echo "cargo-build ok" >>"$logs/checks"
else
  echo "cargo-build failed" >>"$logs/checks"
fi
if [ -z "${RUSTC_WORKSPACE_WRAPPER:-}" ]; then
  echo "clippy failed (clippy-driver is not installed: rustup component add clippy)" >>"$logs/checks"
elif grep -q 'rust-lang.github.io/rust-clippy' "$logs/build"; then
  echo "clippy failed" >>"$logs/checks"
else
  echo "clippy ok" >>"$logs/checks"
fi
cargo test --release --all-targets --no-fail-fast >"$logs/cargo" 2>&1
echo "cargo exit $?" >>"$logs/cargo"
grep -vE '^\s+(Compiling|Fresh)' "$logs/cargo"

echo "== torture suite, short profile (scripts/torture.sh)"
if grep -qx "cargo-build ok" "$logs/checks" && [ -x "$CARGO_TARGET_DIR/release/iris-torture" ]; then
  IRIS_TORTURE_BIN=$CARGO_TARGET_DIR/release/iris-torture scripts/torture.sh >"$logs/torture" 2>&1
  echo "torture exit $?" >>"$logs/torture"
  cat "$logs/torture"
else
  echo "torture: 0 passed, 1 failed (this run built no iris-torture)" | tee "$logs/torture"
fi

echo "== desktop end to end"
if grep -qx "cargo-build ok" "$logs/checks" && [ -x "$CARGO_TARGET_DIR/release/iris-desktop" ]; then
  IRIS_ARTIFACTS=${IRIS_ARTIFACTS:-$CARGO_TARGET_DIR/e2e} node tests/desktop/e2e.mjs \
    "$CARGO_TARGET_DIR/release/iris-desktop" "$CARGO_TARGET_DIR/release/iris" >"$logs/e2e" 2>&1
  echo "e2e exit $?" >>"$logs/e2e"
  cat "$logs/e2e"
else
  echo "desktop e2e: 0 passed, 1 failed (this run built no iris-desktop)" | tee "$logs/e2e"
fi

echo "== debian package"
if [ "$(id -u)" != 0 ] || ! command -v dpkg-deb >/dev/null; then
  echo "deb-package not run: installing the package needs root and dpkg (CI runs it)"
elif grep -qx "cargo-build ok" "$logs/checks"; then
  # The binary was just built (through clippy-driver): package it as it is.
  check deb-package env IRIS_PACKAGE_SKIP_BUILD=1 bash tests/package/deb_test.sh
  tail -8 "$logs/check-deb-package"
else
  echo "deb-package failed (this run built no binary)" >>"$logs/checks"
fi

scripts/summary.sh "$logs"
