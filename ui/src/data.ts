// Everything the pages show, read from the chain at one block: storage and the stake pools'
// runtime API (no indexer). Each loader reads at the block it is given, so one page never mixes
// two blocks.
import type { Api } from './chain';
import { ratio, sameAccount } from './format';

type At = { at: string };

type PoolSummary = NonNullable<Awaited<ReturnType<Api['apis']['StakePoolApi']['pool_summary']>>>;
type PoolRecord = NonNullable<Awaited<ReturnType<Api['query']['StakePool']['Pools']['getValue']>>>;
export type Position = Awaited<ReturnType<Api['apis']['StakePoolApi']['delegator_positions']>>[number];
export type WorkerRecord = NonNullable<Awaited<ReturnType<Api['query']['StakePool']['Workers']['getValue']>>>;

/** One pool as the list shows it: the runtime API's summary and the stored record. */
export interface PoolRow {
  pid: bigint;
  summary: PoolSummary;
  record: PoolRecord;
  description: string;
  /** Whether the viewing account may delegate (open whitelist, owner, or listed). */
  mayDelegate: boolean;
  /** Whether the pool keeps a whitelist at all. */
  hasWhitelist: boolean;
  /** The estimate of the yearly return of a delegation, as a fraction (0.12 = 12%). */
  apr: number | undefined;
  /** The pool's share of all mining power (0..1). */
  powerShare: number;
}

/** The chain-wide reward figures the APR estimate uses. */
export interface RewardFigures {
  rewardPerBlock: bigint;
  totalPower: bigint;
}

const YEAR_MS = 365.25 * 24 * 60 * 60 * 1000;

/**
 * The estimated yearly return of a delegation to a pool: the reward budget per block, times the
 * pool's share of all mining power, less the commission, times the blocks in a year at the chain's
 * block time, over the pool's total value. An estimate: power, budget, commission and the pool's
 * value all change.
 */
export function estimatedApr(
  summary: Pick<PoolSummary, 'power' | 'commission' | 'total_value'>,
  figures: RewardFigures,
  blockTimeMs: number,
): number | undefined {
  if (summary.total_value === 0n || figures.totalPower === 0n) return undefined;
  const blocksPerYear = YEAR_MS / blockTimeMs;
  const share = ratio(summary.power, figures.totalPower);
  const perBlockToDelegators = Number(figures.rewardPerBlock) * share * (1 - summary.commission / 1_000_000);
  return (perBlockToDelegators * blocksPerYear) / Number(summary.total_value);
}

export async function loadRewardFigures(api: Api, at: string): Promise<RewardFigures> {
  const [rewardPerBlock, rewards] = await Promise.all([
    api.query.StakePool.RewardPerBlock.getValue({ at }),
    api.query.StakePool.Rewards.getValue({ at }),
  ]);
  return { rewardPerBlock, totalPower: rewards.total_power };
}

const textDecoder = new TextDecoder();

/** Every pool, with the viewer's right to delegate and the APR estimate. */
export async function loadPools(
  api: Api,
  at: string,
  viewer: string | undefined,
  blockTimeMs: number,
): Promise<{ pools: PoolRow[]; figures: RewardFigures }> {
  const opts: At = { at };
  const [entries, figures] = await Promise.all([
    api.query.StakePool.Pools.getEntries(opts),
    loadRewardFigures(api, at),
  ]);
  const pools = await Promise.all(entries.map(async ({ keyArgs: [pid], value: record }) => {
    const [summary, description, listed] = await Promise.all([
      api.apis.StakePoolApi.pool_summary(pid, opts),
      api.query.StakePool.PoolDescriptions.getValue(pid, opts),
      viewer && record.whitelist_len > 0
        ? api.query.StakePool.PoolWhitelist.getValue(pid, viewer, opts).then((v) => v !== undefined)
        : Promise.resolve(false),
    ]);
    if (!summary) return undefined;
    const hasWhitelist = record.whitelist_len > 0;
    return {
      pid,
      summary,
      record,
      description: description ? textDecoder.decode(description) : '',
      hasWhitelist,
      mayDelegate: !hasWhitelist || listed || sameAccount(viewer, record.owner),
      apr: estimatedApr(summary, figures, blockTimeMs),
      powerShare: ratio(summary.power, figures.totalPower),
    } satisfies PoolRow;
  }));
  return {
    pools: pools.filter((row): row is PoolRow => row !== undefined).sort((a, b) => Number(a.pid - b.pid)),
    figures,
  };
}

