// End to end: the parachain runtime (stake-parachain-runtime) under chopsticks, a real parachain
// runner: every block carries `set_validation_data` with relay-chain validation data and a relay
// state proof, and `dev_newBlock` can move the relay parent forward. Driven with @polkadot/api:
// relay time, a delegation, rewards per relay block and a claim, an election round on the
// parachain's own blocks, a withdrawal queued and paid by its deadline in relay blocks, and every
// block's consumed weight within the async-backing limits.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startParachain, submit, UNIT } from './harness.js';

// The demo pools' power (runtime-common's demo module): scores 400 + 900 (pool 0, Alice's, 10%),
// 1600 (pool 1, Bob's, 20%), 400 (pool 2, Charlie's, 5%) at confidence level 1.
const TOTAL_POWER = 3300n;
// Pool 2's delegations at genesis: Eve 3000, AliceStash 500, BobStash 1000 (shares 1:1); Dave
// adds 500.
const DAVE_SHARES = 500n * UNIT;
const POOL2_SHARES = 4500n * UNIT + DAVE_SHARES;
// One day of relay-chain blocks (6 s each): the unit of the stake pools' deadlines here.
const RELAY_DAY = (24 * 60 * 60) / 6;
// Async backing's block limits: 2 s of execution, the relay chain's 10 MiB proof (MAX_POV_SIZE).
const REF_TIME_LIMIT = 2n * 10n ** 12n;
const PROOF_SIZE_LIMIT = 10n * 1024n * 1024n;

