// What every page shares: the connection, the best block, the selected account, and `run` to
// send a transaction from it.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Connection } from './chain';
import type { Account } from './wallet';
import type { Submittable, TxStatus } from './tx';

export interface Block {
  /** The chain's own block number (`frame_system`: eras, election phases). */
  number: number;
  hash: string;
  /**
   * The stake pools' clock at this block (`StakePool.clock_now`, the `BlockNumberProvider`):
   * every deadline of the pools counts in it (the relay chain's block on a parachain).
   */
  clock: number;
  /** When the dashboard saw it (for countdowns between blocks). */
  seenAt: number;
}

export interface AppState {
  conn: Connection;
  block: Block;
  account: Account | undefined;
  /** Signs and sends from the selected account; resolves when finalized or failed. */
  run: (label: string, tx: Submittable) => Promise<TxStatus | undefined>;
}

export const App = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(App);
  if (!state) throw new Error('useApp outside the connected app');
  return state;
}

/**
 * Loads `load()` whenever `deps` change (the block among them), keeping the last result while
 * the next loads. Results of a load that a newer one overtook are dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { value: T | undefined; error: string | undefined } {
  const [state, setState] = useState<{ value: T | undefined; error: string | undefined }>({ value: undefined, error: undefined });
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    load().then(
      (value) => { if (mine === generation.current) setState({ value, error: undefined }); },
      (error: unknown) => {
        if (mine === generation.current) {
          setState((old) => ({ value: old.value, error: error instanceof Error ? error.message : String(error) }));
        }
      },
    );
  }, deps);
  return state;
}
