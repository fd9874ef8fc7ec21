// The election: the era, the next era's boundary, the round's phase and the blocks it lasts,
// and the pools active this era with their backing.
import { useApp, useLoad } from './context';
import { BlockWhen, Loading } from './ui';

const PHASES: Record<string, string> = {
  Off: 'off: no round running',
  TargetSnapshot: 'taking the snapshot of the pools',
  Snapshot: 'taking the snapshot of the delegators',
  Signed: 'signed submissions accepted',
  SignedValidation: 'checking the signed submissions',
  Unsigned: 'unsigned (off-chain worker) submissions accepted',
  Emergency: 'emergency: governance must decide',
};

export function ElectionPage() {
  const { conn, block } = useApp();
  const { api, info } = conn;
  const data = useLoad(async () => {
    const at = { at: block.hash };
    const [round, era, active] = await Promise.all([
      api.apis.ElectionApi.round_info(at),
      api.query.StakePool.CurrentEra.getValue(at),
      api.query.StakePool.ActivePools.getValue(at),
    ]);
    return { round, era, active };
  }, [block.hash]);
  if (!data.value) return <Loading error={data.error} />;
  const { round, era, active } = data.value;
  const phase = round.phase;
  const until = phase.type === 'Signed' || phase.type === 'SignedValidation' || phase.type === 'Unsigned' ? phase.value.until : undefined;
  const page = phase.type === 'Snapshot' || phase.type === 'TargetSnapshot' ? phase.value.page : undefined;
  const nextEra = (Math.floor(block.number / info.eraLength) + 1) * info.eraLength;
  const totalBacking = active.reduce((sum, [, backing]) => sum + backing, 0n);
  return <section>
    <h2>Election</h2>
    <dl class="facts" data-testid="election">
      <dt>Era</dt><dd data-testid="era">{era}</dd>
      <dt>Next era</dt><dd><BlockWhen target={nextEra} system /> (every {info.eraLength.toLocaleString()} blocks)</dd>
      <dt>Round</dt><dd>{round.round}</dd>
      <dt>Phase</dt><dd data-testid="phase">{phase.type} — {PHASES[phase.type] ?? ''}
        {until !== undefined ? <div><BlockWhen target={until} label="until" system /></div> : null}
        {page !== undefined ? ` (next page ${page})` : ''}</dd>
      {round.snapshot ? <><dt>Snapshot</dt><dd>{round.snapshot.voters.toLocaleString()} delegators, {round.snapshot.targets} pools</dd></> : null}
      {round.desired_targets !== undefined ? <><dt>Pools to elect</dt><dd>{round.desired_targets}</dd></> : null}
    </dl>
    <h3>Active pools this era</h3>
    <p class="muted">{active.length} of {info.desiredActivePools} wanted.</p>
    {active.length > 0 ? <div class="table-wrap"><table data-testid="active">
      <thead><tr><th>Pool</th><th>Backing (vote units)</th><th>Share</th></tr></thead>
      <tbody>{active.map(([pid, backing]) => <tr key={pid.toString()}>
        <td data-label="Pool">#{pid.toString()}</td>
        <td data-label="Backing">{backing.toLocaleString()}</td>
        <td data-label="Share">{totalBacking === 0n ? '—' : `${(Number((backing * 10_000n) / totalBacking) / 100).toFixed(2)}%`}</td>
      </tr>)}</tbody>
    </table></div> : <p class="muted">No active set yet: the first is elected at the end of era 0.</p>}
  </section>;
}
