// Starts pool-node on free loopback ports, waits for its RPC, and stops it afterwards.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const targetDir = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/stake-suite/target`;
export const NODE_BINARY = process.env.POOL_NODE ?? `${targetDir}/debug/pool-node`;
export const UNIT = 10n ** 12n;

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
 * same chain); `rpcPort` pins the RPC port (to restart it where clients expect it).
 */
export async function startNode(extraArgs = [], { basePath, rpcPort: pinnedPort } = {}) {
  if (!existsSync(NODE_BINARY)) {
    throw new Error(`pool-node not found at ${NODE_BINARY}: build it with ./scripts/test.sh or ./scripts/run.sh`);
  }
  const [rpcPort, p2pPort] = [pinnedPort ?? await freePort(), await freePort()];
  const args = [
    '--dev', ...(basePath ? ['--base-path', basePath] : ['--tmp']),
    '--no-prometheus', '--no-telemetry', '--no-mdns',
    '--rpc-port', String(rpcPort), '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    // Blocks on demand only: a timer that never fires in a test's lifetime.
    '--consensus', 'manual-seal-3600000',
    ...extraArgs,
  ];
  const child = spawn(NODE_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => { log = (log + chunk).slice(-20000); });
  const url = `ws://127.0.0.1:${rpcPort}`;
  const deadline = Date.now() + 120_000;
  let api;
  while (!api) {
    if (child.exitCode !== null) throw new Error(`pool-node exited early:\n${log}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`pool-node RPC not up:\n${log}`); }
    try {
      const provider = new WsProvider(url, 0);
      await provider.connect();
      await provider.isReadyOrError;
      api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const stop = async () => {
    await api.disconnect().catch(() => {});
    child.kill('SIGTERM');
    await new Promise((r) => { if (child.exitCode !== null) r(); else child.on('exit', r); setTimeout(r, 5000); });
  };
  return { api, keyring, stop, log: () => log, url, rpcPort };
}

/** Seal one block (and finalize it). */
export async function createBlock(api) {
  return api.rpc.engine.createBlock(true, true);
}

/**
 * Submit `tx` signed by `signer`, seal a block, and return the events of that extrinsic (or
 * throw with the module error's name). The returned array (and a thrown error) carries the
 * sealed block's hash as `blockHash`.
 */
export async function submit(api, tx, signer) {
  const hash = await tx.signAndSend(signer);
  const { blockHash } = await createBlock(api);
  const block = await api.rpc.chain.getBlock(blockHash);
  const index = block.block.extrinsics.findIndex((xt) => xt.hash.eq(hash));
  if (index < 0) throw new Error('extrinsic not included');
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
