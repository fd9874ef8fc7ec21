#!/usr/bin/env node
// A stand-in for a Mina daemon's GraphQL API, for rehearsing and testing payouts: the real
// daemon cannot run here (it needs a synced network). It answers what `staking-service payouts
// batch/send/resend/confirm` ask, as the daemon does:
//
// - `account(publicKey)`: `nonce`, `inferredNonce` (counting its pool), `balance {total liquid}`;
// - `pooledUserCommands(publicKey)`: the sender's transactions waiting, `hash amount fee`;
// - `bestChain(maxLength)`: its blocks (`include()` makes one of the pool), with
//   `protocolState.consensusState.blockHeight` and `transactions.userCommands.hash`;
// - `sendPayment(input, signature)`: checks the signature with mina-signer (the network's),
//   the nonce (the next one; a payment already taken is refused as a duplicate, another one at
//   a used nonce as a bad nonce), the funds, then takes the payment into its pool.
//
// It records every request, so that a test can tell what was paid, and can be told to take a
// payment and then never answer (a node whose answer is lost), or to hang before taking it, or
// to lose its pool (a restarted node).
//
//   node standin.mjs --port 3085 --network testnet --account B62q...=1000   (MINA)
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import blake from 'blakejs';
import Client from 'mina-signer';

export { Client };

/** A batch's hash as staking-service and sign.mjs compute it (blake2b-256 of its JSON). */
export function batchHash(batch) {
  return `0x${blake.blake2bHex(JSON.stringify(batch), null, 32)}`;
}

/**
 * Start the stand-in on 127.0.0.1 (port 0: a free one). `accounts` maps keys to
 * `{ balance: bigint nanomina, nonce?: number }`. Returns its `url`, the `requests` it received,
 * `accepted` payments (nonce order per sender), `hangOn(nonce, { accept })` (a promise, settled when it
 * hangs), `losePool(pk)`, `useNonce(pk)`, `include()` and `close()`.
 */
