// Sending a transaction and following it: signed, broadcast, in a block, finalized, or failed
// with its dispatch error and the error's documented cause.
import type { PolkadotSigner } from 'polkadot-api';
import { describeDispatchError } from './chain';

export type Stage = 'signing' | 'broadcast' | 'in-block' | 'finalized' | 'failed';

export interface TxStatus {
  id: number;
  label: string;
  stage: Stage;
  block?: number;
  /** The dispatch error (`StakePool.CapExceeded`) or the reason it never reached a block. */
  error?: string;
  /** The error's documentation from the runtime's metadata. */
  cause?: string;
}

/** What polkadot-api's transactions offer that this module uses. */
export interface Submittable {
  signSubmitAndWatch(signer: PolkadotSigner): {
    subscribe(observer: {
      next: (event: TxEventLike) => void;
      error: (error: unknown) => void;
    }): { unsubscribe(): void };
  };
}

type TxEventLike =
  | { type: 'signed' | 'broadcasted' }
  | { type: 'txBestBlocksState'; found: false }
  | { type: 'txBestBlocksState' | 'finalized'; found?: true; ok: boolean; block: { number: number }; dispatchError?: unknown };

type Listener = (list: TxStatus[]) => void;

let statuses: TxStatus[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function publish() {
  for (const listener of listeners) listener(statuses);
}

function update(id: number, change: Partial<TxStatus>) {
  statuses = statuses.map((status) => (status.id === id ? { ...status, ...change } : status));
  publish();
}

/** Hear every change of the transaction list (newest first). */
export function watchStatuses(listener: Listener): () => void {
  listeners.add(listener);
  listener(statuses);
  return () => listeners.delete(listener);
}

export function dismiss(id: number) {
  statuses = statuses.filter((status) => status.id !== id);
  publish();
}

/** Why a transaction never made it into a block, in words. */
function rejection(error: unknown, docs: Map<string, string>): { error: string; cause?: string } {
  const detail = (error as { error?: unknown })?.error;
  if (detail && typeof detail === 'object') {
    // An invalid transaction: `{ type: 'Invalid', value: { type: 'Payment' } }`.
    const outer = detail as { type?: string; value?: { type?: string } };
    const name = [outer.type, outer.value?.type].filter(Boolean).join('.');
    const hints: Record<string, string> = {
      'Invalid.Payment': 'The account cannot pay the transaction fee.',
      'Invalid.Stale': 'The nonce was already used: a transaction of this account was just included.',
      'Invalid.Future': 'The nonce is ahead of the account\'s.',
      'Invalid.BadProof': 'The signature does not match the transaction.',
      'Invalid.ExhaustsResources': 'The block has no room for the transaction.',
    };
    return { error: `transaction refused: ${name}`, cause: hints[name] ?? docs.get(name) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { error: /cancel|reject/i.test(message) ? `signing refused: ${message}` : message };
}

/**
 * Signs and sends `tx` with `signer`, following it in the list that `watchStatuses` reports.
 * Resolves when the transaction is finalized or has failed (never rejects).
 */
export function send(
  label: string,
  tx: Submittable,
  signer: PolkadotSigner,
  docs: Map<string, string>,
): Promise<TxStatus> {
  const id = nextId++;
  statuses = [{ id, label, stage: 'signing' as Stage }, ...statuses].slice(0, 8);
  publish();
  return new Promise((resolve) => {
    const finish = () => resolve(statuses.find((status) => status.id === id) ?? { id, label, stage: 'failed' });
    const failWith = (dispatchError: unknown, block: number) => {
      const { name, cause } = describeDispatchError(dispatchError, docs);
      update(id, { stage: 'failed', block, error: name, cause });
    };
    let subscription: { unsubscribe(): void } | undefined;
    let done = false;
    subscription = tx.signSubmitAndWatch(signer).subscribe({
      next(event) {
        if (event.type === 'signed' || event.type === 'broadcasted') {
          update(id, { stage: 'broadcast' });
        } else if (event.type === 'txBestBlocksState') {
          if (!('ok' in event)) return;
          if (event.ok) update(id, { stage: 'in-block', block: event.block.number });
          else failWith(event.dispatchError, event.block.number);
        } else if (event.type === 'finalized') {
          if (event.ok) update(id, { stage: 'finalized', block: event.block.number });
          else failWith(event.dispatchError, event.block.number);
          done = true;
          subscription?.unsubscribe();
          finish();
        }
      },
      error(error) {
        update(id, { stage: 'failed', ...rejection(error, docs) });
        done = true;
        finish();
      },
    });
    if (done) subscription.unsubscribe();
  });
}
