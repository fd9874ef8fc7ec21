// The dashboard: connects to the node named by `?rpc=` (or the last one used, or
// ws://127.0.0.1:9944), follows the best block, and shows the page the URL's hash names.
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { connect, type Connection } from './chain';
import { App, type AppState, type Block } from './context';
import { ElectionPage } from './election';
import { OwnerPage } from './owner';
import { PoolPage, PoolsPage } from './pools';
import { PositionsPage } from './positions';
import { send, type Submittable } from './tx';
import { TxList } from './ui';
import { connectExtension, devAccounts, extensionLabel, installedExtensions, type Account } from './wallet';
import { sameAccount, shortAddress } from './format';
import './style.css';

const DEFAULT_RPC = 'ws://127.0.0.1:9944';

/** `?rpc=` for this visit only; the node typed into the box is remembered for the next visits. */
function initialRpc(): string {
  const fromUrl = new URLSearchParams(location.search).get('rpc');
  return fromUrl ?? localStorage.getItem('rpc') ?? DEFAULT_RPC;
}

type Route = { page: 'pools' } | { page: 'pool'; pid: bigint } | { page: 'positions' } | { page: 'owner' } | { page: 'election' };

function parseRoute(hash: string): Route {
  const [page, arg] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'pool' && arg && /^\d+$/.test(arg)) return { page: 'pool', pid: BigInt(arg) };
  if (page === 'positions' || page === 'owner' || page === 'election') return { page };
  return { page: 'pools' };
}

function useRoute(): [Route, (hash: string) => void] {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return [route, (hash: string) => { location.hash = hash; }];
}

function Root() {
  const [rpc, setRpc] = useState(initialRpc);
  const [rpcInput, setRpcInput] = useState(rpc);
  const [conn, setConn] = useState<Connection | undefined>(undefined);
  const [connError, setConnError] = useState<string | undefined>(undefined);
  const [block, setBlock] = useState<Block | undefined>(undefined);
  // A failed read of the clock at one block (pruned before the answer, a busy node) is shown
  // until a later block's read succeeds; it does not stay up for good.
  const [clockError, setClockError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    let current: Connection | undefined;
    setConn(undefined);
    setBlock(undefined);
    setConnError(undefined);
    setClockError(undefined);
    connect(rpc).then((c) => {
      if (!live) { c.client.destroy(); return; }
      current = c;
      setConn(c);
    }, (e: unknown) => { if (live) setConnError(`${rpc}: ${e instanceof Error ? e.message : String(e)}`); });
    return () => { live = false; current?.client.destroy(); };
  }, [rpc]);

  useEffect(() => {
    if (!conn) return;
    let latest = -1;
    const sub = conn.client.bestBlocks$.subscribe({
      next: (blocks) => {
        const best = blocks[0];
        if (!best) return;
        const seen = ++latest;
        conn.api.view.StakePool.clock_now({ at: best.hash }).then((clock) => {
          if (seen !== latest) return;
          setBlock({ number: best.number, hash: best.hash, clock: Number(clock), seenAt: Date.now() });
          setClockError(undefined);
        }, (e: unknown) => {
          if (seen === latest) setClockError(`cannot read the stake pools' clock at block ${best.number}: ${e instanceof Error ? e.message : String(e)}`);
        });
      },
      error: (e: unknown) => setConnError(`lost the chain: ${e instanceof Error ? e.message : String(e)}`),
    });
    return () => sub.unsubscribe();
  }, [conn]);

  return <>
    <header class="top">
      <h1><a href="#/">Stake pools</a></h1>
      <form class="rpc" onSubmit={(e) => {
        e.preventDefault();
        const url = rpcInput.trim();
        localStorage.setItem('rpc', url);
        setRpc(url);
      }}>
        <input aria-label="node" value={rpcInput} onInput={(e) => setRpcInput((e.target as HTMLInputElement).value)} />
        <button type="submit" class="quiet">connect</button>
      </form>
      {conn && block ? <span class="chain" data-testid="chain">{conn.info.name} · #<span data-testid="block">{block.number}</span></span> : null}
    </header>
    {connError ? <p class="error" role="alert" data-testid="conn-error">Cannot use {connError}</p> : null}
    {!connError && clockError ? <p class="error" role="alert" data-testid="clock-error">{clockError}; trying again at the next block</p> : null}
    {conn && block ? <Connected conn={conn} block={block} /> : connError ? null : <p class="muted">Connecting to {rpc}…</p>}
  </>;
}

