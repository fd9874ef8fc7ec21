// The selected account's positions: value, pending rewards (claim, or claim and restake), and
// withdrawals: what is paid at once and what is queued, shown before signing, and every queued
// request with the block by which it is paid and a countdown.
import { useState } from 'preact/hooks';
import { useApp, useLoad } from './context';
import { previewWithdrawal, type Position } from './data';
import { formatAmount, parseAmount } from './format';
import { Amount, BlockWhen, Field, Loading, TxButton } from './ui';

export function PositionsPage({ onOpen }: { onOpen: (pid: bigint) => void }) {
  const { conn, block, account } = useApp();
  const { api } = conn;
  const viewer = account?.address;
  const positions = useLoad(
    async () => {
      if (!viewer) return undefined;
      const list = await api.apis.StakePoolApi.delegator_positions(viewer, { at: block.hash });
      const summaries = await Promise.all(list.map((p) => api.apis.StakePoolApi.pool_summary(p.pid, { at: block.hash })));
      return { at: block.number, list: list.map((position, i) => ({ position, summary: summaries[i] })) };
    },
    [block.hash, viewer],
  );
  if (!viewer) return <section><h2>My positions</h2><p>Choose an account to see its positions.</p></section>;
  if (!positions.value) return <Loading error={positions.error} />;
  // `data-at`: the block the figures are from.
  return <section data-testid="positions" data-at={positions.value.at}>
    <h2>My positions</h2>
    {positions.value.list.length === 0 ? <p class="muted" data-testid="no-positions">No delegation yet: pick a pool in the list.</p> : null}
    {positions.value.list.map(({ position, summary }) =>
      <PositionCard key={position.pid.toString()} position={position} summary={summary} onOpen={onOpen} />)}
  </section>;
}

type Summary = Awaited<ReturnType<ReturnType<typeof useApp>['conn']['api']['apis']['StakePoolApi']['pool_summary']>>;

function PositionCard({ position, summary, onOpen }: { position: Position; summary: Summary; onOpen: (pid: bigint) => void }) {
  const { conn, run, block } = useApp();
  const { api, info } = conn;
  const pid = position.pid;
  const [text, setText] = useState('');
  const queuedValue = position.queued_withdrawals.reduce((sum, q) => sum + q.value, 0n);
  const available = position.value > queuedValue ? position.value - queuedValue : 0n;
  const parsed = text ? parseAmount(text, info.decimals) : undefined;
  const value = parsed && 'planck' in parsed ? parsed.planck : undefined;
  const destroying = summary?.state.type === 'Destroying';
  const preview = summary && value !== undefined && value > 0n
    ? previewWithdrawal(value, { value: position.value, queuedValue }, summary, destroying)
    : undefined;
  const tooMany = position.queued_withdrawals.length >= info.maxWithdrawalsPerDelegation && preview && preview.queued > 0n;

  return <article class="card" data-testid={`position-${pid}`}>
    <header>
      <h3>Pool #{pid.toString()}</h3>
      <button type="button" class="quiet" onClick={() => onOpen(pid)}>pool page →</button>
    </header>
    <dl class="facts">
      <dt>Shares</dt><dd data-testid="shares">{formatAmount(position.shares, info.decimals)}</dd>
      <dt>Value</dt><dd data-testid="value"><Amount planck={position.value} exact /></dd>
      <dt>Pending rewards</dt><dd data-testid="pending"><Amount planck={position.pending_rewards} exact /></dd>
    </dl>
    <div class="actions">
      <TxButton label="Claim" testid="claim" disabled={position.pending_rewards === 0n}
        onClick={() => run(`Claim rewards of #${pid}`, api.tx.StakePool.claim_rewards({ pid, restake: false }))} />
      <TxButton label="Claim and restake" testid="restake" disabled={position.pending_rewards === 0n}
        onClick={() => run(`Claim and restake in #${pid}`, api.tx.StakePool.claim_rewards({ pid, restake: true }))} />
    </div>

    <h4>Withdraw</h4>
    <div class="form">
      <Field label={`Amount (${info.symbol})`} error={parsed && 'error' in parsed ? parsed.error : undefined}
        hint={<>Up to <Amount planck={available} exact /> not already queued</>}>
        <input inputMode="decimal" value={text} data-testid="withdraw-amount" onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </Field>
      <button type="button" class="quiet" onClick={() => setText(formatAmount(available, info.decimals, info.decimals).replace(/,/g, ''))}>everything</button>
      {preview ? <p class="preview" data-testid="withdraw-preview">
        Paid at once: <strong data-testid="preview-now"><Amount planck={preview.now} exact /></strong>;
        queued: <strong data-testid="preview-queued"><Amount planck={preview.queued} exact /></strong>
        {preview.queued > 0n ? <> — the queued part is paid by <BlockWhen target={block.number + info.gracePeriod + info.cooldownPeriod} /> at the latest</> : null}
        {destroying ? ' (the pool is being wound down: all of the position is withdrawn)' : ''}
      </p> : null}
      {tooMany ? <p class="error">This position already has {info.maxWithdrawalsPerDelegation} queued requests, the most it may (TooManyWithdrawals).</p> : null}
      <TxButton label="Withdraw" testid="withdraw" disabled={!preview || !!tooMany}
        onClick={async () => {
          if (value === undefined) return;
          await run(`Withdraw ${text} ${info.symbol} from #${pid}`, api.tx.StakePool.withdraw({ pid, value }));
          setText('');
        }} />
    </div>

    {position.queued_withdrawals.length > 0 ? <>
      <h4>Queued withdrawals</h4>
      <ul class="queued" data-testid="queued">
        {position.queued_withdrawals.map((q) => <li key={q.request.toString()} data-request={q.request.toString()}>
          Request {q.request.toString()}: <Amount planck={q.value} exact /> to come
          {q.paid > 0n ? <> (<Amount planck={q.paid} /> paid so far)</> : null}, asked at #{q.requested_at.toString()}
          <div><BlockWhen target={Number(q.expected_payout_by)} label="guaranteed by" /></div>
          <TxButton label="Cancel" kind="quiet" onClick={() => run(`Cancel request ${q.request} of #${pid}`,
            api.tx.StakePool.cancel_withdrawal({ pid, request: q.request }))} />
        </li>)}
      </ul>
    </> : null}
  </article>;
}
