// The selected account's positions: value, pending rewards (claim, or claim and restake), and
// withdrawals: what is paid at once and what is queued, shown before signing, and every queued
// request with the block by which it is paid and a countdown.
import { useState } from 'preact/hooks';
import { useApp, useLoad } from './context';
import { previewWithdrawal, valueDepleted, type Position } from './data';
import { formatAmount, parseAmount, sameAccount } from './format';
import { Amount, BlockWhen, Field, Loading, TxButton } from './ui';

export function PositionsPage({ onOpen }: { onOpen: (pid: bigint) => void }) {
  const { conn, block, account } = useApp();
  const { api } = conn;
  const viewer = account?.address;
  const positions = useLoad(
    async () => {
      if (!viewer) return undefined;
      const at = { at: block.hash };
      const list = await api.apis.StakePoolApi.delegator_positions(viewer, at);
      const pools = await Promise.all(list.map(async (p) => {
        const [summary, record] = await Promise.all([
          api.apis.StakePoolApi.pool_summary(p.pid, at),
          api.query.StakePool.Pools.getValue(p.pid, at),
        ]);
        const listed = record && record.whitelist_len > 0
          ? (await api.query.StakePool.PoolWhitelist.getValue(p.pid, viewer, at)) !== undefined
          : true;
        return { summary, mayDelegate: listed || sameAccount(record?.owner, viewer) };
      }));
      return { at: block.number, list: list.map((position, i) => ({ position, ...pools[i] })) };
    },
    [block.hash, viewer],
  );
  if (!viewer) return <section><h2>My positions</h2><p>Choose an account to see its positions.</p></section>;
  if (!positions.value) return <Loading error={positions.error} />;
  // `data-at`: the block the figures are from.
  return <section data-testid="positions" data-at={positions.value.at}>
    <h2>My positions</h2>
    {positions.value.list.length === 0 ? <p class="muted" data-testid="no-positions">No delegation yet: pick a pool in the list.</p> : null}
    {positions.value.list.map(({ position, summary, mayDelegate }) =>
      <PositionCard key={position.pid.toString()} position={position} summary={summary} mayDelegate={mayDelegate} onOpen={onOpen} />)}
  </section>;
}

type Summary = Awaited<ReturnType<ReturnType<typeof useApp>['conn']['api']['apis']['StakePoolApi']['pool_summary']>>;

/** `withdraw(pid, u128::MAX)`: everything not already queued, whatever the share price then. */
const EVERYTHING = (1n << 128n) - 1n;

