// swap via a Jupiter-compatible API (GET /quote, POST /swap, plain fetch). The agent is only a
// delegate of the treasury, so the transaction is: pull the sold amount from the treasury token
// account into the agent's own account (delegate transferChecked), then the route, with its
// output sent straight to the treasury's token account (destinationTokenAccount). The route is
// opaque: its instructions are taken as they come and judged only by simulation and the effects
// check (a route that moves more than it quoted, or pays out elsewhere, is refused there).
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
} from '@solana/spl-token';
import { PublicKey, TransactionMessage, VersionedTransaction, type AddressLookupTableAccount } from '@solana/web3.js';
import { associatedTokenAddress } from '../../chain/derived-address.js';
import { StewardError } from '../../errors/index.js';
import { redactUrl } from '../../shared/index.js';
import { rpcCall } from '../../chain/rpc.js';
import type { Builder, BuildResult } from './types.js';
import { readMintWithSources, tokenProgramOfMint } from './token-accounts.js';

interface Quote {
  inputMint: string;
  outputMint: string;
  inAmount: string;
  outAmount: string;
  otherAmountThreshold?: string;
  priceImpactPct?: string;
  [key: string]: unknown;
}

async function jupiter<T>(ctx: Parameters<Builder<'swap'>>[1], path: string, init?: RequestInit): Promise<T> {
  const url = `${ctx.jupiter.baseUrl.replace(/\/$/, '')}${path}`;
  const shown = redactUrl(url);
  return rpcCall(
    `jupiter ${path.split('?')[0]}`,
    ctx.jupiter.baseUrl,
    async () => {
      const response = await ctx.jupiter.fetch(url, init);
      const text = await response.text();
      // eslint-disable-next-line no-restricted-syntax -- rpcCall classifies this raw error (status text) into RPC_* codes
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}: ${text.slice(0, 300)}`);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new StewardError('RPC_BAD_RESPONSE', `${shown} answered non-JSON`, {
          hint: 'check jupiter.baseUrl points at a Jupiter swap API',
        });
      }
    },
    ctx.retry,
  );
}

export const buildSwap: Builder<'swap'> = async (action, ctx): Promise<BuildResult> => {
  if (action.from.mint === 'native' || action.to.mint === 'native') {
    return {
      kind: 'refused',
      reason: 'swaps of native SOL are not executed: the treasury holds SOL as lamports the agent cannot move',
      hint: 'swap a token held in a treasury token account the agent is a delegate of',
    };
  }
  const inputMint = new PublicKey(action.from.mint);
  const outputMint = new PublicKey(action.to.mint);
  // One request: both mints (their programs) and the treasury's accounts of the input mint.
  const {
    program: inProgram,
    sources,
    extra: [outputMintInfo],
  } = await readMintWithSources(ctx, ctx.context.treasuryAddresses, inputMint, () => [outputMint]);
  const outProgram = tokenProgramOfMint(outputMint, outputMintInfo ?? null);
  const source = sources.find((s) => s.delegate?.equals(ctx.agent));
  if (!source) {
    return {
      kind: 'refused',
      reason: `no treasury ${action.from.symbol} account has the agent as delegate`,
      hint: `the DAO must grant an allowance: \`steward grant --token ${action.from.symbol} --amount N\``,
    };
  }
  const treasuryOut = associatedTokenAddress(outputMint, source.owner, true, outProgram, ASSOCIATED_TOKEN_PROGRAM_ID);
  const agentIn = associatedTokenAddress(inputMint, ctx.agent, false, inProgram, ASSOCIATED_TOKEN_PROGRAM_ID);

  const params = new URLSearchParams({
    inputMint: inputMint.toBase58(),
    outputMint: outputMint.toBase58(),
    amount: action.amount.toString(),
    slippageBps: String(action.maxSlippageBps),
    swapMode: 'ExactIn',
  });
  const quote = await jupiter<Quote>(ctx, `/quote?${params}`);
  if (
    quote.inputMint !== inputMint.toBase58() ||
    quote.outputMint !== outputMint.toBase58() ||
    quote.inAmount !== action.amount.toString()
  ) {
    return {
      kind: 'refused',
      reason: `the quote does not match the action (${quote.inAmount} ${quote.inputMint} → ${quote.outputMint})`,
      hint: 'the swap API answered for another trade; do not use it',
    };
  }
  const swap = await jupiter<{ swapTransaction?: string }>(ctx, '/swap', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      quoteResponse: quote,
      userPublicKey: ctx.agent.toBase58(),
      destinationTokenAccount: treasuryOut.toBase58(),
      wrapAndUnwrapSol: false,
      dynamicComputeUnitLimit: false,
    }),
  });
  if (typeof swap.swapTransaction !== 'string')
    return { kind: 'refused', reason: 'the swap API returned no transaction', hint: 'retry later' };
  let route: VersionedTransaction;
  try {
    route = VersionedTransaction.deserialize(Buffer.from(swap.swapTransaction, 'base64'));
  } catch (error) {
    return {
      kind: 'refused',
      reason: `the swap transaction does not deserialize: ${(error as Error).message}`,
      hint: 'the swap API answered garbage; do not use it',
    };
  }
  const lookupTables: AddressLookupTableAccount[] = [];
  for (const lookup of route.message.addressTableLookups) {
    const table = await rpcCall(
      'getAddressLookupTable',
      ctx.endpoint,
      () => ctx.connection.getAddressLookupTable(lookup.accountKey),
      ctx.retry,
    );
    if (!table.value)
      return {
        kind: 'refused',
        reason: `lookup table ${lookup.accountKey.toBase58()} of the route does not exist`,
        hint: 'the route is stale; retry',
      };
    lookupTables.push(table.value);
  }
  const message = TransactionMessage.decompile(route.message, { addressLookupTableAccounts: lookupTables });
  if (!message.payerKey.equals(ctx.agent)) {
    return {
      kind: 'refused',
      reason: `the route's fee payer is ${message.payerKey.toBase58()}, not the agent`,
      hint: 'the swap API built the transaction for someone else',
    };
  }
  const otherSigners = route.message.staticAccountKeys.slice(1, route.message.header.numRequiredSignatures);
  if (otherSigners.length > 0) {
    return {
      kind: 'refused',
      reason: `the route needs other signers (${otherSigners.map((k) => k.toBase58()).join(', ')})`,
      hint: 'only routes the agent alone signs can be executed',
    };
  }
  return {
    kind: 'instructions',
    instructions: [
      createAssociatedTokenAccountIdempotentInstruction(ctx.agent, agentIn, ctx.agent, inputMint, inProgram, ASSOCIATED_TOKEN_PROGRAM_ID),
      createTransferCheckedInstruction(source.address, inputMint, agentIn, ctx.agent, action.amount, action.from.decimals, [], inProgram),
      ...message.instructions,
    ],
    lookupTables,
    allowance: {
      account: source.address.toBase58(),
      symbol: action.from.symbol,
      decimals: action.from.decimals,
      needed: action.amount,
      remaining: source.delegatedAmount,
      remedy: `the DAO must grant more: \`steward grant --token ${action.from.symbol} --amount N\``,
    },
    notes: [
      `quote: ${quote.inAmount} → ${quote.outAmount} (min ${quote.otherAmountThreshold ?? '?'}, impact ${quote.priceImpactPct ?? '?'})`,
      `output to treasury account ${treasuryOut.toBase58()}`,
    ],
  };
};
