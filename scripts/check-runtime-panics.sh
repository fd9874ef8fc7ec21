#!/usr/bin/env bash
# Runtime code never panics: no `unwrap`, `expect`, `panic!` or `unreachable!` in the pallets'
# and the runtime's code outside their tests (tests.rs, tests/, mock.rs, benchmarking.rs) and
# the `TryRuntime` API's lines marked `// allow-panic: try-runtime` (a failed check there must
# fail the try-runtime run; that code is never in a block). The
# workspace lints catch unchecked arithmetic and indexing; these four are left to this check
# because FRAME's macros expand to them.
set -euo pipefail
cd "$(dirname "$0")/.."
hits=$(grep -rnE '\.unwrap\(\)|\.expect\(|panic!\(|unreachable!\(' pallets/*/src pallets/*/runtime-api/src runtime/src runtime-common/src parachain-runtime/src \
	--include='*.rs' | grep -vE '/tests/|/tests\.rs:|/mock\.rs:|/benchmarking\.rs:|^runtime-common/src/apis\.rs:[0-9]+:.*// allow-panic: try-runtime$' || true)
if [ -n "$hits" ]; then
	echo "error: code that can panic in runtime code (move it to a test, or handle the case):" >&2
	echo "$hits" >&2
	exit 1
fi
echo "no unwrap/expect/panic!/unreachable! in runtime code"
