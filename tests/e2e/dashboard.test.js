// The dashboard (ui/) in a real headless browser (Debian's chromium, driven over CDP by
// puppeteer-core) against pool-node --dev. The wallet is injected into the page as a browser
// extension injects itself (`window.injectedWeb3['polkadot-js']`), so the dashboard's real signing
// path runs: polkadot-api builds the payload, the "extension" signs it (here with the dev keys, in
// this process), polkadot-api submits and follows it.
//
// Expected figures are worked out by hand from the dev genesis (runtime-common/src/demo.rs):
// 1 PHA per block shared by mining power 400 + 900 (pool 0, Alice's, 10% commission), 1600
// (pool 1) and 400 (pool 2): 3300 in all. Pool 0 holds Dave 4000 + Eve 2000 + AliceStash 1000 =
// 7000 PHA, 5000 of it staked by its two workers: 2000 PHA free. One block every 3 s
// (`StakePool.BlockTimeMillis`), 28,800 a day: grace period and cool-down 7 days (201,600 blocks
// each), commission increases after 15 days (432,000 blocks).
//
// DASHBOARD_SCREENSHOTS=<dir> also saves a screenshot of each page there (docs/dashboard.md).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { createBlock, startNode, UNIT } from './harness.js';
import { serve } from '../../ui/scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.DASHBOARD_SCREENSHOTS;
const WEEK = 7 * 28_800;
const COMMISSION_DELAY = 15 * 28_800;

