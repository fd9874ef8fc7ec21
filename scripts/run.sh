#!/usr/bin/env bash
# The run command: installs what is missing, builds pool-node (with the runtime's wasm) and
# starts the development chain with its demo pools, serving RPC at ws://127.0.0.1:9944.
#
#   ./scripts/run.sh                      # a block every 3 seconds
#   ./scripts/run.sh --consensus instant-seal
#
# Extra arguments go to pool-node. Stop it with Ctrl-C; the chain lives in a temporary
# directory and is gone afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
unset SKIP_WASM_BUILD

echo "==> building pool-node (the first build takes a while; see docs/build.md)"
cargo build --workspace --features "$FEATURES"

cat <<'MSG'
==> starting the dev chain at ws://127.0.0.1:9944
    Open polkadot.js apps and choose "Development > Local Node" (ws://127.0.0.1:9944),
    or point @polkadot/api at it. Alice is sudo; Alice, Bob and Charlie own demo pools 0-2.
MSG
exec "$CARGO_TARGET_DIR/debug/pool-node" --dev --tmp --rpc-port 9944 --rpc-cors all "$@"