function PositionCard({ position, summary, mayDelegate, onOpen }: {
  position: Position; summary: Summary; mayDelegate: boolean; onOpen: (pid: bigint) => void;
}) {
  const { conn, run, block } = useApp();
  const { api, info } = conn;
  const pid = position.pid;
  const [text, setText] = useState('');
  const [everything, setEverything] = useState(false);
  const queuedValue = position.queued_withdrawals.reduce((sum, q) => sum + q.value, 0n);
  const available = position.value > queuedValue ? position.value - queuedValue : 0n;
  const parsed = text ? parseAmount(text, info.decimals) : undefined;
  const value = everything ? EVERYTHING : parsed && 'planck' in parsed ? parsed.planck : undefined;
  const destroying = summary?.state.type === 'Destroying';
  const preview = summary && value !== undefined && value > 0n && available > 0n
    ? previewWithdrawal(value, { value: position.value, queuedValue }, summary, destroying, info.maxQueuePayoutsPerCall)
    : undefined;
  const tooMany = position.queued_withdrawals.length >= info.maxWithdrawalsPerDelegation && preview && preview.queued > 0n;
  // What slashes took from this position and will be burned from its hold at its next action.
  const slashed = position.held > position.value ? position.held - position.value : 0n;

  // `claim_rewards(restake)` delegates the rewards: every check of `delegate` but the minimum.
  const restakeProblems: string[] = [];
  if (summary) {
    if (summary.state.type === 'Destroying') restakeProblems.push('the pool is being wound down (PoolDestroying)');
    if (!mayDelegate) restakeProblems.push('you are no longer on the pool\'s whitelist (NotInWhitelist)');
    if (summary.cap_gap !== undefined && position.pending_rewards > summary.cap_gap) restakeProblems.push('the rewards exceed the room left under the cap (CapExceeded)');
    if (valueDepleted(summary, info.maxSharesPerValue)) restakeProblems.push('the pool\'s shares are worth too little to take delegation (PoolValueDepleted)');
  }

  return <article class="card" data-testid={`position-${pid}`}>
    <header>
      <h3>Pool #{pid.toString()}</h3>
      <button type="button" class="quiet" onClick={() => onOpen(pid)}>pool page →</button>
    </header>
    <dl class="facts">
      <dt>Shares</dt><dd data-testid="shares">{formatAmount(position.shares, info.decimals)}</dd>
      <dt>Value</dt><dd data-testid="value"><Amount planck={position.value} exact /></dd>
      {slashed > 0n ? <><dt>Slashed</dt><dd class="error">held <Amount planck={position.held} exact />, of which <Amount planck={slashed} exact /> is
        burned at your next action (a slash of the pool's workers)</dd></> : null}
      <dt>Pending rewards</dt><dd data-testid="pending"><Amount planck={position.pending_rewards} exact /></dd>
    </dl>
    <div class="actions">
      <TxButton label="Claim" testid="claim" disabled={position.pending_rewards === 0n}
        onClick={() => run(`Claim rewards of #${pid}`, api.tx.StakePool.claim_rewards({ pid, restake: false }))} />
      <TxButton label="Claim and restake" testid="restake" disabled={position.pending_rewards === 0n || restakeProblems.length > 0}
        onClick={() => run(`Claim and restake in #${pid}`, api.tx.StakePool.claim_rewards({ pid, restake: true }))} />
    </div>
    {position.pending_rewards > 0n && restakeProblems.length > 0 ? <ul class="problems">{restakeProblems.map((p) => <li key={p}>Cannot restake: {p}</li>)}</ul> : null}

    <h4>Withdraw</h4>
    <div class="form">
      <Field label={`Amount (${info.symbol})`} error={!everything && parsed && 'error' in parsed ? parsed.error : undefined}
        hint={<>Up to <Amount planck={available} exact /> not already queued</>}>
        <input inputMode="decimal" value={text} data-testid="withdraw-amount"
          onInput={(e) => { setText((e.target as HTMLInputElement).value); setEverything(false); }} />
      </Field>
      <button type="button" class="quiet" data-testid="withdraw-everything" disabled={available === 0n}
        onClick={() => { setText(formatAmount(available, info.decimals, info.decimals).replace(/,/g, '')); setEverything(true); }}>everything</button>
      {preview ? <p class="preview" data-testid="withdraw-preview">
        {preview.all ? 'The whole position. ' : ''}
        Paid at once: <strong data-testid="preview-now"><Amount planck={preview.now} exact /></strong>;
        queued: <strong data-testid="preview-queued"><Amount planck={preview.queued} exact /></strong>
        {preview.queued > 0n ? <> — the queued part is paid by <BlockWhen target={block.clock + 1 + info.gracePeriod + info.cooldownPeriod} /> at the latest</> : null}
        {destroying ? ' (the pool is being wound down: all of the position is withdrawn)' : ''}
        {' '}<span class="muted">(if nothing else changes before the call is included)</span>
      </p> : null}
      {available === 0n && position.shares > 0n ? <p class="muted">Everything is already queued.</p> : null}
      {tooMany ? <p class="error">This position already has {info.maxWithdrawalsPerDelegation} queued requests, the most it may (TooManyWithdrawals).</p> : null}
      <TxButton label="Withdraw" testid="withdraw" disabled={!preview || !!tooMany}
        onClick={async () => {
          if (value === undefined) return;
          await run(`Withdraw ${everything ? 'everything' : `${text} ${info.symbol}`} from #${pid}`, api.tx.StakePool.withdraw({ pid, value }));
          setText('');
          setEverything(false);
        }} />
    </div>

    {position.queued_withdrawals.length > 0 ? <>
      <h4>Queued withdrawals</h4>
      <ul class="queued" data-testid="queued">
        {position.queued_withdrawals.map((q) => {
          const overdue = Number(q.requested_at) + info.gracePeriod <= block.clock;
          return <li key={q.request.toString()} data-request={q.request.toString()}>
            Request {q.request.toString()}: <Amount planck={q.value} exact /> to come
            {q.paid > 0n ? <> (<Amount planck={q.paid} /> paid so far)</> : null}, asked at #{q.requested_at.toString()}
            <div><BlockWhen target={Number(q.expected_payout_by)} label="guaranteed by" /></div>
            {overdue ? <div class="muted">Its grace period is over: the pool's workers are being stopped to pay it; it can no longer be cancelled.</div> : null}
            <TxButton label="Cancel" kind="quiet" disabled={overdue || destroying}
              onClick={() => run(`Cancel request ${q.request} of #${pid}`, api.tx.StakePool.cancel_withdrawal({ pid, request: q.request }))} />
          </li>;
        })}
      </ul>
    </> : null}
  </article>;
}
