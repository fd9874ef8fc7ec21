// End to end: `staking-service snapshot export` against pool-node --dev, checked against what the
// runtime API reports for each delegator.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { createBlock, startNode, UNIT } from './harness.js';

const targetDir = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/stake-suite/target`;
const SERVICE = process.env.STAKING_SERVICE ?? `${targetDir}/debug/staking-service`;
const run = promisify(execFile);

/** Planck as the decimal string the snapshot writes (12 decimals, no trailing zeros). */
function decimal(planck) {
  const whole = planck / UNIT;
  const fraction = (planck % UNIT).toString().padStart(12, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

describe('staking-service snapshot export on pool-node --dev', () => {
  let node;
  let api;
  let uri;

  before(async () => {
    if (!existsSync(SERVICE)) throw new Error(`staking-service not found at ${SERVICE}: run ./scripts/test.sh`);
    node = await startNode();
    api = node.api;
    uri = api._options.provider.endpoint;
    for (let i = 0; i < 3; i += 1) await createBlock(api);
  });

  after(async () => {
    await node?.stop();
  });

  it('matches the runtime API for every delegator, at a pinned block', async () => {
    const { stdout, stderr } = await run(SERVICE, ['snapshot', 'export', '--uri', uri, '--at', '2']);
    const snapshot = JSON.parse(stdout);
    assert.equal(snapshot.format, 'stake-suite-snapshot/1');
    assert.equal(snapshot.header.block_number, 2);
    const hash = (await api.rpc.chain.getBlockHash(2)).toHex();
    assert.equal(snapshot.header.block_hash, hash);
    const header = await api.rpc.chain.getHeader(hash);
    assert.equal(snapshot.header.state_root, header.stateRoot.toHex());
    assert.equal(snapshot.header.decimals, 12);
    assert.equal(snapshot.header.token_symbol, 'PHA');
    assert.match(stderr, new RegExp(`content hash ${snapshot.content_hash}`));

    const apiAt = await api.at(hash);
    let delegators = 0;
    for (const account of snapshot.accounts) {
      const positions = await apiAt.call.stakePoolApi.delegatorPositions(account.pk);
      assert.equal(account.stakes.length, positions.length, `${account.pk}: number of positions`);
      for (const position of positions) {
        const pid = position.pid.toNumber();
        const stake = account.stakes.find((s) => s.pid === pid);
        assert.ok(stake, `${account.pk}: no stake in pool ${pid}`);
        assert.equal(stake.amount, decimal(position.value.toBigInt()), `${account.pk} in pool ${pid}`);
        const summary = (await apiAt.call.stakePoolApi.poolSummary(pid)).unwrap();
        assert.equal(stake.owner, summary.owner.toString());
        assert.equal(stake.pool, summary.account.toString());
      }
      if (positions.length > 0) delegators += 1;
      const { data } = await apiAt.query.system.account(account.pk);
      assert.equal(account.balance, decimal(data.free.toBigInt() + data.reserved.toBigInt()));
    }
    // The dev genesis: Dave, Eve, Ferdie and the two stash accounts delegate.
    assert.equal(delegators, 5);
    // Ferdie's vesting (genesis: begin 0, length 2000 blocks, liquid 900000 of his 1000000
    // PHA): 100000 PHA locked, released at 100000 / 2000 = 50 PHA a block from block 0.
    const ferdie = snapshot.accounts.find((a) => a.pk === node.keyring.addFromUri('//Ferdie').address);
    assert.deepEqual(ferdie.timing, {
      initial_minimum_balance: '100000',
      cliff_time: '0',
      cliff_amount: '0',
      vesting_period: '1',
      vesting_increment: '50',
    });
  });

  it('filters one pool, and refuses a pool that does not exist', async () => {
    const { stdout } = await run(SERVICE, ['snapshot', 'export', '--uri', uri, '--pool', '2', '--format', 'csv']);
    const rows = stdout.trim().split('\n');
    assert.equal(rows[0], 'pk,balance,delegate,pid,pool,owner,stake,vesting_schedules');
    // Pool 2 is backed by Eve (3000), AliceStash (500) and BobStash (1000).
    const stakes = rows.slice(1).map((r) => r.split(',')).map((c) => [c[3], c[6]]);
    assert.deepEqual(stakes.map(([pid]) => pid), ['2', '2', '2']);
    assert.deepEqual(stakes.map(([, s]) => s).sort(), ['1000', '3000', '500']);
    await assert.rejects(
      run(SERVICE, ['snapshot', 'export', '--uri', uri, '--pool', '99']),
      (e) => e.code === 1 && /pool 99 does not exist/.test(e.stderr),
    );
  });
});
