// The connection to the chain and everything the dashboard learns from it once: name, token
// (decimals, symbol), address format, whether it is a development chain, the pallets' constants,
// and the documentation of every dispatch error (from the runtime's own metadata).
import { createClient, type PolkadotClient, type TypedApi } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import { pool } from '@polkadot-api/descriptors';
import { decAnyMetadata, unifyMetadata, type UnifiedMetadata } from '@polkadot-api/substrate-bindings';

/** The typed API of this project's runtime (descriptors generated from its wasm). */
export type Api = TypedApi<typeof pool>;

/** What the dashboard needs to know about the chain it talks to; read once per connection. */
export interface ChainInfo {
  name: string;
  genesisHash: string;
  /** `system_chainType`: dev accounts are offered only on a `Development` chain. */
  isDevelopment: boolean;
  decimals: number;
  symbol: string;
  ss58: number;
  existentialDeposit: bigint;
  /** Milliseconds per block of the stake pools' clock (`StakePool.BlockTimeMillis`). */
  blockTimeMs: number;
  minDelegation: bigint;
  maxCommission: number;
  commissionChangeDelay: number;
  gracePeriod: number;
  cooldownPeriod: number;
  maxPoolsPerDelegator: number;
  maxWhitelist: number;
  maxDescriptionLen: number;
  maxPoolWorkers: number;
  maxWithdrawalsPerDelegation: number;
  eraLength: number;
  desiredActivePools: number;
  minStakePerSqrtScore: bigint;
  maxStakePerWorker: bigint;
  maxQueuePayoutsPerCall: number;
  maxSharesPerValue: number;
  /** The documentation of a dispatch error, by `Pallet.Error` (or `Token.FundsUnavailable`). */
  errorDocs: Map<string, string>;
}

export interface Connection {
  client: PolkadotClient;
  api: Api;
  info: ChainInfo;
}

function firstOf<T>(value: T | T[] | undefined, fallback: T): T {
  if (Array.isArray(value)) return value.length > 0 ? (value[0] as T) : fallback;
  return value ?? fallback;
}

/** Connects to `url` and reads the chain's facts; rejects with a message naming the problem. */
export async function connect(url: string): Promise<Connection> {
  const client = createClient(getWsProvider(url, { timeout: 10_000 }));
  try {
    const api = client.getTypedApi(pool);
    const [spec, chainType, finalized] = await Promise.all([
      client.getChainSpecData(),
      client._request<unknown>('system_chainType', []),
      client.getFinalizedBlock(),
    ]);
    const c = api.constants;
    const props = (spec.properties ?? {}) as Record<string, unknown>;
    const [ss58Prefix, ed, blockTimeMs, minDelegation, maxCommission, commissionChangeDelay,
      gracePeriod, cooldownPeriod, maxPoolsPerDelegator, maxWhitelist, maxDescriptionLen,
      maxPoolWorkers, maxWithdrawals, eraLength, desiredActivePools, minStakePerSqrtScore,
      maxStakePerWorker, maxQueuePayoutsPerCall, maxSharesPerValue, metadata] = await Promise.all([
      c.System.SS58Prefix(), c.Balances.ExistentialDeposit(), c.StakePool.BlockTimeMillis(),
      c.StakePool.MinDelegation(), c.StakePool.MaxCommission(), c.StakePool.CommissionChangeDelay(),
      c.StakePool.GracePeriod(), c.StakePool.CooldownPeriod(), c.StakePool.MaxPoolsPerDelegator(),
      c.StakePool.MaxWhitelist(), c.StakePool.MaxDescriptionLen(), c.StakePool.MaxPoolWorkers(),
      c.StakePool.MaxWithdrawalsPerDelegation(), c.StakePool.EraLength(),
      c.StakePool.DesiredActivePools(), c.StakePool.MinStakePerSqrtScore(),
      c.StakePool.MaxStakePerWorker(), c.StakePool.MaxQueuePayoutsPerCall(), c.StakePool.MaxSharesPerValue(),
      client.getMetadata(finalized.hash),
    ]);
    const info: ChainInfo = {
      name: spec.name,
      genesisHash: spec.genesisHash,
      isDevelopment: chainType === 'Development',
      decimals: Number(firstOf(props.tokenDecimals as number | number[] | undefined, 0)),
      symbol: String(firstOf(props.tokenSymbol as string | string[] | undefined, 'UNIT')),
      ss58: Number(props.ss58Format ?? ss58Prefix),
      existentialDeposit: ed,
      blockTimeMs: Number(blockTimeMs),
      minDelegation,
      maxCommission,
      commissionChangeDelay,
      gracePeriod,
      cooldownPeriod,
      maxPoolsPerDelegator,
      maxWhitelist,
      maxDescriptionLen,
      maxPoolWorkers,
      maxWithdrawalsPerDelegation: maxWithdrawals,
      eraLength,
      desiredActivePools,
      minStakePerSqrtScore,
      maxStakePerWorker,
      maxQueuePayoutsPerCall,
      maxSharesPerValue,
      errorDocs: errorDocsOf(unifyMetadata(decAnyMetadata(metadata))),
    };
    return { client, api, info };
  } catch (e) {
    client.destroy();
    throw e;
  }
}