export function startStandin({ network = 'testnet', accounts = {}, port = 0 } = {}) {
  const client = new Client({ network });
  const state = new Map();
  for (const [pk, { balance, nonce = 0 }] of Object.entries(accounts)) {
    state.set(pk, { balance: BigInt(balance), nonce, pool: [] });
  }
  const requests = [];
  const applied = [];
  const blocks = [];
  const hangs = new Map();
  const held = new Set();
  let onHang = () => {};

  const inferred = (account) => account.nonce + account.pool.length;
  // A user command as the daemon's GraphQL gives it (amounts and nonce as its scalars).
  const command = (p) => ({
    hash: p.hash, nonce: Number(p.nonce), amount: p.amount, fee: p.fee,
    feePayer: { publicKey: p.from }, receiver: { publicKey: p.to },
  });
  const pending = (account) => account.pool.reduce((sum, p) => sum + BigInt(p.amount) + BigInt(p.fee), 0n);

  function account(pk) {
    const a = state.get(pk);
    if (!a) return null;
    return {
      nonce: String(a.nonce),
      inferredNonce: String(inferred(a)),
      balance: { total: String(a.balance), liquid: String(a.balance) },
    };
  }

  // Returns [data, error]; `hang` true when the request must never be answered.
  function sendPayment(input, signature) {
    const data = {
      to: input.to, from: input.from, fee: input.fee, amount: input.amount,
      nonce: input.nonce, memo: input.memo, validUntil: input.validUntil,
    };
    const signed = { data, signature, publicKey: input.from };
    let ok = false;
    try {
      ok = client.verifyPayment(signed);
    } catch {
      ok = false;
    }
    const record = { nonce: Number(input.nonce), to: input.to, amount: input.amount, memo: input.memo };
    requests.push(record);
    if (!ok) return [null, 'Invalid_signature'];
    const hash = client.hashPayment(signed, { berkeley: true });
    record.hash = hash;
    const a = state.get(input.from);
    if (!a) return [null, 'Account_not_found'];
    const nonce = Number(input.nonce);
    const hang = hangs.get(nonce);
    if (hang && !hang.accept) {
      hangs.delete(nonce);
      return [null, null, hang];
    }
    if (nonce < inferred(a)) {
      const known = a.pool.some((p) => p.hash === hash) || applied.some((p) => p.hash === hash);
      return [null, known ? 'Duplicate: the transaction is already known' : `Invalid_nonce: expected ${inferred(a)}`];
    }
    if (nonce > inferred(a)) return [null, `Invalid_nonce: expected ${inferred(a)}`];
    if (a.balance < pending(a) + BigInt(input.amount) + BigInt(input.fee)) return [null, 'Insufficient_funds'];
    a.pool.push({ ...data, hash });
    record.accepted = true;
    if (hang) {
      hangs.delete(nonce);
      return [null, null, hang];
    }
    return [{ sendPayment: { payment: { hash, nonce: Number(input.nonce) } } }, null];
  }

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      let answer;
      try {
        const { query = '', variables = {} } = JSON.parse(body);
        if (query.includes('sendPayment')) {
          const [data, error, hang] = sendPayment(variables.input ?? {}, variables.signature ?? {});
          if (hang) {
            held.add(res);
            hang.resolve();
            return;
          }
          answer = error ? { data: null, errors: [{ message: error }] } : { data };
        } else if (query.includes('pooledUserCommands')) {
          const a = state.get(variables.pk);
          answer = { data: { pooledUserCommands: (a?.pool ?? []).map(command) } };
        } else if (query.includes('bestChain')) {
          const last = blocks.slice(-(variables.n ?? 290));
          answer = { data: { bestChain: last.map((b) => ({
            protocolState: { consensusState: { blockHeight: String(b.height) } },
            transactions: { userCommands: b.commands.map(command) } })) } };
        } else if (query.includes('account(')) {
          answer = { data: { account: account(variables.pk) } };
        } else {
          answer = { data: null, errors: [{ message: 'the stand-in answers account and sendPayment only' }] };
        }
      } catch (e) {
        answer = { data: null, errors: [{ message: `bad request: ${e.message}` }] };
      }
      const text = JSON.stringify(answer);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  });

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/graphql`,
        requests,
        /** Payments taken, pooled or included, in the order taken. */
        accepted: () => [...applied, ...[...state.values()].flatMap((a) => a.pool)],
        account,
        /** At `nonce`: take the payment (accept) or not, then never answer. */
        hangOn(nonce, { accept }) {
          let resolveHung;
          const hung = new Promise((r) => { resolveHung = r; });
          hangs.set(nonce, { accept, resolve: resolveHung });
          return hung;
        },
        /** Move every pooled payment into a block. */
        include() {
          const block = { height: 1000 + blocks.length, commands: [] };
          blocks.push(block);
          for (const a of state.values()) {
            for (const p of a.pool) {
              a.balance -= BigInt(p.amount) + BigInt(p.fee);
              const to = state.get(p.to) ?? { balance: 0n, nonce: 0, pool: [] };
              to.balance += BigInt(p.amount);
              state.set(p.to, to);
              applied.push(p);
              block.commands.push(p);
              a.nonce += 1;
            }
            a.pool = [];
          }
        },
        /** A restarted node: its pool is gone. */
        losePool(pk) { state.get(pk).pool = []; },
        /** Another transaction of `pk` takes its next nonce (included in a block of its own). */
        useNonce(pk) {
          const a = state.get(pk);
          if (a.pool.length) throw new Error('useNonce: the pool is not empty');
          a.nonce += 1;
          blocks.push({ height: 1000 + blocks.length, commands: [{
            hash: `5Jother${a.nonce}`, nonce: a.nonce - 1, amount: '1', fee: '10000000', from: pk, to: pk,
          }] });
        },
        /** `n` blocks with no transaction. */
        mine(n) {
          for (let i = 0; i < n; i += 1) blocks.push({ height: 1000 + blocks.length, commands: [] });
        },
        close() {
          for (const res of held) res.destroy();
          return new Promise((r) => server.close(r));
        },
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3085' },
      network: { type: 'string', default: 'testnet' },
      account: { type: 'string', multiple: true, default: [] },
    },
  });
  const accounts = {};
  for (const entry of values.account) {
    const [pk, mina] = entry.split('=');
    accounts[pk] = { balance: BigInt(Math.round(Number(mina) * 1e3)) * 10n ** 6n };
  }
  const standin = await startStandin({ network: values.network, accounts, port: Number(values.port) });
  process.stdout.write(`stand-in Mina GraphQL at ${standin.url} (${values.network})\n`);
}
