#!/usr/bin/env bash
# Tests scripts/summary.sh on planted logs: a clean run passes; a failing test, a compile
# error, a crashed test binary, a Vitest file that fails to load, a failed check, a missing
# e2e and a failed or killed torture case each make it exit non-zero with "N failed", N >= 1.
# Prints "summary-test: P passed, F failed".
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

clean_logs() { # a run where everything passed
  local d=$1
  mkdir -p "$d"
  printf 'rustfmt ok\nclippy ok\n' >"$d/checks"
  printf ' Test Files  3 passed (3)\n      Tests  12 passed (12)\nvitest exit 0\n' >"$d/vitest"
  cat >"$d/cargo" <<'LOG'
     Running unittests src/lib.rs (target/release/deps/iris_core-1)
test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s
     Running tests/library.rs (target/release/deps/library-2)
test result: ok. 7 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.00s
cargo exit 0
LOG
  printf 'desktop e2e: 9 passed, 0 failed\ne2e exit 0\n' >"$d/e2e"
  printf 'case fuzz: passed in 9.0 s\ntorture: 4 passed, 0 failed\ntorture exit 0\n' >"$d/torture"
}

expect() { # expect NAME WANT_EXIT(0|1) WANT_LINE_REGEX
  local name=$1 want=$2 regex=$3 out code
  out=$("$here/scripts/summary.sh" "$tmp/$name")
  code=$?
  local line
  line=$(tail -1 <<<"$out")
  local ok_exit=$(( (want == 0) == (code == 0) ))
  if [ "$ok_exit" -eq 1 ] && grep -Eq "$regex" <<<"$line"; then
    passed=$((passed + 1))
  else
    echo "FAIL $name: exit $code, last line: $line (wanted exit $want, /$regex/)"
    failed=$((failed + 1))
  fi
}

clean_logs "$tmp/clean"
expect clean 0 '^summary: 39 passed, 0 failed, 1 skipped$'

clean_logs "$tmp/failing-test"
sed -i 's/7 passed; 0 failed/6 passed; 1 failed/; s/cargo exit 0/cargo exit 101/' "$tmp/failing-test/cargo"
expect failing-test 1 '^summary: 38 passed, 1 failed'

clean_logs "$tmp/compile-error"
printf 'error[E0308]: mismatched types\nerror: could not compile `iris-core` (lib test)\ncargo exit 101\n' >"$tmp/compile-error/cargo"
expect compile-error 1 '^summary: [0-9]+ passed, [1-9][0-9]* failed'

clean_logs "$tmp/crash"
cat >"$tmp/crash/cargo" <<'LOG'
     Running unittests src/lib.rs (target/release/deps/iris_core-1)
test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s
     Running tests/library.rs (target/release/deps/library-2)
error: test failed, to rerun pass `-p iris-core --test library`
Caused by:
  process didn't exit successfully: `library-2` (signal: 11, SIGSEGV: invalid memory reference)
cargo exit 101
LOG
expect crash 1 '^summary: [0-9]+ passed, 1 failed'

clean_logs "$tmp/vitest-load"
printf ' FAIL  src/lib/query.test.ts [ src/lib/query.test.ts ]\nSyntaxError: Unexpected token\n Test Files  1 failed | 2 passed (3)\n      Tests  8 passed (8)\nvitest exit 1\n' >"$tmp/vitest-load/vitest"
expect vitest-load 1 '^summary: [0-9]+ passed, 1 failed'

clean_logs "$tmp/failed-check"
printf 'rustfmt ok\nclippy failed\n' >"$tmp/failed-check/checks"
expect failed-check 1 '^summary: [0-9]+ passed, 1 failed'

clean_logs "$tmp/no-e2e"
printf 'node: cannot find module\ne2e exit 1\n' >"$tmp/no-e2e/e2e"
expect no-e2e 1 '^summary: [0-9]+ passed, 1 failed'

clean_logs "$tmp/torture-case"
printf 'case fuzz: failed (1 problems)\ntorture: 3 passed, 1 failed\ntorture exit 1\n' >"$tmp/torture-case/torture"
expect torture-case 1 '^summary: 38 passed, 1 failed'

clean_logs "$tmp/torture-killed"
printf 'case bombs: killed by signal 9 (an abort or a crash)\n' >"$tmp/torture-killed/torture"
expect torture-killed 1 '^summary: [0-9]+ passed, 1 failed'

echo "summary-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
