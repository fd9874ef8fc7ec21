// The owner's view of each pool the selected account owns: commission (a decrease applies at
// once, an increase after the chain's delay, shown before signing), cap, whitelist, description,
// commission claim, workers (add, remove, start, stop, restart, reclaim after the cool-down),
// and closing or winding down the pool.
import { useState } from 'preact/hooks';
import { Binary } from 'polkadot-api';
import { useApp, useLoad } from './context';
import { loadPools, loadWhitelist, loadWorkers, type PoolRow, type WorkerRow } from './data';
import { formatAmount, formatPermill, parseAmount, parsePercent, publicKeyOf, sameAccount, toChainAddress } from './format';
import { Address, Amount, BlockWhen, Field, Loading, TxButton } from './ui';

export function OwnerPage() {
  const { conn, block, account } = useApp();
  const viewer = account?.address;
  const pools = useLoad(
    async () => ({ at: block.number, ...(await loadPools(conn.api, block.hash, viewer, conn.info.blockTimeMs)) }),
    [block.hash, viewer],
  );
  if (!viewer) return <section><h2>My pools</h2><p>Choose an account to manage its pools.</p></section>;
  if (!pools.value) return <Loading error={pools.error} />;
  const mine = pools.value.pools.filter((row) => sameAccount(row.summary.owner, viewer));
  return <section data-testid="owned" data-at={pools.value.at}>
    <h2>My pools</h2>
    {mine.length === 0 ? <p class="muted">This account owns no pool.</p> : null}
    {mine.map((row) => <OwnedPool key={row.pid.toString()} row={row} />)}
  </section>;
}

