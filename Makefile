# ClusterLab: `make serve` builds and serves the page; `make test` runs every test.
PORT ?= 8080
# The wasm tests compile unoptimised and without debug info (scripts/test.sh says why).
CHROME_ENV = CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	CARGO_PROFILE_TEST_OPT_LEVEL=0 CARGO_PROFILE_TEST_DEBUG=0

.PHONY: serve dist setup setup-test native-wasm-opt test test-native test-wasm test-e2e soak bench clean

serve: dist
	@echo "serving dist/ on http://127.0.0.1:$(PORT) (Ctrl-C stops)"
	node scripts/serve.mjs dist $(PORT)

dist: setup
	scripts/build.sh

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

# Once per machine, optional: binaryen 132's wasm-opt compiled natively (20-40 minutes on two
# cores); every build after it runs that instead of npm's (scripts/native-wasm-opt.sh).
native-wasm-opt:
	scripts/native-wasm-opt.sh

test: setup-test
	@scripts/test.sh

test-native:
	cargo test --profile tests

test-wasm: setup-test
	$(CHROME_ENV) cargo test --target wasm32-unknown-unknown --test wasm_determinism --test wasm_components

test-e2e: setup-test dist
	node --test tests/e2e/

# Long runs: every protocol's soak sweep (seeds from its registry row), the lock service's
# 2,000 default seeds with fencing on and off (its leases must keep it safe either way),
# 20,000 with its servers on Zab,
# a million link-decoder inputs and a million malformed postMessage calls.
soak: setup-test dist
	cargo run --release -- soak
	cargo run --release -- sweep --protocol lock --seeds 2000
	cargo run --release -- sweep --protocol lock --seeds 2000 --config '{"rounds":3,"fencing":false}'
	cargo run --release -- sweep --protocol lock --seeds 20000 --config '{"rounds":3,"zab":{}}'
	LINK_FUZZ_CASES=1000000 cargo test --release --test suite link_codec::
	POSTMESSAGE_FUZZ_CALLS=1000000 node --test --test-timeout=3600000 tests/e2e/fuzz.test.mjs

bench: setup-test dist
	cargo run --release -- bench
	node scripts/page_bench.mjs 11
	node scripts/frame_bench.mjs 10
	CLUSTERLAB_BENCH=1 node --test tests/e2e/network.test.mjs

clean:
	rm -rf dist pkg
