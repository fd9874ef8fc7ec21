// End to end: a Mina payout paid from a plan. `staking-service payouts plan`, then `batch`
// (nonce and funds from the node), `service/signer/sign.mjs` (o1-labs' mina-signer), `send`,
// against the stand-in of the daemon's GraphQL API (service/signer/standin.mjs: the real daemon
// cannot run here), which checks each signature as the daemon does and records what it takes.
// The send is killed (SIGKILL) mid-batch and restarted: every payee is paid exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { batchHash, Client, startStandin } from '../../service/signer/standin.mjs';

const targetDir = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/stake-suite/target`;
const SERVICE = process.env.STAKING_SERVICE ?? `${targetDir}/debug/staking-service`;
const SIGN = fileURLToPath(new URL('../../service/signer/sign.mjs', import.meta.url));
const NANO = 10n ** 9n;
const FIRST_NONCE = 7;

const exec = promisify(execFile);
/** Run a command; its exit code, stdout and stderr (never throws on a failure exit). */
async function run(file, args, env = {}) {
  try {
    const { stdout, stderr } = await exec(file, args, { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const service = (...args) => run(SERVICE, args);

/** Nanomina from a plan's decimal MINA string. */
function nano(text) {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole) * NANO + BigInt(fraction.padEnd(9, '0'));
}

describe('paying a Mina payout plan through the daemon\'s GraphQL API (stand-in)', () => {
  const client = new Client({ network: 'testnet' });
  const pool = client.genKeys();
  const payees = Array.from({ length: 12 }, () => client.genKeys());
  const foundationMemo = createHash('md5').update(pool.publicKey).digest('hex');
  let dir;
  let plan;

  before(async () => {
    if (!existsSync(SERVICE)) throw new Error(`staking-service not found at ${SERVICE}: run ./scripts/test.sh`);
    dir = mkdtempSync(join(tmpdir(), 'payouts-e2e-'));
    // Twelve delegators (1,000 to 12,000 MINA) and the pool's own 500 MINA; payee 0 is in the
    // Foundation's program.
    const ledger = payees.map((k, i) => ({ pk: k.publicKey, balance: `${1000 * (i + 1)}`, delegate: pool.publicKey }));
    ledger.push({ pk: pool.publicKey, balance: '500', delegate: pool.publicKey });
    writeFileSync(join(dir, 'ledger.json'), JSON.stringify(ledger));
    writeFileSync(join(dir, 'blocks.json'), JSON.stringify({
      unit: 'MINA',
      blocks: [
        { height: 100, slot: 7200, state_hash: '3NKa', coinbase: '720', fees: '0.25' },
        { height: 130, slot: 7260, state_hash: '3NKb', coinbase: '720', fees: '0.1' },
      ],
    }));
    writeFileSync(join(dir, 'foundation.csv'), `${payees[0].publicKey}\n`);
    const planned = await service(
      'payouts', 'plan', '--ledger', join(dir, 'ledger.json'), '--delegate', pool.publicKey,
      '--blocks', join(dir, 'blocks.json'), '--commission', '5%',
      '--share-class', `foundation:8%:${join(dir, 'foundation.csv')}`,
      '--out', join(dir, 'plan.json'), '--csv', join(dir, 'plan.csv'), '--carry-out', join(dir, 'carry.json'),
    );
    assert.equal(planned.code, 0, planned.stderr);
    plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).plan;
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /**
   * A directory of its own for a scenario, with a copy of the plan: the plan's journal lives
   * beside the plan file, so each scenario pays "its" plan from scratch.
   */
  function newScenario(name) {
    const scenario = join(dir, name);
    mkdirSync(scenario);
    copyFileSync(join(dir, 'plan.json'), join(scenario, 'plan.json'));
    return scenario;
  }

  /** The batch hash `payouts batch` printed. */
  const printedHash = (stdout) => stdout.match(/batch hash +(0x[0-9a-f]{64})/)[1];

  /** Batch the plan into `scenario`'s directory (where the plan's journal lives) and sign it. */
  async function batchAndSign(scenario, standin, name = 'batch', extra = []) {
    const batch = join(scenario, `${name}.json`);
    const signed = join(scenario, `${name}.signed.json`);
    const made = await service(
      'payouts', 'batch', '--plan', join(scenario, 'plan.json'), '--from', pool.publicKey, '--fee', '0.01',
      '--memo', 'pool payout epoch 1', '--class-memo', `foundation=${foundationMemo}`,
      '--network', 'testnet', '--graphql', standin.url, '--out', batch, ...extra,
    );
    assert.equal(made.code, 0, made.stderr);
    const sign = await run('node', [SIGN, '--batch', batch, '--expect-hash', printedHash(made.stdout), '--out', signed],
      { MINA_PRIVATE_KEY: pool.privateKey });
    assert.equal(sign.code, 0, sign.stderr);
    return { batch, signed, made };
  }

  /** A stand-in whose sender holds `balance` at FIRST_NONCE, a directory of its own, a signed batch. */
  async function prepared(name, balance = 10_000n * NANO) {
    const standin = await startStandin({ network: 'testnet', accounts: { [pool.publicKey]: { balance, nonce: FIRST_NONCE } } });
    const scenario = newScenario(name);
    return { standin, scenario, ...(await batchAndSign(scenario, standin)) };
  }

  /** The plan's journal in `scenario`, as JSON events. */
  function journalOf(scenario) {
    const name = readdirSync(scenario).find((f) => f.endsWith('.journal'));
    return readFileSync(join(scenario, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  }

  /** Every payee paid exactly once, its plan payout, at consecutive nonces, with its memo. */
  function assertPaidOnce(standin) {
    const accepted = standin.accepted();
    const expected = plan.lines.filter((l) => nano(l.payout) > 0n && l.pk !== pool.publicKey);
    assert.equal(expected.length, 12);
    assert.equal(accepted.length, expected.length, 'one payment per payee');
    for (const line of expected) {
      const paid = accepted.filter((p) => p.to === line.pk);
      assert.equal(paid.length, 1, `${line.pk} paid once`);
      assert.equal(BigInt(paid[0].amount), nano(line.payout), `${line.pk}'s amount`);
      assert.equal(paid[0].fee, String(10_000_000n));
      assert.equal(paid[0].memo, line.pk === payees[0].publicKey ? foundationMemo : 'pool payout epoch 1');
    }
    assert.deepEqual(accepted.map((p) => Number(p.nonce)), expected.map((_, i) => FIRST_NONCE + i));
  }

  it('plans the payees as worked out by hand, and batches them with the funds needed', async () => {
    // S = 78,500 MINA (1,000 + ... + 12,000 + 500); the blocks pay 1,440.35 MINA. Payee 11
    // (12,000 MINA, 5%): floor(1,440.35e9 * 12,000 / 78,500) = 220,180,891,719 gross, less
    // floor(gross / 20) = 11,009,044,585: 209,171,847,134 nanomina.
    const line = plan.lines.find((l) => l.pk === payees[11].publicKey);
    assert.equal(line.payout, '209.171847134');
    // Payee 0 (1,000 MINA) in the Foundation's class at 8%: floor(1,440.35e9 / 78.5) =
    // 18,348,407,643, less floor(gross * 0.08) = 1,467,872,611: 16,880,535,032.
    assert.equal(plan.lines.find((l) => l.pk === payees[0].publicKey).payout, '16.880535032');
    const standin = await startStandin({ network: 'testnet', accounts: { [pool.publicKey]: { balance: 1000n * NANO, nonce: 3 } } });
    const scenario = newScenario('checks');
    try {
      const dry = await service(
        'payouts', 'batch', '--plan', join(scenario, 'plan.json'), '--from', pool.publicKey, '--fee', '0.01',
        '--network', 'testnet', '--graphql', standin.url, '--dry-run',
      );
      assert.equal(dry.code, 0, dry.stderr);
      const paid = plan.lines.filter((l) => l.pk !== pool.publicKey).reduce((s, l) => s + nano(l.payout), 0n);
      const needed = paid + 12n * 10_000_000n;
      const mina = (n) => `${n / NANO}.${String(n % NANO).padStart(9, '0')}`.replace(/\.?0+$/, '');
      assert.match(dry.stdout, new RegExp(`payments +12 \\(nonces 3-14\\)`));
      assert.match(dry.stdout, new RegExp(`funds needed +${mina(needed).replace('.', '\\.')} MINA`));
      assert.match(dry.stdout, new RegExp(`short by +${mina(needed - 1000n * NANO).replace('.', '\\.')} MINA`));
      assert.match(dry.stdout, /the sender's own payout is not sent/);
      // Without --dry-run the shortfall is refused and nothing is written.
      const refused = await service(
        'payouts', 'batch', '--plan', join(scenario, 'plan.json'), '--from', pool.publicKey, '--fee', '0.01',
        '--network', 'testnet', '--graphql', standin.url, '--out', join(scenario, 'short.json'),
      );
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /MINA short\): no batch written/);
      assert.equal(existsSync(join(scenario, 'short.json')), false);
      // A memo too long for Mina, a fee below its minimum.
      const long = await service('payouts', 'batch', '--plan', join(scenario, 'plan.json'), '--from', pool.publicKey,
        '--fee', '0.01', '--nonce', '0', '--memo', 'x'.repeat(33), '--out', join(scenario, 'x.json'));
      assert.match(long.stderr, /is 33 bytes: a Mina memo holds at most 32/);
      const cheap = await service('payouts', 'batch', '--plan', join(scenario, 'plan.json'), '--from', pool.publicKey,
        '--fee', '0.0001', '--nonce', '0', '--out', join(scenario, 'x.json'));
      assert.match(cheap.stderr, /below the 0.001 MINA a node accepts/);
      assert.equal(standin.requests.length, 0, 'nothing sent');
    } finally {
      await standin.close();
    }
  });

  for (const accept of [true, false]) {
    it(`killed mid-batch ${accept ? 'after the node took a payment' : 'before the node took it'}, restarted: every payee paid once`, async () => {
      const { standin, signed } = await prepared(accept ? 'after' : 'before');
      try {
        // The fifth payment: the node takes it (or not) and never answers; the sender is killed.
        const hung = standin.hangOn(FIRST_NONCE + 4, { accept });
        const child = spawn(SERVICE, ['payouts', 'send', '--signed', signed, '--graphql', standin.url], { stdio: 'ignore' });
        const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
        await hung;
        child.kill('SIGKILL');
        assert.equal((await exited).signal, 'SIGKILL');
        assert.equal(standin.accepted().length, accept ? 5 : 4);
        const last = journalOf(dirname(signed)).at(-1);
        assert.deepEqual([last.nonce, last.event], [FIRST_NONCE + 4, 'sending']);

        const again = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, accept
          ? /done: 7 sent now, 1 found delivered, 4 sent before, 0 lost/
          : /done: 8 sent now, 0 found delivered, 4 sent before, 0 lost/);
        assertPaidOnce(standin);
        // A third run sends nothing.
        const third = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url);
        assert.equal(third.code, 0, third.stderr);
        assert.match(third.stdout, /done: 0 sent now, 0 found delivered, 12 sent before, 0 lost/);
        assertPaidOnce(standin);
        // In the pool, not yet in a block: confirm says so and fails; after a block it passes.
        const waiting = await service('payouts', 'confirm', '--signed', signed, '--graphql', standin.url);
        assert.notEqual(waiting.code, 0);
        assert.match(waiting.stdout, /waiting in the node's pool/);
        standin.include();
        const shallow = await service('payouts', 'confirm', '--signed', signed, '--graphql', standin.url);
        assert.notEqual(shallow.code, 0);
        assert.match(shallow.stdout, /in block 1000, 0 blocks deep \(confirmed at 15\)/);
        standin.mine(15);
        const confirmed = await service('payouts', 'confirm', '--signed', signed, '--graphql', standin.url);
        assert.equal(confirmed.code, 0, confirmed.stderr + confirmed.stdout);
        assert.match(confirmed.stdout, /included at height 1000/);
        assert.match(confirmed.stdout, /confirmed: every payment of batch .* at least 15 deep/);
        // A new batch of the plan pays nobody: the journal shows everyone paid.
        const again2 = await service('payouts', 'batch', '--plan', join(dirname(signed), 'plan.json'), '--from', pool.publicKey,
          '--fee', '0.01', '--network', 'testnet', '--graphql', standin.url, '--out', join(dirname(signed), 'again.json'));
        assert.notEqual(again2.code, 0);
        assert.match(again2.stderr, /every payee of the plan is paid already \(12 delegators\)/);
      } finally {
        await standin.close();
      }
    });
  }

  it('pays redirected, split and excluded payouts where the redirection file says', async () => {
    const program = client.genKeys();
    const other = client.genKeys();
    // Payee 1's payout goes to the program's address, payee 2 is not paid, payee 3 keeps 40%
    // (rounded up) and the rest goes to `other`; a rule for a key of another pool is ignored.
    writeFileSync(join(dir, 'pay-to.txt'), [
      '# program substitutions',
      `${payees[1].publicKey}|${program.publicKey}`,
      `${payees[2].publicKey}|EXCLUDE`,
      `${payees[3].publicKey}|SPLIT|${other.publicKey}|40%`,
      `${client.genKeys().publicKey}|${program.publicKey}`,
    ].join('\n'));
    const standin = await startStandin({ network: 'testnet', accounts: { [pool.publicKey]: { balance: 10_000n * NANO, nonce: 0 } } });
    try {
      const scenario = newScenario('redirect');
      const batch = join(scenario, 'batch.json');
      const signed = join(scenario, 'batch.signed.json');
      const made = await service('payouts', 'batch', '--plan', join(scenario, 'plan.json'), '--from', pool.publicKey,
        '--fee', '0.01', '--memo', 'epoch 1', '--network', 'testnet', '--graphql', standin.url,
        '--pay-to', join(dir, 'pay-to.txt'), '--out', batch);
      assert.equal(made.code, 0, made.stderr);
      const payout = (i) => nano(plan.lines.find((l) => l.pk === payees[i].publicKey).payout);
      assert.match(made.stdout, /payments +12 \(nonces 0-11\)/);
      assert.match(made.stdout, /2 of them to another key than the delegator's/);
      const excludedMina = `${payout(2) / NANO}.${String(payout(2) % NANO).padStart(9, '0')}`.replace(/\.?0+$/, '');
      assert.match(made.stdout, new RegExp(`excluded +1 payouts, ${excludedMina.replace('.', '\\.')} MINA not paid`));
      const sign = await run('node', [SIGN, '--batch', batch, '--expect-hash', printedHash(made.stdout), '--out', signed],
        { MINA_PRIVATE_KEY: pool.privateKey });
      assert.equal(sign.code, 0, sign.stderr);
      const sent = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url);
      assert.equal(sent.code, 0, sent.stderr);
      const paid = (pk) => standin.accepted().filter((p) => p.to === pk).map((p) => BigInt(p.amount));
      assert.deepEqual(paid(program.publicKey), [payout(1)]);
      assert.deepEqual(paid(payees[1].publicKey), []);
      assert.deepEqual(paid(payees[2].publicKey), []);
      const kept = (payout(3) * 4n + 9n) / 10n;
      assert.deepEqual(paid(payees[3].publicKey), [kept]);
      assert.deepEqual(paid(other.publicKey), [payout(3) - kept]);
      assert.deepEqual(paid(payees[5].publicKey), [payout(5)]);
      assert.equal(standin.accepted().length, 12);
      // A redirection to a key with a typo is refused before anything is written.
      const typo = program.publicKey.slice(0, -1) + (program.publicKey.endsWith('a') ? 'b' : 'a');
      writeFileSync(join(dir, 'typo.txt'), `${payees[1].publicKey}|${typo}\n`);
      const refused = await service('payouts', 'batch', '--plan', join(scenario, 'plan.json'), '--from', pool.publicKey,
        '--fee', '0.01', '--nonce', '12', '--pay-to', join(dir, 'typo.txt'), '--out', join(scenario, 'typo.json'));
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /--pay-to, the rule for .*(checksum does not match|not a Mina public key)/);
      assert.equal(existsSync(join(scenario, 'typo.json')), false);
    } finally {
      await standin.close();
    }
  });

  it('a nonce taken by another transaction after a kill: the payee is found unpaid and paid by a new batch, once', async () => {
    const { standin, scenario, signed } = await prepared('stolen');
    try {
      // Killed before the node took nonce FIRST_NONCE + 2; then another wallet uses that nonce.
      const hung = standin.hangOn(FIRST_NONCE + 2, { accept: false });
      const child = spawn(SERVICE, ['payouts', 'send', '--signed', signed, '--graphql', standin.url], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      await hung;
      child.kill('SIGKILL');
      await exited;
      standin.include();
      standin.useNonce(pool.publicKey);
      const stuck = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url);
      assert.notEqual(stuck.code, 0);
      assert.match(stuck.stderr, /its nonce is used, but neither the node's pool nor its last 290 blocks hold this payment/);
      assert.match(stuck.stderr, new RegExp(`--unpaid ${FIRST_NONCE + 2}`));
      // Checked in an explorer: not there. Not while the other transaction's block is fresh (a
      // fork could undo it); 15 blocks later the rest of the batch goes out.
      const early = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url, '--unpaid', String(FIRST_NONCE + 2));
      assert.notEqual(early.code, 0);
      assert.match(early.stderr, /is in a block only 0 deep: wait until it is 15 deep/);
      standin.mine(15);
      const rest = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url, '--unpaid', String(FIRST_NONCE + 2));
      assert.equal(rest.code, 0, rest.stderr);
      assert.match(rest.stdout, /done: 9 sent now, 0 found delivered, 2 sent before, 1 lost/);
      // A new batch of the plan holds that payee alone, at the next nonce, even written to
      // another directory: the plan's journal sits beside the plan.
      mkdirSync(join(scenario, 'elsewhere'));
      const { signed: second, made } = await batchAndSign(scenario, standin, 'elsewhere/second');
      assert.equal(JSON.parse(readFileSync(second, 'utf8')).batch.journal, join(scenario, readdirSync(scenario).find((f) => f.endsWith('.journal'))));
      assert.match(made.stdout, /payments +1 \(nonces 19-19\)/);
      assert.match(made.stdout, /11 delegators left out, paid by earlier batches, 0 paid in part/);
      const last = await service('payouts', 'send', '--signed', second, '--graphql', standin.url);
      assert.equal(last.code, 0, last.stderr);
      // Every payee once, the lost nonce aside.
      const accepted = standin.accepted();
      const expected = plan.lines.filter((l) => nano(l.payout) > 0n && l.pk !== pool.publicKey);
      for (const line of expected) {
        assert.deepEqual(accepted.filter((p) => p.to === line.pk).map((p) => BigInt(p.amount)), [nano(line.payout)], line.pk);
      }
      assert.equal(accepted.length, 12);
    } finally {
      await standin.close();
    }
  });

  it('a node that lost its pool gets the same payments again with resend, still once each', async () => {
    const { standin, signed } = await prepared('lost');
    try {
      const sent = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url);
      assert.equal(sent.code, 0, sent.stderr);
      standin.losePool(pool.publicKey);
      const blocked = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url);
      assert.notEqual(blocked.code, 0);
      assert.match(blocked.stderr, new RegExp(`payouts resend --nonces ${FIRST_NONCE}-${FIRST_NONCE + 11}`));
      const resent = await service('payouts', 'resend', '--signed', signed, '--graphql', standin.url,
        '--nonces', `${FIRST_NONCE}-${FIRST_NONCE + 11}`);
      assert.equal(resent.code, 0, resent.stderr);
      assert.match(resent.stdout, /done: 12 payments accepted again/);
      assertPaidOnce(standin);
      // Resending what the node holds is refused by it, and changes nothing.
      const twice = await service('payouts', 'resend', '--signed', signed, '--graphql', standin.url, '--nonces', `${FIRST_NONCE}`);
      assert.equal(twice.code, 0, twice.stderr);
      assert.match(twice.stdout, /nonce 7: the node has it already \(Duplicate/);
      standin.include();
      assertPaidOnce(standin);
    } finally {
      await standin.close();
    }
  });

  it('refuses a nonce taken by another transaction, an edited batch and a wrong key, sending nothing', async () => {
    const { standin, scenario, batch, signed, made } = await prepared('refused');
    try {
      standin.useNonce(pool.publicKey);
      const taken = await service('payouts', 'send', '--signed', signed, '--graphql', standin.url);
      assert.notEqual(taken.code, 0);
      assert.match(taken.stderr, new RegExp(`nonce ${FIRST_NONCE} is already used by another transaction`));
      // An amount raised after signing.
      const edited = JSON.parse(readFileSync(signed, 'utf8'));
      edited.batch.payments[0].amount = String(BigInt(edited.batch.payments[0].amount) + 1n);
      writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
      const changed = await service('payouts', 'send', '--signed', join(dir, 'edited.json'), '--graphql', standin.url);
      assert.notEqual(changed.code, 0);
      assert.match(changed.stderr, /the batch was changed after it was made/);
      // Signed with another key than the sender's.
      const other = client.genKeys();
      const hash = printedHash(made.stdout);
      const wrong = await run('node', [SIGN, '--batch', batch, '--expect-hash', hash, '--out', join(scenario, 'wrong.json')],
        { MINA_PRIVATE_KEY: other.privateKey });
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, new RegExp(`the key is ${other.publicKey}'s, the batch is sent from ${pool.publicKey}`));
      // A batch edited after review (a payee swapped), even with its recorded hash redone, is
      // not signed: it is not the batch whose hash the operator gives.
      const file = JSON.parse(readFileSync(batch, 'utf8'));
      file.batch.payments[0].to = other.publicKey;
      writeFileSync(join(scenario, 'swapped.json'), JSON.stringify(file));
      const swapped = await run('node', [SIGN, '--batch', join(scenario, 'swapped.json'), '--expect-hash', hash,
        '--out', join(scenario, 'swapped.signed.json')], { MINA_PRIVATE_KEY: pool.privateKey });
      assert.notEqual(swapped.code, 0);
      assert.match(swapped.stderr, /it was edited/);
      // The same with the hash in the file redone: not the batch the operator reviewed.
      file.batch_hash = batchHash(file.batch);
      assert.notEqual(file.batch_hash, hash);
      writeFileSync(join(scenario, 'swapped.json'), JSON.stringify(file));
      const redone = await run('node', [SIGN, '--batch', join(scenario, 'swapped.json'), '--expect-hash', hash,
        '--out', join(scenario, 'swapped.signed.json')], { MINA_PRIVATE_KEY: pool.privateKey });
      assert.notEqual(redone.code, 0);
      assert.match(redone.stderr, new RegExp(`is batch ${file.batch_hash}, not the ${hash} you expect: not signed`));
      // The hash sign.mjs computes is the one staking-service recorded for the real batch.
      const real = JSON.parse(readFileSync(batch, 'utf8'));
      assert.equal(batchHash(real.batch), hash);
      // And an existing signed batch is never overwritten.
      const over = await run('node', [SIGN, '--batch', batch, '--expect-hash', hash, '--out', signed], { MINA_PRIVATE_KEY: pool.privateKey });
      assert.notEqual(over.code, 0);
      assert.match(over.stderr, /exists: a signed batch is never overwritten/);
      assert.equal(existsSync(join(scenario, 'swapped.signed.json')), false);
      assert.equal(standin.requests.length, 0, 'nothing sent');
    } finally {
      await standin.close();
    }
  });
});