function OwnedPool({ row }: { row: PoolRow }) {
  const { conn, block, run } = useApp();
  const { api, info } = conn;
  const pid = row.pid;
  const s = row.summary;
  const [commissionText, setCommissionText] = useState('');
  const [capText, setCapText] = useState('');
  const [listText, setListText] = useState('');
  const [description, setDescription] = useState<string | undefined>(undefined);
  const whitelist = useLoad(() => loadWhitelist(api, block.hash, pid), [block.hash, pid]);

  const commission = commissionText ? parsePercent(commissionText) : undefined;
  const ppm = commission && 'ppm' in commission ? commission.ppm : undefined;
  let commissionNote: string | undefined;
  let commissionError = commission && 'error' in commission ? commission.error : undefined;
  const rate = row.record.change_rate;
  if (ppm !== undefined) {
    if (ppm > info.maxCommission) commissionError = `at most ${formatPermill(info.maxCommission)} (CommissionTooHigh)`;
    else if (ppm > s.commission && rate && ppm - s.commission > rate.max_increase) {
      commissionError = `the pool's change rate allows at most +${formatPermill(rate.max_increase)} at a time (CommissionChangeThrottled)`;
    } else if (ppm > s.commission && rate && row.record.commission_raised_at !== undefined
      && block.clock < row.record.commission_raised_at + rate.min_delay) {
      commissionError = `the pool's change rate allows the next increase from block #${(row.record.commission_raised_at + rate.min_delay).toLocaleString()} (CommissionChangeThrottled)`;
    } else if (ppm <= s.commission) {
      commissionNote = `A decrease (or the same rate) applies at once${s.pending_commission ? ', and drops the pending increase' : ''}.`;
    } else {
      commissionNote = `An increase applies ${info.commissionChangeDelay.toLocaleString()} blocks after it is set: delegators see it pending and can leave first${s.pending_commission ? '. It replaces the pending increase, whose delay starts again' : ''}.`;
    }
  }
  const cap = capText ? parseAmount(capText, info.decimals) : undefined;
  const capValue = cap && 'planck' in cap ? cap.planck : undefined;
  const capError = cap && 'error' in cap ? cap.error
    : capValue !== undefined && capValue < s.total_value ? `below the pool's value, ${formatAmount(s.total_value, info.decimals)} ${info.symbol} (CapBelowDelegation)` : undefined;
  const listed = listText.trim();
  const listedError = listed && !publicKeyOf(listed) ? 'not an account address' : undefined;
  const descriptionText = description ?? row.description;
  const descriptionBytes = new TextEncoder().encode(descriptionText).length;

  return <article class="card" data-testid={`owned-${pid}`}>
    <header><h3>Pool #{pid.toString()} <span class="badge">{s.state.type}</span></h3></header>
    <dl class="facts">
      <dt>Commission</dt><dd data-testid="owner-commission">{formatPermill(s.commission)}
        {s.pending_commission ? <div class="pending" data-testid="owner-pending">→ {formatPermill(s.pending_commission[0])} from <BlockWhen target={Number(s.pending_commission[1])} /></div> : null}</dd>
      <dt>Unclaimed commission</dt><dd><Amount planck={s.owner_reward} exact /></dd>
      <dt>Cap</dt><dd>{row.record.cap === undefined ? 'none' : <Amount planck={row.record.cap} />}</dd>
    </dl>
    <div class="actions">
      <TxButton label="Claim commission" disabled={s.owner_reward === 0n}
        onClick={() => run(`Claim commission of #${pid}`, api.tx.StakePool.claim_commission({ pid }))} />
    </div>

    <h4>Commission</h4>
    <div class="form">
      <Field label="New commission (%)" error={commissionError} hint={commissionNote ?? `At most ${formatPermill(info.maxCommission)}.`}>
        <input inputMode="decimal" value={commissionText} data-testid="commission-input" onInput={(e) => setCommissionText((e.target as HTMLInputElement).value)} />
      </Field>
      {ppm !== undefined && ppm > s.commission && !commissionError ? <p class="preview">Applies from <BlockWhen target={block.clock + 1 + info.commissionChangeDelay} /> (if included in the next block)</p> : null}
      <TxButton label="Set commission" testid="set-commission" disabled={ppm === undefined || !!commissionError}
        onClick={async () => { if (ppm !== undefined) { await run(`Set commission of #${pid} to ${formatPermill(ppm)}`, api.tx.StakePool.set_commission({ pid, commission: ppm })); setCommissionText(''); } }} />
    </div>

    <h4>Cap</h4>
    <div class="form">
      <Field label={`Cap (${info.symbol}; empty for none)`} error={capError}>
        <input inputMode="decimal" value={capText} onInput={(e) => setCapText((e.target as HTMLInputElement).value)} />
      </Field>
      <TxButton label={capText ? 'Set cap' : 'Remove cap'} disabled={!!capError || (!capText && row.record.cap === undefined)}
        onClick={() => run(capText ? `Set cap of #${pid}` : `Remove cap of #${pid}`, api.tx.StakePool.set_cap({ pid, cap: capValue }))} />
    </div>

    <h4>Whitelist</h4>
    <p class="muted">{whitelist.value && whitelist.value.length > 0
      ? `Only these accounts (and you) may delegate; ${whitelist.value.length} of at most ${info.maxWhitelist}.`
      : 'Empty: anyone may delegate.'}</p>
    <ul class="list">{(whitelist.value ?? []).map((who) => <li key={who}><Address address={who} />
      <TxButton label="Remove" kind="quiet" onClick={() => run(`Remove from whitelist of #${pid}`, api.tx.StakePool.remove_from_whitelist({ pid, who }))} /></li>)}</ul>
    <div class="form">
      <Field label="Account to add" error={listedError}>
        <input value={listText} onInput={(e) => setListText((e.target as HTMLInputElement).value)} />
      </Field>
      <TxButton label="Add" disabled={!listed || !!listedError} onClick={async () => { await run(`Whitelist on #${pid}`, api.tx.StakePool.add_to_whitelist({ pid, who: toChainAddress(listed, info.ss58) })); setListText(''); }} />
    </div>

    <h4>Description</h4>
    <div class="form">
      <Field label={`Description (${descriptionBytes} of ${info.maxDescriptionLen} bytes)`} error={descriptionBytes > info.maxDescriptionLen ? 'too long (DescriptionTooLong)' : undefined}>
        <textarea rows={2} value={descriptionText} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
      </Field>
      <TxButton label="Save description" disabled={description === undefined || descriptionBytes > info.maxDescriptionLen}
        onClick={async () => { await run(`Describe #${pid}`, api.tx.StakePool.set_description({ pid, description: Binary.fromText(descriptionText) })); setDescription(undefined); }} />
    </div>

    <Workers pid={pid} summary={s} />

    {s.queued_requests > 0n && s.delegators === 0 ? <div class="actions">
      <span class="muted">Cancelled requests are still in the queue: sweep them before closing.</span>
      <TxButton label="Process the queue" kind="quiet" onClick={() => run(`Process the queue of #${pid}`, api.tx.StakePool.process_withdrawals({ pid }))} />
    </div> : null}
    <h4>Open, block, wind down, close</h4>
    <p class="muted">Blocked: only existing delegators may add. Winding down (irreversible): no new delegation, and anyone may withdraw
      anyone's position. A pool closes once nobody delegates and no worker is bound; the deposit returns.</p>
    <div class="actions">
      {s.state.type === 'Open' ? <TxButton label="Block new delegators" kind="quiet" onClick={() => run(`Block #${pid}`, api.tx.StakePool.set_pool_state({ pid, state: { type: 'Blocked', value: undefined } }))} /> : null}
      {s.state.type === 'Blocked' ? <TxButton label="Open" kind="quiet" onClick={() => run(`Open #${pid}`, api.tx.StakePool.set_pool_state({ pid, state: { type: 'Open', value: undefined } }))} /> : null}
      {s.state.type !== 'Destroying' ? <TxButton label="Wind down" kind="danger" onClick={() => run(`Wind down #${pid}`, api.tx.StakePool.set_pool_state({ pid, state: { type: 'Destroying', value: undefined } }))} /> : null}
      <TxButton label="Close pool" kind="danger" disabled={s.delegators > 0 || s.workers > 0 || s.total_shares > 0n || s.queued_requests > 0n}
        onClick={() => run(`Close #${pid}`, api.tx.StakePool.close_pool({ pid }))} />
    </div>
  </article>;
}

