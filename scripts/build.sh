#!/usr/bin/env bash
# Build the page into dist/: one wasm module per protocol family (its Cargo feature) and the
# history viewer's module (feature `viewer`, loaded on demand), each
# built by wasm-pack (no downloads), optimised by npm's wasm-opt, LZMA-compressed (xz) and content-hashed; the
# page with the loader and the manifest inlined; one self-contained file per family.
# Prints every module's raw and gzipped size and each family's first download against the
# budget (BUDGET_KB, 300; DESIGN.md "Download budget"), and fails when one is over MAX_KB.
# MAX_KB is the budget itself now that every family meets it (it was a guard above the
# budget while they did not: 474 KB at most, then 420, then 400):
# a change that takes any family's first download over 300 KB fails the build.
#   scripts/build.sh            every family
#   FAMILIES="raft" scripts/build.sh   only these (a quicker build while working on one)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mbuild:\033[0m %s\n' "$*"; }
budget_kb=${BUDGET_KB:-300}
max_kb=${MAX_KB:-$budget_kb}

# The `tests` profile (no fat LTO): the CLI only prints the rows here, and `make test` has
# already built it this way, so the build does not link a second, LTO'd copy.
say "the registry, from the native CLI (cargo build --profile tests --bin clusterlab)"
cargo build --profile tests --quiet --bin clusterlab
mkdir -p pkg
cli="${CARGO_TARGET_DIR:-target}/tests/clusterlab"
"$cli" protocols --json > pkg/protocols.json
"$cli" presets --json > pkg/presets.json
"$cli" lessons --json > pkg/lessons.json
all=$(node -e 'const r = require("./pkg/protocols.json"); console.log([...new Set(r.map(x => x.family))].join(" "))')
families=${FAMILIES:-$all}
for fam in $families; do
  case " $all " in *" $fam "*) ;; *) echo "build: no family $fam (families: $all)" >&2; exit 2;; esac
done
if [ "$families" != "$all" ]; then
  node -e 'const fs = require("fs"); const keep = process.argv[1].split(" ");
    const r = require("./pkg/protocols.json").filter(x => keep.includes(x.family));
    fs.writeFileSync("pkg/protocols.json", JSON.stringify(r));
    const names = new Set(r.map(x => x.name));
    fs.writeFileSync("pkg/presets.json", JSON.stringify(require("./pkg/presets.json").filter(p => names.has(p.protocol))));
    fs.writeFileSync("pkg/lessons.json", JSON.stringify(require("./pkg/lessons.json").filter(p => names.has(p.protocol))));' "$families"
fi

# The history viewer is a module of its own (feature `viewer`), fetched only when someone
# opens a client history: it adds nothing to any scenario's first download.
# Each module's wasm-opt runs in the background while the next module compiles (the
# link-time optimisation of a release build keeps one core busy; wasm-opt takes the other,
# and `make test` runs the wasm tests beside the build in what is left).
#
# The standard library is rebuilt for the page, for size (about 31 KB gzipped off every
# module, raft 415.6 -> 384.2 KB): a panic aborts at once (`-Cpanic=immediate-abort`)
# instead of formatting a message that wasm32-unknown-unknown prints nowhere, and std's
# `optimize_for_size` picks its smaller sorts and formatting. Both are unstable options;
# RUSTC_BOOTSTRAP lets the pinned stable compiler take them (rust-src from rustup, which
# scripts/setup.sh adds). Neither changes a result: the page's panics trapped before and
# trap now, and every sort the simulator runs orders by a total order (a stable sort, or an
# unstable one over whole values), so another sort algorithm gives the same order;
# tests/e2e/native_parity.test.mjs checks that one preset of every family gives the
# native CLI's trace in the page.
rebuild_std=(-Z build-std=std,panic_abort -Z build-std-features=optimize_for_size)

