#!/usr/bin/env bash
# Run the FRAME benchmarks of our pallets on the runtime's wasm and write their weights.rs.
#
#   ./scripts/bench.sh                      # both pallets
#   ./scripts/bench.sh pallet_stake_pool    # one of them
#   STEPS=50 REPEAT=20 ./scripts/bench.sh   # more samples (defaults: STEPS=20 REPEAT=10)
#   EXTRINSIC=close_pool ./scripts/bench.sh pallet_stake_pool
#                                           # one benchmark: written to target/bench/<pallet>.<name>.rs
#                                           # (weights.rs is left alone; copy the function over)
#
# It installs frame-omni-bencher (the polkadot-sdk stable2609 line: 0.28.0) when missing, builds
# the runtime's wasm with the `runtime-benchmarks` feature, and runs each pallet's benchmarks on
# the `development` genesis preset. Raw results go to target/bench/<pallet>.json next to the
# generated pallets/<dir>/src/weights.rs. Not part of the test command: a weights run takes a
# while and its figures belong to the machine it ran on (docs/build.md records ours).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

OMNI_VERSION=0.28.0
STEPS="${STEPS:-20}"
REPEAT="${REPEAT:-10}"
EXTRINSIC="${EXTRINSIC:-*}"

# frame-omni-bencher links RocksDB, whose bindings need libclang.
if ! ls /usr/lib/llvm-*/lib/libclang*.so >/dev/null 2>&1; then
	echo "==> installing libclang-dev and clang (for frame-omni-bencher's RocksDB bindings)"
	SUDO=""
	if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libclang-dev clang >/dev/null
fi

if ! command -v frame-omni-bencher >/dev/null 2>&1 \
	|| ! frame-omni-bencher --version 2>/dev/null | grep -q "$OMNI_VERSION"; then
	echo "==> installing frame-omni-bencher $OMNI_VERSION (once; it builds RocksDB and parts of the Polkadot node: about an hour on 2 cores)"
	# Not a crate of ours: installed without clippy as its compiler.
	env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS CARGO_TARGET_DIR="$HOME/.cache/stake-suite/omni-target" \
		cargo install frame-omni-bencher --version "$OMNI_VERSION" --locked
fi

echo "==> building the runtime's wasm with runtime-benchmarks"
# The wasm is built in release whatever the profile; the native side stays a debug build.
unset SKIP_WASM_BUILD
cargo build -p pool-runtime --features runtime-benchmarks
# A debug build writes the plain blob (compaction and compression come with release builds).
WBUILD="$CARGO_TARGET_DIR/debug/wbuild/pool-runtime"
WASM=""
for candidate in pool_runtime.compact.compressed.wasm pool_runtime.compact.wasm pool_runtime.wasm; do
	if [ -f "$WBUILD/$candidate" ]; then WASM="$WBUILD/$candidate"; break; fi
done
[ -n "$WASM" ] || { echo "error: no runtime wasm in $WBUILD" >&2; exit 1; }

pallets=("$@")
if [ ${#pallets[@]} -eq 0 ]; then
	pallets=(pallet_stake_pool pallet_election_multi_phase)
fi

mkdir -p "$CARGO_TARGET_DIR/bench"
for pallet in "${pallets[@]}"; do
	case "$pallet" in
		pallet_stake_pool) dir=pallets/stake-pool ;;
		pallet_election_multi_phase) dir=pallets/election ;;
		*) echo "error: unknown pallet '$pallet' (pallet_stake_pool or pallet_election_multi_phase)" >&2; exit 2 ;;
	esac
	output="$dir/src/weights.rs"
	json="$CARGO_TARGET_DIR/bench/$pallet.json"
	if [ "$EXTRINSIC" != "*" ]; then
		output="$CARGO_TARGET_DIR/bench/$pallet.$EXTRINSIC.rs"
		json="$CARGO_TARGET_DIR/bench/$pallet.$EXTRINSIC.json"
	fi
	echo "==> benchmarking $pallet, $EXTRINSIC (steps $STEPS, repeat $REPEAT) -> $output"
	frame-omni-bencher v1 benchmark pallet \
		--runtime "$WASM" \
		--genesis-builder-preset development \
		--pallet "$pallet" --extrinsic "$EXTRINSIC" \
		--steps "$STEPS" --repeat "$REPEAT" \
		--heap-pages 4096 \
		--template scripts/frame-weight-template.hbs \
		--json-file "$json" \
		--output "$output"
done
echo "==> weights written; run ./scripts/test.sh before committing them"
