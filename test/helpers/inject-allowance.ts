// Test fixture: set a token account's delegate and allowance on the embedded chain directly, as
// if the DAO had approved the agent, without a governance proposal.
import { ACCOUNT_SIZE } from '@solana/spl-token';
import type { PublicKey } from '@solana/web3.js';
import type { ChainWriter } from '../../src/chain/index.js';
import { withDelegate } from '../../src/execute/grant.js';

/** Embedded chain only: rewrites the token account's delegate and allowance in place. */
export function injectAllowance(chain: ChainWriter, tokenAccount: PublicKey, delegate: PublicKey | null, amount: bigint): void {
  const account = chain.getAccount(tokenAccount);
  if (!account || account.data.length < ACCOUNT_SIZE) {
    throw new Error(`${tokenAccount.toBase58()} is not a token account on the embedded chain`);
  }
  chain.setAccount(tokenAccount, { ...account, data: withDelegate(account.data, delegate, amount) });
}
