#!/usr/bin/env bash
# Reads the logs that scripts/test.sh left in folder $1 and prints the counts by part, then
# the one summary line ("summary: P passed, F failed, I skipped"; skipped are ignored Rust
# tests), exiting non-zero when anything failed. What adds no count line still counts as a failure:
# a compile error ("error: could not compile"), a test binary that ran but printed no
# "test result:" (a crash), a Vitest file that failed to load, a runner that exited non-zero
# without saying why, and a failed check or build.
set -uo pipefail
logs=$1

# Checks: one "NAME ok|failed" line each.
read -r kp kf < <(awk '$2=="ok"{p++} $2=="failed"{f++} END{printf "%d %d\n", p, f}' "$logs/checks")

# Vitest: "Tests  85 passed | 1 failed (86)", "Test Files  1 failed | 5 passed (6)".
read -r vp vf < <(sed 's/\x1b\[[0-9;]*m//g' "$logs/vitest" | awk '
  /^ *Tests / {for (i=1;i<NF;i++) {if ($(i+1)=="passed") p+=$i; if ($(i+1) ~ /^failed/) f+=$i}}
  /^ *Test Files / {for (i=1;i<NF;i++) if ($(i+1) ~ /^failed/) files+=$i}
  /^vitest exit / {code=$3}
  END {f+=files; if (code!=0 && f==0) f=1; printf "%d %d\n", p, f}')

# Cargo: each "Running"/"Doc-tests" target must end in "test result: ok. P passed; F failed;
# I ignored"; one that does not crashed.
read -r cp cf ci < <(awk '
  /^ +(Running|Doc-tests) / {if (open) crashed++; open=1}
  /^test result:/ {p+=$4; f+=$6; i+=$8; open=0}
  /^error: could not compile/ {compile++}
  /^cargo exit / {code=$3}
  END {if (open) crashed++; f+=crashed+compile; if (code!=0 && f==0) f=1; printf "%d %d %d\n", p, f, i}' "$logs/cargo")

# The e2e script: "desktop e2e: P passed, F failed".
read -r ep ef < <(awk '
  /^desktop e2e:/ {p=$3; f=$5; seen=1}
  /^e2e exit / {code=$3}
  END {if (!seen) f=1; if (code!=0 && f==0) f=1; printf "%d %d\n", p, f}' "$logs/e2e")

# The torture suite: "torture: P passed, F failed".
[ -f "$logs/torture" ] || echo "no torture log" >"$logs/torture"
read -r tp tf < <(awk '
  /^torture:/ {p=$2; f=$4; seen=1}
  /^torture exit / {code=$3}
  END {if (!seen) f=1; if (code!=0 && f==0) f=1; printf "%d %d\n", p, f}' "$logs/torture")

passed=$((kp + vp + cp + tp + ep))
failed=$((kf + vf + cf + tf + ef))
echo "checks $kp/$((kp + kf)), vitest $vp/$((vp + vf)), cargo $cp/$((cp + cf)) ($ci ignored), torture $tp/$((tp + tf)), desktop e2e $ep/$((ep + ef))"
echo "summary: $passed passed, $failed failed, $ci skipped"
[ "$failed" -eq 0 ]