function workerState(row: WorkerRow): string {
  return row.record.state.type === 'CoolingDown' ? 'cooling down' : row.record.state.type.toLowerCase();
}

/** A pool's workers and what the owner can do with each. */
function Workers({ pid, summary }: { pid: bigint; summary: PoolRow['summary'] }) {
  const { conn, block, run } = useApp();
  const { api, info } = conn;
  const workers = useLoad(() => loadWorkers(api, block.hash, pid), [block.hash, pid]);
  const [newWorker, setNewWorker] = useState('');
  const newWorkerError = newWorker.trim() && !publicKeyOf(newWorker.trim()) ? 'not an account address' : undefined;
  // Free delegation that may be staked: what the queue is owed stays free.
  const stakeable = summary.free > summary.queued_value ? summary.free - summary.queued_value : 0n;
  /** The checks `start_mining` / `restart_mining` make on a stake (`ensure_stake_allowed`). */
  const stakeProblem = (row: WorkerRow, stake: bigint): string | undefined => {
    const minimum = info.minStakePerSqrtScore * BigInt(Math.floor(Math.sqrt(row.record.benchmark.score)));
    const additional = row.record.state.type === 'Mining' ? stake - row.record.stake : stake;
    if (summary.state.type === 'Destroying') return 'the pool is being wound down (PoolDestroying)';
    if (row.record.state.type === 'Mining' && stake <= row.record.stake) return 'the new total must be above the current stake (StakeNotIncreased)';
    if (stake < minimum) return `below this worker's minimum, ${formatAmount(minimum, info.decimals)} ${info.symbol} (StakeBelowMinimum)`;
    if (stake > info.maxStakePerWorker) return `above ${formatAmount(info.maxStakePerWorker, info.decimals)} ${info.symbol} (StakeAboveMaximum)`;
    if (additional > stakeable) return `the pool has ${formatAmount(stakeable, info.decimals)} ${info.symbol} free to stake (InsufficientFreeDelegation)`;
    return undefined;
  };
  const [stakes, setStakes] = useState<Record<string, string>>({});
  const stakeOf = (worker: string) => {
    const text = stakes[worker] ?? '';
    const parsed = text ? parseAmount(text, info.decimals) : undefined;
    return parsed && 'planck' in parsed ? parsed.planck : undefined;
  };
  return <>
    <h4>Workers</h4>
    <p class="muted">A worker stakes between {formatAmount(info.minStakePerSqrtScore, info.decimals)} {info.symbol} per √score and{' '}
      {formatAmount(info.maxStakePerWorker, info.decimals)} {info.symbol}; a stopped worker cools down for {info.cooldownPeriod.toLocaleString()} blocks
      before its stake returns. At most {info.maxPoolWorkers} per pool.</p>
    {!workers.value ? <Loading error={workers.error} /> : <ul class="list" data-testid="workers">
      {workers.value.map((row) => {
        const state = row.record.state;
        const until = state.type === 'CoolingDown' ? state.value.until : undefined;
        const stake = stakeOf(row.worker);
        const problem = stake !== undefined ? stakeProblem(row, stake) : undefined;
        return <li key={row.worker}>
          <Address address={row.worker} /> <span class="badge">{workerState(row)}</span>{' '}
          stake <Amount planck={row.record.stake} />, power {row.record.power.toLocaleString()}
          {until !== undefined ? <div><BlockWhen target={until} label="stake back at" /></div> : null}
          <div class="actions">
            {state.type === 'Ready' || state.type === 'Mining' ? <input class="small" inputMode="decimal"
              placeholder={state.type === 'Mining' ? `new total stake (${info.symbol})` : `stake (${info.symbol})`}
              value={stakes[row.worker] ?? ''} onInput={(e) => setStakes({ ...stakes, [row.worker]: (e.target as HTMLInputElement).value })} /> : null}
            {state.type === 'Ready' ? <TxButton label="Start" disabled={stake === undefined || !!problem}
              onClick={() => run('Start mining', api.tx.StakePool.start_mining({ pid, worker: row.worker, stake: stake ?? 0n }))} /> : null}
            {state.type === 'Mining' ? <TxButton label="Restart with this total stake" disabled={stake === undefined || !!problem}
              onClick={() => run('Restart mining', api.tx.StakePool.restart_mining({ pid, worker: row.worker, stake: stake ?? 0n }))} /> : null}
            {state.type === 'Mining' || state.type === 'Unresponsive' ? <TxButton label="Stop" kind="quiet"
              onClick={() => run('Stop mining', api.tx.StakePool.stop_mining({ pid, worker: row.worker }))} /> : null}
            {state.type === 'CoolingDown' ? <TxButton label="Reclaim" disabled={until !== undefined && block.clock < until}
              onClick={() => run('Reclaim stake', api.tx.StakePool.reclaim_worker({ worker: row.worker }))} /> : null}
            {state.type === 'Ready' ? <TxButton label="Remove" kind="quiet"
              onClick={() => run('Remove worker', api.tx.StakePool.remove_worker({ pid, worker: row.worker }))} /> : null}
          </div>
          {problem ? <div class="error">{problem}</div> : null}
        </li>;
      })}
    </ul>}
    <div class="form">
      <Field label="Add a registered worker (its account)" error={newWorkerError}>
        <input value={newWorker} data-testid="add-worker-input" onInput={(e) => setNewWorker((e.target as HTMLInputElement).value)} />
      </Field>
      <TxButton label="Add worker" testid="add-worker" disabled={!newWorker.trim() || !!newWorkerError}
        onClick={async () => { await run(`Add worker to #${pid}`, api.tx.StakePool.add_worker({ pid, worker: toChainAddress(newWorker.trim(), info.ss58) })); setNewWorker(''); }} />
    </div>
  </>;
}