/** A request in a pool's withdrawal queue, with the block by which it is paid at the latest. */
export interface QueueEntry {
  request: bigint;
  delegator: string;
  shares: bigint;
  paid: bigint;
  requestedAt: number;
  payoutBy: number;
}

/** A pool's withdrawal queue, oldest first. */
export async function loadQueue(api: Api, at: string, pid: bigint, grace: number, cooldown: number): Promise<QueueEntry[]> {
  const entries = await api.query.StakePool.WithdrawQueue.getEntries(pid, { at });
  return entries
    .map(({ keyArgs: [, request], value }) => ({
      request,
      delegator: value.delegator,
      shares: value.shares,
      paid: value.paid,
      requestedAt: value.requested_at,
      // The runtime's own rule (`Pallet::payout_deadline`): grace period, then the cool-down.
      payoutBy: value.requested_at + grace + cooldown,
    }))
    .sort((a, b) => (a.request < b.request ? -1 : 1));
}

export interface WorkerRow {
  worker: string;
  record: WorkerRecord;
}

/** The workers bound to a pool. */
export async function loadWorkers(api: Api, at: string, pid: bigint): Promise<WorkerRow[]> {
  const bound = await api.query.StakePool.PoolWorkers.getEntries(pid, { at });
  const rows = await Promise.all(bound.map(async ({ keyArgs: [, worker] }) => {
    const record = await api.query.StakePool.Workers.getValue(worker, { at });
    return record ? { worker, record } : undefined;
  }));
  return rows.filter((row): row is WorkerRow => row !== undefined);
}

/** The accounts on a pool's whitelist. */
export async function loadWhitelist(api: Api, at: string, pid: bigint): Promise<string[]> {
  const entries = await api.query.StakePool.PoolWhitelist.getEntries(pid, { at });
  return entries.map(({ keyArgs: [, who] }) => who);
}

/**
 * What an account can put on hold and what it can pay fees from, by pallet-balances' rules:
 * a hold takes `reducible_balance(Protect, Force)` (freezes do not count; the existential deposit
 * stays only when the account's one provider is its balance), a fee `reducible_balance(Preserve,
 * Polite)` (freezes above what is on hold, and the existential deposit, stay).
 */
export async function loadSpendable(api: Api, at: string, who: string, ed: bigint): Promise<{ free: bigint; holdable: bigint; forFees: bigint }> {
  const account = await api.query.System.Account.getValue(who, { at });
  const { free, frozen, reserved } = account.data;
  const minus = (a: bigint, b: bigint) => (a > b ? a - b : 0n);
  const keepForHold = free > 0n && account.providers === 1 ? ed : 0n;
  const frozenFree = minus(frozen, reserved);
  return {
    free,
    holdable: minus(free, keepForHold),
    forFees: minus(free, frozenFree > ed ? frozenFree : ed),
  };
}

/**
 * What a withdrawal of `value` would do now, by the pallet's rule (`do_withdraw`): the queue is
 * served first (free delegation pays up to `MaxQueuePayoutsPerCall` earlier requests); if that
 * empties it, free delegation left pays at once up to the position's value, and what it cannot
 * pay is queued; if others are still queued, everything is queued behind them. The chain decides
 * at the block it includes the call; this is the preview shown before signing.
 */
export function previewWithdrawal(
  value: bigint,
  position: { value: bigint; queuedValue: bigint },
  pool: { free: bigint; queued_requests: bigint; queued_value: bigint },
  destroying: boolean,
  maxQueuePayouts: number,
): { now: bigint; queued: bigint; all: boolean } {
  // Shares already queued are not withdrawn twice.
  const available = position.value > position.queuedValue ? position.value - position.queuedValue : 0n;
  const wanted = destroying || value >= available ? available : value;
  const all = wanted === available;
  let free = pool.free;
  if (pool.queued_requests > 0n) {
    const queueEmptied = pool.queued_requests <= BigInt(maxQueuePayouts) && pool.free >= pool.queued_value;
    if (!queueEmptied) return { now: 0n, queued: wanted, all };
    free = pool.free - pool.queued_value;
  }
  const now = wanted < free ? wanted : free;
  return { now, queued: wanted - now, all };
}

/** Whether slashes left the pool with too many shares per unit of value to take delegation. */
export function valueDepleted(pool: { total_shares: bigint; total_value: bigint }, maxSharesPerValue: number): boolean {
  return pool.total_shares > pool.total_value * BigInt(maxSharesPerValue);
}
