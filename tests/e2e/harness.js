// Starts pool-node on free loopback ports, waits for its RPC, and stops it afterwards.
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const targetDir = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/stake-suite/target`;
export const NODE_BINARY = process.env.POOL_NODE ?? `${targetDir}/debug/pool-node`;
/**
 * wasmtime's cache of the compiled runtime, shared by every node the tests start
 * (`--wasm-cache-dir`): only the first start after the runtime changed compiles it.
 */
export const WASM_CACHE_DIR = process.env.POOL_NODE_WASM_CACHE ?? `${targetDir}/wasm-cache`;
export const UNIT = 10n ** 12n;
/** Chopsticks, pinned in parachain-runtime/chopsticks (installed by the test and run commands). */
export const CHOPSTICKS = process.env.CHOPSTICKS
  ?? fileURLToPath(new URL('../../parachain-runtime/chopsticks/node_modules/.bin/chopsticks', import.meta.url));

/** Log lines that report a panic or another fatal failure of the node. */
const TROUBLE = /panick?ed|memory exhausted|Essential task .* failed|Aborting/i;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start `pool-node --dev` (blocks only on `engine_createBlock`) and connect to it. The chain lives
 * in a temporary directory removed on exit, unless `basePath` is given (to restart a node on the
 * same chain); `rpcPort` pins the RPC port (to restart it where clients expect it). `stop()`
 * ends it with SIGTERM, `crash()` with SIGKILL; `panics()` lists the panics (and other fatal
 * reports: memory exhausted, an essential task failed) the log showed, each with its message line,
 * and the node's exit if nobody stopped it.
 */
export async function startNode(extraArgs = [], { basePath, rpcPort: pinnedPort } = {}) {
  if (!existsSync(NODE_BINARY)) {
    throw new Error(`pool-node not found at ${NODE_BINARY}: build it with ./scripts/test.sh or ./scripts/run.sh`);
  }
  const [rpcPort, p2pPort] = [pinnedPort ?? await freePort(), await freePort()];
  const args = [
    '--dev', ...(basePath ? ['--base-path', basePath] : ['--tmp']),
    '--no-prometheus', '--no-telemetry', '--no-mdns', '--wasm-cache-dir', WASM_CACHE_DIR,
    '--rpc-port', String(rpcPort), '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    // Blocks on demand only: a timer that never fires in a test's lifetime.
    '--consensus', 'manual-seal-3600000',
    ...extraArgs,
  ];
  const child = spawn(NODE_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let killed = false;
  let log = '';
  // Every panic the log reports, with the line after it (the message), kept whole even when the
  // kept tail has lost it.
  const panics = [];
  let partial = '';
  let open = null;
  let lastOutput = Date.now();
  child.stderr.on('data', (chunk) => {
    lastOutput = Date.now();
    log = (log + chunk).slice(-20000);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (open !== null) {
        panics.push(`${open} ${line.trim()}`);
        open = null;
      } else if (TROUBLE.test(line)) {
        open = line.trim();
      }
    }
  });
  const url = `ws://127.0.0.1:${rpcPort}`;
  const deadline = Date.now() + 120_000;
  let api;
  while (!api) {
    if (child.exitCode !== null) throw new Error(`pool-node exited early:\n${log}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`pool-node RPC not up:\n${log}`); }
    let provider;
    try {
      provider = new WsProvider(url, 0);
      await provider.connect();
      await provider.isReadyOrError;
      api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
    } catch {
      await provider?.disconnect().catch(() => {});
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const stop = async () => {
    killed = true;
    await api.disconnect().catch(() => {});
    child.kill('SIGTERM');
    await new Promise((r) => { if (child.exitCode !== null) r(); else child.on('exit', r); setTimeout(r, 5000); });
  };
  // SIGKILL: the node gets no chance to flush or close anything (a crash, a power cut).
  const crash = async () => {
    killed = true;
    await api.disconnect().catch(() => {});
    child.kill('SIGKILL');
    await new Promise((r) => { if (child.exitCode !== null || child.signalCode !== null) r(); else child.on('exit', r); });
  };
  const allPanics = () => {
    const all = open === null ? [...panics] : [...panics, open];
    if (!killed && (child.exitCode !== null || child.signalCode !== null)) all.push(`the node exited (${child.exitCode ?? child.signalCode})`);
    return all;
  };
  // The node writes its log asynchronously: what an RPC call caused may come after its reply.
  // `drainLog()` waits until the log has been quiet for 300 ms (5 s at most); `waitForLog(re)`
  // until the kept log matches `re` (10 s at most), returning whether it did.
  const drainLog = async () => {
    const start = Date.now();
    const deadline = start + 5000;
    while (Date.now() - Math.max(lastOutput, start) < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };
  const waitForLog = async (re) => {
    const deadline = Date.now() + 10_000;
    while (!re.test(log) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return re.test(log);
  };
  return { api, keyring, stop, crash, log: () => log, panics: allPanics, drainLog, waitForLog, url, rpcPort, child };
}

/** Seal one block (and finalize it). */
export async function createBlock(api) {
  return api.rpc.engine.createBlock(true, true);
}

/**
 * Start the parachain runtime under chopsticks: `pool-node parachain-spec` writes the raw chain
 * spec from the runtime's wasm, chopsticks runs it (blocks only on `dev_newBlock`, each with a
 * real `set_validation_data` inherent and relay-chain state proof) and serves RPC on a free
 * loopback port. `newBlock(params)` builds one block (`relayParentNumber` jumps relay time) and
 * returns `{ blockHash }`, so it can stand in for `createBlock` in `submit`.
 */
export async function startParachain() {
  for (const [what, path] of [['pool-node', NODE_BINARY], ['chopsticks', CHOPSTICKS]]) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path}: run ./scripts/test.sh or ./scripts/run.sh --parachain`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'parachain-e2e-'));
  const spec = join(dir, 'stake-parachain-dev.json');
  await promisify(execFile)(NODE_BINARY, ['parachain-spec', '--output', spec]);
  const port = await freePort();
  const child = spawn(CHOPSTICKS, [
    '--genesis', spec, '--host', '127.0.0.1', '--port', String(port), '--build-block-mode', 'Manual',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk) => { log = (log + chunk).slice(-20000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `ws://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  let api;
  let provider;
  while (!api) {
    if (child.exitCode !== null) throw new Error(`chopsticks exited early:\n${log}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`chopsticks RPC not up:\n${log}`); }
    try {
      provider = new WsProvider(url, 0);
      await provider.connect();
      await provider.isReadyOrError;
      api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
    } catch {
      await provider?.disconnect().catch(() => {});
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const newBlock = async (params = {}) => ({ blockHash: await provider.send('dev_newBlock', [params]) });
  const stop = async () => {
    await api.disconnect().catch(() => {});
    child.kill('SIGTERM');
    await new Promise((r) => { if (child.exitCode !== null) r(); else child.on('exit', r); setTimeout(r, 5000); });
    rmSync(dir, { recursive: true, force: true });
  };
  return { api, keyring, newBlock, stop, log: () => log, url };
}

/**
 * Submit `tx` signed by `signer`, seal a block with `seal` (default: `createBlock`; up to three
 * while the transaction is in none), and return the events of that extrinsic (or throw with the
 * module error's name). The returned array (and a thrown error) carries the hash of the block
 * that included it as `blockHash`.
 */
export async function submit(api, tx, signer, seal = createBlock) {
  const hash = await tx.signAndSend(signer);
  // A loaded machine can seal a block before the pool has the transaction ready for it (the
  // proposer waits a bounded time): up to three blocks.
  let blockHash;
  let index = -1;
  for (let attempt = 0; attempt < 3 && index < 0; attempt += 1) {
    ({ blockHash } = await seal(api));
    const block = await api.rpc.chain.getBlock(blockHash);
    index = block.block.extrinsics.findIndex((xt) => xt.hash.eq(hash));
  }
  if (index < 0) throw new Error('extrinsic not included in three blocks');
  const events = (await api.query.system.events.at(blockHash))
    .filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.eqn(index));
  const failed = events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
  if (failed) {
    const [error] = failed.event.data;
    if (error.isModule) {
      const { section, name } = api.registry.findMetaError(error.asModule);
      const e = new Error(`${section}.${name}`);
      e.events = events;
      e.blockHash = blockHash;
      throw e;
    }
    throw new Error(error.toString());
  }
  events.blockHash = blockHash;
  return events;
}

/** The fields of an event whose metadata leaves them unnamed (an empty list when all are named). */
export function unnamedFields(event) {
  return event.meta.fields.filter((field) => field.name.isNone).map((_, i) => i);
}
