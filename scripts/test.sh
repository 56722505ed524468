#!/usr/bin/env bash
# Every test: native (unit, handler, paper, preset, sweep, link, CLI), wasm in Chromium
# (same trace hash as native), the built page in Chromium (Playwright). Prints a summary.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
results=()
run() {
  local name=$1; shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  local t0=$(date +%s)
  if "$@"; then results+=("ok     $name ($(( $(date +%s) - t0 )) s)"); else results+=("FAILED $name ($(( $(date +%s) - t0 )) s)"); fi
}
run "native tests (cargo test --profile tests)" cargo test --profile tests -- --skip every_teaching_bug_is_caught
run "the bug table (every teaching bug, seeds the default sweep needs)" \
  cargo test --profile tests --test sweeps every_teaching_bug_is_caught -- --nocapture
# The wasm tests and the page's build run side by side: both spend long stretches on one
# core (linking, whole-program optimisation of one crate), and the wasm tests build in their
# own target directory so that neither waits for the other's lock. The wasm tests' output is
# printed when they end.
wasm_log=$(mktemp)
wasm_t0=$(date +%s)
( env CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/wasm-tests" \
    cargo test --target wasm32-unknown-unknown --test wasm_determinism --test wasm_components >"$wasm_log" 2>&1 ) &
wasm_pid=$!
run "build dist/ (beside the wasm tests)" scripts/build.sh
printf '\n\033[1m== %s\033[0m\n' "wasm tests in Chromium (wasm-bindgen-test)"
if wait "$wasm_pid"; then wasm_ok=ok; else wasm_ok=FAILED; fi
cat "$wasm_log"; rm -f "$wasm_log"
results+=("$wasm_ok wasm tests in Chromium (wasm-bindgen-test) ($(( $(date +%s) - wasm_t0 )) s, beside the build)")
run "browser tests (Playwright + Chromium)" node --test tests/e2e/
printf '\n\033[1m== summary (%s s)\033[0m\n' "$(( $(date +%s) - start ))"
failed=0
for r in "${results[@]}"; do echo "$r"; case $r in FAILED*) failed=$((failed + 1));; esac; done
echo "$(( ${#results[@]} - failed )) passed, $failed failed"
[ "$failed" = 0 ]
