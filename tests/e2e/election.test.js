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
    const transitions = [];
    const unsubscribe = await api.query.system.events((events) => {
      for (const { event } of events) {
        if (api.events.election.PhaseTransitioned.is(event)) {
          transitions.push(event.data.to.type);
        }
      }
    });
    // The first era ends at block 100; its signed phase opens at 50, validation at 80, the
    // unsigned phase at 85.
    for (let n = 1; n <= 100; n += 1) {
      await createBlock(api);
    }
    unsubscribe();
    assert.deepEqual(transitions, ['Signed', 'SignedValidation', 'Unsigned', 'Off']);
    assert.equal((await api.query.stakePool.currentEra()).toNumber(), 1);
    const active = await api.query.stakePool.activePools();
    // Three mining demo pools for four seats: all three are elected.
    assert.deepEqual(active.map(([pid]) => pid.toNumber()).sort(), [0, 1, 2]);
    const round = await api.call.electionApi.roundInfo();
    assert.equal(round.round.toNumber(), 2);
  });
});
