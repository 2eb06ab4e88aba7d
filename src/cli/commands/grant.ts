// `steward grant --token SYMBOL --amount N`: the SPL approve (or, with --revoke, the revoke)
// that lets the agent key spend up to N of the treasury's token account; `steward grant
// --squads MULTISIG`: the policy compiled into the multisig's spending limits for the agent key.
// Only the treasury (or the multisig's members) can sign either, so each is printed as what a
// Realms proposal or the Squads app takes and as unsigned transactions. `--execute` applies it
// only on Steward's embedded chain (src/agent/token-grant.ts, src/agent/squads-grant.ts).
import { Option, type Command } from 'commander';
import { grantSquadsLimits, squadsGrantRequest } from '../../agent/squads-grant.js';
import { grantTokenAllowance, tokenGrantRequest } from '../../agent/token-grant.js';
import { demoKeypair } from '../../demo/index.js';
import { StewardError } from '../../errors/index.js';
import { isAddress } from '../../shared/index.js';
import { toJsonText } from '../../treasury/index.js';
import { agentKeyOf, treasuryAgent } from '../agents.js';
import { createContext, type CliIo } from '../context.js';
import { squadsGrantJson, squadsGrantLines, tokenGrantJson, tokenGrantLines } from '../grant-output.js';
import { SUMMARY } from '../summaries.js';

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
      const revoke = options.revoke === true;
      const execute = options.execute === true;
      let squads: ReturnType<typeof squadsGrantRequest> | null = null;
      if (options.squads !== undefined) {
        if (options.token !== undefined || options.amount !== undefined || options.account !== undefined) {
          throw new StewardError('ARGUMENT_INVALID', '--squads compiles the whole policy: it takes no --token, --amount or --account', {
            hint: 'drop them; the amounts come from the policy windows',
          });
        }
        squads = squadsGrantRequest(agent, policy, { ...options, squads: options.squads });
      }
      const token = squads ? null : tokenGrantRequest(policy, options);
      const cluster = await ctx.openCluster();
      try {
        const agentKey = () => agentKeyOf(agent, ctx.settings, cluster, agentKeyFlag, '--agent-key');
        const common = { cluster, settings: ctx.settings, agent, execute, agentKey };
        if (squads) {
          const embeddedSigners = (['alice', 'bob', 'carol'] as const).map((member) => demoKeypair(`member/${member}`));
          const result = await grantSquadsLimits({ ...common, policyConfig: policy, request: squads, revoke, embeddedSigners });
          const lines = options.json
            ? [toJsonText(squadsGrantJson(result, revoke), 2)]
            : squadsGrantLines(result, revoke, squads.policy.name);
          for (const line of lines) io.stdout(line);
        } else {
          const result = await grantTokenAllowance({ ...common, policy, request: token! });
          for (const line of options.json ? [toJsonText(tokenGrantJson(result), 2)] : tokenGrantLines(result)) io.stdout(line);
        }
        setExit(0);
      } finally {
        await cluster.close();
      }
    });
}
