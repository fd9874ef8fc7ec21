// End to end: an operator's whole path on the real node, from a new worker to claimed rewards
// and a queued withdrawal, with every event of the run checked for named fields.
//
// Expected figures are worked out by hand from the dev genesis (runtime/src/genesis_config_presets.rs):
// 1 PHA per block shared by computing power; the demo workers mining at genesis have scores
// 400 + 900 (pool 0), 1600 (pool 1) and 400 (pool 2), all at confidence level 1, so 3300 power.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlock, startNode, submit, unnamedFields, UNIT } from './harness.js';

const SCORE = 1600n; // power 1600 at confidence level 1; minimum stake 100 PHA * sqrt(1600) = 4000 PHA
const TOTAL_POWER = 3300n + SCORE;
const STAKE = 4000n * UNIT;
// Delegations to the new pool: 6000 PHA in all.
const DELEGATIONS = { Dave: 3000n * UNIT, Bob: 1000n * UNIT, Alice: 2000n * UNIT };
const DELEGATED = 6000n * UNIT;

/** A delegator's exact share of `blocks` blocks of the new pool's rewards (no commission). */
function expectedRewards(amount, blocks) {
  return (BigInt(blocks) * UNIT * SCORE * amount) / (TOTAL_POWER * DELEGATED);
}

/** `actual` within `tolerance` planck of `expected` (rounding of the 36-decimal counters). */
function assertNear(actual, expected, tolerance, what) {
  const diff = actual > expected ? actual - expected : expected - actual;
  assert.ok(diff <= tolerance, `${what}: ${actual} is not within ${tolerance} planck of ${expected}`);
}

function findEvent(api, events, matcher) {
  const found = events.find(({ event }) => matcher.is(event));
  assert.ok(found, `no ${matcher.meta.name} event among ${events.map(({ event }) => event.method)}`);
  return found.event;
}