type Lookup = UnifiedMetadata['lookup'];

function variantsOf(lookup: Lookup, id: number) {
  const entry = lookup[id];
  return entry && entry.def.tag === 'variant' ? entry.def.value : [];
}

function docsText(docs: string[]): string {
  return docs.map((line) => line.trim()).join(' ').trim();
}

/**
 * Every error's documentation, keyed `Pallet.Error` for module errors and `Kind.Error` for the
 * runtime's own (`Token.FundsUnavailable`, `Arithmetic.Overflow`, ...), and `Kind` alone for
 * dispatch errors without a detail (`BadOrigin`).
 */
export function errorDocsOf(metadata: UnifiedMetadata): Map<string, string> {
  const docs = new Map<string, string>();
  const lookup = metadata.lookup;
  for (const pallet of metadata.pallets) {
    if (!pallet.errors) continue;
    for (const variant of variantsOf(lookup, pallet.errors.type)) {
      docs.set(`${pallet.name}.${variant.name}`, docsText(variant.docs));
    }
  }
  const dispatchError = lookup.find((entry) => entry.path.join('::') === 'sp_runtime::DispatchError');
  if (dispatchError && dispatchError.def.tag === 'variant') {
    for (const kind of dispatchError.def.value) {
      docs.set(kind.name, docsText(kind.docs));
      const fields = kind.fields;
      if (kind.name === 'Module' || fields.length !== 1 || !fields[0]) continue;
      for (const detail of variantsOf(lookup, fields[0].type)) {
        docs.set(`${kind.name}.${detail.name}`, docsText(detail.docs));
      }
    }
  }
  return docs;
}

/** `{ type, value }` enums as polkadot-api decodes them. */
interface EnumLike {
  type: string;
  value?: unknown;
}

function isEnum(value: unknown): value is EnumLike {
  return typeof value === 'object' && value !== null && typeof (value as EnumLike).type === 'string';
}

/** A dispatch error's name (`StakePool.CapExceeded`) and its documented cause. */
export function describeDispatchError(
  error: unknown,
  docs: Map<string, string>,
): { name: string; cause: string } {
  if (!isEnum(error)) return { name: String(error), cause: '' };
  let name = error.type;
  if (error.type === 'Module' && isEnum(error.value)) {
    const pallet = error.value;
    name = isEnum(pallet.value) ? `${pallet.type}.${pallet.value.type}` : pallet.type;
  } else if (isEnum(error.value)) {
    name = `${error.type}.${error.value.type}`;
  }
  return { name, cause: docs.get(name) ?? docs.get(error.type) ?? '' };
}