function Connected({ conn, block }: { conn: Connection; block: Block }) {
  const [route, go] = useRoute();
  const [extensionAccounts, setExtensionAccounts] = useState<Record<string, Account[]>>({});
  const [dev, setDev] = useState<Account[]>([]);
  const [selected, setSelected] = useState<string | undefined>(localStorage.getItem('account') ?? undefined);
  const [walletError, setWalletError] = useState<string | undefined>(undefined);
  const [extensions, setExtensions] = useState<string[]>(installedExtensions());

  // Extensions inject themselves as the page loads; look again shortly after.
  useEffect(() => {
    const timer = setTimeout(() => setExtensions(installedExtensions()), 500);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (!conn.info.isDevelopment) return;
    devAccounts(conn.info.ss58).then(setDev, (e: unknown) => setWalletError(String(e)));
  }, [conn]);

  const enable = async (name: string) => {
    setWalletError(undefined);
    try {
      await connectExtension(name, (accounts) => setExtensionAccounts((old) => ({ ...old, [name]: accounts })));
    } catch (e) {
      setWalletError(`${extensionLabel(name)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const accounts = useMemo(() => [...Object.values(extensionAccounts).flat(), ...dev], [extensionAccounts, dev]);
  const account = accounts.find((a) => `${a.source}:${a.address}` === selected)
    ?? accounts.find((a) => selected && sameAccount(a.address, selected.split(':')[1]));

  const run = useCallback(async (label: string, tx: Submittable) => {
    if (!account) return undefined;
    return send(label, tx, account.signer, conn.info.errorDocs);
  }, [account, conn]);

  const state: AppState = { conn, block, account, run };
  const choose = (value: string) => {
    setSelected(value || undefined);
    if (value) localStorage.setItem('account', value); else localStorage.removeItem('account');
  };

  return <App.Provider value={state}>
    <section class="wallet">
      {extensions.map((name) => extensionAccounts[name]
        ? null
        : <button type="button" key={name} onClick={() => enable(name)} data-testid={`connect-${name}`}>Connect {extensionLabel(name)}</button>)}
      {extensions.length === 0 && !conn.info.isDevelopment ? <span class="muted">No wallet extension found (polkadot{'{'}.js{'}'}, Talisman, SubWallet).</span> : null}
      <select aria-label="account" data-testid="account" value={account ? `${account.source}:${account.address}` : ''} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
        <option value="">{accounts.length ? 'choose an account' : 'no account'}</option>
        {accounts.map((a) => <option key={`${a.source}:${a.address}`} value={`${a.source}:${a.address}`}>
          {a.name || shortAddress(a.address)} ({a.source === 'dev' ? 'dev account' : extensionLabel(a.source)}) {shortAddress(a.address)}
        </option>)}
      </select>
      {walletError ? <span class="error" role="alert">{walletError}</span> : null}
    </section>
    <nav>
      <a href="#/" class={route.page === 'pools' || route.page === 'pool' ? 'active' : ''}>Pools</a>
      <a href="#/positions" class={route.page === 'positions' ? 'active' : ''} data-testid="nav-positions">My positions</a>
      <a href="#/owner" class={route.page === 'owner' ? 'active' : ''} data-testid="nav-owner">My pools</a>
      <a href="#/election" class={route.page === 'election' ? 'active' : ''} data-testid="nav-election">Election</a>
    </nav>
    <TxList />
    <main>
      {route.page === 'pools' ? <PoolsPage onOpen={(pid) => go(`#/pool/${pid}`)} /> : null}
      {route.page === 'pool' ? <PoolPage pid={route.pid} onBack={() => go('#/')} /> : null}
      {route.page === 'positions' ? <PositionsPage onOpen={(pid) => go(`#/pool/${pid}`)} /> : null}
      {route.page === 'owner' ? <OwnerPage /> : null}
      {route.page === 'election' ? <ElectionPage /> : null}
    </main>
    <footer class="muted">Everything here is read from the chain ({conn.info.name}, {conn.info.symbol}, {conn.info.decimals} decimals, SS58 {conn.info.ss58}).</footer>
  </App.Provider>;
}

const root = document.getElementById('app');
if (root) render(<Root />, root);
