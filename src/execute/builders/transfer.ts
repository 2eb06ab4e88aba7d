// transfer of an SPL / Token-2022 token: transferChecked from the treasury token account,
// signed by the agent as its delegate (the DAO granted the allowance; the agent owns no treasury
// funds). The destination is the recipient's token account: the address itself when it already
// is one for this mint, else its associated token account, created idempotently when missing and
// paid from the agent's fee float. SOL goes through ./sol-transfer.ts.
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
} from '@solana/spl-token';
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { associatedTokenAddress } from '../../chain/derived-address.js';
import type { Builder, BuildResult } from './types.js';
import { decodeTokenAccount, readMintWithSources } from './token-accounts.js';
import { buildSolTransfer } from './sol-transfer.js';
import { buildSquadsTransfer } from './squads-transfer.js';

export const buildTransfer: Builder<'transfer'> = async (action, ctx): Promise<BuildResult> => {
  if (action.token.mint === 'native') return buildSolTransfer(action, ctx);
  const mint = new PublicKey(action.token.mint);
  const recipient = new PublicKey(action.to);
  // One request: the mint (its program), the treasury's accounts of it, the recipient and its associated account.
  const {
    program,
    sources,
    extra: [toInfo, ataInfo],
  } = await readMintWithSources(ctx, ctx.context.treasuryAddresses, mint, (tokenProgram) => [
    recipient,
    associatedTokenAddress(mint, recipient, true, tokenProgram, ASSOCIATED_TOKEN_PROGRAM_ID),
  ]);
  const source = sources.find((s) => s.delegate?.equals(ctx.agent));
  // A vault of a Squads multisig: the agent spends through a spending limit that names it.
  if (!source) {
    const viaLimit = await buildSquadsTransfer(action, ctx, { mint, program });
    if (viaLimit) return viaLimit;
  }
  if (!source) {
    return {
      kind: 'refused',
      reason: `no treasury ${action.token.symbol} account has the agent ${ctx.agent.toBase58()} as delegate (${sources.length} treasury account(s) found)`,
      hint: `the DAO must grant an allowance first: \`steward grant --token ${action.token.symbol} --amount N\` prints the approve instruction for a proposal`,
    };
  }

  const recipientAta = associatedTokenAddress(mint, recipient, true, program, ASSOCIATED_TOKEN_PROGRAM_ID);
  const toAccount = toInfo ? decodeTokenAccount(recipient, toInfo) : undefined;
  const notes: string[] = [
    `source ${source.address.toBase58()} (owner ${source.owner.toBase58()}), agent allowance ${source.delegatedAmount} base units`,
  ];
  const instructions: TransactionInstruction[] = [];
  let destination: PublicKey;
  if (toAccount) {
    if (!toAccount.mint.equals(mint)) {
      return {
        kind: 'refused',
        reason: `${action.to} is a token account of mint ${toAccount.mint.toBase58()}, not ${action.token.symbol}`,
        hint: 'send to the wallet address or its account for this token',
      };
    }
    destination = recipient;
    notes.push(`destination is the token account ${action.to} itself`);
  } else {
    destination = recipientAta;
    if (!ataInfo) {
      instructions.push(
        createAssociatedTokenAccountIdempotentInstruction(ctx.agent, recipientAta, recipient, mint, program, ASSOCIATED_TOKEN_PROGRAM_ID),
      );
      notes.push(`creates the recipient's associated token account ${recipientAta.toBase58()} (rent paid by the agent's fee float)`);
    }
  }
  instructions.push(
    createTransferCheckedInstruction(source.address, mint, destination, ctx.agent, action.amount, action.token.decimals, [], program),
  );
  return {
    kind: 'instructions',
    instructions,
    lookupTables: [],
    allowance: {
      account: source.address.toBase58(),
      symbol: action.token.symbol,
      decimals: action.token.decimals,
      needed: action.amount,
      remaining: source.delegatedAmount,
      remedy: `the DAO must grant more: \`steward grant --token ${action.token.symbol} --amount N\` builds the approve for a proposal`,
    },
    notes,
  };
};
