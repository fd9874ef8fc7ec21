#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing the suite. Sourced by the run and
# test scripts; every step is skipped when its tool is already there.
set -euo pipefail

if ! command -v cargo >/dev/null 2>&1; then
	echo "error: cargo (rustup) is required: https://rustup.rs" >&2
	exit 1
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
	echo "==> rustup target add wasm32-unknown-unknown"
	rustup target add wasm32-unknown-unknown
fi

if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
	echo "==> rustup component add rust-src"
	rustup component add rust-src
fi

if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then
	echo "==> rustup component add clippy"
	rustup component add clippy
fi

if ! command -v protoc >/dev/null 2>&1; then
	echo "==> installing protobuf-compiler"
	SUDO=""
	if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq protobuf-compiler >/dev/null
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "==> installing nodejs and npm (for the end-to-end tests)"
	SUDO=""
	if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

# Debian's chromium for the dashboard's browser tests (tests/e2e/dashboard.test.js, driven by
# puppeteer-core, which downloads no browser of its own). Called by the test command only.
ensure_chromium() {
	if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		return 0
	fi
	echo "==> installing chromium (for the dashboard's browser tests)"
	local sudo=""
	if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

# The dashboard (ui/): its npm packages, its typed chain descriptors generated from the solochain
# runtime's wasm (built by cargo before), its type check against them, and its bundle in ui/dist.
build_dashboard() {
	npm_ci ui
	(cd ui && node scripts/descriptors.mjs >/dev/null && node_modules/.bin/tsc --noEmit -p . &&
		node_modules/.bin/vite build --logLevel warn)
}

# Vite 8 (the dashboard) and polkadot-api's CLI need node 20.19 or later.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
	echo "error: node $(node --version) is too old: the dashboard's build needs node 20.19 or later" >&2
	exit 1
fi

# `npm ci` in the directory $1 (extra arguments go to npm), skipped when its node_modules was
# installed from the same package.json and package-lock.json, with the same arguments and the
# same node (a stamp of their hash, written only when `npm ci` succeeded): a warm run does not
# reinstall; a change to any of them, or a fresh clone, does.
npm_ci() {
	local dir="$1"
	shift
	local stamp="$dir/node_modules/.stake-suite-install.sha256"
	local want
	want="$({ cat "$dir/package.json" "$dir/package-lock.json"; echo "$*"; node --version; } | sha256sum | cut -d' ' -f1)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "$@")
	echo "$want" >"$stamp"
}

# One feature set for every build and test invocation, so each builds its dependencies once.
FEATURES="pallet-stake-pool/runtime-benchmarks,pallet-stake-pool/try-runtime"
FEATURES="$FEATURES,pallet-election-multi-phase/runtime-benchmarks,pallet-election-multi-phase/try-runtime"
# The pallets' features switch on trait items of the FRAME crates (`SortedListProvider::try_state`,
# `StakingUnchecked`, ...) that cumulus' dependencies (pallet-staking through
# polkadot-runtime-parachains) implement only with their own features: the parachain runtime
# forwards them.
FEATURES="$FEATURES,stake-parachain-runtime/runtime-benchmarks,stake-parachain-runtime/try-runtime"
# Both runtimes' `TryRuntime` API and their native try-runtime upgrade checks
# (runtime/tests/executive.rs, parachain-runtime/tests/blocks.rs).
FEATURES="$FEATURES,pool-runtime/try-runtime"
export FEATURES

# Clippy lints the workspace's own crates while they compile for real (dependencies are compiled
# by rustc alone), so linting costs no second compilation of the dependencies. Every build script
# sets the same wrapper, so the run and test commands share one build; a lint fails the build.
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)"
CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

# Build outside the clone so that repeated runs (and CI on this machine) reuse the artifacts.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stake-suite/target}"
# The runtime's wasm builder looks for Cargo.lock above the target dir; ours is elsewhere.
WASM_BUILD_WORKSPACE_HINT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WASM_BUILD_WORKSPACE_HINT
mkdir -p "$CARGO_TARGET_DIR"
