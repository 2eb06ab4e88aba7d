// `steward grant --token SYMBOL`: the SPL approve (or revoke) that lets the agent key spend up
// to N of one treasury token account, planned from the agent's treasury as read now: which
// account, the instruction a Realms proposal carries, an unsigned transaction for a wallet or
// multisig. Applying it is possible only on Steward's embedded chain, where the treasury is a
// governance PDA without a key: the token account's delegate fields are rewritten through the
// `steward_setAccount` cheat RPC (an injection, not a signature), then read back. The command
// (src/cli/commands/grant.ts) parses, calls this and renders.
import { ACCOUNT_SIZE, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, type Connection } from '@solana/web3.js';
import { mayInject, rpcCall, setAccountOverRpc, type OpenCluster } from '../chain/index.js';
import type { AgentConfig, PolicyConfig, PolicyTokenEntry, Settings } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { buildGrantInstruction, readAllowances, unsignedGrantTransaction, withDelegate, type GrantInstruction } from '../execute/index.js';
import { formatAmount, formatTokenNumber, isAddress, parseAmount } from '../shared/index.js';
import type { SnapshotTokenAccount } from '../treasury/index.js';
import type { AgentKey } from './agent-lookup.js';
import { readAgentTreasury } from './agent-treasury.js';

/** What to grant, checked against the policy: a token of it (not SOL), an amount in its decimals or a revoke, maybe one account. */
export interface TokenGrantRequest {
  symbol: string;
  token: PolicyTokenEntry;
  /** Base units; 0 for a revoke. */
  amount: bigint;
  revoke: boolean;
  account: string | undefined;
}

/** The options as given (`--token`, `--amount`, `--revoke`, `--account`), checked against the policy. */
export function tokenGrantRequest(
  policy: PolicyConfig,
  options: { token?: string; amount?: string; revoke?: boolean; account?: string },
): TokenGrantRequest {
  if (options.token === undefined)
    throw new StewardError('ARGUMENT_INVALID', '--token is required (or --squads MULTISIG)', {
      hint: `e.g. --token USDC --amount 50000; tokens: ${Object.keys(policy.tokens).join(', ')}`,
    });
  const symbol = options.token;
  const token = policy.tokens[symbol];
  if (!token) {
    throw new StewardError('ARGUMENT_INVALID', `--token "${symbol}" is not a token of policy "${policy.name}"`, {
      hint: `tokens: ${Object.keys(policy.tokens).join(', ')} (symbols are case-sensitive)`,
    });
  }
  if (token.mint === 'native') {
    throw new StewardError('ARGUMENT_INVALID', "SOL has no SPL allowance: SOL payments come from the agent's own SOL float", {
      hint: 'the DAO tops the float up by a plain SOL transfer to the agent key (see docs/EXECUTION.md)',
    });
  }
  let amount = 0n;
  if (options.revoke) {
    if (options.amount !== undefined)
      throw new StewardError('ARGUMENT_INVALID', '--revoke takes no --amount', {
        hint: 'a revoke removes the whole allowance; drop --amount',
      });
  } else {
    if (options.amount === undefined)
      throw new StewardError('ARGUMENT_INVALID', '--amount is required (or --revoke)', {
        hint: `e.g. --amount 50000 (up to ${token.decimals} decimals)`,
      });
    const parsed = parseAmount(options.amount, token.decimals);
    if (!parsed.ok)
      throw new StewardError('AMOUNT_INVALID', `--amount: ${parsed.reason}`, {
        hint: `${symbol} has ${token.decimals} decimals`,
      });
    amount = parsed.value;
  }
  if (options.account !== undefined && !isAddress(options.account)) {
    throw new StewardError('ADDRESS_INVALID', `--account "${options.account}" is not a Solana address`, {
      hint: 'pass a treasury token account address (see `steward allowance`)',
    });
  }
  return { symbol, token, amount, revoke: options.revoke === true, account: options.account };
}

/** A grant applied on the embedded chain, as read back. */
export interface AppliedGrant {
  applied: boolean;
  note: string;
  remaining: bigint | null;
}

export interface TokenGrantPlan {
  cluster: string;
  request: TokenGrantRequest;
  agentKey: AgentKey;
  /** The treasury token account the grant is for, as read before it. */
  account: SnapshotTokenAccount;
  owner: PublicKey;
  grant: GrantInstruction;
  /** The unsigned v0 transaction (base64), fee payer and signer the owner. */
  unsigned: string;
  executed: AppliedGrant | null;
}

export interface TokenGrantParams {
  cluster: OpenCluster;
  settings: Settings;
  agent: AgentConfig;
  policy: PolicyConfig;
  request: TokenGrantRequest;
  /** Apply it (embedded chain only). */
  execute: boolean;
  /** The delegate's key; asked only once the cluster may be used (null: none configured). */
  agentKey: () => AgentKey | null;
}

