#!/usr/bin/env node
// Signs a staking-service payment batch (`staking-service payouts batch --out BATCH`) with
// o1-labs' mina-signer, the signer Mina's own tools use, and writes the signed batch that
// `staking-service payouts send` submits.
//
//   node sign.mjs --batch BATCH --expect-hash HASH --out SIGNED [--key-file FILE]
//
// HASH is the batch hash `payouts batch` printed (the batch the operator reviewed): the batch is
// hashed again here (blake2b-256 of its canonical JSON) and signed only if it is that one, so a
// batch edited in between (a payee swapped, the hash in the file recomputed) is refused. The
// private key (base58, `EK...`) is read from --key-file (its first line) or from the
// MINA_PRIVATE_KEY environment variable; it must be the batch's sender. Nothing is sent from
// here and the key goes nowhere but mina-signer. Every signature is verified before the file is
// written; the file is written whole, synced, and never over an existing one.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import blake from 'blakejs';
import Client from 'mina-signer';

const BATCH_FORMAT = 'stake-suite-payment-batch/1';
const SIGNED_FORMAT = 'stake-suite-signed-batch/1';

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      batch: { type: 'string' },
      'expect-hash': { type: 'string' },
      out: { type: 'string' },
      'key-file': { type: 'string' },
    },
  }));
} catch (e) {
  fail(`${e.message}\nusage: node sign.mjs --batch BATCH --expect-hash HASH --out SIGNED [--key-file FILE]`);
}
if (!options.batch || !options.out || !options['expect-hash']) {
  fail('usage: node sign.mjs --batch BATCH --expect-hash HASH --out SIGNED [--key-file FILE]');
}

let file;
try {
  file = JSON.parse(readFileSync(options.batch, 'utf8'));
} catch (e) {
  fail(`${options.batch}: ${e.message}`);
}
const batch = file?.batch;
if (batch?.format !== BATCH_FORMAT || typeof file.batch_hash !== 'string' || !Array.isArray(batch.payments)) {
  fail(`${options.batch}: not a payment batch (format ${JSON.stringify(batch?.format)})`);
}
// The batch's canonical JSON is what staking-service hashed: the file's fields, in order, compact.
const hash = `0x${blake.blake2bHex(JSON.stringify(batch), null, 32)}`;
if (hash !== file.batch_hash) {
  fail(`${options.batch}: the batch hashes to ${hash}, not the ${file.batch_hash} it records: it was edited`);
}
if (hash !== options['expect-hash']) {
  fail(`${options.batch} is batch ${hash}, not the ${options['expect-hash']} you expect: not signed`);
}
if (batch.network !== 'mainnet' && batch.network !== 'testnet') {
  fail(`${options.batch}: network ${JSON.stringify(batch.network)}: expected mainnet or testnet`);
}

let key;
if (options['key-file']) {
  try {
    key = readFileSync(options['key-file'], 'utf8').split('\n')[0].trim();
  } catch (e) {
    fail(`--key-file: ${e.message}`);
  }
} else {
  key = (process.env.MINA_PRIVATE_KEY ?? '').trim();
}
if (!key) fail('no private key: give --key-file FILE or set MINA_PRIVATE_KEY');

const client = new Client({ network: batch.network });
let sender;
try {
  sender = client.derivePublicKey(key);
} catch {
  fail('the private key is not a Mina private key (base58, EK...)');
}
if (sender !== batch.from) {
  fail(`the key is ${sender}'s, the batch is sent from ${batch.from}`);
}

const signatures = [];
let total = 0n;
for (const payment of batch.payments) {
  if (payment.from !== batch.from) fail(`nonce ${payment.nonce} is sent from ${payment.from}`);
  let signed;
  try {
    // The transaction's fields only (a batch also names the delegator of a redirected payout).
    const { to, from, fee, amount, nonce, memo, validUntil } = payment;
    signed = client.signPayment({ to, from, fee, amount, nonce, memo, validUntil }, key);
  } catch (e) {
    fail(`nonce ${payment.nonce} to ${payment.to}: ${e.message}`);
  }
  if (!client.verifyPayment(signed)) fail(`nonce ${payment.nonce}: the signature does not verify`);
  // The hash the node reports for the transaction since the Berkeley fork.
  signatures.push({ nonce: payment.nonce, signature: signed.signature, hash: client.hashPayment(signed, { berkeley: true }) });
  try {
    total += BigInt(payment.amount) + BigInt(payment.fee);
  } catch {
    fail(`nonce ${payment.nonce}: amount or fee is not a whole number of nanomina`);
  }
}
let needed;
try {
  needed = BigInt(batch.needed);
} catch {
  fail('the batch\'s funds needed is not a whole number of nanomina');
}
if (total !== needed) fail('the batch\'s total does not match its payments');

// Written to a temporary file, synced, then linked to its name: never over an existing file
// (a signed batch's journal refers to it), never half written.
const temporary = `${options.out}.${process.pid}.partial`;
const fd = openSync(temporary, 'wx');
writeSync(fd, JSON.stringify({ format: SIGNED_FORMAT, batch, batch_hash: file.batch_hash, signatures }, null, 1));
fsyncSync(fd);
closeSync(fd);
try {
  linkSync(temporary, options.out);
} catch (e) {
  unlinkSync(temporary);
  fail(e.code === 'EEXIST'
    ? `${options.out} exists: a signed batch is never overwritten (its journal refers to it)`
    : `${options.out}: ${e.message}`);
}
unlinkSync(temporary);
const mina = (nano) => `${nano / 10n ** 9n}.${String(nano % 10n ** 9n).padStart(9, '0')}`.replace(/\.?0+$/, '');
process.stdout.write(
  `signed ${signatures.length} payments from ${batch.from} (${batch.network}), `
  + `${mina(total)} MINA with fees, nonces ${batch.payments[0]?.nonce}-${batch.payments.at(-1)?.nonce}\n`
  + `written ${options.out}\n`,
);
