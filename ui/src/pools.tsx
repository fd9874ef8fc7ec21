// The pool list (with the APR estimate and its formula), and a pool's page: delegate with the
// chain's checks before signing, and the pool's withdrawal queue.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApp, useLoad } from './context';
import { estimatedApr, loadPools, loadQueue, loadSpendable, valueDepleted, type PoolRow } from './data';
import { formatAmount, formatPermill, parseAmount, sameAccount } from './format';
import { Address, Amount, BlockWhen, Field, Loading, TxButton } from './ui';

type Sort = 'pid' | 'commission' | 'capGap' | 'apr';

function percent(value: number | undefined): string {
  return value === undefined ? '—' : `${(value * 100).toFixed(2)}%`;
}

export function PoolsPage({ onOpen }: { onOpen: (pid: bigint) => void }) {
  const { conn, block, account } = useApp();
  const { info } = conn;
  const viewer = account?.address;
  const { value, error } = useLoad(
    async () => ({ at: block.number, ...(await loadPools(conn.api, block.hash, viewer, info.blockTimeMs)) }),
    [block.hash, viewer],
  );
  const [sort, setSort] = useState<Sort>('pid');
  const [amountText, setAmountText] = useState('');
  const [roomOnly, setRoomOnly] = useState(false);
  const [whitelistedOnly, setWhitelistedOnly] = useState(false);
  const [mineOnly, setMineOnly] = useState(false);
  const amount = amountText ? parseAmount(amountText, info.decimals) : undefined;
  const amountError = amount && 'error' in amount ? amount.error : undefined;
  const wanted = amount && 'planck' in amount ? amount.planck : 0n;

  const rows = useMemo(() => {
    if (!value) return [];
    const filtered = value.pools.filter((row) => {
      if (roomOnly && row.summary.cap_gap !== undefined && row.summary.cap_gap < wanted) return false;
      if (roomOnly && row.summary.state.type !== 'Open') return false;
      if (whitelistedOnly && !row.mayDelegate) return false;
      if (mineOnly && !sameAccount(row.summary.owner, viewer)) return false;
      return true;
    });
    const gap = (row: PoolRow) => row.summary.cap_gap ?? (1n << 127n);
    const by: Record<Sort, (a: PoolRow, b: PoolRow) => number> = {
      pid: (a, b) => Number(a.pid - b.pid),
      commission: (a, b) => a.summary.commission - b.summary.commission,
      capGap: (a, b) => (gap(b) > gap(a) ? 1 : gap(b) < gap(a) ? -1 : 0),
      apr: (a, b) => (b.apr ?? -1) - (a.apr ?? -1),
    };
    return [...filtered].sort(by[sort]);
  }, [value, sort, roomOnly, whitelistedOnly, mineOnly, wanted, viewer]);

  if (!value) return <Loading error={error} />;
  const blocksPerYear = Math.round((365.25 * 86_400_000) / info.blockTimeMs);
  // `data-at`: the block the figures are from.
  return <section data-testid="pool-list" data-at={value.at}>
    <h2>Pools</h2>
    <div class="toolbar">
      <Field label="Sort by">
        <select value={sort} onChange={(e) => setSort((e.target as HTMLSelectElement).value as Sort)} data-testid="sort">
          <option value="pid">pool id</option>
          <option value="commission">commission (lowest first)</option>
          <option value="capGap">room left (most first)</option>
          <option value="apr">estimated APR (highest first)</option>
        </select>
      </Field>
      <Field label={`My amount (${info.symbol})`} error={amountError}>
        <input inputMode="decimal" value={amountText} placeholder="0" onInput={(e) => setAmountText((e.target as HTMLInputElement).value)} />
      </Field>
      <label class="check"><input type="checkbox" checked={roomOnly} onChange={() => setRoomOnly(!roomOnly)} /> has room for my amount</label>
      <label class="check"><input type="checkbox" checked={whitelistedOnly} onChange={() => setWhitelistedOnly(!whitelistedOnly)} /> I may delegate</label>
      <label class="check"><input type="checkbox" checked={mineOnly} onChange={() => setMineOnly(!mineOnly)} disabled={!viewer} /> mine</label>
    </div>
    <div class="table-wrap">
      <table class="pools" data-testid="pools">
        <thead><tr>
          <th>Pool</th><th>Owner</th><th>Commission</th><th>Total value</th><th>Free</th><th>Staked</th>
          <th>Releasing</th><th>Room left</th><th>Workers</th><th>Power</th><th>Delegators</th>
          <th>Queued</th><th title="An estimate: see below">Est. APR</th><th />
        </tr></thead>
        <tbody>
          {rows.map((row) => {
            const s = row.summary;
            return <tr key={row.pid.toString()} data-pid={row.pid.toString()} class={s.state.type !== 'Open' ? 'dim' : ''}>
              <td data-label="Pool">#{row.pid.toString()} {s.state.type !== 'Open' ? <span class="badge">{s.state.type}</span> : null}
                {row.hasWhitelist ? <span class="badge" title="whitelist">{row.mayDelegate ? 'listed' : 'whitelist'}</span> : null}</td>
              <td data-label="Owner"><Address address={s.owner} you={sameAccount(s.owner, viewer)} /></td>
              <td data-label="Commission" data-testid="commission">{formatPermill(s.commission)}
                {s.pending_commission ? <div class="pending" data-testid="pending-commission">→ {formatPermill(s.pending_commission[0])} at <BlockWhen target={Number(s.pending_commission[1])} /></div> : null}</td>
              <td data-label="Total value"><Amount planck={s.total_value} /></td>
              <td data-label="Free"><Amount planck={s.free} /></td>
              <td data-label="Staked"><Amount planck={s.staked} /></td>
              <td data-label="Releasing"><Amount planck={s.releasing} /></td>
              <td data-label="Room left">{s.cap_gap === undefined ? 'no cap' : <Amount planck={s.cap_gap} />}</td>
              <td data-label="Workers">{s.workers}</td>
              <td data-label="Power">{s.power.toLocaleString()} <span class="muted">({percent(row.powerShare)})</span></td>
              <td data-label="Delegators">{s.delegators}</td>
              <td data-label="Queued">{s.queued_requests.toString()} · <Amount planck={s.queued_value} /></td>
              <td data-label="Est. APR" data-testid="apr">{percent(row.apr)}
                {s.pending_commission ? <div class="pending" title="at the pending commission">{percent(estimatedApr({ ...s, commission: s.pending_commission[0] }, value.figures, info.blockTimeMs))} after the increase</div> : null}</td>
              <td><button type="button" onClick={() => onOpen(row.pid)} data-testid={`open-${row.pid}`}>Open</button></td>
            </tr>;
          })}
        </tbody>
      </table>
    </div>
    {rows.length === 0 ? <p class="muted">No pool matches.</p> : null}
    <details class="formula">
      <summary>How the APR is estimated</summary>
      <p>
        <code>APR ≈ reward per block × pool power ÷ all mining power × (1 − commission) × blocks per year ÷ pool total value</code>
      </p>
      <p>
        Now: reward per block <Amount planck={value.figures.rewardPerBlock} exact />, all mining power{' '}
        {value.figures.totalPower.toLocaleString()}, {blocksPerYear.toLocaleString()} blocks per year at one block every{' '}
        {info.blockTimeMs / 1000} s (the chain's <code>StakePool.BlockTimeMillis</code>). An <strong>estimate</strong>: the
        budget, the pools' power and value and the commission all change, and a pool earns only while its workers mine.
      </p>
    </details>
  </section>;
}

/** How long a fee estimate may take before it is shown as failed and asked again. */
const FEE_ESTIMATE_PATIENCE_MS = 15_000;

/** A pool's page: what it is, delegating to it, and its withdrawal queue. */
export function PoolPage({ pid, onBack }: { pid: bigint; onBack: () => void }) {
  const { conn, block, account, run } = useApp();
  const { info, api } = conn;
  const viewer = account?.address;
  const pools = useLoad(() => loadPools(api, block.hash, viewer, info.blockTimeMs), [block.hash, viewer]);
  const queue = useLoad(() => loadQueue(api, block.hash, pid, info.gracePeriod, info.cooldownPeriod), [block.hash, pid]);
  const balance = useLoad(
    () => (viewer ? loadSpendable(api, block.hash, viewer, info.existentialDeposit) : Promise.resolve(undefined)),
    [block.hash, viewer],
  );
  const positions = useLoad(
    () => (viewer ? api.apis.StakePoolApi.delegator_positions(viewer, { at: block.hash }) : Promise.resolve([])),
    [block.hash, viewer],
  );
  const [amountText, setAmountText] = useState('');
  // The fee of the very call, estimated by the runtime for each amount typed. An estimate that
  // fails (the block it was asked at already pruned, a lost connection) or has no answer within
  // FEE_ESTIMATE_PATIENCE_MS is shown and asked again, at once and then at each new block,
  // never left "estimating" for good.
  const [fee, setFee] = useState<{ amount: bigint; viewer: string; planck: bigint } | undefined>(undefined);
  const [feeFailure, setFeeFailure] = useState<{ amount: bigint; viewer: string; error: string } | undefined>(undefined);
  const parsedAmount = amountText ? parseAmount(amountText, info.decimals) : undefined;
  const amountPlanck = parsedAmount && 'planck' in parsedAmount && parsedAmount.planck > 0n ? parsedAmount.planck : undefined;
  const feeFailed = feeFailure !== undefined && feeFailure.amount === amountPlanck && feeFailure.viewer === viewer;
  const feeRetryAt = feeFailed ? block.hash : undefined;
  useEffect(() => {
    if (amountPlanck === undefined || !viewer) return;
    let live = true;
    const fail = (error: string) => { if (live) setFeeFailure({ amount: amountPlanck, viewer, error }); };
    const patience = setTimeout(() => fail(`no answer from the node in ${FEE_ESTIMATE_PATIENCE_MS / 1000} s`), FEE_ESTIMATE_PATIENCE_MS);
    api.tx.StakePool.delegate({ pid, amount: amountPlanck }).getEstimatedFees(viewer).then(
      (planck) => {
        clearTimeout(patience);
        if (!live) return;
        setFee({ amount: amountPlanck, viewer, planck });
        setFeeFailure(undefined);
      },
      (error: unknown) => {
        clearTimeout(patience);
        fail(error instanceof Error ? error.message : String(error));
      },
    );
    return () => { live = false; clearTimeout(patience); };
  }, [amountPlanck, viewer, pid, feeRetryAt]);
  const row = pools.value?.pools.find((p) => p.pid === pid);
  if (!pools.value) return <Loading error={pools.error} />;
  if (!row) return <section><button type="button" onClick={onBack}>← Pools</button><p>Pool #{pid.toString()} does not exist (any more).</p></section>;
  const s = row.summary;
  const parsed = parsedAmount;
  const amount = parsed && 'planck' in parsed ? parsed.planck : undefined;
  const feeNow = fee && fee.amount === amountPlanck && fee.viewer === viewer ? fee.planck : undefined;
  const hasPosition = (positions.value ?? []).some((p) => p.pid === pid);
  const positionCount = (positions.value ?? []).length;

  // The checks `delegate` makes, in its order, before anything is signed.
  const problems: string[] = [];
  if (parsed && 'error' in parsed) problems.push(parsed.error);
  if (s.state.type === 'Destroying') problems.push('the pool is being wound down (PoolDestroying)');
  if (s.state.type === 'Blocked' && !sameAccount(s.owner, viewer) && !hasPosition) problems.push('the pool takes no new delegators (PoolBlocked)');
  if (amount !== undefined) {
    if (amount === 0n) problems.push('the amount is zero (ZeroAmount)');
    else if (amount < info.minDelegation) problems.push(`below the minimum delegation of ${formatAmount(info.minDelegation, info.decimals)} ${info.symbol} (DelegationTooSmall)`);
    if (s.cap_gap !== undefined && amount > s.cap_gap) problems.push(`more than the room left under the pool's cap, ${formatAmount(s.cap_gap, info.decimals)} ${info.symbol} (CapExceeded)`);
    if (balance.value && feeNow !== undefined) {
      // The fee is paid first, then the amount is put on hold.
      if (feeNow > balance.value.forFees) problems.push('the account cannot pay the fee');
      else if (amount > balance.value.holdable - feeNow) {
        problems.push(`more than you can delegate: ${formatAmount(balance.value.holdable - feeNow, info.decimals)} ${info.symbol} after the fee (InsufficientBalance)`);
      }
    }
  }
  if (!row.mayDelegate) problems.push('you are not on the pool\'s whitelist (NotInWhitelist)');
  if (valueDepleted(s, info.maxSharesPerValue)) problems.push('slashes left the pool\'s shares worth too little to take new delegation (PoolValueDepleted)');
  if (!hasPosition && positionCount >= info.maxPoolsPerDelegator) problems.push(`you already delegate to ${info.maxPoolsPerDelegator} pools, the most one account may (TooManyPools)`);

  const tx = amount !== undefined && amount > 0n ? api.tx.StakePool.delegate({ pid, amount }) : undefined;

  return <section>
    <button type="button" class="quiet" onClick={onBack}>← Pools</button>
    <h2>Pool #{pid.toString()} <span class="badge">{s.state.type}</span></h2>
    {row.description ? <p class="description">{row.description}</p> : null}
    <dl class="facts">
      <dt>Owner</dt><dd><Address address={s.owner} you={sameAccount(s.owner, viewer)} /></dd>
      <dt>Commission</dt><dd>{formatPermill(s.commission)}{s.pending_commission ? <> → {formatPermill(s.pending_commission[0])} from <BlockWhen target={Number(s.pending_commission[1])} /></> : null}</dd>
      <dt>Total value</dt><dd><Amount planck={s.total_value} /></dd>
      <dt>Free · staked · releasing</dt><dd><Amount planck={s.free} /> · <Amount planck={s.staked} /> · <Amount planck={s.releasing} /></dd>
      <dt>Room left</dt><dd>{s.cap_gap === undefined ? 'no cap' : <Amount planck={s.cap_gap} />}</dd>
      <dt>Est. APR</dt><dd>{percent(estimatedApr(s, pools.value.figures, info.blockTimeMs))} (estimate)
        {amount !== undefined && amount > 0n ? <> · {percent(estimatedApr({ ...s, total_value: s.total_value + amount }, pools.value.figures, info.blockTimeMs))} once your amount joins</> : null}
        {s.pending_commission ? <> · {percent(estimatedApr({ ...s, commission: s.pending_commission[0] }, pools.value.figures, info.blockTimeMs))} after the pending increase</> : null}</dd>
    </dl>

    <h3>Delegate</h3>
    <div class="form">
      <Field label={`Amount (${info.symbol})`} hint={balance.value ? <>You can delegate up to <Amount planck={balance.value.holdable} /> less the fee
        {feeNow !== undefined ? <>; fee <span data-testid="fee"><Amount planck={feeNow} exact /></span></>
          : feeFailed ? <>; <span data-testid="fee-failed">the fee could not be estimated ({feeFailure?.error}); asking again</span></>
            : tx ? '; estimating the fee…' : null}</> : undefined}>
        <input inputMode="decimal" data-testid="delegate-amount" value={amountText}
          onInput={(e) => setAmountText((e.target as HTMLInputElement).value)} />
      </Field>
      {problems.length > 0 ? <ul class="problems" data-testid="delegate-problems">{problems.map((p) => <li key={p}>{p}</li>)}</ul> : null}
      <TxButton label="Delegate" testid="delegate" disabled={!tx || feeNow === undefined || problems.length > 0}
        onClick={async () => { if (tx) { await run(`Delegate ${amountText} ${info.symbol} to #${pid}`, tx); setAmountText(''); } }} />
    </div>

    <h3>Withdrawal queue</h3>
    <p class="muted">Each request is paid by its block at the latest: the grace period
      ({info.gracePeriod.toLocaleString()} blocks) forces the pool's workers to stop, and their cool-down
      ({info.cooldownPeriod.toLocaleString()} blocks) returns the stake.</p>
    {queue.value && queue.value.length > 0 ? <div class="table-wrap"><table data-testid="queue">
      <thead><tr><th>Request</th><th>Delegator</th><th>Shares left</th><th>Paid so far</th><th>Requested</th><th>Paid by</th></tr></thead>
      <tbody>{queue.value.map((q) => {
        const mine = sameAccount(q.delegator, viewer);
        return <tr key={q.request.toString()} class={mine ? 'mine' : ''} data-mine={mine ? 'yes' : 'no'}>
          <td data-label="Request">{q.request.toString()}</td>
          <td data-label="Delegator"><Address address={q.delegator} you={mine} /></td>
          <td data-label="Shares left">{formatAmount(q.shares, info.decimals)}</td>
          <td data-label="Paid so far"><Amount planck={q.paid} /></td>
          <td data-label="Requested">#{q.requestedAt}</td>
          <td data-label="Paid by"><BlockWhen target={q.payoutBy} /></td>
        </tr>;
      })}</tbody>
    </table></div> : <p class="muted">Nobody is waiting.</p>}
  </section>;
}
