// `steward grant --token SYMBOL --amount N`: the SPL approve (or, with --revoke, the revoke)
// that lets the agent key spend up to N of the treasury's token account. Only the treasury can
// sign it, so it is printed twice: as the instruction a Realms proposal carries (program,
// accounts with signer/writable flags, data) and as an unsigned transaction for a wallet or
// multisig. `--execute` applies it only on Steward's embedded chain, where the treasury is a
// governance PDA without a key: the token account is rewritten in the chain's state through the
// `steward_setAccount` cheat RPC — an injection, not a signature, which no real cluster allows.
import { ACCOUNT_SIZE, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, type Connection } from '@solana/web3.js';
import { Option, type Command } from 'commander';
import { StewardError } from '../../errors/index.js';
import { buildGrantInstruction, readAllowances, unsignedGrantTransaction, withDelegate } from '../../execute/index.js';
import { formatAmount, formatTokenNumber, isAddress, parseAmount } from '../../shared/index.js';
import { toJsonText } from '../../treasury/index.js';
import { createContext, type CliIo } from '../context.js';
import { agentKeyOf } from '../agents.js';
import { readTreasury, treasuryAgent } from '../treasury-read.js';
import { SUMMARY } from '../summaries.js';
import { rpcCall } from '../../chain/index.js';
import { mayInject } from '../embedded-only.js';
import { runSquadsGrant } from '../squads-grant.js';

interface GrantOptions {
  token?: string;
  squads?: string;
  vaultIndex?: string;
  timeLock?: string;
  creator?: string;
  amount?: string;
  agent?: string;
  agentKey?: string;
  /** Deprecated spelling of --agent. */
  agentName?: string;
  account?: string;
  revoke?: boolean;
  execute?: boolean;
  json?: boolean;
}

/**
 * Rewrites the token account's delegate fields through `steward_setAccount` (the embedded
 * chain's cheat RPC). Returns false when the cluster does not know the method.
 */
async function injectOverRpc(
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
  const data = withDelegate(info.data, delegate, amount);
  const response = await fetch(connection.rpcEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'steward_setAccount',
      params: [
        tokenAccount.toBase58(),
        { lamports: info.lamports, data: [data.toString('base64'), 'base64'], owner: info.owner.toBase58(), executable: info.executable },
      ],
    }),
  });
  const body = (await response.json().catch(() => null)) as { error?: { code?: number; message?: string } } | null;
  if (body?.error?.code === -32601) return false;
  if (!response.ok || !body || body.error) {
    throw new StewardError(
      'RPC_FAILED',
      `steward_setAccount on ${tokenAccount.toBase58()} failed: ${body?.error?.message ?? `HTTP ${response.status}`}`,
      { hint: 'the embedded chain refused the write; nothing changed' },
    );
  }
  return true;
}

