#!/usr/bin/env bash
# The test command: sets up what is missing, then runs every check and test of the workspace.
#
#   ./scripts/test.sh
#
# Steps: rustfmt check, no unwrap/expect/panic! in runtime code, one build of the workspace with
# clippy's lints (-D warnings) applied to the workspace's own crates while they compile (this
# also builds both runtimes' wasm and the node), all workspace tests (unit, seed examples,
# property tests, benchmarks run as tests, native runtime tests; the target-scale round beside
# the others), the dashboard's type check against the runtime's metadata and its bundle, the
# end-to-end tests (a running pool-node, the parachain runtime under chopsticks, and the
# dashboard in headless chromium), and no_std wasm checks of the pallets. Each step's time is printed as it ends
# and again, with the total, at the end (also when a step fails).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# The tests need the runtime's real wasm: never reuse a stale one because the caller's shell
# skips wasm builds.
unset SKIP_WASM_BUILD

started=$SECONDS
step_names=()
step_secs=()
current=""
current_start=0

fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# Starts a named step, closing the previous one.
step() {
	finish_step
	current="$1"
	current_start=$SECONDS
	echo "==> $current"
}

finish_step() {
	if [ -n "$current" ]; then
		local took=$((SECONDS - current_start))
		step_names+=("$current")
		step_secs+=("$took")
		echo "<== $current: $(fmt_secs "$took")"
		current=""
	fi
}

# Groups of tests running beside the main one (each its own process group), killed on exit.
side_pids=()
side_logs=()
work_dir="$(mktemp -d)"

# Runs a command beside the main one, in its own process group (setsid) with its output in a
# log, so that an exit kills all of it.
beside() {
	local log
	log="$work_dir/side-${#side_pids[@]}.log"
	setsid "$@" >"$log" 2>&1 &
	side_pids+=("$!")
	side_logs+=("$log")
}

# Waits for every command started with `beside`, prints each one's log after the line
# "==> <its label>, exit <code>" (labels in the order of the commands), and returns 1 if any
# failed.
await_beside() {
	local i rc failed=0
	for i in "${!side_pids[@]}"; do
		rc=0
		wait "${side_pids[$i]}" || rc=$?
		echo "==> $1, exit $rc"
		shift
		cat "${side_logs[$i]}"
		if [ "$rc" != 0 ]; then failed=1; fi
	done
	side_pids=()
	side_logs=()
	return "$failed"
}

summary() {
	local rc=$?
	local pid
	for pid in "${side_pids[@]}"; do
		kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
	done
	if [ "${#side_pids[@]}" != 0 ]; then
		# What outlives a TERM (a browser in its own group is closed by its driver first).
		sleep 1
		for pid in "${side_pids[@]}"; do
			kill -KILL -- -"$pid" 2>/dev/null || true
		done
	fi
	if [ -n "$work_dir" ]; then
		rm -rf "$work_dir"
	fi
	finish_step
	echo "==> step times"
	local i
	for i in "${!step_names[@]}"; do
		printf '    %8s  %s\n' "$(fmt_secs "${step_secs[$i]}")" "${step_names[$i]}"
	done
	printf '    %8s  total (exit %d)\n' "$(fmt_secs $((SECONDS - started)))" "$rc"
}
trap summary EXIT

step "cargo fmt --check"
cargo fmt --all -- --check

step "no panicking calls in runtime code"
./scripts/check-runtime-panics.sh

# Clippy runs as the compiler of the workspace's own crates (RUSTC_WORKSPACE_WRAPPER, set by
# setup.sh): the one real build lints them, and dependencies are compiled once, by rustc, instead
# of a second time in check mode. Its coverage is `cargo clippy --all-targets` (libraries, their
# unit tests, integration tests, binaries; the workspace has no benches or examples).
step "build the workspace and its tests, linted by clippy (-D warnings)"
cargo test --workspace --features "$FEATURES" --no-run

step "pool-node and the binaries for the end-to-end tests"
cargo build --workspace --features "$FEATURES"

step "the end-to-end tests' npm packages (and the Mina signer's), and chromium for the dashboard's"
npm_ci tests/e2e
# o1-labs' mina-signer: signs the payment batches of tests/e2e/payouts.test.js.
npm_ci service/signer
ensure_chromium
# Chopsticks' optional sqlite3 would compile a native module (or download one) in its install
# script; the tests keep no database, so no install scripts run.
npm_ci parachain-runtime/chopsticks --ignore-scripts

# A change to a call, a storage item, a constant or a runtime API the dashboard uses fails here.
step "the dashboard: descriptors from the runtime's wasm, type check against them, bundle"
build_dashboard