# wasm-opt: binaryen 132 compiled natively if `make native-wasm-opt` has built it (the same
# version as npm's, about a quarter of its CPU; scripts/native-wasm-opt.sh), else npm's.
# The first time the native one is used it must give npm's bytes on the first module, or
# the build stops; a stamp beside it records that it did.
npm_wasm_opt=(node .tools/node_modules/binaryen/bin/wasm-opt)
native=$(scripts/native-wasm-opt.sh --path)
if [ -n "$native" ]; then
  wasm_opt=("$native"); say "wasm-opt: binaryen $("$native" --version | grep -o 'version [0-9]*' | cut -d' ' -f2), native ($native)"
else
  wasm_opt=("${npm_wasm_opt[@]}"); say "wasm-opt: npm's binaryen@132 (make native-wasm-opt builds a native one, once per machine)"
fi
same_stamp=${native:+$(dirname "$(dirname "$native")")/same-as-npm}
# wasm-pack runs `cargo build --lib`; scripts/cdylib/cargo turns it into a build of the
# cdylib alone, the one crate type Cargo link-time optimises (that script says why).
real_cargo=$(command -v cargo)
export RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
opt_pids=()
mkdir -p pkg
for fam in $families viewer; do
  rm -f "pkg/$fam/opt.wasm"
  say "module $fam: wasm-pack build --release, opt-level z, fat LTO, std rebuilt for size, --features $fam (incremental)"
  CLUSTERLAB_CARGO="$real_cargo" PATH="$PWD/scripts/cdylib:$PATH" CARGO_PROFILE_RELEASE_OPT_LEVEL=z wasm-pack build --release --target web --mode no-install --no-opt \
    --out-dir "pkg/$fam" --out-name clusterlab -- --no-default-features --features "$fam" "${rebuild_std[@]}" >/dev/null 2>pkg/build.log \
    || { cat pkg/build.log; exit 1; }
  # --low-memory-unused: Rust's linker puts the stack and data above 1 MiB, so nothing lives
  # in the first KiB and loads/stores can fold their offsets (about 3 KB gzipped per
  # module). Not --converge: its repeated -Oz passes saved 0.8 KB gzipped per module and
  # cost 16 s of CPU each (raft: 412.2 against 413.0 KB, 40.6 against 23.8 s).
  if [ -n "$native" ] && [ ! -f "$same_stamp" ]; then
    say "module $fam: the native wasm-opt's output against npm's (once per machine)"
    "${npm_wasm_opt[@]}" "pkg/$fam/clusterlab_bg.wasm" -o "pkg/$fam/npm.wasm" -Oz --low-memory-unused
    "${wasm_opt[@]}" "pkg/$fam/clusterlab_bg.wasm" -o "pkg/$fam/opt.wasm" -Oz --low-memory-unused
    cmp -s "pkg/$fam/npm.wasm" "pkg/$fam/opt.wasm" \
      || { echo "build: $native and npm's wasm-opt give different bytes; remove it or its cache to use npm's" >&2; exit 1; }
    rm -f "pkg/$fam/npm.wasm"; touch "$same_stamp"
    continue
  fi
  say "module $fam: wasm-opt -Oz --low-memory-unused (in the background)"
  "${wasm_opt[@]}" "pkg/$fam/clusterlab_bg.wasm" -o "pkg/$fam/opt.wasm" -Oz --low-memory-unused &
  opt_pids+=("$!")
done
for pid in "${opt_pids[@]}"; do
  wait "$pid" || { echo "build: wasm-opt failed" >&2; exit 1; }
done

rm -rf dist && mkdir -p dist
cp index.html dist/
cp -r static dist/
rm -f dist/static/loader.js dist/static/open_history.js dist/static/lzma.js
say "content-hashed modules, page, one-file builds, first-download sizes"
node scripts/pack.mjs dist pkg/protocols.json pkg/presets.json "$budget_kb" "$max_kb"
say "dist/ ready; one-file builds dist/clusterlab*.html"