function assertNear(actual, expected, tolerance, what) {
  const diff = actual > expected ? actual - expected : expected - actual;
  assert.ok(diff <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

function findEvent(api, events, matcher) {
  const found = events.find(({ event }) => matcher.is(event));
  assert.ok(found, 'event not emitted');
  return found.event;
}

describe('the parachain runtime under chopsticks', () => {
  let chain;
  let api;
  /** Every block the test built: number, hash, relay parent and the relay's PoV limit. */
  const blocks = [];

  before(async () => {
    chain = await startParachain();
    api = chain.api;
  });

  after(async () => {
    await chain?.stop();
  });

  async function record(blockHash) {
    const at = await api.at(blockHash);
    const header = await api.rpc.chain.getHeader(blockHash);
    const validation = (await at.query.parachainSystem.validationData()).unwrap();
    const block = {
      number: header.number.toNumber(),
      hash: blockHash.toString(),
      relay: validation.relayParentNumber.toNumber(),
      maxPov: validation.maxPovSize.toBigInt(),
      events: await at.query.system.events(),
    };
    blocks.push(block);
    return block;
  }

  async function seal(params) {
    const { blockHash } = await chain.newBlock(params);
    return record(blockHash);
  }

  async function run(tx, signer) {
    return submit(api, tx, signer, async () => ({ blockHash: (await seal()).hash }));
  }

  const lastRelay = () => blocks.at(-1).relay;
  const dave = () => chain.keyring.addFromUri('//Dave');

  it('builds each block on a newer relay parent, and relay time can jump', async () => {
    for (let i = 0; i < 3; i += 1) await seal();
    const [a, b, c] = blocks.slice(-3);
    assert.deepEqual([b.number - a.number, c.number - b.number], [1, 1]);
    // 6-second parachain blocks on 6-second relay blocks: one relay block each.
    assert.deepEqual([b.relay - a.relay, c.relay - b.relay], [1, 1]);
    const jumped = await seal({ relayParentNumber: c.relay + 50 });
    assert.equal(jumped.relay, c.relay + 50);
    assert.equal(jumped.number, c.number + 1);
    assert.equal((await api.query.parachainInfo.parachainId()).toNumber(), 2000);
  });

  it('delegates, accrues rewards per relay block across a relay day, and pays them on claim', async () => {
    const delegated = await run(api.tx.stakePool.delegate(2, 500n * UNIT), dave());
    const event = findEvent(api, delegated, api.events.stakePool.Delegated);
    assert.equal(event.data.shares.toBigInt(), DAVE_SHARES);
    const from = lastRelay();
    // The reward clock started at the first block's relay parent (not at the relay chain's
    // genesis): the delegation's settlement released 1 PHA per relay block since then.
    const first = await (await api.at(await api.rpc.chain.getBlockHash(1))).query.parachainSystem.validationData();
    const started = first.unwrap().relayParentNumber.toNumber();
    assert.equal((await api.query.stakePool.rewards()).released.toBigInt(), BigInt(from - started) * UNIT);

    // A relay day passes in one parachain block.
    await seal({ relayParentNumber: from + RELAY_DAY });
    // Each relay block releases 1 PHA, shared by power; pool 2 keeps 5% commission and Dave
    // holds 500 of its 5000 shares: 1 PHA * 400/3300 * 95% * 500/5000 per relay block.
    const expected = (relayBlocks) => (BigInt(relayBlocks) * UNIT * 400n * 95n * DAVE_SHARES)
      / (TOTAL_POWER * 100n * POOL2_SHARES);
    const pending = (await api.call.stakePoolApi.pendingRewards(dave().address, 2)).toBigInt();
    // Three floors (the global counter, the pool's commission split, the pool's counter).
    assertNear(pending, expected(RELAY_DAY), 3n, 'pending after a relay day');
    assert.equal(expected(RELAY_DAY), 165_818_181_818_181n);

    const before = await api.query.system.account(dave().address);
    const events = await run(api.tx.stakePool.claimRewards(2, false), dave());
    const claimed = findEvent(api, events, api.events.stakePool.RewardsClaimed).data.amount.toBigInt();
    // The claim's block is one relay block later still.
    assert.equal(lastRelay() - from, RELAY_DAY + 1);
    assertNear(claimed, expected(RELAY_DAY + 1), 3n, 'claimed');
    const fee = findEvent(api, events, api.events.transactionPayment.TransactionFeePaid).data.actualFee.toBigInt();
    const after = await api.query.system.account(dave().address);
    assert.equal(after.data.free.toBigInt() - before.data.free.toBigInt(), claimed - fee);
    assert.equal((await api.call.stakePoolApi.pendingRewards(dave().address, 2)).toBigInt(), 0n);
  });

  it("runs an election round on the parachain's own blocks and elects the active pools", async () => {
    const eraLength = api.consts.stakePool.eraLength.toNumber();
    assert.equal(eraLength, 100);
    while (blocks.at(-1).number < eraLength) await seal();
    const transitions = [];
    let finalized;
    let elected;
    for (const block of blocks) {
      for (const { event } of block.events) {
        if (api.events.election.PhaseTransitioned.is(event)) transitions.push(event.data.to.type);
        if (api.events.election.ElectionFinalized.is(event)) finalized = { block, event };
        if (api.events.stakePool.ActiveSetElected.is(event)) elected = { block, event };
      }
    }
    const pages = api.consts.election.pages.toNumber();
    const targetPages = Math.ceil(
      api.consts.election.maxElectableTargets.toNumber() / api.consts.election.targetSnapshotPerBlock.toNumber(),
    );
    assert.deepEqual(transitions, [
      ...Array(targetPages - 1).fill('TargetSnapshot'),
      ...Array(pages).fill('Snapshot'),
      'Signed', 'SignedValidation', 'Unsigned', 'Off',
    ]);
    assert.ok(finalized, 'no ElectionFinalized event');
    // No miner ran (chopsticks runs no offchain worker here, and the staking-miner is built for
    // pool-runtime's types): the development scale's on-chain fallback decided the round.
    assert.equal(finalized.event.data.compute.type, 'Fallback');
    assert.ok(elected, 'no ActiveSetElected event');
    assert.equal(elected.block.number, eraLength, 'elected at the era end, a parachain block number');
    assert.equal((await api.query.stakePool.currentEra()).toNumber(), 1);
    const active = await api.query.stakePool.activePools();
    assert.deepEqual(active.map(([pid]) => pid.toNumber()).sort(), [0, 1, 2]);
  });

  it('queues a withdrawal beyond free delegation and pays it by its deadline in relay blocks', async () => {
    const grace = api.consts.stakePool.gracePeriod.toNumber();
    const cooldown = api.consts.stakePool.cooldownPeriod.toNumber();
    assert.deepEqual([grace, cooldown], [7 * RELAY_DAY, 7 * RELAY_DAY]);

    // Pool 0: 7000 PHA delegated (Dave 4000), 5000 staked by two workers, so 2000 free.
    const events = await run(api.tx.stakePool.withdraw(0, 3000n * UNIT), dave());
    assert.equal(findEvent(api, events, api.events.stakePool.Withdrawn).data.amount.toBigInt(), 2000n * UNIT);
    const queued = findEvent(api, events, api.events.stakePool.WithdrawalQueued);
    assert.equal(queued.data.value.toBigInt(), 1000n * UNIT);
    const requestedAt = lastRelay();
    const position = async () => (await api.call.stakePoolApi.delegatorPositions(dave().address))
      .find((p) => p.pid.toNumber() === 0);
    const request = (await position()).queuedWithdrawals[0];
    assert.equal(request.requestedAt.toNumber(), requestedAt);
    assert.equal(request.expectedPayoutBy.toNumber(), requestedAt + grace + cooldown);

    // Deadlines are served after the block's inherents (`on_poll`), so a task due at relay
    // block `d` is served in the block built on relay parent `d`, not before.
    const eventsOf = (block, matcher) => block.events.filter(({ event }) => matcher.is(event));
    const early = await seal({ relayParentNumber: requestedAt + grace - 1 });
    assert.equal(eventsOf(early, api.events.stakePool.PoolForcedToStop).length, 0, 'forced to stop before the grace period ended');
    const stop = await seal();
    assert.equal(stop.relay, requestedAt + grace);
    const [forced] = eventsOf(stop, api.events.stakePool.PoolForcedToStop);
    assert.ok(forced, 'the grace period ended and the pool was not forced to stop');
    assert.equal(forced.event.data.pid.toNumber(), 0);
    assert.equal(forced.event.data.workersStopped.toNumber(), 2);
    assert.equal(forced.event.data.cooldownUntil.toNumber(), requestedAt + grace + cooldown);
    assert.equal((await position()).queuedWithdrawals.length, 1);

    const free = async () => (await api.query.system.account(dave().address)).data.free.toBigInt();
    const freeBefore = await free();
    const notYet = await seal({ relayParentNumber: requestedAt + grace + cooldown - 1 });
    assert.equal(eventsOf(notYet, api.events.stakePool.WithdrawalPaid).length, 0, 'paid before the cool-down ended');
    const payout = await seal();
    // Paid in the block built on the promised relay block itself.
    assert.equal(payout.relay, request.expectedPayoutBy.toNumber());
    const [paid] = eventsOf(payout, api.events.stakePool.WithdrawalPaid);
    assert.ok(paid, 'the cool-down ended and the queued withdrawal was not paid');
    assert.equal(paid.event.data.delegator.toString(), dave().address);
    assert.equal(paid.event.data.amount.toBigInt(), 1000n * UNIT);
    // Paid by the hook, not by a transaction of Dave's: his free balance grows by all of it.
    assert.equal((await free()) - freeBefore, 1000n * UNIT);
    const after = await position();
    assert.equal(after.queuedWithdrawals.length, 0);
    assert.equal(after.value.toBigInt(), 1000n * UNIT);
  });

  it("keeps every block's weight within the async-backing limits", async (t) => {
    const max = api.consts.system.blockWeights.maxBlock;
    assert.equal(max.refTime.toBigInt(), REF_TIME_LIMIT);
    assert.equal(max.proofSize.toBigInt(), PROOF_SIZE_LIMIT);
    let heaviest = { refTime: 0n, proofSize: 0n };
    for (let i = 0; i < blocks.length; i += 1) {
      const block = blocks[i];
      if (i > 0) assert.ok(block.relay > blocks[i - 1].relay, `block ${block.number}: relay parent not newer`);
      const weight = await (await api.at(block.hash)).query.system.blockWeight();
      const total = ['normal', 'operational', 'mandatory'].reduce((sum, class_) => ({
        refTime: sum.refTime + weight[class_].refTime.toBigInt(),
        proofSize: sum.proofSize + weight[class_].proofSize.toBigInt(),
      }), { refTime: 0n, proofSize: 0n });
      assert.ok(total.refTime <= REF_TIME_LIMIT, `block ${block.number}: ${total.refTime} ps of ref time`);
      assert.ok(total.proofSize <= PROOF_SIZE_LIMIT, `block ${block.number}: ${total.proofSize} B of proof`);
      assert.ok(total.proofSize <= block.maxPov, `block ${block.number}: over the relay's max PoV ${block.maxPov}`);
      if (total.refTime > heaviest.refTime) heaviest = { ...total, number: block.number };
    }
    t.diagnostic(`${blocks.length} blocks; heaviest #${heaviest.number}: `
      + `${Number(heaviest.refTime) / 1e9} ms, ${heaviest.proofSize} B of proof`);
    assert.ok(blocks.length > 100);
  });
});
