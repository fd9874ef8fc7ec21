// Sending a transaction and following it: signed, broadcast, in a block, finalized, or failed
// with its dispatch error and the error's documented cause.
import type { PolkadotSigner } from 'polkadot-api';
import { describeDispatchError } from './chain';

/**
 * `unknown`: the dashboard lost track of a transaction it had sent (the connection dropped, or the
 * node stopped reporting): it may or may not be in a block. Never shown as failed, so nobody
 * repeats a delegation that went through.
 */
export type Stage = 'signing' | 'broadcast' | 'in-block' | 'finalized' | 'failed' | 'unknown';

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

function update(id: number, change: Partial<TxStatus>): TxStatus | undefined {
  let updated: TxStatus | undefined;
  statuses = statuses.map((status) => (status.id === id ? (updated = { ...status, ...change }) : status));
  publish();
  return updated;
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
function rejection(error: unknown, docs: Map<string, string>): { error: string; cause?: string } | undefined {
  const detail = (error as { error?: unknown })?.error;
  if (detail && typeof detail === 'object') {
    // An invalid transaction: `{ type: 'Invalid', value: { type: 'Payment' } }` (or, without
    // the runtime's types, `InvalidTransaction.Payment`); `Custom` carries a code.
    const outer = detail as { type?: string; value?: { type?: string; value?: unknown } };
    const kind = outer.type?.replace(/^InvalidTransaction$/, 'Invalid').replace(/^UnknownTransaction$/, 'Unknown');
    const code = typeof outer.value?.value === 'number' ? ` ${outer.value.value}` : '';
    const name = [kind, outer.value?.type].filter(Boolean).join('.') + code;
    const hints: Record<string, string> = {
      'Invalid.Payment': 'The account cannot pay the transaction fee.',
      'Invalid.Stale': 'The nonce was already used: a transaction of this account was just included.',
      'Invalid.Future': 'The nonce is ahead of the account\'s.',
      'Invalid.BadProof': 'The signature does not match the transaction.',
      'Invalid.ExhaustsResources': 'The block has no room for the transaction.',
    };
    return { error: `transaction refused: ${name}`, cause: hints[name] ?? docs.get(name) };
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  let last: TxStatus = { id, label, stage: 'signing' };
  statuses = [last, ...statuses].slice(0, 8);
  publish();
  const set = (change: Partial<TxStatus>) => {
    last = update(id, change) ?? { ...last, ...change };
  };
  return new Promise((resolve) => {
    let subscription: { unsubscribe(): void } | undefined;
    let done = false;
    const finish = () => {
      done = true;
      subscription?.unsubscribe();
      resolve(last);
    };
    const failWith = (dispatchError: unknown, block: number) => {
      const { name, cause } = describeDispatchError(dispatchError, docs);
      set({ stage: 'failed', block, error: name, cause });
    };
    subscription = tx.signSubmitAndWatch(signer).subscribe({
      next(event) {
        if (event.type === 'signed' || event.type === 'broadcasted') {
          if (last.stage === 'signing') set({ stage: 'broadcast' });
        } else if (event.type === 'txBestBlocksState') {
          if (!('ok' in event)) {
            // Out of the best chain again (a re-organisation): back to waiting for a block.
            if (last.stage === 'in-block' || last.stage === 'failed') set({ stage: 'broadcast', block: undefined, error: undefined, cause: undefined });
            return;
          }
          if (event.ok) set({ stage: 'in-block', block: event.block.number, error: undefined, cause: undefined });
          else failWith(event.dispatchError, event.block.number);
        } else if (event.type === 'finalized') {
          if (event.ok) set({ stage: 'finalized', block: event.block.number });
          else failWith(event.dispatchError, event.block.number);
          finish();
        }
      },
      error(error) {
        const refused = rejection(error, docs);
        if (refused) {
          // The node refused it: no block will include it.
          set({ stage: 'failed', ...refused });
        } else if (last.stage === 'signing') {
          const message = messageOf(error);
          set({ stage: 'failed', error: /cancel|reject|denied/i.test(message) ? `signing refused: ${message}` : message });
        } else {
          // Sent, perhaps included: say so rather than "failed", or the person may send it again.
          set({
            stage: 'unknown',
            error: `lost track of it: ${messageOf(error)}`,
            cause: 'It may be in a block. Check your positions and balance before sending it again.',
          });
        }
        finish();
      },
    });
    if (done) subscription.unsubscribe();
  });
}
