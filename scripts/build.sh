#!/usr/bin/env bash
# Build the page into dist/: wasm via wasm-pack (no downloads), optimised by npm's wasm-opt,
# plus index.html and static/, and the one-file build dist/clusterlab.html.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mbuild:\033[0m %s\n' "$*"; }
say "wasm-pack build --release, opt-level z (incremental)"
CARGO_PROFILE_RELEASE_OPT_LEVEL=z wasm-pack build --release --target web --mode no-install --no-opt --out-dir pkg --out-name clusterlab >/dev/null 2>pkg.log || { cat pkg.log; exit 1; }
rm -f pkg.log
rm -rf dist && mkdir -p dist/pkg
say "wasm-opt -Oz"
.tools/node_modules/binaryen/bin/wasm-opt pkg/clusterlab_bg.wasm -o dist/pkg/clusterlab_bg.wasm -Oz
cp pkg/clusterlab.js dist/pkg/
cp index.html dist/
cp -r static dist/
node scripts/inline.mjs dist
raw=$(stat -c %s dist/pkg/clusterlab_bg.wasm)
gz=$(gzip -9 -c dist/pkg/clusterlab_bg.wasm | wc -c)
say "dist/ ready: wasm $((raw / 1024)) KB raw, $((gz / 1024)) KB gzipped; one-file build dist/clusterlab.html"