export function registerGrant(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('grant')
    .description(SUMMARY['grant'])
    .option('--token <symbol>', "a token of the agent's policy (e.g. USDC); not with --squads")
    .option('--squads <multisig>', 'a Squads v4 multisig: compile the policy into spending limits for the agent key (config transaction)')
    .option('--vault-index <n>', 'with --squads: the vault (default: the agent file, else 0)')
    .option('--time-lock <seconds>', 'with --squads: also set the multisig time lock')
    .option('--creator <pubkey>', 'with --squads: the member (Initiate permission) who proposes the config transaction')
    .option('--amount <decimal>', 'the allowance to set, in whole tokens (replaces the current one; not rounded)')
    .option('--agent <name>', 'the agent whose treasury and policy to use (default: the first with the treasury task)')
    .option('--agent-key <pubkey>', "the delegate's public key (default: the agent's signer; on the embedded chain the demo agent)")
    .addOption(new Option('--agent-name <name>', 'deprecated: --agent').hideHelp())
    .option('--account <address>', 'the treasury token account, when the treasury holds several of this token')
    .option('--revoke', 'remove the delegate instead (no --amount)')
    .option('--execute', 'embedded demo chain only: apply it by rewriting the token account in the chain state')
    .option('--json', 'print the grant as JSON')
    .action(async (options: GrantOptions, command: Command) => {
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      // One flag name per concept across commands: --agent NAME, --agent-key PUBKEY. The old
      // spellings (--agent-name NAME; --agent PUBKEY) still work here, with a warning.
      let agentName = options.agent;
      let agentKeyFlag = options.agentKey;
      if (options.agentName !== undefined) {
        io.stderr('warning: --agent-name is deprecated; use --agent NAME');
        agentName ??= options.agentName;
      }
      if (agentName !== undefined && isAddress(agentName) && !config.agents.some((entry) => entry.config.name === agentName)) {
        io.stderr('warning: --agent PUBKEY is deprecated; use --agent-key PUBKEY (--agent names an agent)');
        agentKeyFlag ??= agentName;
        agentName = options.agentName;
      }
      const { agent, policy } = treasuryAgent(config, agentName);
      if (options.squads !== undefined) {
        if (options.token !== undefined || options.amount !== undefined || options.account !== undefined) {
          throw new StewardError('ARGUMENT_INVALID', '--squads compiles the whole policy: it takes no --token, --amount or --account', {
            hint: 'drop them; the amounts come from the policy windows',
          });
        }
        await runSquadsGrant(
          ctx,
          agent,
          policy,
          { ...options, squads: options.squads, ...(agentKeyFlag !== undefined ? { agentKey: agentKeyFlag } : {}) },
          io,
          setExit,
        );
        return;
      }
      if (options.token === undefined)
        throw new StewardError('ARGUMENT_INVALID', '--token is required (or --squads MULTISIG)', {
          hint: `e.g. --token USDC --amount 50000; tokens: ${Object.keys(policy.tokens).join(', ')}`,
        });
      const tokenSymbol = options.token;
      const token = policy.tokens[tokenSymbol];
      if (!token) {
        throw new StewardError('ARGUMENT_INVALID', `--token "${options.token}" is not a token of policy "${policy.name}"`, {
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
            hint: `${options.token} has ${token.decimals} decimals`,
          });
        amount = parsed.value;
      }
      if (options.account !== undefined && !isAddress(options.account)) {
        throw new StewardError('ADDRESS_INVALID', `--account "${options.account}" is not a Solana address`, {
          hint: 'pass a treasury token account address (see `steward allowance`)',
        });
      }

      const cluster = await ctx.openCluster();
      try {
        // Refused before anything is read: a real cluster is never sent the cheat RPC.
        const refusal = `--execute applies a grant only on Steward's embedded chain; ${cluster.label} is not one, and only the treasury can sign this`;
        const refusalHint =
          'sign the unsigned transaction with the treasury wallet or multisig, or put the instruction in a Realms proposal; both are printed without --execute';
        if (options.execute && !mayInject(ctx.settings.rpcUrl, cluster))
          throw new StewardError('ARGUMENT_INVALID', refusal, { hint: refusalHint });
        const agentKey = agentKeyOf(agent, ctx.settings, cluster, agentKeyFlag, '--agent-key');
        if (!agentKey) {
          throw new StewardError('KEYPAIR_INVALID', `agent "${agent.name}" has no signer configured, so the key to approve is unknown`, {
            hint: 'pass --agent-key PUBKEY, or configure signer.keypair / signer.env in the agent file (or STEWARD_KEYPAIR)',
          });
        }
        const snapshot = await readTreasury(cluster, ctx.settings, agent, policy, agentKey.key, new Date());
        const candidates = snapshot.tokenAccounts.filter(
          (account) => account.mint === token.mint && (options.account === undefined || account.address === options.account),
        );
        if (candidates.length === 0) {
          throw new StewardError(
            'ARGUMENT_INVALID',
            `the treasury (${agent.treasury.owners.join(', ')}) holds no ${options.token} token account${options.account ? ` ${options.account}` : ''} on ${cluster.label}`,
            {
              hint: 'the DAO must create its token account first (an associated token account of the treasury for this mint)',
            },
          );
        }
        if (candidates.length > 1) {
          throw new StewardError('ARGUMENT_INVALID', `the treasury holds ${candidates.length} ${options.token} token accounts`, {
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
          revoke: options.revoke === true,
        });
        const owner = new PublicKey(account.owner);
        const unsigned = await unsignedGrantTransaction(cluster.connection, grant, owner);
        const current =
          account.delegate === null
            ? 'none'
            : `${formatTokenNumber(account.delegatedAmount, token.decimals)} ${options.token} to ${account.delegate === agentKey.key.toBase58() ? 'the agent' : `ANOTHER key ${account.delegate}`}`;
        const what = options.revoke
          ? `revoke every delegate of treasury ${options.token} account ${account.address}`
          : `let ${agentKey.key.toBase58()} spend up to ${formatTokenNumber(amount, token.decimals)} ${options.token} from treasury account ${account.address}`;

        let executed: { applied: boolean; note: string; remaining: bigint | null } | null = null;
        if (options.execute) {
          const applied = await injectOverRpc(
            cluster.connection,
            new PublicKey(account.address),
            options.revoke ? null : agentKey.key,
            amount,
          );
          if (!applied)
            throw new StewardError('ARGUMENT_INVALID', `${refusal} (it does not answer steward_setAccount)`, { hint: refusalHint });
          const [after] = await readAllowances(cluster.connection, [new PublicKey(account.address)], agentKey.key);
          const remaining = after?.toAgent ? after.remaining : after ? 0n : null;
          const expected = options.revoke ? after?.delegate === null : after?.toAgent === true && after.remaining === amount;
          if (!expected) {
            throw new StewardError(
              'EXECUTION_FAILED',
              `the allowance on ${account.address} reads back as ${after?.delegate ?? 'no delegate'} / ${after ? formatAmount(after.remaining, token.decimals) : '?'} after the write`,
              {
                hint: 'another writer changed the account; run `steward allowance` and try again',
              },
            );
          }
          executed = {
            applied: true,
            note: `applied on the embedded chain by rewriting the token account's delegate fields (steward_setAccount): the treasury is a governance PDA there, so this is a state injection, not a signed approve`,
            remaining,
          };
        }

        if (options.json) {
          io.stdout(
            toJsonText(
              {
                cluster: cluster.label,
                action: options.revoke ? 'revoke' : 'approve',
                token: options.token,
                mint: account.mint,
                decimals: token.decimals,
                tokenAccount: account.address,
                owner: account.owner,
                agent: agentKey.key.toBase58(),
                agentSource: agentKey.source,
                amount: options.revoke ? null : formatAmount(amount, token.decimals),
                amountBaseUnits: options.revoke ? null : amount,
                currentDelegate: account.delegate,
                currentRemaining: account.delegatedAmount,
                realms: grant.realms,
                unsignedTransaction: { base64: unsigned, feePayer: owner.toBase58() },
                executed,
              },
              2,
            ),
          );
          setExit(0);
          return;
        }
        io.stdout(`Chain: ${cluster.label}`);
        io.stdout(`Grant: ${what}`);
        io.stdout(`Agent key: ${agentKey.key.toBase58()} (${agentKey.source}); current allowance on this account: ${current}`);
        if (!options.revoke) io.stdout('An approve replaces the allowance (it does not add to it).');
        io.stdout(`Only the owner ${account.owner} can sign it.`);
        io.stdout('');
        io.stdout('Realms proposal instruction:');
        io.stdout(`  program   ${grant.realms.programId}`);
        io.stdout('  accounts');
        for (const key of grant.realms.accounts)
          io.stdout(
            `    ${key.pubkey}  ${[key.isSigner ? 'signer' : '', key.isWritable ? 'writable' : 'readonly'].filter(Boolean).join(', ')}`,
          );
        io.stdout(`  data      ${grant.realms.data} (base64)`);
        io.stdout('');
        io.stdout(`Unsigned transaction (v0, base64; fee payer and signer ${owner.toBase58()}):`);
        io.stdout(unsigned);
        if (executed) {
          io.stdout('');
          io.stdout(`Executed: ${executed.note}.`);
          io.stdout(
            `Now: ${options.revoke ? 'no delegate' : `${formatTokenNumber(executed.remaining ?? 0n, token.decimals)} ${options.token} left to the agent`}.`,
          );
        }
        setExit(0);
      } finally {
        await cluster.close();
      }
    });
}
