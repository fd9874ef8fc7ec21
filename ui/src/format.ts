// Amounts, rates, blocks and dates, in the chain's own units (decimals, symbol, block time).
import { AccountId, getSs58AddressInfo } from 'polkadot-api';

/** `planck` as a decimal amount with `decimals` places, trailing zeros trimmed, grouped. */
export function formatAmount(planck: bigint, decimals: number, maxFraction = 4): string {
  const negative = planck < 0n;
  const abs = negative ? -planck : planck;
  const unit = 10n ** BigInt(decimals);
  const whole = abs / unit;
  let fraction = (abs % unit).toString().padStart(decimals, '0').slice(0, maxFraction);
  fraction = fraction.replace(/0+$/, '');
  // A non-zero amount never shows as 0: it shows its first significant digit instead.
  if (whole === 0n && fraction === '' && abs !== 0n) {
    const digits = (abs % unit).toString().padStart(decimals, '0');
    const first = digits.search(/[1-9]/);
    fraction = digits.slice(0, first + 1);
  }
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** An amount with its symbol. */
export function formatToken(planck: bigint, decimals: number, symbol: string, maxFraction = 4): string {
  return `${formatAmount(planck, decimals, maxFraction)} ${symbol}`;
}

/**
 * Parses what a person typed (`12.5`, `1,000`) into planck. Returns an error message naming the
 * problem instead of guessing: more decimals than the token has, not a number, negative.
 */
export function parseAmount(text: string, decimals: number): { planck: bigint } | { error: string } {
  const cleaned = text.trim().replace(/[,_\s]/g, '');
  if (cleaned === '') return { error: 'enter an amount' };
  if (!/^\d*\.?\d*$/.test(cleaned) || cleaned === '.') return { error: `"${text.trim()}" is not an amount` };
  const [whole = '', fraction = ''] = cleaned.split('.');
  if (fraction.length > decimals) {
    return { error: `at most ${decimals} decimal places` };
  }
  const planck = BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt((fraction || '').padEnd(decimals, '0') || '0');
  return { planck };
}

/** Parts per million (`Permill`) as a percentage. */
export function formatPermill(ppm: number): string {
  const percent = ppm / 10_000;
  return `${Number.isInteger(percent) ? percent.toFixed(0) : percent.toFixed(4).replace(/0+$/, '')}%`;
}

/** A percentage typed by a person into parts per million, or an error. */
export function parsePercent(text: string): { ppm: number } | { error: string } {
  const cleaned = text.trim().replace(/%$/, '').trim();
  if (!/^\d+(\.\d{0,4})?$/.test(cleaned)) return { error: 'a percentage with at most 4 decimals, e.g. 12.5' };
  const ppm = Math.round(Number(cleaned) * 10_000);
  if (ppm > 1_000_000) return { error: 'at most 100%' };
  return { ppm };
}

/** A span of blocks as a duration (`6d 23h`, `42m`, `now`). */
export function formatDuration(blocks: number, blockTimeMs: number): string {
  if (blocks <= 0) return 'now';
  let seconds = Math.round((blocks * blockTimeMs) / 1000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3_600);
  seconds -= hours * 3_600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${seconds}s`;
}

/** The date block `target` is expected at, from block `now` at the chain's block time. */
export function blockDate(target: number, now: number, blockTimeMs: number, nowMs = Date.now()): Date {
  return new Date(nowMs + (target - now) * blockTimeMs);
}

export function formatDate(date: Date): string {
  return date.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

/** `5Grw…utQY`. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 5)}…${address.slice(-4)}` : address;
}

/** The public key behind an SS58 address (any prefix), as hex; `undefined` if not an address. */
export function publicKeyOf(address: string): string | undefined {
  const info = getSs58AddressInfo(address);
  if (!info.isValid) return undefined;
  return Array.from(info.publicKey, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether two addresses (perhaps of different SS58 formats) are the same account. */
export function sameAccount(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const [ka, kb] = [publicKeyOf(a), publicKeyOf(b)];
  return ka !== undefined && ka === kb;
}

/** An address in the chain's own SS58 format. */
export function toChainAddress(address: string, ss58: number): string {
  const info = getSs58AddressInfo(address);
  if (!info.isValid) return address;
  return AccountId(ss58).dec(info.publicKey);
}

/** The share of `part` in `whole` as a number (for rates only, never for amounts). */
export function ratio(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  // Keep 12 significant digits of the quotient in integers before going to floating point.
  const scale = 10n ** 12n;
  return Number((part * scale) / whole) / 1e12;
}
