#!/usr/bin/env bash
# Install what building and testing ClusterLab needs, printing each step. Idempotent: a
# tool that is already there is not installed again.
#   scripts/setup.sh build   wasm target, rust-src, wasm-bindgen CLI, wasm-pack, wasm-opt (npm binaryen), terser, csso; checks for xz
#   scripts/setup.sh test    the above plus Chromium, ChromeDriver and playwright-core
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-build}"
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf '\033[1;31msetup: %s\033[0m\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "Rust is missing. Install it from https://rustup.rs, then run this again."

if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target (rustup target add)"
  rustup target add wasm32-unknown-unknown || die "could not add the wasm32 target; run: rustup target add wasm32-unknown-unknown"
fi

# The page's modules rebuild the standard library for size (scripts/build.sh): its source.
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  say "adding the Rust standard library's source (rustup component add rust-src)"
  rustup component add rust-src || die "could not add rust-src; run: rustup component add rust-src"
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate exactly (pinned in Cargo.toml).
want=$(grep -A1 'name = "wasm-bindgen"$' Cargo.lock | grep version | head -1 | cut -d'"' -f2)
[ -n "$want" ] || want=$(grep -o 'wasm-bindgen = "=[0-9.]*"' Cargo.toml | grep -o '[0-9][0-9.]*')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (cargo install; a few minutes)"
  cargo install wasm-bindgen-cli --version "=$want" --locked 2>/dev/null \
    || cargo install wasm-bindgen-cli --version "=$want" \
    || die "could not install wasm-bindgen-cli $want; run: cargo install wasm-bindgen-cli --version =$want"
fi

if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack 0.15.1 (cargo install; a few minutes)"
  cargo install wasm-pack --version 0.15.1 --locked || die "could not install wasm-pack; run: cargo install wasm-pack --locked"
fi

# xz compresses the page's modules (scripts/pack.mjs; the page's loader inflates them).
command -v xz >/dev/null || die "xz is missing; install it (Debian: apt-get install xz-utils; macOS: brew install xz)"

# wasm-opt from npm's binaryen (Debian's is too old for what rustc emits); terser and csso
# minify the page's JS and CSS (scripts/pack.mjs).
if [ ! -x .tools/node_modules/binaryen/bin/wasm-opt ] || [ ! -d .tools/node_modules/terser ] || [ ! -d .tools/node_modules/csso ]; then
  command -v npm >/dev/null || die "npm is missing; install Node.js and npm (Debian: apt-get install nodejs npm)"
  say "installing wasm-opt (npm binaryen@132), terser 5.51.4 and csso 5.0.5 into .tools/"
  mkdir -p .tools
  (cd .tools && { [ -f package.json ] || echo '{"private":true}' > package.json; } && npm install --no-audit --no-fund --silent binaryen@132 terser@5.51.4 csso@5.0.5) \
    || die "could not install the build's npm tools; run: (cd .tools && npm install binaryen@132 terser@5.51.4 csso@5.0.5)"
fi

if [ "$what" = test ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver (apt-get)"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
        || die "apt-get could not install chromium; run: apt-get install chromium chromium-driver"
    else
      die "browser tests need Chromium and ChromeDriver at /usr/bin: as root run 'apt-get install chromium chromium-driver'"
    fi
  fi
  if [ ! -d tests/e2e/node_modules/playwright-core ]; then
    say "installing playwright-core for the browser tests (npm ci in tests/e2e)"
    (cd tests/e2e && npm ci --no-audit --no-fund --silent) || die "could not install playwright-core; run: (cd tests/e2e && npm ci)"
  fi
fi
say "tools ready ($what)"
