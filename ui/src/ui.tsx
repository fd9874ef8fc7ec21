// Small pieces shared by the pages.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from './context';
import { blockDate, formatDate, formatDuration, formatToken, shortAddress } from './format';
import { dismiss, watchStatuses, type TxStatus } from './tx';

/** An amount in the chain's token. */
export function Amount({ planck, exact = false }: { planck: bigint; exact?: boolean }) {
  const { info } = useApp().conn;
  const full = formatToken(planck, info.decimals, info.symbol, info.decimals);
  return <span class="amount" title={full} data-planck={planck.toString()}>
    {exact ? full : formatToken(planck, info.decimals, info.symbol)}
  </span>;
}

export function Address({ address, you }: { address: string; you?: boolean }) {
  return <span class="address" title={address}>{shortAddress(address)}{you ? <em> (you)</em> : null}</span>;
}

/** Ticks every second, for countdowns between blocks. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * A future (or past) block: its number, the date it is expected at, and a countdown. `target` is
 * a block of the stake pools' clock (every deadline of the pools), or with `system` of the chain's
 * own blocks (eras, election phases; the same clock on the solochain).
 */
export function BlockWhen({ target, label, system }: { target: number; label?: string; system?: boolean }) {
  const { block, conn } = useApp();
  const now = useNow();
  const ms = conn.info.blockTimeMs;
  const current = system ? block.number : block.clock;
  // Count down from when the current block was seen, so the countdown moves between blocks.
  const elapsedBlocks = Math.min((now - block.seenAt) / ms, 1);
  const remaining = target - current - elapsedBlocks;
  const date = blockDate(target, current, ms, block.seenAt);
  return <span class="when" data-block={target}>
    {label ? `${label} ` : ''}#{target.toLocaleString()} · {formatDate(date)} ·{' '}
    <strong class="countdown">{remaining > 0 ? `in ${formatDuration(remaining, ms)}` : 'due now'}</strong>
  </span>;
}

export function Field({ label, hint, error, children }: {
  label: string; hint?: ComponentChildren; error?: string; children: ComponentChildren;
}) {
  return <label class="field">
    <span class="label">{label}</span>
    {children}
    {error ? <span class="error" role="alert">{error}</span> : hint ? <span class="hint">{hint}</span> : null}
  </label>;
}

/** A button that sends a transaction, disabled without a signing account or while one runs. */
export function TxButton({ label, onClick, disabled, kind, testid }: {
  label: string; onClick: () => Promise<unknown> | void; disabled?: boolean; kind?: 'danger' | 'quiet'; testid?: string;
}) {
  const { account } = useApp();
  const [busy, setBusy] = useState(false);
  return <button
    type="button"
    class={kind ?? ''}
    data-testid={testid}
    disabled={disabled || busy || !account}
    title={account ? undefined : 'Choose an account first'}
    onClick={async () => {
      setBusy(true);
      try { await onClick(); } finally { setBusy(false); }
    }}
  >{busy ? `${label}…` : label}</button>;
}

const STAGE_TEXT: Record<TxStatus['stage'], string> = {
  signing: 'waiting for the signature',
  broadcast: 'sent, waiting for a block',
  'in-block': 'in block',
  finalized: 'finalized in block',
  failed: 'failed',
  unknown: 'status unknown',
};

/** The transactions of this session, newest first. */
export function TxList() {
  const [list, setList] = useState<TxStatus[]>([]);
  useEffect(() => watchStatuses(setList), []);
  if (list.length === 0) return null;
  return <section class="txs" aria-live="polite">
    {list.map((tx) => <div class={`tx ${tx.stage}`} key={tx.id} data-testid="tx" data-stage={tx.stage} data-block={tx.block}>
      <div>
        <strong>{tx.label}</strong>: {STAGE_TEXT[tx.stage]}
        {tx.block !== undefined ? ` #${tx.block}` : ''}
        {tx.error ? <> — <code data-testid="tx-error">{tx.error}</code></> : null}
        {tx.cause ? <div class="cause" data-testid="tx-cause">{tx.cause}</div> : null}
      </div>
      <button type="button" class="quiet" aria-label="dismiss" onClick={() => dismiss(tx.id)}>×</button>
    </div>)}
  </section>;
}

export function Loading({ error }: { error?: string }) {
  return error ? <p class="error" role="alert">Could not read the chain: {error}</p> : <p class="muted">Loading…</p>;
}
