#!/usr/bin/env bash
# The run command: installs what is missing, builds pool-node (with the runtimes' wasm) and
# starts a development chain with its demo pools, serving RPC at ws://127.0.0.1:9944, and the
# dashboard at http://127.0.0.1:8080/ (DASHBOARD_PORT changes the port).
#
#   ./scripts/run.sh                      # the solochain: pool-node, a block every 3 seconds
#   ./scripts/run.sh --consensus instant-seal
#   ./scripts/run.sh --parachain          # the parachain runtime under chopsticks
#
# Extra arguments go to pool-node (or, after --parachain, to chopsticks). Stop it with Ctrl-C;
# the chain lives in a temporary directory and is gone afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
unset SKIP_WASM_BUILD

parachain=0
if [ "${1:-}" = "--parachain" ]; then
	parachain=1
	shift
fi

echo "==> building pool-node (the first build takes a while; see docs/build.md)"
cargo build --workspace --features "$FEATURES"

if [ "$parachain" = 0 ]; then
	# The dashboard (ui/), built against this runtime and served on loopback beside the chain.
	echo "==> building the dashboard (ui/)"
	build_dashboard
	dashboard_port="${DASHBOARD_PORT:-8080}"
	if (exec 3<>/dev/tcp/127.0.0.1/"$dashboard_port") 2>/dev/null; then
		echo "error: port $dashboard_port is in use: stop what serves it, or set DASHBOARD_PORT" >&2
		exit 1
	fi
	# The server stops when this process (pool-node, after the exec below) is gone, however it ends.
	node ui/scripts/serve.mjs "$dashboard_port" --exit-with $$ &
	cat <<MSG
==> starting the dev chain at ws://127.0.0.1:9944
    The dashboard: http://127.0.0.1:$dashboard_port/ (dev accounts, or a wallet extension).
    Or open polkadot.js apps and choose "Development > Local Node" (ws://127.0.0.1:9944),
    or point @polkadot/api at it. Alice is sudo; Alice, Bob and Charlie own demo pools 0-2.
MSG
	exec "$CARGO_TARGET_DIR/debug/pool-node" --dev --tmp --rpc-port 9944 --rpc-cors all \
		--wasm-cache-dir "$CARGO_TARGET_DIR/wasm-cache" "$@"
fi

# The parachain: its raw chain spec made from the runtime's wasm, run by chopsticks (which
# builds each block with the parachain inherent: relay-chain validation data and state proof).
echo "==> installing chopsticks (parachain-runtime/chopsticks)"
npm_ci parachain-runtime/chopsticks --ignore-scripts
# Chopsticks would quietly move to the next free port; the blocks below and polkadot.js expect
# 9944.
if (exec 3<>/dev/tcp/127.0.0.1/9944) 2>/dev/null; then
	echo "error: port 9944 is in use (another chain?): stop it first" >&2
	exit 1
fi
dir="$(mktemp -d)"
ticker=""
trap 'if [ -n "$ticker" ]; then kill "$ticker" 2>/dev/null; fi; rm -rf "$dir"' EXIT
spec="$dir/stake-parachain-dev.json"
"$CARGO_TARGET_DIR/debug/pool-node" parachain-spec --output "$spec"

# A block every 6 seconds (the parachain's slot), besides one per transaction: the election
# runs on the parachain's blocks and needs them to come.
node -e '
	const url = "http://127.0.0.1:9944";
	const body = JSON.stringify({ id: 1, jsonrpc: "2.0", method: "dev_newBlock", params: [{}] });
	setInterval(() => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }).catch(() => {}), 6000);
' &
ticker=$!

cat <<'MSG'
==> starting the parachain dev chain (chopsticks) at ws://127.0.0.1:9944
    Open polkadot.js apps and choose "Development > Local Node" (ws://127.0.0.1:9944).
    Alice is sudo and the Aura authority; Alice, Bob and Charlie own demo pools 0-2.
    A block comes every 6 seconds and with each transaction. Move relay-chain time (the stake
    pools' deadlines) with dev_newBlock, e.g. a week of relay blocks:
      curl -s -H 'content-type: application/json' http://127.0.0.1:9944 \
        -d '{"id":1,"jsonrpc":"2.0","method":"dev_newBlock","params":[{"relayParentNumber":<now + 100800>}]}'
MSG
parachain-runtime/chopsticks/node_modules/.bin/chopsticks --genesis "$spec" --host 127.0.0.1 --port 9944 \
	--build-block-mode Instant "$@"
