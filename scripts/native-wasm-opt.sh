#!/usr/bin/env bash
# Build binaryen 132's wasm-opt from its source as a native program, once per machine, into
# the user's cache (outside any checkout, so every clone and every `make test` uses it).
# scripts/build.sh then runs it instead of npm's binaryen@132, which is the same version
# compiled to WebAssembly and run in Node: single-threaded, with C++ exceptions routed
# through JavaScript. The two give the same bytes (scripts/build.sh compares them on the
# first module it optimises and stops if they differ); the native one needs a fraction of
# the CPU, and wasm-opt was about a third of the build's.
#
# Opt-in (`make native-wasm-opt`): compiling binaryen takes 20-40 minutes on two cores,
# which a first `make serve` should not wait for. Needs a C++ compiler and npm; CMake and
# Ninja are taken from PATH, or else from PyPI into a virtual environment in the cache.
# The source is npm's @grain/libbinaryen@132.0.0, which carries binaryen 132's tree.
#   scripts/native-wasm-opt.sh         build it unless it is there
#   scripts/native-wasm-opt.sh --path  print its path if it is built (nothing otherwise)
set -euo pipefail
VERSION=132
cache="${CLUSTERLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clusterlab}/binaryen-$VERSION"
bin="$cache/bin/wasm-opt"
built() { [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "version $VERSION\b"; }
if [ "${1:-}" = --path ]; then
  if built; then echo "$bin"; fi
  exit 0
fi
say() { printf '\033[1mnative wasm-opt:\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mnative wasm-opt: %s\033[0m\n' "$*" >&2; exit 1; }
if built; then say "already built: $bin"; exit 0; fi

command -v c++ >/dev/null || die "a C++ compiler is missing (Debian: apt-get install g++)"
command -v npm >/dev/null || die "npm is missing; install Node.js and npm"
mkdir -p "$cache"
tools=()
if ! command -v cmake >/dev/null || ! command -v ninja >/dev/null; then
  command -v python3 >/dev/null || die "CMake and Ninja are missing, and python3 to fetch them; install cmake and ninja-build"
  say "CMake and Ninja from PyPI into $cache/venv"
  [ -x "$cache/venv/bin/cmake" ] || { python3 -m venv "$cache/venv" && "$cache/venv/bin/pip" install --quiet cmake ninja; } \
    || die "could not install cmake and ninja from PyPI; install them (Debian: apt-get install cmake ninja-build)"
  tools=(PATH="$cache/venv/bin:$PATH")
fi

src="$cache/src"
if [ ! -f "$src/binaryen/CMakeLists.txt" ]; then
  say "fetching binaryen $VERSION's source (npm pack @grain/libbinaryen@$VERSION.0.0)"
  rm -rf "$src" && mkdir -p "$src"
  (cd "$src" && npm pack --silent "@grain/libbinaryen@$VERSION.0.0" >/dev/null && tar xzf grain-libbinaryen-*.tgz \
    && mv libbinaryen/binaryen binaryen && rm -rf libbinaryen grain-libbinaryen-*.tgz) \
    || die "could not fetch @grain/libbinaryen@$VERSION.0.0 from npm"
fi
grep -q "project(binaryen LANGUAGES C CXX VERSION $VERSION)" "$src/binaryen/CMakeLists.txt" \
  || die "the source in $src is not binaryen $VERSION"

say "compiling wasm-opt (CMake, Ninja, $(nproc) jobs; 20-40 minutes on two cores)"
env "${tools[@]}" cmake -S "$src/binaryen" -B "$src/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_TESTS=OFF -DENABLE_WERROR=OFF -DINSTALL_LIBS=OFF >/dev/null
env "${tools[@]}" ninja -C "$src/build" -j "$(nproc)" wasm-opt
# wasm-opt finds libbinaryen.so beside it, in ../lib (its RUNPATH).
mkdir -p "$cache/bin" "$cache/lib"
cp "$src/build/lib/libbinaryen.so" "$cache/lib/"
cp "$src/build/bin/wasm-opt" "$bin"
built || die "$bin does not report version $VERSION"
say "built: $bin ($("$bin" --version))"