# The target-scale round (one thread, about 100 s) and the short soak (20,000 random calls to
# both pallets on the runtime, one thread, about 20 s; `scripts/soak.sh` runs the long one) run
# beside the rest of `cargo test`: cargo holds its build lock only while building, and the same
# selection and features build nothing here. None of them is sensitive to timing. After them,
# still beside `cargo test` (whose stake-pool tests are the longest part), the dashboard's
# browser test: it waits on the page for every state it checks and seals the blocks it counts
# itself, so a busy machine only slows it.
step "cargo test, and beside it the target-scale round, the short soak and the dashboard's browser test"
ROUND_TEST=a_round_at_the_stake_pools_target_scale
SOAK_TEST=soak_both_pallets_with_every_invariant_after_every_block
BESIDE_E2E=(dashboard.test.js)
E2E=(node --test --test-concurrency=1 --test-timeout=600000)
# shellcheck disable=SC2016
beside bash -c '
	rc=0
	cargo test --workspace --features "$FEATURES" --test round --test soak -- --nocapture "$1" "$2" || rc=$?
	shift 2
	cd tests/e2e && "$@" || rc=$?
	exit "$rc"
' side "$ROUND_TEST" "$SOAK_TEST" "${E2E[@]}" "${BESIDE_E2E[@]}"
cargo_rc=0
cargo test --workspace --features "$FEATURES" -- --skip "$ROUND_TEST" --skip "$SOAK_TEST" || cargo_rc=$?
beside_rc=0
await_beside "the target-scale round (runtime/tests/round.rs), the short soak (runtime/tests/soak.rs) and the dashboard (tests/e2e/dashboard.test.js)" || beside_rc=$?
if [ "$cargo_rc" != 0 ] || [ "$beside_rc" != 0 ]; then
	echo "error: cargo test exited $cargo_rc; the round, the soak or the dashboard failed ($beside_rc)" >&2
	exit 1
fi

# The end-to-end tests run after `cargo test`, not beside it: several of them race a node's
# transaction pool against block sealing, and a machine busy with the tests above made those
# races fail (a miner's page sent after a restart was never included). They run in two groups at
# once, each file after the other within its group: the files below (the parachain under
# chopsticks, about a minute, and the crashed node), and every other file, the miner's among them
# (a new file joins that group). The two groups take about as long since the nodes start from
# wasmtime's cache (`--wasm-cache-dir`, tests/e2e/harness.js): before, hostile input, try-runtime
# and the snapshot export were in the parachain's group too. (Three groups at once took 2m37s
# instead of 2m51s, but the miner's tests lost that race again on the busier machine:
# docs/build.md.)
step "end-to-end tests (tests/e2e: pool-node, and the parachain runtime under chopsticks, driven with @polkadot/api; two groups at once)"
second_group=(parachain.test.js crash.test.js)
first_group=()
for file in tests/e2e/*.test.js; do
	file="$(basename "$file")"
	case " ${second_group[*]} ${BESIDE_E2E[*]} " in
		*" $file "*) ;;
		*) first_group+=("$file") ;;
	esac
done
beside bash -c 'cd tests/e2e && exec "$@"' side "${E2E[@]}" "${second_group[@]}"
first_rc=0
(cd tests/e2e && "${E2E[@]}" "${first_group[@]}") || first_rc=$?
second_rc=0
await_beside "the second group of end-to-end tests (${second_group[*]})" || second_rc=$?
if [ "$first_rc" != 0 ] || [ "$second_rc" != 0 ]; then
	echo "error: the end-to-end tests exited $first_rc (first group) and $second_rc (second group)" >&2
	exit 1
fi

# The no_std checks compile for another target: clippy is not their compiler.
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

step "no_std wasm check of the pallets"
RUSTFLAGS="--cfg substrate_runtime" cargo check -p pallet-stake-pool -p pallet-election-multi-phase \
	--no-default-features --target wasm32-unknown-unknown

# Both runtimes' Benchmark APIs (the parachain's behind its `benchmark-api` feature, which the
# one feature set leaves off: chopsticks cannot run a wasm that imports the benchmarking host
# functions).
step "the runtimes' Benchmark APIs (native check)"
SKIP_WASM_BUILD=1 cargo check -p pool-runtime -p stake-parachain-runtime --tests \
	--features pool-runtime/runtime-benchmarks,stake-parachain-runtime/benchmark-api

step "no_std wasm check of the pallets' benchmarks"
RUSTFLAGS="--cfg substrate_runtime" cargo check -p pallet-stake-pool -p pallet-election-multi-phase \
	--no-default-features --features pallet-stake-pool/runtime-benchmarks,pallet-election-multi-phase/runtime-benchmarks \
	--target wasm32-unknown-unknown

finish_step
echo "==> all checks passed"
