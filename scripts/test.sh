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
# Three jobs side by side, since no one of them keeps two cores busy alone: building the page
# is a chain of single-threaded compiles (each module's whole-program optimisation is one
# thread), so the native tests and the wasm tests run beside it. Each job has its own Cargo
# profile (`tests` and `unit`; `release` for the page; the wasm tests in a target directory of
# their own), so none waits for another's lock (the command line, which both the native
# job and the build's registry step need, is built before either starts).
# The native and wasm jobs run at a lower priority (nice 10): the build's chain is the
# longest, and given a core whenever it wants one it no longer runs on alone, one core idle,
# after the others are done (on a fresh clone: 679 s for the command line and the three,
# against 820 s for the three without it). The native tests that time
# themselves have 15 times their measured time as their bound (a rumor over 1,000 nodes in
# 30 ms against 500 ms; 10,000 operations checked in 10 ms against 200 ms).
# A job's output is printed when all three are done; each step reports its own wall time,
# and the three together the CPU they kept busy.
#
# The native job: the suite and the CLI, the unit tests in src/, then the bug table.
native_log=target/native-tests.log native_status=target/native-tests.status
mkdir -p target
native_job() {
  local name t0 status
  step() {
    name=$1; shift; t0=$(date +%s)
    printf '\n\033[1m== %s\033[0m\n' "$name"
    if "$@"; then status=ok; else status=FAILED; fi
    printf '%-6s %s (%s s, beside the build)\n' "$status" "$name" "$(( $(date +%s) - t0 ))" >>"$native_status"
  }
  step "native tests (cargo test --profile tests: the suite, the CLI)" \
    cargo test --profile tests --bins --test '*' -- --skip every_teaching_bug_is_caught
  # The library's own unit tests compile unoptimised (profile unit): they run in 0.3 s.
  step "unit tests in src/ (cargo test --profile unit --lib)" cargo test --profile unit --lib
  step "the bug table (every teaching bug, seeds the default sweep needs)" \
    cargo test --profile tests --test suite every_teaching_bug_is_caught -- --nocapture
}
# The wasm tests compile unoptimised and without debug info (as `make test-wasm` does): 171 s
# of CPU against 567 s with the test profile's opt-level 2 and debug info, and the 19 tests
# run in 1.7 s instead of 0.9 s. The trace hash is the same at every optimisation level.
wasm_log=target/wasm-tests.log
( nice -n 10 env CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_DIR=target/wasm-tests \
  CARGO_PROFILE_TEST_OPT_LEVEL=0 CARGO_PROFILE_TEST_DEBUG=0 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm_determinism --test wasm_components ) >"$wasm_log" 2>&1 &
wasm_pid=$!
# The command line first (the library at the `tests` profile, most of the native job's
# compile), with the wasm tests compiling beside it: the build's registry step needs it, and
# built here the native job and the build do not race for its lock.
cli_t0=$(date +%s)
cargo build --profile tests --bin clusterlab || results+=("FAILED the command line (cargo build --profile tests --bin clusterlab)")
cli_s=$(( $(date +%s) - cli_t0 ))
: >"$native_status"
( renice -n 10 -p "$BASHPID" >/dev/null; native_job ) >"$native_log" 2>&1 &
native_pid=$!
t0=$cli_t0; c0=$c_start
run "build dist/ (the native tests and the wasm tests run beside it)" scripts/build.sh
wait "$native_pid"
cat "$native_log"
while read -r line; do results+=("$line"); done <"$native_status"
[ -s "$native_status" ] || results+=("FAILED native tests (the job printed no result)")
printf '\n\033[1m== %s\033[0m\n' "wasm tests in Chromium (wasm-bindgen-test), run beside the build"
if wait "$wasm_pid"; then wasm_ok=ok; else wasm_ok=FAILED; fi
cat "$wasm_log"
results+=("$(printf '%-6s' "$wasm_ok") wasm tests in Chromium, beside the build ($(( $(date +%s) - t0 )) s)")
beside="the command line ($cli_s s), then the build and the jobs beside it: $(( $(date +%s) - t0 )) s, $(( $(busy) - c0 )) s CPU in all"
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
echo "($beside)"
echo "$(( ${#results[@]} - failed )) passed, $failed failed"
[ "$failed" = 0 ]
