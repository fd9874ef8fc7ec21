// End to end: an election round on the real node, driven block by block with engine_createBlock.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBlock, startNode } from './harness.js';

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

  it('runs signed, validation and unsigned phases and stores the active set at the era end', async () => {
    // Events are read at each sealed block's hash rather than through a subscription, so none
    // can arrive after the loop has finished.
    const transitions = [];
    // The first era ends at block 100; its signed phase opens at 50, validation at 80, the
    // unsigned phase at 85.
    for (let n = 1; n <= 100; n += 1) {
      const { blockHash } = await createBlock(api);
      for (const { event } of await api.query.system.events.at(blockHash)) {
        if (api.events.election.PhaseTransitioned.is(event)) {
          transitions.push(event.data.to.type);
        }
      }
    }
    assert.deepEqual(transitions, ['Signed', 'SignedValidation', 'Unsigned', 'Off']);
    assert.equal((await api.query.stakePool.currentEra()).toNumber(), 1);
    const active = await api.query.stakePool.activePools();
    // Three mining demo pools for four seats: all three are elected.
    assert.deepEqual(active.map(([pid]) => pid.toNumber()).sort(), [0, 1, 2]);
    const round = await api.call.electionApi.roundInfo();
    assert.equal(round.round.toNumber(), 2);
  });
});
