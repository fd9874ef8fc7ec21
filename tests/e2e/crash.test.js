// End to end: pool-node killed with SIGKILL while it seals a block, restarted on the same base
// path: the chain continues from its last block with the same stake-pool state, and the
// withdrawal queue is still served.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlock, startNode, submit, UNIT } from './harness.js';

describe('pool-node killed with SIGKILL mid-block', () => {
  const cleanups = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('restarts on its last block with the same positions, queue and deadlines, and serves the queue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crash-e2e-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const basePath = join(dir, 'chain');
    let node = await startNode([], { basePath });
    const { rpcPort } = node;
    let { api } = node;
    const dave = node.keyring.addFromUri('//Dave');
    const eve = node.keyring.addFromUri('//Eve');

    // Pool 0: 7000 PHA delegated (Dave 4000), 5000 staked, so 2000 free. Dave delegates 500
    // more, then asks for 3500: 2500 paid at once, 1000 queued.
    await submit(api, api.tx.stakePool.delegate(0, 500n * UNIT), dave);
    const events = await submit(api, api.tx.stakePool.withdraw(0, 3500n * UNIT), dave);
    const queued = events.find(({ event }) => api.events.stakePool.WithdrawalQueued.is(event));
    assert.equal(queued.event.data.value.toBigInt(), 1000n * UNIT);
    for (let i = 0; i < 3; i += 1) await createBlock(api);
    const position = async (at) => {
      const positions = await (at ? (await api.at(at)).call : api.call).stakePoolApi.delegatorPositions(dave.address);
      return positions.find((p) => p.pid.toNumber() === 0).toJSON();
    };
    const before = await position();
    assert.equal(before.queuedWithdrawals.length, 1);
    const last = await api.rpc.chain.getHeader();
    const agenda = (await api.query.stakePool.agenda.entries()).map(([key]) => key.toHex()).sort();
    assert.ok(agenda.length > 0, 'the queued request has its deadline in the agenda');

    // Kill it while it seals the next block.
    api.rpc.engine.createBlock(true, true).catch(() => {});
    await node.crash();

    node = await startNode([], { basePath, rpcPort });
    cleanups.push(() => node.stop());
    api = node.api;
    // The chain goes on from its last block (or from the block being sealed, if it made it to
    // the database): nothing before it is lost or changed.
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    assert.ok(best === last.number.toNumber() || best === last.number.toNumber() + 1, `best block ${best}`);
    assert.equal((await api.rpc.chain.getBlockHash(last.number.toNumber())).toHex(), last.hash.toHex());
    assert.deepEqual(await position(last.hash), before);
    assert.deepEqual(await position(), before);
    assert.deepEqual((await api.query.stakePool.agenda.entries()).map(([key]) => key.toHex()).sort(), agenda);
    const { blockHash } = await createBlock(api);
    assert.equal((await api.rpc.chain.getHeader(blockHash)).number.toNumber(), best + 1);

    // Eve's delegation makes free delegation for the queue: Dave's request is paid, in her
    // call or by the deadline hook's pay-out lane in the next block.
    const paidEvents = [];
    const delegated = await submit(api, api.tx.stakePool.delegate(0, 1500n * UNIT), eve);
    paidEvents.push(...delegated.filter(({ event }) => api.events.stakePool.WithdrawalPaid.is(event)));
    if (paidEvents.length === 0) {
      const next = await createBlock(api);
      const all = await api.query.system.events.at(next.blockHash);
      paidEvents.push(...all.filter(({ event }) => api.events.stakePool.WithdrawalPaid.is(event)));
    }
    assert.equal(paidEvents.length, 1, 'the queued request was not paid after the restart');
    assert.equal(paidEvents[0].event.data.delegator.toString(), dave.address);
    assert.equal(paidEvents[0].event.data.amount.toBigInt(), 1000n * UNIT);
    assert.equal((await position()).queuedWithdrawals.length, 0);
  });
});
