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
    // block); the signed phase opens at 50, validation at 60, the unsigned phase at 90.
    let number = 0;
    let deposit;
    while (number < 100) {
      const { blockHash } = await createBlock(api);
      await record(blockHash);
      number = (await api.rpc.chain.getHeader()).number.toNumber();
      if (number !== 50) continue;

      // The signed phase is open: bad claims from Dave.
      assert.ok((await api.query.election.currentPhase()).isSigned);
      const fingerprint = (await api.query.election.snapshotFingerprint()).unwrap();
      // The voter snapshot is paged: each page's voters, indexed within their page.
      const pages = api.consts.election.pages.toNumber();
      const voterPages = [];
      for (let page = 0; page < pages; page += 1) {
        const stored = await api.query.election.pagedVoterSnapshot(page);
        voterPages.push(stored.isSome ? stored.unwrap() : []);
      }
      const targets = (await api.query.election.snapshotTargets()).unwrap().map((t) => t.toString());
      const desired = (await api.query.election.desiredTargets()).unwrap().toNumber();
      // Three demo pools, four seats: all three are to be elected.
      assert.equal(desired, 3);
      const reservedBefore = (await api.query.system.account(dave.address)).data.reserved.toBigInt();

      // 1. A score no solution of this snapshot can have (a least-backed winner above the
      // average): refused at registration, nothing held.
      const impossible = { minimalStake: 1, sumStake: 1, sumStakeSquared: 1 };
      await assert.rejects(submitRecorded(api.tx.election.register(impossible, fingerprint)), /election\.ImplausibleScore/);
      // 2. A fingerprint of another snapshot: refused.
      const claimed = { minimalStake: 1, sumStake: 3, sumStakeSquared: 3 };
      await assert.rejects(
        submitRecorded(api.tx.election.register(claimed, `0x${'11'.repeat(32)}`)),
        /election\.WrongFingerprint/,
      );
      // 3. A page without a claim: refused.
      await assert.rejects(
        submitRecorded(api.tx.election.submitPage(0, { votes1: [[0, 0]] })),
        /election\.NotRegistered/,
      );
      assert.equal((await api.query.system.account(dave.address)).data.reserved.toBigInt(), reservedBefore);
      assert.equal((await api.query.election.signedSubmissionIndices()).length, 0);

      // 4. Every edge real (a distinct voter backing each target with its whole stake, each
      // voter named by its index in its page), but a claimed score that is not the one these
      // edges give: registered with a deposit now, its pages stored, slashed when the
      // validation window checks it.
      const votesByPage = new Map();
      const used = new Set();
      for (let t = 0; t < targets.length; t += 1) {
        let found = false;
        for (let page = pages - 1; page >= 0 && !found; page -= 1) {
          const v = voterPages[page].findIndex(([, , votes], i) => !used.has(`${page}:${i}`) && votes.some((x) => x.toString() === targets[t]));
          if (v < 0) continue;
          used.add(`${page}:${v}`);
          votesByPage.set(page, [...(votesByPage.get(page) ?? []), [v, t]]);
          found = true;
        }
        assert.ok(found, `no voter for target ${t}`);
      }
      const registered = await submitRecorded(api.tx.election.register(claimed, fingerprint));
      assert.ok(registered.some(({ event }) => api.events.election.Registered.is(event)));
      for (const [page, votes1] of votesByPage) {
        const stored = await submitRecorded(api.tx.election.submitPage(page, { votes1 }));
        assert.ok(stored.some(({ event }) => api.events.election.PageStored.is(event)));
      }
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