/** Plans the grant from the treasury as read now and, with `execute`, applies it on the embedded chain. */
export async function grantTokenAllowance(params: TokenGrantParams): Promise<TokenGrantPlan> {
  const { cluster, settings, agent, policy, request } = params;
  const { symbol, token, amount } = request;
  // Refused before anything is read: a real cluster is never sent the cheat RPC.
  const refusal = `--execute applies a grant only on Steward's embedded chain; ${cluster.label} is not one, and only the treasury can sign this`;
  const refusalHint =
    'sign the unsigned transaction with the treasury wallet or multisig, or put the instruction in a Realms proposal; both are printed without --execute';
  if (params.execute && !mayInject(settings.rpcUrl, cluster)) throw new StewardError('ARGUMENT_INVALID', refusal, { hint: refusalHint });
  const agentKey = params.agentKey();
  if (!agentKey) {
    throw new StewardError('KEYPAIR_INVALID', `agent "${agent.name}" has no signer configured, so the key to approve is unknown`, {
      hint: 'pass --agent-key PUBKEY, or configure signer.keypair / signer.env in the agent file (or STEWARD_KEYPAIR)',
    });
  }
  const snapshot = await readAgentTreasury(cluster, settings, agent, policy, agentKey.key, new Date());
  const candidates = snapshot.tokenAccounts.filter(
    (account) => account.mint === token.mint && (request.account === undefined || account.address === request.account),
  );
  if (candidates.length === 0) {
    throw new StewardError(
      'ARGUMENT_INVALID',
      `the treasury (${agent.treasury.owners.join(', ')}) holds no ${symbol} token account${request.account ? ` ${request.account}` : ''} on ${cluster.label}`,
      {
        hint: 'the DAO must create its token account first (an associated token account of the treasury for this mint)',
      },
    );
  }
  if (candidates.length > 1) {
    throw new StewardError('ARGUMENT_INVALID', `the treasury holds ${candidates.length} ${symbol} token accounts`, {
      hint: `pick one with --account: ${candidates.map((account) => `${account.address} (${formatTokenNumber(account.amount, token.decimals)})`).join(', ')}`,
    });
  }
  const account = candidates[0]!;
  const grant = buildGrantInstruction({
    tokenAccount: new PublicKey(account.address),
    owner: new PublicKey(account.owner),
    mint: new PublicKey(account.mint),
    decimals: token.decimals,
    tokenProgram: account.program === 'token-2022' ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID,
    agent: agentKey.key,
    amount,
    revoke: request.revoke,
  });
  const owner = new PublicKey(account.owner);
  const unsigned = await unsignedGrantTransaction(cluster.connection, grant, owner);

  let executed: AppliedGrant | null = null;
  if (params.execute) {
    const applied = await injectDelegate(cluster.connection, new PublicKey(account.address), request.revoke ? null : agentKey.key, amount);
    if (!applied) throw new StewardError('ARGUMENT_INVALID', `${refusal} (it does not answer steward_setAccount)`, { hint: refusalHint });
    executed = await readBack(cluster.connection, account.address, agentKey.key, request);
  }
  return { cluster: cluster.label, request, agentKey, account, owner, grant, unsigned, executed };
}

/** Rewrites the token account's delegate fields through steward_setAccount; false when the cluster does not know the method. */
async function injectDelegate(
  connection: Connection,
  tokenAccount: PublicKey,
  delegate: PublicKey | null,
  amount: bigint,
): Promise<boolean> {
  const info = await rpcCall('getAccountInfo', connection.rpcEndpoint, () => connection.getAccountInfo(tokenAccount, 'confirmed'));
  if (!info || info.data.length < ACCOUNT_SIZE) {
    throw new StewardError('EXECUTION_FAILED', `${tokenAccount.toBase58()} is not a token account on this chain`, {
      hint: 'the treasury account changed since it was read; run the command again',
    });
  }
  return setAccountOverRpc(connection, tokenAccount.toBase58(), {
    lamports: info.lamports,
    data: withDelegate(info.data, delegate, amount),
    owner: info.owner.toBase58(),
    executable: info.executable,
  });
}

/** The allowance read back after the write; refuses when it is not what was written. */
async function readBack(connection: Connection, address: string, agent: PublicKey, request: TokenGrantRequest): Promise<AppliedGrant> {
  const [after] = await readAllowances(connection, [new PublicKey(address)], agent);
  const remaining = after?.toAgent ? after.remaining : after ? 0n : null;
  const expected = request.revoke ? after?.delegate === null : after?.toAgent === true && after.remaining === request.amount;
  if (!expected) {
    throw new StewardError(
      'EXECUTION_FAILED',
      `the allowance on ${address} reads back as ${after?.delegate ?? 'no delegate'} / ${after ? formatAmount(after.remaining, request.token.decimals) : '?'} after the write`,
      {
        hint: 'another writer changed the account; run `steward allowance` and try again',
      },
    );
  }
  return {
    applied: true,
    note: `applied on the embedded chain by rewriting the token account's delegate fields (steward_setAccount): the treasury is a governance PDA there, so this is a state injection, not a signed approve`,
    remaining,
  };
}