describe('an operator on pool-node --dev', () => {
  let node;
  let api;
  let accounts;
  let worker;
  let pid;
  let miningBlock;
  // Every sealed block of the run, so the last test can decode all their events.
  const blocks = [];

  async function run(tx, signer) {
    try {
      const events = await submit(api, tx, signer);
      blocks.push(events.blockHash);
      return events;
    } catch (e) {
      if (e.blockHash) blocks.push(e.blockHash);
      throw e;
    }
  }

  async function seal() {
    const { blockHash } = await createBlock(api);
    blocks.push(blockHash);
    return blockHash;
  }

  async function blockNumber() {
    return (await api.rpc.chain.getHeader()).number.toNumber();
  }

  before(async () => {
    node = await startNode();
    api = node.api;
    accounts = Object.fromEntries(
      ['Alice', 'Bob', 'Charlie', 'Dave'].map((name) => [name, node.keyring.addFromUri(`//${name}`)]),
    );
    worker = node.keyring.addFromUri('//Worker//e2e');
  });

  after(async () => {
    await node?.stop();
  });

  it('registers and benchmarks a worker through sudo', async () => {
    const { Alice } = accounts;
    const call = api.tx.stakePool.registerWorker(worker.address, { score: SCORE, confidenceLevel: 1 });
    const events = await run(api.tx.sudo.sudo(call), Alice);
    const sudid = findEvent(api, events, api.events.sudo.Sudid);
    assert.ok(sudid.data.sudoResult.isOk, `sudo call failed: ${sudid.data.sudoResult}`);
    const registered = findEvent(api, events, api.events.stakePool.WorkerRegistered);
    assert.equal(registered.data.worker.toString(), worker.address);
    assert.equal(registered.data.power.toBigInt(), SCORE);
  });

  it('lets the worker authorise its operator', async () => {
    const { Alice, Charlie } = accounts;
    // The worker account pays its own fee.
    await run(api.tx.balances.transferKeepAlive(worker.address, 10n * UNIT), Alice);
    const events = await run(api.tx.stakePool.authorizeOperator(Charlie.address), worker);
    const authorized = findEvent(api, events, api.events.stakePool.OperatorAuthorized);
    assert.equal(authorized.data.operator.toString(), Charlie.address);
  });

  it('creates a pool holding the deposit and adds the worker', async () => {
    const { Charlie } = accounts;
    const before = await api.query.system.account(Charlie.address);
    const events = await run(api.tx.stakePool.createPool(), Charlie);
    const created = findEvent(api, events, api.events.stakePool.PoolCreated);
    pid = created.data.pid.toNumber();
    // Three demo pools exist at genesis.
    assert.equal(pid, 3);
    assert.equal(created.data.deposit.toBigInt(), 10n * UNIT);
    const after = await api.query.system.account(Charlie.address);
    assert.equal(after.data.reserved.toBigInt() - before.data.reserved.toBigInt(), 10n * UNIT);

    const added = findEvent(api, await run(api.tx.stakePool.addWorker(pid, worker.address), Charlie),
      api.events.stakePool.WorkerAdded);
    assert.equal(added.data.worker.toString(), worker.address);
  });

  it('takes delegations from several accounts as holds, not transfers', async () => {
    for (const [name, amount] of Object.entries(DELEGATIONS)) {
      const who = accounts[name];
      const before = await api.query.system.account(who.address);
      const events = await run(api.tx.stakePool.delegate(pid, amount), who);
      const delegated = findEvent(api, events, api.events.stakePool.Delegated);
      assert.equal(delegated.data.amount.toBigInt(), amount);
      // First delegations at the initial share price: one share per planck.
      assert.equal(delegated.data.shares.toBigInt(), amount);
      const after = await api.query.system.account(who.address);
      assert.equal(after.data.reserved.toBigInt() - before.data.reserved.toBigInt(), amount, `${name}'s hold`);
    }
    const summary = (await api.call.stakePoolApi.poolSummary(pid)).unwrap();
    assert.equal(summary.totalValue.toBigInt(), DELEGATED);
    assert.equal(summary.free.toBigInt(), DELEGATED);
  });

  it('starts mining with the minimum stake', async () => {
    const { Charlie } = accounts;
    await assert.rejects(
      run(api.tx.stakePool.startMining(pid, worker.address, STAKE - 1n), Charlie),
      /stakePool\.StakeBelowMinimum/,
    );
    const events = await run(api.tx.stakePool.startMining(pid, worker.address, STAKE), Charlie);
    const started = findEvent(api, events, api.events.stakePool.MiningStarted);
    assert.equal(started.data.power.toBigInt(), SCORE);
    miningBlock = await blockNumber();
    const summary = (await api.call.stakePoolApi.poolSummary(pid)).unwrap();
    assert.equal(summary.staked.toBigInt(), STAKE);
    assert.equal(summary.power.toBigInt(), SCORE);
  });

  it('accrues rewards pro rata and pays them on claim', async () => {
    const { Dave } = accounts;
    for (let i = 0; i < 10; i += 1) await seal();
    const mined = (await blockNumber()) - miningBlock;
    assert.equal(mined, 10);
    // Each block pays the pool 1 PHA * 1600 / 4900; delegators share it 3 : 1 : 2.
    for (const [name, amount] of Object.entries(DELEGATIONS)) {
      const pending = (await api.call.stakePoolApi.pendingRewards(accounts[name].address, pid)).toBigInt();
      assertNear(pending, expectedRewards(amount, mined), 2n, `${name}'s pending rewards`);
    }

    const before = await api.query.system.account(Dave.address);
    const events = await run(api.tx.stakePool.claimRewards(pid, false), Dave);
    const claimed = findEvent(api, events, api.events.stakePool.RewardsClaimed);
    // The claim's own block pays one more block of rewards.
    assertNear(claimed.data.amount.toBigInt(), expectedRewards(DELEGATIONS.Dave, mined + 1), 2n, 'claimed');
    const fee = findEvent(api, events, api.events.transactionPayment.TransactionFeePaid).data.actualFee.toBigInt();
    const after = await api.query.system.account(Dave.address);
    assert.equal(after.data.free.toBigInt() - before.data.free.toBigInt(), claimed.data.amount.toBigInt() - fee);
    assert.equal((await api.call.stakePoolApi.pendingRewards(Dave.address, pid)).toBigInt(), 0n);
  });

  it('pays what free delegation allows and queues the rest of a withdrawal', async () => {
    const { Dave } = accounts;
    // 6000 PHA delegated, 4000 staked: 2000 free. Dave asks for his 3000.
    const events = await run(api.tx.stakePool.withdraw(pid, 3000n * UNIT), Dave);
    const withdrawn = findEvent(api, events, api.events.stakePool.Withdrawn);
    assert.equal(withdrawn.data.amount.toBigInt(), 2000n * UNIT);
    const queued = findEvent(api, events, api.events.stakePool.WithdrawalQueued);
    assert.equal(queued.data.value.toBigInt(), 1000n * UNIT);
    const positions = await api.call.stakePoolApi.delegatorPositions(Dave.address);
    const position = positions.find((p) => p.pid.toNumber() === pid);
    assert.equal(position.queuedWithdrawals.length, 1);
    assert.equal(position.queuedWithdrawals[0].value.toBigInt(), 1000n * UNIT);
  });

  it('emits only events whose fields all have names', async () => {
    assert.ok(blocks.length > 15);
    const seen = new Set();
    for (const hash of blocks) {
      for (const { event } of await api.query.system.events.at(hash)) {
        seen.add(`${event.section}.${event.method}`);
        assert.deepEqual(unnamedFields(event), [], `${event.section}.${event.method} has unnamed fields`);
        // Every field decodes to a value of its declared type.
        assert.equal(event.data.length, event.meta.fields.length);
      }
    }
    for (const expected of ['sudo.Sudid', 'stakePool.WorkerRegistered', 'stakePool.Delegated',
      'stakePool.MiningStarted', 'stakePool.RewardsClaimed', 'stakePool.WithdrawalQueued',
      'system.ExtrinsicFailed', 'transactionPayment.TransactionFeePaid']) {
      assert.ok(seen.has(expected), `${expected} not seen`);
    }
  });
});
