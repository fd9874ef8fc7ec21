#!/usr/bin/env bash
# The test command: sets up what is missing, then runs every check and test of the workspace.
#
#   ./scripts/test.sh
#
# Steps: rustfmt check, no unwrap/expect/panic! in runtime code, clippy (-D warnings), all
# workspace tests (unit, seed examples, property tests, benchmarks run as tests, native runtime
# tests; this also builds the runtime's wasm and the node), the end-to-end tests against a
# running pool-node, and no_std wasm checks of the pallets.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# The tests need the runtime's real wasm: never reuse a stale one because the caller's shell
# skips wasm builds.
unset SKIP_WASM_BUILD

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> no panicking calls in runtime code"
./scripts/check-runtime-panics.sh

echo "==> cargo clippy"
# Clippy does not need the runtime's wasm (the tests below build it once).
SKIP_WASM_BUILD=1 cargo clippy --workspace --all-targets --features "$FEATURES" -- -D warnings

echo "==> cargo test"
cargo test --workspace --features "$FEATURES"

echo "==> pool-node binary for the end-to-end tests"
cargo build --workspace --features "$FEATURES"

echo "==> end-to-end tests (tests/e2e: pool-node driven with @polkadot/api)"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)

echo "==> no_std wasm check of the pallets"
RUSTFLAGS="--cfg substrate_runtime" cargo check -p pallet-stake-pool -p pallet-election-multi-phase \
	--no-default-features --target wasm32-unknown-unknown
# The benchmarks as the runtime's wasm compiles them (./scripts/bench.sh), and the runtime's
# Benchmark API.
SKIP_WASM_BUILD=1 cargo check -p pool-runtime --features runtime-benchmarks
RUSTFLAGS="--cfg substrate_runtime" cargo check -p pallet-stake-pool -p pallet-election-multi-phase \
	--no-default-features --features pallet-stake-pool/runtime-benchmarks,pallet-election-multi-phase/runtime-benchmarks \
	--target wasm32-unknown-unknown

echo "==> all checks passed"
