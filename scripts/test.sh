#!/usr/bin/env bash
# Every test: native (unit, handler, paper, preset, sweep, link, CLI), wasm in Chromium
# (same trace hash as native), the built page in Chromium (Playwright). Prints a summary.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
results=()
# The machine's busy CPU seconds so far (every process, from /proc/stat: user, nice, system,
# irq, softirq), so each step reports the CPU it kept busy beside its wall time: on two cores
# a step whose CPU is near twice its wall time has nothing left to run beside it.
busy() { awk '/^cpu / { printf "%d", ($2 + $3 + $4 + $7 + $8) / 100 }' /proc/stat; }
c_start=$(busy)
run() {
  local name=$1; shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  local t0 c0; t0=$(date +%s); c0=$(busy)
  local status=ok
  "$@" || status=FAILED
  results+=("$(printf '%-6s' "$status") $name ($(( $(date +%s) - t0 )) s, $(( $(busy) - c0 )) s CPU)")
}
run "native tests (cargo test --profile tests: the suite, the CLI)" \
  cargo test --profile tests --bins --test '*' -- --skip every_teaching_bug_is_caught
run "unit tests in src/ (cargo test --profile unit --lib)" cargo test --profile unit --lib
run "the bug table (every teaching bug, seeds the default sweep needs)" \
  cargo test --profile tests --test suite every_teaching_bug_is_caught -- --nocapture
# The wasm tests run while dist/ builds: a module's link-time optimisation keeps one core
# busy and leaves the other partly idle. They use their own target directory, so neither
# waits for the other's lock (they share no compiled crate: test profile against release).
# They compile unoptimised and without debug info (as `make test-wasm` does): 171 s of CPU
# against 567 s with the test profile's opt-level 2 and debug info, and the 19 tests run in
# 1.7 s instead of 0.9 s. The trace hash is the same at every optimisation level.
# Their output is printed when both are done.
wasm_log=target/wasm-tests.log
mkdir -p target
( env CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_DIR=target/wasm-tests \
  CARGO_PROFILE_TEST_OPT_LEVEL=0 CARGO_PROFILE_TEST_DEBUG=0 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm_determinism --test wasm_components ) >"$wasm_log" 2>&1 &
wasm_pid=$!
wasm_t0=$(date +%s)
run "build dist/ (the wasm tests run beside it)" scripts/build.sh
printf '\n\033[1m== %s\033[0m\n' "wasm tests in Chromium (wasm-bindgen-test), run beside the build"
if wait "$wasm_pid"; then wasm_ok=ok; else wasm_ok=FAILED; fi
cat "$wasm_log"
results+=("$(printf '%-6s' "$wasm_ok") wasm tests in Chromium, beside the build ($(( $(date +%s) - wasm_t0 )) s; their CPU is in the build's)")
# The browser tests that time something (frame intervals, a check's wall time, a fuzz's
# rate, a page load, lessons played while the page animates) one file at a time; the
# others two files at a time (each file starts its own server and Chromium; on two cores
# that roughly halves their wall time).
timed="tests/e2e/budgets.test.mjs tests/e2e/fuzz.test.mjs tests/e2e/history.test.mjs tests/e2e/protocols.test.mjs tests/e2e/share.test.mjs tests/e2e/network.test.mjs tests/e2e/lessons.test.mjs"
untimed=$(for f in tests/e2e/*.test.mjs; do case " $timed " in *" $f "*) ;; *) echo "$f";; esac; done)
run "browser tests, two files at a time (Playwright + Chromium)" node --test --test-concurrency=2 $untimed
run "browser tests that time something, one file at a time" node --test $timed
printf '\n\033[1m== summary (%s s, %s s CPU)\033[0m\n' "$(( $(date +%s) - start ))" "$(( $(busy) - c_start ))"
failed=0
for r in "${results[@]}"; do echo "$r"; case $r in FAILED*) failed=$((failed + 1));; esac; done
echo "$(( ${#results[@]} - failed )) passed, $failed failed"
[ "$failed" = 0 ]
