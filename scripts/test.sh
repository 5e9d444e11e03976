#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace's default members (unit, parity and
# end-to-end tests of the library and the CLI), built with the release profile so that tests
# and runs share one set of compiled dependencies in $CARGO_TARGET_DIR (default
# ~/.cache/iris/target). Ends with a summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
log=$(mktemp)
cargo test --release --all-targets 2>&1 | tee "$log" | grep -vE '^\s+(Compiling|Fresh)'
status=${PIPESTATUS[0]}
grep -E '^test result:' "$log" | awk '{p+=$4; f+=$6; i+=$8} END {print "summary: " p " passed, " f " failed, " i " ignored"}'
rm -f "$log"
exit "$status"
