// End-to-end tests against a real pool-node: metadata, chain properties, runtime APIs, the main
// stake-pool extrinsics and their errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlock, startNode, submit, UNIT } from './harness.js';

describe('pool-node --dev', () => {
  let node;
  let api;
  let alice;
  let bob;

  before(async () => {
    node = await startNode();
    api = node.api;
    alice = node.keyring.addFromUri('//Alice');
    bob = node.keyring.addFromUri('//Bob');
  });

  after(async () => {
    await node?.stop();
  });

  it('lists both pallets with docs on every call', () => {
    const pallets = api.runtimeMetadata.asLatest.pallets;
    for (const name of ['StakePool', 'Election']) {
      const pallet = pallets.find((p) => p.name.toString() === name);
      assert.ok(pallet, `${name} missing from metadata`);
      const calls = api.registry.lookup.getSiType(pallet.calls.unwrap().type).def.asVariant.variants;
      assert.ok(calls.length > 3);
      for (const call of calls) {
        assert.ok(call.docs.length > 0, `${name}.${call.name} has no docs`);
      }
    }
  });

  it('announces the token symbol, decimals and SS58 prefix', async () => {
    const properties = await api.rpc.system.properties();
    assert.equal(properties.tokenSymbol.unwrap()[0].toString(), 'PHA');
    assert.equal(properties.tokenDecimals.unwrap()[0].toNumber(), 12);
    assert.equal(properties.ss58Format.unwrap().toNumber(), 42);
    assert.equal((await api.rpc.system.chain()).toString(), 'Stake Pool Development');
  });

  it('serves the demo pools through the runtime API', async () => {
    const summary = (await api.call.stakePoolApi.poolSummary(0)).unwrap();
    assert.equal(summary.owner.toString(), alice.address);
    // Pool 0: workers of score 400 and 900 mining with 2000 + 3000 PHA; 7000 PHA delegated.
    assert.equal(summary.power.toBigInt(), 1300n);
    assert.equal(summary.staked.toBigInt(), 5000n * UNIT);
    assert.equal(summary.totalValue.toBigInt(), 7000n * UNIT);
    const round = await api.call.electionApi.roundInfo();
    assert.equal(round.round.toNumber(), 1);
    assert.ok(round.phase.isOff);
  });

  it('delegates with named event fields and rewards accrue', async () => {
    const events = await submit(api, api.tx.stakePool.delegate(0, 1000n * UNIT), bob);
    const delegated = events.find(({ event }) => api.events.stakePool.Delegated.is(event));
    assert.ok(delegated, 'no Delegated event');
    const names = delegated.event.meta.fields.map((f) => f.name.unwrap().toString());
    assert.deepEqual(names, ['pid', 'delegator', 'amount', 'shares', 'total_value', 'free']);
    assert.equal(delegated.event.data.amount.toBigInt(), 1000n * UNIT);
    await createBlock(api);
    const pending = await api.call.stakePoolApi.pendingRewards(bob.address, 0);
    assert.ok(pending.toBigInt() > 0n, 'no rewards after a block');
  });

  it('refuses bad extrinsics with the specific error and changes nothing', async () => {
    const before = (await api.call.stakePoolApi.delegatorPositions(bob.address)).toJSON();
    await assert.rejects(
      submit(api, api.tx.stakePool.delegate(0, UNIT / 2n), bob),
      /stakePool\.DelegationTooSmall/,
    );
    await assert.rejects(
      submit(api, api.tx.stakePool.setCommission(0, 100_000), bob),
      /stakePool\.NotPoolOwner/,
    );
    await assert.rejects(
      submit(api, api.tx.stakePool.registerWorker(bob.address, { score: 100, confidenceLevel: 1 }), bob),
      /BadOrigin/,
    );
    const after = (await api.call.stakePoolApi.delegatorPositions(bob.address)).toJSON();
    assert.equal(after[0].held, before[0].held);
    assert.equal(after[0].shares, before[0].shares);
  });

  it('queues what free delegation cannot pay', async () => {
    // Pool 1 (Bob's): 5000 delegated, 4000 staked, 1000 free. Ferdie withdraws his 3500.
    const ferdie = node.keyring.addFromUri('//Ferdie');
    const events = await submit(api, api.tx.stakePool.withdraw(1, 3500n * UNIT), ferdie);
    const queued = events.find(({ event }) => api.events.stakePool.WithdrawalQueued.is(event));
    assert.ok(queued, 'no WithdrawalQueued event');
    assert.equal(queued.event.data.value.toBigInt(), 2500n * UNIT);
    const positions = await api.call.stakePoolApi.delegatorPositions(ferdie.address);
    const queuedWithdrawal = positions[0].queuedWithdrawals[0];
    assert.equal(queuedWithdrawal.value.toBigInt(), 2500n * UNIT);
  });
});
