#!/usr/bin/env bash
# The soak: random calls from honest users and adversaries to both pallets, natively on the
# runtime (signed extrinsics through `Executive`), with `try_state` of every pallet, the issuance
# accounting and the exit promise checked after every block (runtime/tests/soak.rs).
#
#   ./scripts/soak.sh                                  # 1,000,000 calls, a fresh seed
#   SOAK_CALLS=200000 SOAK_SEED=0x5eed ./scripts/soak.sh
#   SOAK_VERBOSE=1 ./scripts/soak.sh                   # also every failure reason, counted
#
# It prints the seed first and, at the end, calls per second and what was checked; on the first
# broken invariant it stops with the seed and the block's calls (the same seed replays the same
# run) and exits non-zero. It uses the test command's build (same features, same profile), so
# after `./scripts/test.sh` it compiles nothing. The test command itself runs the same test with
# 20,000 calls and a fixed seed. Figures: docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# The same environment as the test command's build, so nothing is rebuilt.
unset SKIP_WASM_BUILD
export SOAK_CALLS="${SOAK_CALLS:-1000000}"
# A fresh seed unless one is given (the test command's run uses a fixed one).
export SOAK_SEED="${SOAK_SEED:-0x$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')}"
exec cargo test --workspace --features "$FEATURES" --test soak -- --nocapture --test-threads 1