describe('the dashboard in headless chromium against pool-node --dev', () => {
  let node;
  let api;
  let web;
  let browser;
  let page;
  let ticker;
  let paused = false;
  let dave;
  const consoleErrors = [];

  /** Seal a block every 700 ms (transactions from the page land in the next one). */
  function startTicker() {
    ticker = setInterval(() => {
      if (!paused) createBlock(api).catch(() => {});
    }, 700);
  }

  async function shot(name, fullPage = true) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  }

  /**
   * Wait until `fn(arg)` is truthy in the page; returns its value. A timeout says what the page
   * showed and what it logged, so that a failure in CI can be read without a rerun.
   */
  async function until(fn, arg, timeout = 30_000) {
    try {
      const handle = await page.waitForFunction(fn, { timeout, polling: 100 }, arg);
      return handle.jsonValue();
    } catch (error) {
      const shown = await page.evaluate(() => document.querySelector('main')?.innerText ?? document.body?.innerText)
        .catch((e) => `(the page could not be read: ${e})`);
      error.message += `\nthe page showed:\n${String(shown).slice(0, 4000)}\nconsole errors: ${JSON.stringify(consoleErrors.slice(-10))}`;
      throw error;
    }
  }

  /** The newest transaction's final state: `{ stage, block, error, cause, label }`. */
  async function finalTx(label) {
    return until((want) => {
      const el = [...document.querySelectorAll('[data-testid=tx]')].find((e) => e.textContent.includes(want));
      if (!el || !['finalized', 'failed'].includes(el.dataset.stage)) return null;
      if (el.dataset.stage === 'failed' && !el.dataset.block && !el.querySelector('[data-testid=tx-error]')) return null;
      return {
        stage: el.dataset.stage,
        block: el.dataset.block ? Number(el.dataset.block) : undefined,
        error: el.querySelector('[data-testid=tx-error]')?.textContent,
        cause: el.querySelector('[data-testid=tx-cause]')?.textContent,
      };
    }, label, 60_000);
  }

  async function click(selector) {
    await page.waitForSelector(selector, { timeout: 30_000 });
    await page.click(selector);
  }

  /**
   * Replace the field's text with `text` as a person would: the field is emptied with an input
   * event (so the page's state is emptied too: a value set behind the page's back came back with
   * the next render, and "100" typed after it read "0.5100"), then typed into; until the field
   * holds exactly `text`.
   */
  async function typeInto(selector, text) {
    await page.waitForSelector(selector);
    for (let attempt = 1; ; attempt += 1) {
      await page.$eval(selector, (el) => {
        el.value = '';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.type(selector, text);
      const value = await page.$eval(selector, (el) => el.value);
      if (value === text) return;
      if (attempt === 3) throw new Error(`${selector} holds "${value}" after typing "${text}" three times`);
    }
  }

  async function chooseAccount(name) {
    const value = await until((n) => {
      const option = [...document.querySelectorAll('[data-testid=account] option')].find((o) => o.textContent.startsWith(`${n} (polkadot{.js})`));
      return option?.value;
    }, name);
    await page.select('[data-testid=account]', value);
  }

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: ./scripts/test.sh installs Debian's chromium`);
    node = await startNode();
    api = node.api;
    web = await serve(0);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));

    // The test wallet: Dave (a delegator of the demo) and Alice (owner of pool 0).
    const pairs = ['Dave', 'Alice'].map((name) => node.keyring.addFromUri(`//${name}`, { name: `Test ${name}` }));
    const byKey = new Map(pairs.map((pair) => [Buffer.from(pair.publicKey).toString('hex'), pair]));
    let signed = 0;
    await page.exposeFunction('__testWalletSign', (payload) => {
      const pair = byKey.get(Buffer.from(node.keyring.decodeAddress(payload.address)).toString('hex'));
      if (!pair) throw new Error(`the test wallet has no key for ${payload.address}`);
      api.registry.setSignedExtensions(payload.signedExtensions);
      const extrinsicPayload = api.registry.createType('ExtrinsicPayload', payload, { version: payload.version });
      signed += 1;
      return { id: signed, signature: extrinsicPayload.sign(pair).signature };
    });
    const injected = pairs.map((pair) => ({ address: pair.address, name: pair.meta.name, type: 'sr25519' }));
    await page.evaluateOnNewDocument((accounts) => {
      window.injectedWeb3 = {
        'polkadot-js': {
          version: '0.0.0-test',
          enable: async () => ({
            accounts: {
              get: async () => accounts,
              subscribe: (cb) => { setTimeout(() => cb(accounts), 0); return () => {}; },
            },
            signer: {
              signPayload: (payload) => window.__testWalletSign(payload),
              signRaw: async () => { throw new Error('the test wallet signs payloads only'); },
            },
          }),
        },
      };
    }, injected);
    startTicker();
  });

  after(async () => {
    clearInterval(ticker);
    await browser?.close().catch(() => {});
    web?.server.close();
    await node?.stop();
  });

  it('lists the pools with the chain\'s figures and the APR estimate worked out by hand', async () => {
    await page.goto(`${web.url}?rpc=${encodeURIComponent(node.url)}#/`);
    await page.waitForSelector('[data-testid=pools] tr[data-pid="2"]', { timeout: 60_000 });
    const row = await page.$eval('tr[data-pid="0"]', (tr) => ({
      commission: tr.querySelector('[data-testid=commission]').textContent,
      apr: tr.querySelector('[data-testid=apr]').textContent,
      text: tr.textContent,
    }));
    assert.equal(row.commission, '10%');
    // 1 PHA * 1300 / 3300 * (1 - 10%) * 10,519,200 blocks a year (365.25 days of 28,800) / 7000 PHA
    // = 12,307,464,000 / 23,100,000 = 532.7906... = 53279.06%.
    assert.equal(row.apr, '53279.06%');
    assert.match(row.text, /7,000 PHA/);
    assert.match(row.text, /2,000 PHA/, 'free delegation');
    assert.match(row.text, /5,000 PHA/, 'staked');
    // The chain says it is a development chain: the dev accounts are offered beside the wallet.
    const options = await page.$$eval('[data-testid=account] option', (os) => os.map((o) => o.textContent));
    assert.ok(options.some((o) => o.startsWith('Alice (dev account)')), options.join(' | '));
    await shot('pools');
    // A phone: the table becomes one card per pool, and nothing is wider than the screen.
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    await page.waitForSelector('[data-testid=pools] tr[data-pid="2"]', { timeout: 60_000 });
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
    assert.ok(widths.page <= widths.screen, `the page is ${widths.page} px wide on a ${widths.screen} px screen`);
    await shot('pools-phone', false);
    await page.setViewport({ width: 1280, height: 900 });
    await page.waitForSelector('[data-testid=pools] tr[data-pid="2"]', { timeout: 60_000 });
  });

  it('a delegator delegates through the extension, and sees the position and its rewards grow', async () => {
    await click('[data-testid=connect-polkadot-js]');
    await chooseAccount('Test Dave');
    await page.goto(`${web.url}?rpc=${encodeURIComponent(node.url)}#/pool/0`);
    // Amounts are read exactly, never guessed: more decimals than the token has (12), or text.
    await typeInto('[data-testid=delegate-amount]', '1.0000000000001');
    assert.match(await until(() => document.querySelector('[data-testid=delegate-problems]')?.textContent), /at most 12 decimal places/);
    await typeInto('[data-testid=delegate-amount]', '1e3');
    assert.match(await until(() => document.querySelector('[data-testid=delegate-problems]')?.textContent), /"1e3" is not an amount/);
    // The chain's checks before signing: below the minimum (1 PHA) is refused here.
    await typeInto('[data-testid=delegate-amount]', '0.5');
    const problems = await until(() => document.querySelector('[data-testid=delegate-problems]')?.textContent);
    assert.match(problems, /DelegationTooSmall/);
    assert.equal(await page.$eval('[data-testid=delegate]', (b) => b.disabled), true);

    // A node that does not answer the fee estimate (here: stopped with SIGSTOP for 17 s) is shown
    // as such after 15 s, the button stays off, and the estimate is asked again: once the node
    // answers, the fee is shown and the button comes on. (A CI run under load once left the
    // button off for good: the estimate's failure was swallowed and never retried.)
    paused = true;
    node.child.kill('SIGSTOP');
    let frozenFor;
    try {
      const frozen = Date.now();
      await typeInto('[data-testid=delegate-amount]', '100');
      const failed = await until(() => document.querySelector('[data-testid=fee-failed]')?.textContent);
      assert.match(failed, /the fee could not be estimated \(no answer from the node in 15 s\); asking again/);
      assert.equal(await page.$eval('[data-testid=delegate]', (b) => b.disabled), true);
      frozenFor = Date.now() - frozen;
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      node.child.kill('SIGCONT');
      paused = false;
    }
    assert.ok(frozenFor >= 15_000, `the failure was shown after ${frozenFor} ms, before the 15 s patience`);
    // The button waits for the runtime's fee estimate of this very call.
    await until(() => !document.querySelector('[data-testid=delegate-problems]') && !document.querySelector('[data-testid=delegate]').disabled, undefined, 60_000);
    assert.equal(await page.$('[data-testid=fee-failed]'), null);
    const fee = await page.$eval('[data-testid=fee] .amount', (el) => BigInt(el.dataset.planck).toString());
    assert.ok(BigInt(fee) > 0n, 'a fee is shown before signing');
    await shot('pool');
    await click('[data-testid=delegate]');
    const tx = await finalTx('Delegate 100 PHA to #0');
    assert.equal(tx.stage, 'finalized', JSON.stringify(tx));
    // On chain: Dave's delegation to pool 0 holds 4000 + 100 PHA.
    dave = node.keyring.addFromUri('//Dave');
    const delegation = (await api.query.stakePool.delegations(0, dave.address)).unwrap();
    assert.equal(delegation.held.toBigInt(), 4100n * UNIT);

    await click('[data-testid=nav-positions]');
    await page.waitForSelector('[data-testid=position-0]');
    await until(() => document.querySelector('[data-testid=position-0] [data-testid=value]')?.textContent === '4,100 PHA');

    // Rewards grow block by block: pool 0's 1300/3300 of 1 PHA, less 10%, shared by 7100 shares
    // (1 PHA per share), Dave holding 4100 of them.
    const readAt = async () => {
      const number = (await api.rpc.chain.getHeader()).number.toNumber();
      const planck = await until((n) => {
        const section = document.querySelector('[data-testid=positions]');
        if (!section || Number(section.dataset.at) !== n) return null;
        return section.querySelector('[data-testid=position-0] [data-testid=pending] .amount')?.dataset.planck;
      }, number);
      return { number, pending: BigInt(planck) };
    };
    let first;
    let second;
    paused = true;
    try {
      await new Promise((r) => setTimeout(r, 800));
      first = await readAt();
      for (let i = 0; i < 5; i += 1) await createBlock(api);
      second = await readAt();
    } finally {
      paused = false;
    }
    const blocks = BigInt(second.number - first.number);
    assert.equal(blocks, 5n);
    const expected = (blocks * UNIT * 1300n * 9n * 4100n) / (3300n * 10n * 7100n);
    const grown = second.pending - first.pending;
    const diff = grown > expected ? grown - expected : expected - grown;
    assert.ok(diff <= 10n, `pending rewards grew ${grown} planck over ${blocks} blocks, expected ${expected}`);
  });

  it('withdrawing more than the free delegation shows the part paid at once, the queued part and its pay-out block', async () => {
    // Pool 0's free delegation: 2000 + 100 PHA. Dave asks for 3000.
    await typeInto('[data-testid=position-0] [data-testid=withdraw-amount]', '3000');
    const preview = await until(() => {
      const now = document.querySelector('[data-testid=preview-now]');
      const queued = document.querySelector('[data-testid=preview-queued]');
      return now && queued ? { now: now.textContent, queued: queued.textContent } : null;
    });
    assert.deepEqual(preview, { now: '2,100 PHA', queued: '900 PHA' });
    await click('[data-testid=position-0] [data-testid=withdraw]');
    const tx = await finalTx('Withdraw 3000 PHA from #0');
    assert.equal(tx.stage, 'finalized', JSON.stringify(tx));
    // The queued request: 900 PHA, guaranteed by the block it was asked in + grace + cool-down.
    const queued = await until(() => {
      const li = document.querySelector('[data-testid=position-0] [data-testid=queued] li');
      return li ? { text: li.textContent, block: Number(li.querySelector('[data-block]').dataset.block) } : null;
    });
    assert.match(queued.text, /900 PHA to come/);
    assert.equal(queued.block, tx.block + 2 * WEEK);
    assert.match(queued.text, /in 13d 23h|in 14d 0h/);
    await shot('positions');

    // "everything" from pool 1 (Dave's 1000 PHA, with 1000 PHA free and nobody queued): the
    // whole position, all paid at once (`withdraw(1, u128::MAX)`), and the position is gone.
    await click('[data-testid=position-1] [data-testid=withdraw-everything]');
    const whole = await until(() => document.querySelector('[data-testid=position-1] [data-testid=withdraw-preview]')?.textContent);
    assert.match(whole, /^The whole position\. Paid at once: 1,000 PHA; queued: 0 PHA/);
    await click('[data-testid=position-1] [data-testid=withdraw]');
    const all = await finalTx('Withdraw everything from #1');
    assert.equal(all.stage, 'finalized', JSON.stringify(all));
    await until(() => !document.querySelector('[data-testid=position-1]') && document.querySelector('[data-testid=position-0]'));
    assert.equal((await api.query.stakePool.delegations(1, dave.address)).isNone, true);

    // The pool's queue, with Dave's request highlighted.
    await page.goto(`${web.url}?rpc=${encodeURIComponent(node.url)}#/pool/0`);
    const mine = await until(() => [...document.querySelectorAll('[data-testid=queue] tr[data-mine=yes]')].length);
    assert.equal(mine, 1);
    await shot('pool-queue');
  });

  it('an owner raises the commission and sees it pending until the delay is over', async () => {
    await chooseAccount('Test Alice');
    await click('[data-testid=nav-owner]');
    await typeInto('[data-testid=owned-0] [data-testid=commission-input]', '15');
    const hint = await until(() => document.querySelector('[data-testid=owned-0] .field .hint')?.textContent);
    assert.match(hint, /432,000 blocks after it is set/);
    await click('[data-testid=owned-0] [data-testid=set-commission]');
    const tx = await finalTx('Set commission of #0 to 15%');
    assert.equal(tx.stage, 'finalized', JSON.stringify(tx));
    const pending = await until(() => {
      const el = document.querySelector('[data-testid=owned-0] [data-testid=owner-pending]');
      return el ? { text: el.textContent, block: Number(el.querySelector('[data-block]').dataset.block) } : null;
    });
    assert.match(pending.text, /→ 15%/);
    assert.equal(pending.block, tx.block + COMMISSION_DELAY);
    assert.equal(await page.$eval('[data-testid=owned-0] [data-testid=owner-commission]', (el) => el.firstChild.textContent), '10%');
    await shot('owner');
    // And the pool list shows it to delegators.
    await page.goto(`${web.url}?rpc=${encodeURIComponent(node.url)}#/`);
    const listed = await until(() => document.querySelector('tr[data-pid="0"] [data-testid=pending-commission]')?.textContent);
    assert.match(listed, /→ 15%/);
  });

  it('a failing call shows its dispatch error with the documented cause', async () => {
    await click('[data-testid=nav-owner]');
    // Ferdie's account is no registered worker: the chain refuses it, the dashboard does not
    // guess.
    const ferdie = node.keyring.addFromUri('//Ferdie').address;
    await typeInto('[data-testid=owned-0] [data-testid=add-worker-input]', ferdie);
    await click('[data-testid=owned-0] [data-testid=add-worker]');
    const tx = await finalTx('Add worker to #0');
    assert.equal(tx.stage, 'failed');
    assert.equal(tx.error, 'StakePool.WorkerNotRegistered');
    // The cause is the error's documentation in the runtime's metadata.
    const docs = api.errors.stakePool.WorkerNotRegistered.meta.docs.map((line) => line.toString().trim());
    assert.equal(tx.cause, docs.join(' ').trim());
    await shot('failed-call', false);
  });

  it('shows the election panel', async () => {
    await click('[data-testid=nav-election]');
    const phase = await until(() => document.querySelector('[data-testid=phase]')?.textContent);
    const round = await api.call.electionApi.roundInfo();
    assert.ok(phase.startsWith(round.phase.type), `${phase} / ${round.phase.type}`);
    const era = (await api.query.stakePool.currentEra()).toNumber();
    assert.equal(await page.$eval('[data-testid=era]', (el) => el.textContent), String(era));
    // Into era 1 (an era is 100 blocks on the dev chain): the election of block 100 chose the
    // active pools, which the panel lists as the chain stores them.
    while ((await api.rpc.chain.getHeader()).number.toNumber() < 101) await createBlock(api);
    await until(() => document.querySelector('[data-testid=era]')?.textContent === '1');
    const active = (await api.query.stakePool.activePools()).map(([pid]) => pid.toString());
    assert.ok(active.length > 0, 'the dev chain elects its demo pools');
    const shown = await until((n) => {
      const rows = [...document.querySelectorAll('[data-testid=active] tbody tr')];
      return rows.length === n ? rows.map((row) => row.firstChild.textContent.replace('#', '')) : null;
    }, active.length);
    assert.deepEqual(shown, active);
    await shot('election');
    assert.deepEqual(consoleErrors, [], 'the page logged errors');
    assert.deepEqual(node.panics(), []);
  });
});
