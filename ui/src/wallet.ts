// Accounts that can sign: browser extensions through the `window.injectedWeb3` protocol
// (polkadot{.js}, Talisman, SubWallet, ...), and the well-known dev accounts, offered only when
// the chain says it is a development chain.
import { AccountId, type PolkadotSigner } from 'polkadot-api';
import { connectInjectedExtension, getInjectedExtensions } from 'polkadot-api/pjs-signer';

export interface Account {
  address: string;
  name: string;
  /** Where it comes from: an extension's name, or `dev`. */
  source: string;
  signer: PolkadotSigner;
}

/** Names the extensions use in `window.injectedWeb3`, with the names people know them by. */
const KNOWN: Record<string, string> = {
  'polkadot-js': 'polkadot{.js}',
  talisman: 'Talisman',
  'subwallet-js': 'SubWallet',
};

export function extensionLabel(name: string): string {
  return KNOWN[name] ?? name;
}

/** The extensions the page sees now (they inject themselves when the page loads). */
export function installedExtensions(): string[] {
  return getInjectedExtensions();
}

/**
 * Asks extension `name` for access; `onAccounts` hears its accounts now and whenever they change.
 * Returns a function that disconnects.
 */
export async function connectExtension(
  name: string,
  onAccounts: (accounts: Account[]) => void,
): Promise<() => void> {
  const extension = await connectInjectedExtension(name, 'Stake pools dashboard');
  const map = () => extension.getAccounts().map((account) => ({
    address: account.address,
    name: account.name ?? '',
    source: name,
    signer: account.polkadotSigner,
  }));
  onAccounts(map());
  const unsubscribe = extension.subscribe(() => onAccounts(map()));
  return () => {
    unsubscribe();
    extension.disconnect();
  };
}

const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/**
 * The dev accounts (`//Alice` ...) with signers, in the chain's SS58 format. Loaded only for a
 * development chain: the key derivation code stays out of the main bundle.
 */
export async function devAccounts(ss58: number): Promise<Account[]> {
  const [{ sr25519CreateDerive }, { DEV_PHRASE, entropyToMiniSecret, mnemonicToEntropy }, { getPolkadotSigner }] =
    await Promise.all([
      import('@polkadot-labs/hdkd'),
      import('@polkadot-labs/hdkd-helpers'),
      import('polkadot-api/signer'),
    ]);
  const derive = sr25519CreateDerive(entropyToMiniSecret(mnemonicToEntropy(DEV_PHRASE)));
  return DEV_NAMES.map((name) => {
    const pair = derive(`//${name}`);
    return {
      address: AccountId(ss58).dec(pair.publicKey),
      name,
      source: 'dev',
      signer: getPolkadotSigner(pair.publicKey, 'Sr25519', pair.sign),
    };
  });
}
