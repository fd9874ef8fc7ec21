// Generates the dashboard's typed chain descriptors (ui/.papi/descriptors) from the solochain
// runtime's own wasm: no running node is needed. The wasm comes from the workspace build
// (`./scripts/test.sh` or `./scripts/run.sh`); POOL_RUNTIME_WASM names another file.
//
//   node scripts/descriptors.mjs
//
// polkadot-api's CLI reads the metadata out of the wasm (`papi add --wasm`) and writes typed
// descriptors for what `.papi/whitelist.ts` lists; `tsc` then checks the dashboard against them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'stake-suite', 'target');
const wasm = process.env.POOL_RUNTIME_WASM
  ?? join(target, 'debug', 'wbuild', 'pool-runtime', 'pool_runtime.wasm');
if (!existsSync(wasm)) {
  console.error(`error: the runtime's wasm is not at ${wasm}: build the workspace first `
    + '(./scripts/test.sh or ./scripts/run.sh), or name the file with POOL_RUNTIME_WASM');
  process.exit(1);
}
const papi = join(ui, 'node_modules', '.bin', 'papi');
const run = spawnSync(papi, ['add', 'pool', '--wasm', wasm], { cwd: ui, stdio: 'inherit' });
if (run.status !== 0) {
  console.error(`error: papi add exited ${run.status ?? run.signal}`);
  process.exit(1);
}
