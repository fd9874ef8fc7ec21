// End to end: hostile input to pool-node. Malformed extrinsics, malformed and oversized RPC
// requests, too many connections, and absurd arguments to every public call of both pallets:
// each is refused with a clear, specific error, nothing panics, and the node keeps producing
// blocks. The limits it enforces are documented in docs/reliability.md.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { WsProvider } from '@polkadot/api';
import { compactAddLength, u8aConcat, u8aToHex } from '@polkadot/util';
import { createBlock, startNode, UNIT } from './harness.js';

const U128_MAX = 2n ** 128n - 1n;
const U64_MAX = 2n ** 64n - 1n;
const U32_MAX = 2 ** 32 - 1;
const MIB = 1024 * 1024;

/**
 * The panics in the node's log other than Substrate's "Nothing bad happened" trap: the runtime's
 * `validate_transaction` argument failing to decode (an unknown call in a well-formed extrinsic).
 */
function unexpectedPanics(node) {
  return node.panics().filter((line) => !/Bad input data provided to validate_transaction: .*Nothing bad happened: someone sent an invalid transaction to the node/.test(line));
}

/** `length` bytes as a hex string (a `Uint8Array` would be read as already SCALE-encoded). */
function bytesOf(length) {
  return `0x${'78'.repeat(length)}`;
}

/** A demo worker's account (see runtime-common/src/demo.rs): 0xee, zeros, its index. */
function demoWorker(index) {
  const bytes = new Uint8Array(32);
  bytes[0] = 0xee;
  bytes[31] = index;
  return u8aToHex(bytes);
}

/** Send `text` on a fresh WebSocket; resolve with the first reply (parsed) or the close. */
function rawRequest(url, text) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { maxPayload: 64 * MIB });
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('no reply in 30 s')); }, 30_000);
    ws.on('open', () => ws.send(text));
    ws.on('message', (data) => { clearTimeout(timer); ws.close(); resolve({ reply: JSON.parse(data.toString()) }); });
    ws.on('close', (code, reason) => { clearTimeout(timer); resolve({ closed: code, reason: reason.toString() }); });
    ws.on('error', (error) => { clearTimeout(timer); resolve({ error: error.message }); });
  });
}

/** Open a WebSocket and wait until it is open (or refused). */
function connect(url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ refused: res.statusCode }));
    ws.on('error', (error) => resolve({ error: error.message }));
  });
}

