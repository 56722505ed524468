#!/usr/bin/env bash
# Build the page into dist/: one wasm module per protocol family (its Cargo feature) and the
# history viewer's module (feature `viewer`, loaded on demand), each
# built by wasm-pack (no downloads) and optimised by npm's wasm-opt, content-hashed; the
# page with the loader and the manifest inlined; one self-contained file per family.
# Prints every module's raw and gzipped size and each family's first download against the
# budget (BUDGET_KB, 300; DESIGN.md "Download budget"), and fails when one is over MAX_KB.
# MAX_KB is 470 while the families are still over 300 KB (see the README; it was 420 until
# the history viewer moved to its own module and the page lost Unicode case tables, then
# 414, and 420 again once the gossip module carried SWIM's and gossip's own checkers,
# 418.9 KB; 404-417 KB once lessons and adversary mode came in, paid for by sorted-vector
# maps; 359-417 KB after the speed work, whose chunked trace, scheduled-fault list and
# session table were paid for by keeping messages in flight in an id-ordered vector; 430
# once the txn module carried three-phase commit beside 2PC and Paxos Commit, and their
# side-by-side comparison, 429.6 KB; 460 once the lock module carried the lock service on Zab
# beside Raft, 453.9 KB; 470 once the mapreduce module carried Spark beside MapReduce, 460.2 KB): it keeps any family from growing much; it drops to the budget once
# every family meets it.
#   scripts/build.sh            every family
#   FAMILIES="raft" scripts/build.sh   only these (a quicker build while working on one)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mbuild:\033[0m %s\n' "$*"; }
budget_kb=${BUDGET_KB:-300}
max_kb=${MAX_KB:-470}

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
# The modules build in two lanes at once, each lane in its own target directory: a release
# build's link-time optimisation keeps one core busy, so one lane left the other core idle
# between wasm-opt runs. Each module's wasm-opt runs in the background while its lane
# compiles the next module.
target=${CARGO_TARGET_DIR:-target}
build_module() { # family, target directory, log
  rm -f "pkg/$1/opt.wasm"
  say "module $1: wasm-pack build --release, opt-level z, --features $1 (incremental, in $2)"
  CARGO_TARGET_DIR="$2" CARGO_PROFILE_RELEASE_OPT_LEVEL=z wasm-pack build --release --target web --mode no-install --no-opt \
    --out-dir "pkg/$1" --out-name clusterlab -- --no-default-features --features "$1" >/dev/null 2>"$3" \
    || { cat "$3"; return 1; }
  # --low-memory-unused: Rust's linker puts the stack and data above 1 MiB, so nothing lives
  # in the first KiB and loads/stores can fold their offsets; --converge repeats -Oz until
  # it stops shrinking (together about 4 KB gzipped per module).
  say "module $1: wasm-opt -Oz --low-memory-unused --converge (in the background)"
  .tools/node_modules/binaryen/bin/wasm-opt "pkg/$1/clusterlab_bg.wasm" -o "pkg/$1/opt.wasm" -Oz --low-memory-unused --converge &
}
lane() { # target directory, log, modules
  local dir=$1 log=$2
  shift 2
  for fam in "$@"; do build_module "$fam" "$dir" "$log" || return 1; done
  wait
}
modules=($families viewer)
lane_a=() lane_b=()
for i in "${!modules[@]}"; do
  if (( i % 2 == 0 )); then lane_a+=("${modules[$i]}"); else lane_b+=("${modules[$i]}"); fi
done
mkdir -p pkg
lane "$target" pkg/build-a.log "${lane_a[@]}" &
pid_a=$!
lane "$target/lane-b" pkg/build-b.log "${lane_b[@]}" &
pid_b=$!
wait "$pid_a" || { echo "build: a module failed to build (lane a)" >&2; exit 1; }
wait "$pid_b" || { echo "build: a module failed to build (lane b)" >&2; exit 1; }
for fam in "${modules[@]}"; do
  [ -s "pkg/$fam/opt.wasm" ] || { echo "build: wasm-opt failed for $fam" >&2; exit 1; }
done

rm -rf dist && mkdir -p dist
cp index.html dist/
cp -r static dist/
rm -f dist/static/loader.js dist/static/open_history.js
say "content-hashed modules, page, one-file builds, first-download sizes"
node scripts/pack.mjs dist pkg/protocols.json pkg/presets.json "$budget_kb" "$max_kb"
say "dist/ ready; one-file builds dist/clusterlab*.html"
