// End to end: an election round on the real node, driven block by block with engine_createBlock.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlock, startNode, submit } from './harness.js';

describe('an election round on pool-node --dev', () => {
  let node;
  let api;

  before(async () => {
    node = await startNode();
    api = node.api;
  });

  after(async () => {
    await node?.stop();
  });

  it('runs snapshot, signed, validation and unsigned phases and stores the active set at the era end', async () => {
    const dave = node.keyring.addFromUri('//Dave');
    // Events are read at each sealed block's hash rather than through a subscription, so none
    // can arrive after the loop has finished.
    const transitions = [];
    const events = [];
    const record = async (blockHash) => {
      for (const { event } of await api.query.system.events.at(blockHash)) {
        events.push(event);
        if (api.events.election.PhaseTransitioned.is(event)) {
          transitions.push(event.data.to.type);
        }
      }
    };
    const submitRecorded = async (tx) => {
      try {
        const result = await submit(api, tx, dave);
        await record(result.blockHash);
        return result;
      } catch (e) {
        if (e.blockHash) await record(e.blockHash);
        throw e;
      }
    };

    // The first era ends at block 100; its snapshot opens at 40 and takes one page per block:
    // 4 target pages (40-43), then 7 voter pages (44-50, the last in the signed phase's first
    // block); the signed phase opens at 50, validation at 80, the unsigned phase at 85.
    let number = 0;
    let deposit;
    while (number < 100) {
      const { blockHash } = await createBlock(api);
      await record(blockHash);
      number = (await api.rpc.chain.getHeader()).number.toNumber();
      if (number !== 50) continue;

      // The signed phase is open: bad solutions from Dave.
      assert.ok((await api.query.election.currentPhase()).isSigned);
      const round = (await api.query.election.round()).toNumber();
      const fingerprint = (await api.query.election.snapshotFingerprint()).unwrap();
      // The voter snapshot is paged: every page, largest voters (page Pages - 1) first.
      const pages = api.consts.election.pages.toNumber();
      const voters = [];
      for (let page = pages - 1; page >= 0; page -= 1) {
        const stored = await api.query.election.pagedVoterSnapshot(page);
        if (stored.isSome) voters.push(...stored.unwrap());
      }
      const targets = (await api.query.election.snapshotTargets()).unwrap().map((t) => t.toString());
      const desired = (await api.query.election.desiredTargets()).unwrap().toNumber();
      // Three demo pools, four seats: all three are to be elected.
      assert.equal(desired, 3);
      const reservedBefore = (await api.query.system.account(dave.address)).data.reserved.toBigInt();

      // 1. No winners at all: refused at submission, nothing held, nothing queued.
      const empty = { solution: {}, score: { minimalStake: 1, sumStake: 1, sumStakeSquared: 1 }, round };
      await assert.rejects(submitRecorded(api.tx.election.submit(empty, fingerprint)), /election\.WrongWinnerCount/);
      // 2. A fingerprint of another snapshot: refused.
      await assert.rejects(
        submitRecorded(api.tx.election.submit(empty, `0x${'11'.repeat(32)}`)),
        /election\.WrongFingerprint/,
      );
      assert.equal((await api.query.system.account(dave.address)).data.reserved.toBigInt(), reservedBefore);
      assert.equal((await api.query.election.signedSubmissionIndices()).length, 0);

      // 3. Every edge real (a distinct voter backing each target with its whole stake), but a
      // claimed score that is not the one these edges give: accepted with a deposit now, slashed
      // when the validation window checks it.
      const votes1 = [];
      const used = new Set();
      for (let t = 0; t < targets.length; t += 1) {
        const v = voters.findIndex(([, , votes], i) => !used.has(i) && votes.some((x) => x.toString() === targets[t]));
        assert.ok(v >= 0, `no voter for target ${t}`);
        used.add(v);
        votes1.push([v, t]);
      }
      const bogus = { solution: { votes1 }, score: { minimalStake: 1, sumStake: 3, sumStakeSquared: 3 }, round };
      const stored = await submitRecorded(api.tx.election.submit(bogus, fingerprint));
      assert.ok(stored.some(({ event }) => api.events.election.SolutionStored.is(event)));
      deposit = (await api.query.system.account(dave.address)).data.reserved.toBigInt() - reservedBefore;
      assert.ok(deposit > 0n, 'no deposit held');
      const quote = await api.call.electionApi.signedQueue();
      assert.equal(quote.length, 1);
      assert.equal(quote[0][0].toString(), dave.address);
      number = (await api.rpc.chain.getHeader()).number.toNumber();
    }

    const pages = api.consts.election.pages.toNumber();
    const targetPages = Math.ceil(
      api.consts.election.maxElectableTargets.toNumber() / api.consts.election.targetSnapshotPerBlock.toNumber(),
    );
    assert.deepEqual([pages, targetPages], [7, 4]);
    // The first target page is taken as the round opens (off -> the next target page).
    assert.deepEqual(transitions, [
      ...Array(targetPages - 1).fill('TargetSnapshot'),
      ...Array(pages).fill('Snapshot'),
      'Signed', 'SignedValidation', 'Unsigned', 'Off',
    ]);
    const slashed = events.find((e) => api.events.election.Slashed.is(e));
    assert.ok(slashed, 'the bad signed solution was not slashed');
    assert.equal(slashed.data.who.toString(), dave.address);
    assert.equal(slashed.data.amount.toBigInt(), deposit);
    assert.equal(slashed.data.error.type, 'InvalidScore');
    // Nothing valid was signed, so the offchain worker's unsigned solution decided the round.
    const finalized = events.find((e) => api.events.election.ElectionFinalized.is(e));
    assert.ok(finalized, 'no ElectionFinalized event');
    assert.equal(finalized.data.compute.type, 'Unsigned');

    assert.equal((await api.query.stakePool.currentEra()).toNumber(), 1);
    const active = await api.query.stakePool.activePools();
    // Three mining demo pools for four seats: all three are elected.
    assert.deepEqual(active.map(([pid]) => pid.toNumber()).sort(), [0, 1, 2]);
    const round = await api.call.electionApi.roundInfo();
    assert.equal(round.round.toNumber(), 2);
  });
});