describe('pool-node under hostile input', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let dave;
  let poor;

  before(async () => {
    node = await startNode();
    ({ api } = node);
    alice = node.keyring.addFromUri('//Alice');
    bob = node.keyring.addFromUri('//Bob');
    charlie = node.keyring.addFromUri('//Charlie');
    dave = node.keyring.addFromUri('//Dave');
    poor = node.keyring.addFromUri('//Hostile//Poor');
    // An account with 5 PHA: enough for fees, far from a pool deposit.
    await api.tx.balances.transferKeepAlive(poor.address, 5n * UNIT).signAndSend(alice);
    await createBlock(api);
  });

  after(async () => {
    await node?.stop();
  });

  /**
   * Submit raw bytes as `author_submitExtrinsic`'s parameter (on a connection of its own, with
   * no client-side decoding); resolve with the RPC error's message, or `accepted <hash>`.
   */
  async function submitRaw(hex) {
    const provider = new WsProvider(node.url, 0);
    try {
      await provider.connect();
      await provider.isReady;
      const hash = await provider.send('author_submitExtrinsic', [hex]);
      return `accepted ${hash}`;
    } catch (error) {
      return error.message;
    } finally {
      await provider.disconnect();
    }
  }

  it('refuses malformed extrinsics with the reason, and includes none of them', async () => {
    const remark = api.tx.system.remark('0x01');
    const signed = await remark.signAsync(dave);
    const bytes = signed.toU8a();
    const call = remark.method.toU8a();
    assert.equal(u8aToHex(bytes.slice(bytes.length - call.length)), u8aToHex(call));
    // A signature byte flipped (the signature follows the version byte, 0x00 and the 32-byte
    // address, after the length prefix).
    const badSignature = bytes.slice();
    const prefix = bytes.length - signed.toU8a(true).length;
    // Version, `MultiAddress::Id` and its 32 bytes, `MultiSignature::Sr25519`: the signature.
    const signatureAt = prefix + 1 + 1 + 32 + 1;
    badSignature[signatureAt + 5] ^= 0xff;
    // The call's pallet index replaced by one no pallet has.
    const wrongPallet = bytes.slice();
    wrongPallet[bytes.length - call.length] = 0xfe;
    // A commission of 1,000,001 parts per million: the client encodes it, the runtime's Permill
    // refuses to decode it.
    const overPermill = (await api.tx.stakePool.setCommission(0, 1_000_001).signAsync(alice)).toHex();
    // A bare (unsigned, no extension) call to a pallet that takes no unsigned calls.
    const bareTransfer = u8aToHex(compactAddLength(u8aConcat([0x04], api.tx.balances.transferKeepAlive(dave.address, UNIT).method.toU8a())));
    // A bare timestamp inherent sent as a transaction.
    const bareInherent = u8aToHex(compactAddLength(u8aConcat([0x04], api.tx.timestamp.set(1).method.toU8a())));
    // The election's unsigned submission as a general transaction, as only the node's own
    // off-chain worker may send it: from outside it is refused.
    const unsignedCall = api.tx.election.submitUnsigned(
      { solution: {}, score: { minimalStake: 0, sumStake: 0, sumStakeSquared: 0 }, round: 1 },
      { voters: 0, targets: 0 },
    ).method.toU8a();
    // Version 5, general (0x45), extension version 0, then the explicit extension data:
    // immortal era, nonce 0, tip 0.
    const general = u8aToHex(compactAddLength(u8aConcat([0x45, 0x00, 0x00, 0x00, 0x00], unsignedCall)));
    const bareUnsigned = u8aToHex(compactAddLength(u8aConcat([0x04], unsignedCall)));
    const cases = [
      ['empty', '0x', /^1040: Client error: Could not decode `OpaqueExtrinsic/],
      ['four random bytes', '0xdeadbeef', /^1040: Client error: Could not decode `OpaqueExtrinsic/],
      // A length prefix of 2^30 bytes followed by three.
      ['a length prefix far beyond the data', '0x030000004001020304', /^1040: Client error: Could not decode `OpaqueExtrinsic/],
      ['a signed extrinsic cut short', u8aToHex(bytes.slice(0, bytes.length - 3)), /^1040: Client error: Could not decode `OpaqueExtrinsic/],
      // The node passes the bytes on to the runtime's `validate_transaction`, whose argument
      // decoding (generated by `sp_api`) panics inside the wasm instance on an unknown call:
      // Substrate's own "Nothing bad happened" trap, the only panic this test allows in the
      // log (docs/reliability.md).
      ['an unknown pallet index', u8aToHex(wrongPallet), /^1002: Verification Error: Runtime error: Execution failed: Execution aborted due to trap: wasm trap: wasm `unreachable`/],
      ['a bad signature', u8aToHex(badSignature), /^1010: Invalid Transaction: Transaction has a bad signature/],
      ['a Permill above 100%', overPermill, /^1002: Verification Error: Runtime error: Execution failed: Execution aborted due to trap: wasm trap: wasm `unreachable`/],
      ['a bare transfer', bareTransfer, /^1011: Unknown Transaction Validity: NoUnsignedValidator/],
      ['a bare inherent', bareInherent, /^1010: Invalid Transaction: Transaction dispatch is mandatory; transactions must not be validated/],
      ['the unsigned solution from outside the node', general, /^1010: Invalid Transaction: Custom error: 5/],
      ['the unsigned solution, bare', bareUnsigned, /^1011: Unknown Transaction Validity: NoUnsignedValidator/],
    ];
    const wrong = [];
    for (const [what, hex, expected] of cases) {
      const message = await submitRaw(hex);
      if (!expected.test(message)) wrong.push(`${what}: ${message}`);
    }
    assert.deepEqual(wrong, []);
    // The trap, logged once for each of the two extrinsics that do not decode in the runtime.
    await node.drainLog();
    assert.equal(node.panics().length, 2, node.panics().join('\n'));
    // Well-formed, but wrong: a stale nonce, no funds for the fee, a block's worth of bytes.
    await api.tx.system.remark('0x02').signAndSend(dave);
    await createBlock(api);
    const stale = await api.tx.system.remark('0x03').signAsync(dave, { nonce: 0 });
    assert.match(await submitRaw(stale.toHex()), /^1010: Invalid Transaction: Transaction is outdated/);
    const nobody = node.keyring.addFromUri('//Hostile//Nobody');
    const unfunded = await api.tx.system.remark('0x04').signAsync(nobody, { nonce: 0 });
    assert.match(await submitRaw(unfunded.toHex()), /^1010: Invalid Transaction: Inability to pay some fees/);
    // A remark of 4 MiB: more than the 3.75 MiB normal transactions may take of a block.
    const huge = await api.tx.system.remark(bytesOf(4 * MIB)).signAsync(alice);
    assert.match(await submitRaw(huge.toHex()), /^1010: Invalid Transaction: Transaction would exhaust the block limits/);
    // Nothing of it reaches a block; the node goes on.
    assert.equal((await api.rpc.author.pendingExtrinsics()).length, 0);
    const { blockHash } = await createBlock(api);
    const block = await api.rpc.chain.getBlock(blockHash);
    assert.equal(block.block.extrinsics.length, 1, 'only the timestamp inherent');
    await node.drainLog();
    assert.deepEqual(unexpectedPanics(node), []);
  });

  it('answers malformed and oversized RPC requests with JSON-RPC errors, and stays up', async () => {
    const { url } = node;
    const parse = await rawRequest(url, '{"jsonrpc": "2.0", "id": 1, "method": ');
    assert.equal(parse.reply.error.code, -32700, JSON.stringify(parse));
    const unknown = await rawRequest(url, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'stakePool_mintMeMoney', params: [] }));
    assert.equal(unknown.reply.error.code, -32601, JSON.stringify(unknown));
    const badParams = await rawRequest(url, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'chain_getBlockHash', params: ['not a number'] }));
    assert.equal(badParams.reply.error.code, -32602, JSON.stringify(badParams));
    const badHash = await rawRequest(url, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'chain_getBlock', params: ['0x1234'] }));
    assert.equal(badHash.reply.error.code, -32602, JSON.stringify(badHash));
    const notAnObject = await rawRequest(url, '[1, 2, 3]');
    assert.ok(Array.isArray(notAnObject.reply) && notAnObject.reply.every((r) => r.error.code === -32600), JSON.stringify(notAnObject));
    // A state call naming no runtime API function gets an error, not a panic.
    const noSuchApi = await rawRequest(url, JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'state_call', params: ['StakePoolApi_no_such_function', '0x'] }));
    assert.match(JSON.stringify(noSuchApi.reply.error), /not found|Exported method/i);
    // A runtime API given bytes that do not decode as its arguments.
    const badArgs = await rawRequest(url, JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'state_call', params: ['StakePoolApi_summary_of_pool', '0xff'] }));
    assert.ok(badArgs.reply.error, JSON.stringify(badArgs));
    // 16 MiB: above the 15 MiB request limit. The request is refused (an error, or the
    // connection closed), the node lives on.
    const big = await rawRequest(url, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'system_health', params: ['x'.repeat(16 * MIB)] }));
    assert.ok(big.closed !== undefined || big.reply?.error?.code === -32007 || big.error, JSON.stringify(big).slice(0, 300));
    if (big.reply) assert.match(big.reply.error.message, /too big|too large/i);
    // 14 MiB of garbage extrinsic: within the request limit, refused as an extrinsic (its
    // length prefix does not decode).
    const bigXt = await rawRequest(url, JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'author_submitExtrinsic', params: [`0x${'ab'.repeat(7 * MIB)}`] }));
    assert.equal(bigXt.reply.error.code, 1040, JSON.stringify(bigXt).slice(0, 300));
    // A batch of 500 calls is served in full.
    const batch = Array.from({ length: 500 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'system_health', params: [] }));
    const batchReply = await rawRequest(url, JSON.stringify(batch));
    assert.equal(batchReply.reply.length, 500);
    // Plain HTTP on the same port: a JSON-RPC error too.
    const http = await fetch(url.replace('ws://', 'http://'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
    assert.equal((await http.json()).error.code, -32700);
    // Still producing blocks.
    const before = (await api.rpc.chain.getHeader()).number.toNumber();
    await createBlock(api);
    assert.equal((await api.rpc.chain.getHeader()).number.toNumber(), before + 1);
    await node.drainLog();
    assert.deepEqual(unexpectedPanics(node), []);
  });

  it('refuses the 101st connection (100 at most) and accepts new ones when some close', async () => {
    const { url } = node;
    // The test's own API client holds one connection.
    const open = [];
    let refused;
    for (let i = 0; i < 120 && !refused; i += 1) {
      const result = await connect(url);
      if (result.ws) open.push(result.ws);
      else refused = result;
    }
    assert.equal(open.length, 99, `connections accepted besides the API's: ${open.length}`);
    assert.ok(refused.refused || refused.error, JSON.stringify(refused));
    // The connections held still work; the chain goes on.
    const health = await new Promise((resolve) => {
      open[0].once('message', (data) => resolve(JSON.parse(data.toString())));
      open[0].send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }));
    });
    assert.equal(health.result.isSyncing, false);
    await createBlock(api);
    for (const ws of open) ws.close();
    await new Promise((r) => setTimeout(r, 500));
    const again = await connect(url);
    assert.ok(again.ws, JSON.stringify(again));
    again.ws.close();
    await node.drainLog();
    assert.deepEqual(unexpectedPanics(node), []);
  });

  it('fails every call of both pallets given absurd arguments with its documented error', async () => {
    const sudo = (call) => api.tx.sudo.sudo(call);
    const worker1 = demoWorker(1);
    const worker3 = demoWorker(3);
    const noScore = { minimalStake: U128_MAX, sumStake: U128_MAX, sumStakeSquared: U128_MAX };
    const garbageRaw = { solution: {}, score: noScore, round: U32_MAX };
    const sp = api.tx.stakePool;
    const el = api.tx.election;
    // [what, extrinsic, signer, expected error]; `sudo(...)` cases report the inner call's error.
    const cases = [
      ['registerWorker by a non-root account', sp.registerWorker(bob.address, { score: U32_MAX, confidenceLevel: 255 }), bob, 'BadOrigin'],
      ['registerWorker with a zero score and confidence 255', sudo(sp.registerWorker(bob.address, { score: 0, confidenceLevel: 255 })), alice, 'stakePool.InvalidBenchmark'],
      ['authorizeOperator by an account that is no worker', sp.authorizeOperator(dave.address), dave, 'stakePool.WorkerNotRegistered'],
      ['createPool without the deposit', sp.createPool(), poor, 'stakePool.InsufficientDeposit'],
      ['addWorker to an unknown pool', sp.addWorker(U64_MAX, worker1), alice, 'stakePool.PoolNotFound'],
      ['removeWorker not in the pool', sp.removeWorker(0, worker3), alice, 'stakePool.WorkerNotInPool'],
      ["setCommission of 100% on another owner's pool", sp.setCommission(0, 1_000_000), bob, 'stakePool.NotPoolOwner'],
      ['setCap of zero below what the pool holds', sp.setCap(0, 0), alice, 'stakePool.CapBelowDelegation'],
      ['addToWhitelist of an unknown pool', sp.addToWhitelist(U64_MAX, dave.address), alice, 'stakePool.PoolNotFound'],
      ['removeFromWhitelist of someone not listed', sp.removeFromWhitelist(0, dave.address), alice, 'stakePool.NotWhitelisted'],
      ['setDescription of nothing (clears it)', sp.setDescription(0, '0x'), alice, 'succeeded'],
      ['setDescription of the maximum, 256 bytes', sp.setDescription(0, bytesOf(256)), alice, 'succeeded'],
      ['setDescription of 257 bytes', sp.setDescription(0, bytesOf(257)), alice, 'stakePool.DescriptionTooLong'],
      ['setDescription of 1 MiB', sp.setDescription(0, bytesOf(MIB)), alice, 'stakePool.DescriptionTooLong'],
      ['closePool with delegators in it', sp.closePool(0), alice, 'stakePool.PoolNotEmpty'],
      ['delegate u128::MAX', sp.delegate(0, U128_MAX), dave, 'stakePool.InsufficientBalance'],
      ['delegate zero', sp.delegate(0, 0), dave, 'stakePool.ZeroAmount'],
      ['delegate to an unknown pool', sp.delegate(U64_MAX, UNIT), dave, 'stakePool.PoolNotFound'],
      ['withdraw zero', sp.withdraw(0, 0), dave, 'stakePool.ZeroAmount'],
      ['withdraw u128::MAX without a delegation', sp.withdraw(1, U128_MAX), charlie, 'stakePool.NoDelegation'],
      ['claimRewards without a delegation', sp.claimRewards(1, true), charlie, 'stakePool.NoDelegation'],
      ["claimCommission of another owner's pool", sp.claimCommission(1), alice, 'stakePool.NotPoolOwner'],
      ['startMining an unregistered worker with u128::MAX', sp.startMining(0, dave.address, U128_MAX), alice, 'stakePool.WorkerNotRegistered'],
      ["stopMining another pool's worker", sp.stopMining(0, worker3), alice, 'stakePool.WorkerNotInPool'],
      ['restartMining in an unknown pool', sp.restartMining(U64_MAX, worker1, U128_MAX), alice, 'stakePool.PoolNotFound'],
      ['reclaimWorker of an account that is no worker', sp.reclaimWorker(dave.address), dave, 'stakePool.WorkerNotRegistered'],
      ['forceStopOverdue with nothing overdue', sp.forceStopOverdue(0), dave, 'stakePool.NotOverdue'],
      ['processWithdrawals with an empty queue', sp.processWithdrawals(0), dave, 'stakePool.NothingToPay'],
      ['settleSlash with no slash', sp.settleSlash(0, dave.address), dave, 'stakePool.NoSlashToSettle'],
      ['reportUnresponsive by a non-oracle', sp.reportUnresponsive(worker1), bob, 'BadOrigin'],
      ['reportRecovered of a worker that is responsive', sudo(sp.reportRecovered(worker1)), alice, 'stakePool.WorkerNotUnresponsive'],
      ['slashWorker of an account that is no worker, u128::MAX', sudo(sp.slashWorker(dave.address, U128_MAX)), alice, 'stakePool.WorkerNotRegistered'],
      ['slashWorker of zero', sudo(sp.slashWorker(worker1, 0)), alice, 'stakePool.ZeroAmount'],
      ['cancelWithdrawal of a request that does not exist', sp.cancelWithdrawal(0, U64_MAX), dave, 'stakePool.RequestNotFound'],
      ['claimRewardsTo without a delegation', sp.claimRewardsTo(1, bob.address), charlie, 'stakePool.NoDelegation'],
      ["setCommissionChangeRate of another owner's pool", sp.setCommissionChangeRate(0, 1_000_000, U32_MAX), bob, 'stakePool.NotPoolOwner'],
      ['setCommissionPayee of an unknown pool', sp.setCommissionPayee(U64_MAX, null), alice, 'stakePool.PoolNotFound'],
      ['setPoolState to the state it has', sp.setPoolState(0, 'Open'), alice, 'stakePool.PoolStateUnchanged'],
      ['withdrawOther from a pool not wound down', sp.withdrawOther(0, dave.address), bob, 'stakePool.PoolNotDestroying'],
      ['setRewardPerBlock by a non-admin', sp.setRewardPerBlock(U128_MAX), bob, 'BadOrigin'],
      ['register outside the signed phase, with the largest score', el.register(noScore, `0x${'ff'.repeat(32)}`), dave, 'election.NotSignedPhase'],
      ['submitPage u32::MAX outside the signed phase', el.submitPage(U32_MAX, null), dave, 'election.NotSignedPhase'],
      ['bail outside the signed phase', el.bail(), dave, 'election.NotSignedPhase'],
      ['submitUnsigned signed by an account', el.submitUnsigned(garbageRaw, { voters: U32_MAX, targets: U32_MAX }), dave, 'BadOrigin'],
      ['setEmergencyElectionResult by a non-admin', el.setEmergencyElectionResult([]), bob, 'BadOrigin'],
      ['setEmergencyElectionResult outside an emergency', sudo(el.setEmergencyElectionResult([[dave.address, { total: U128_MAX, voters: [] }]])), alice, 'election.NotEmergency'],
      ['governanceFallback outside an emergency', sudo(el.governanceFallback()), alice, 'election.NotEmergency'],
      ['setMinimumUntrustedScore by a non-admin', el.setMinimumUntrustedScore(noScore), bob, 'BadOrigin'],
    ];
    // Every public call of both pallets is here.
    const named = new Set(cases.map(([, tx]) => {
      const call = tx.method.section === 'sudo' ? tx.method.args[0] : tx.method;
      return `${call.section}.${call.method}`;
    }));
    for (const section of ['stakePool', 'election']) {
      for (const method of Object.keys(api.tx[section])) {
        assert.ok(named.has(`${section}.${method}`), `no hostile case for ${section}.${method}`);
      }
    }
    // Nonces counted here: several transactions of one account go to the pool at once.
    const nonces = new Map();
    const hashes = [];
    for (const [, tx, signer] of cases) {
      if (!nonces.has(signer.address)) nonces.set(signer.address, (await api.rpc.system.accountNextIndex(signer.address)).toNumber());
      const nonce = nonces.get(signer.address);
      nonces.set(signer.address, nonce + 1);
      hashes.push((await tx.signAndSend(signer, { nonce })).toHex());
    }
    // All of them into blocks (the 1 MiB description makes them fill more than one).
    const included = new Map();
    for (let attempt = 0; attempt < 10 && hashes.some((hash) => !included.has(hash)); attempt += 1) {
      const { blockHash } = await createBlock(api);
      const block = await api.rpc.chain.getBlock(blockHash);
      const events = await api.query.system.events.at(blockHash);
      block.block.extrinsics.forEach((xt, index) => {
        const mine = events.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.eqn(index));
        included.set(xt.hash.toHex(), mine);
      });
    }
    const describeError = (error) => {
      if (error.isModule) {
        const { section, name } = api.registry.findMetaError(error.asModule);
        return `${section}.${name}`;
      }
      return error.type;
    };
    cases.forEach(([what, , , expected], i) => {
      const events = included.get(hashes[i]);
      assert.ok(events, `${what}: not included`);
      const failed = events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
      const sudid = events.find(({ event }) => api.events.sudo.Sudid.is(event));
      let actual;
      if (failed) actual = describeError(failed.event.data[0]);
      else if (sudid && sudid.event.data[0].isErr) actual = describeError(sudid.event.data[0].asErr);
      else actual = 'succeeded';
      assert.equal(actual, expected, what);
    });
    // The chain is unchanged where it matters and goes on.
    const pool = (await api.query.stakePool.pools(0)).unwrap();
    assert.equal(pool.commission.toNumber(), 100_000, 'pool 0 keeps its 10%');
    await createBlock(api);
    await node.drainLog();
    assert.deepEqual(unexpectedPanics(node), []);
  });

  it('keeps producing blocks, and exact accounts, when root sets an absurd reward (u128::MAX a block)', async () => {
    // Root is trusted with the reward budget (as with any balance); an absurd one is honoured
    // without an overflow anywhere: the pools' accumulators saturate, the claim pays what it
    // says and the issuance moves by exactly that, less the fee.
    await api.tx.sudo.sudo(api.tx.stakePool.setRewardPerBlock(U128_MAX)).signAndSend(alice);
    await createBlock(api);
    for (let i = 0; i < 3; i += 1) await createBlock(api);
    const before = (await api.query.balances.totalIssuance()).toBigInt();
    const hash = await api.tx.stakePool.claimRewards(0, false).signAndSend(dave);
    const { blockHash } = await createBlock(api);
    const block = await api.rpc.chain.getBlock(blockHash);
    const index = block.block.extrinsics.findIndex((xt) => xt.hash.eq(hash));
    assert.ok(index > 0, 'the claim is included');
    const events = (await api.query.system.events.at(blockHash))
      .filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.eqn(index))
      .map(({ event }) => event);
    const claimed = events.find((e) => api.events.stakePool.RewardsClaimed.is(e)).data.amount.toBigInt();
    const fee = events.find((e) => api.events.transactionPayment.TransactionFeePaid.is(e)).data.actualFee.toBigInt();
    assert.ok(claimed > 10n ** 37n, `claimed ${claimed}`);
    const after = (await api.query.balances.totalIssuance()).toBigInt();
    assert.equal(after, before + claimed - fee);
    await createBlock(api);
    await node.drainLog();
    assert.deepEqual(unexpectedPanics(node), []);
  });
});

