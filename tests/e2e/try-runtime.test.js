// End to end: the runtime's try-runtime checks on a live chain's state. The node's wasm is built
// with the `try-runtime` feature (the test command's feature set), so its `TryRuntime` API runs,
// through `state_call`, on the very state the node holds: the upgrade's migrations with their
// pre- and post-checks and every pallet's `try_state`, the re-execution of a real block, the
// stake pools' v2 -> v3 migration on the chain's own delegators, and a corrupted state caught.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WsProvider } from '@polkadot/api';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { xxhashAsU8a } from '@polkadot/util-crypto';
import { createBlock, startNode, submit, UNIT } from './harness.js';

// `frame_try_runtime::UpgradeCheckSelect::All` and `TryStateSelect::All`, SCALE-encoded.
const UPGRADE_CHECK_ALL = '0x01';
const TRY_STATE_ALL = 1;

/** The storage key of a pallet's on-chain storage version. */
function storageVersionKey(pallet) {
  return u8aToHex(u8aConcat(xxhashAsU8a(pallet, 128), xxhashAsU8a(':__STORAGE_VERSION__:', 128)));
}

describe('try-runtime on a live chain', () => {
  let node;
  let api;
  let provider;
  let alice;
  // The blocks that carried the set-up's transactions.
  const busyBlocks = [];

  before(async () => {
    node = await startNode();
    ({ api } = node);
    provider = new WsProvider(node.url, 0);
    await provider.connect();
    await provider.isReady;
    alice = node.keyring.addFromUri('//Alice');
    const dave = node.keyring.addFromUri('//Dave');
    const eve = node.keyring.addFromUri('//Eve');
    // State worth checking: new positions, a queued withdrawal with its deadlines on the
    // agenda, a commission increase pending, and a whole era (the election's snapshot pages
    // taken, a round decided, the active set stored).
    for (const [tx, signer] of [
      [api.tx.stakePool.delegate(1, 700n * UNIT), eve],
      [api.tx.stakePool.withdraw(0, 3_000n * UNIT), dave],
      [api.tx.stakePool.setCommission(0, 300_000), alice],
    ]) {
      busyBlocks.push((await submit(api, tx, signer)).blockHash);
    }
    while ((await api.rpc.chain.getHeader()).number.toNumber() < 103) await createBlock(api);
    assert.equal((await api.query.stakePool.currentEra()).toNumber(), 1, 'an era has ended');
  });

  after(async () => {
    await provider?.disconnect();
    await node?.stop();
  });

  const call = (method, data, at) => provider.send('state_call', at ? [method, data, at] : [method, data]);

  it("runs the upgrade's migrations, their checks and every pallet's try_state on the chain's state", async () => {
    const result = await call('TryRuntime_on_runtime_upgrade', UPGRADE_CHECK_ALL);
    const [weight, limit] = api.createType('(Weight, Weight)', result);
    // Nothing to migrate on a chain at the current storage versions: weight is charged for the
    // version checks only, far within the block.
    assert.ok(weight.refTime.toBigInt() < limit.refTime.toBigInt() / 100n, `${weight}`);
    assert.ok(await node.waitForLog(/Running "StakePool" try-state checks/));
    assert.ok(await node.waitForLog(/Running "Election" try-state checks/));
    await node.drainLog();
    assert.deepEqual(node.panics(), []);
  });

  it('re-executes real blocks with every check on, state roots and signatures included', async () => {
    // The blocks with the set-up's transactions and the era's last block (100: the new active
    // set).
    const eraEnd = await api.rpc.chain.getBlockHash(100);
    for (const hash of [...busyBlocks, eraEnd]) {
      const { block } = await api.rpc.chain.getBlock(hash);
      assert.ok(block.extrinsics.length > 1 || block.header.number.toNumber() === 100);
      const data = u8aToHex(u8aConcat(block.toU8a(), [1, 1, TRY_STATE_ALL]));
      const weight = api.createType('Weight', await call('TryRuntime_execute_block', data, block.header.parentHash.toHex()));
      assert.ok(weight.refTime.toBigInt() > 0n, `block ${block.header.number}`);
    }
    await node.drainLog();
    assert.deepEqual(node.panics(), []);
  });

  it("migrates the chain's own delegators from storage version 2 and passes the migration's checks", async () => {
    // Rewrite the chain's state as version 2 of the stake pools left it: the version, and each
    // `DelegatorPools` entry as the list of pool ids it was then.
    const entries = await api.query.stakePool.delegatorPools.entries();
    assert.ok(entries.length >= 5, `${entries.length} delegators`);
    // What the upgrade weighs with nothing to migrate.
    const [base] = api.createType('(Weight, Weight)', await call('TryRuntime_on_runtime_upgrade', UPGRADE_CHECK_ALL));
    const old = entries.map(([key, positions]) => [
      key.toHex(),
      api.createType('Vec<u64>', positions.map((p) => p.pid)).toHex(),
    ]);
    old.push([storageVersionKey('StakePool'), u8aToHex(api.createType('u16', 2).toU8a())]);
    // In the quiet part of the era: no snapshot is read from the rewritten lists.
    await submit(api, api.tx.sudo.sudo(api.tx.system.setStorage(old)), alice);
    const version = await api.rpc.state.getStorage(storageVersionKey('StakePool'));
    assert.equal(api.createType('u16', version.unwrap()).toNumber(), 2);
    // The upgrade as the next runtime would run it: the v2 -> v3 migration with its pre- and
    // post-checks, then every pallet's try_state.
    const [weight] = api.createType('(Weight, Weight)', await call('TryRuntime_on_runtime_upgrade', UPGRADE_CHECK_ALL));
    // It wrote each delegator (a write is 50 µs at ParityDb's figures) on top of the version
    // checks.
    const write = api.consts.system.dbWeight.write.toBigInt();
    assert.ok(weight.refTime.toBigInt() >= base.refTime.toBigInt() + BigInt(entries.length) * write, `${weight} vs ${base}`);
    assert.ok(await node.waitForLog(/Pallet "StakePool" VersionedMigration migrating storage version from 2 to 3/));
    await node.drainLog();
    assert.deepEqual(node.panics(), []);
    // `state_call` changed nothing: put the chain back at version 3 for what follows.
    const current = entries.map(([key, positions]) => [key.toHex(), positions.toHex()]);
    current.push([storageVersionKey('StakePool'), u8aToHex(api.createType('u16', 3).toU8a())]);
    await submit(api, api.tx.sudo.sudo(api.tx.system.setStorage(current)), alice);
    const restored = await api.query.stakePool.delegatorPools.entries();
    assert.deepEqual(restored.map(([k, v]) => [k.toHex(), v.toHex()]).sort(), entries.map(([k, v]) => [k.toHex(), v.toHex()]).sort());
    assert.equal(api.createType('u16', (await api.rpc.state.getStorage(storageVersionKey('StakePool'))).unwrap()).toNumber(), 3);
  });

  it('fails loudly, naming the broken invariant, on a corrupted state', async () => {
    // One more share in pool 0 than its delegations hold.
    const pool = (await api.query.stakePool.pools(0)).unwrap();
    const corrupted = api.createType(pool.toRawType(), { ...pool.toJSON(), totalShares: pool.totalShares.toBigInt() + 1n });
    await submit(api, api.tx.sudo.sudo(api.tx.system.setStorage([[api.query.stakePool.pools.key(0), corrupted.toHex()]])), alice);
    // `UpgradeCheckSelect::TryState`: the (no) migrations, then every pallet's try_state.
    await assert.rejects(
      call('TryRuntime_on_runtime_upgrade', '0x03'),
      /Execution aborted due to trap|panicked/,
    );
    assert.ok(await node.waitForLog(/"StakePool" try_state checks failed: Other\("delegation shares do not add up"\)/));
    await node.drainLog();
    assert.ok(node.panics().some((line) => /upgrade checks failed/.test(line)), node.panics().join('\n'));
    // The node itself is unaffected: it goes on producing blocks.
    const before = (await api.rpc.chain.getHeader()).number.toNumber();
    await createBlock(api);
    assert.equal((await api.rpc.chain.getHeader()).number.toNumber(), before + 1);
  });
});
