// The demo's mints and the treasury's token accounts: balances worth a few million USD, the
// grantee's account, and the agent's delegate allowances on USDC and USDT (the on-chain fence
// the agent cannot spend past). The native treasury is a governance PDA that cannot sign
// here, so everything is injected with the token programs' own layouts.
import type { PublicKey } from '@solana/web3.js';
import { TOKEN_2022_PROGRAM_ID } from '@solana/spl-token';
import type { ChainWriter } from '../../chain/embedded/types.js';
import { StewardError } from '../../errors/index.js';
import { parseAmount } from '../../shared/index.js';
import { DEMO, DEMO_MINTS, type DemoSymbol } from '../addresses.js';
import { rentExemptLamports } from './rent.js';
import { encodeMint, encodeTokenAccount, type MintExtensions } from './token-layouts.js';

/** What the DAO's native treasury holds in each token (decimal strings, whole tokens). */
export const DEMO_TREASURY_BALANCES: Record<DemoSymbol, string> = {
  USDC: '1200000',
  USDT: '400000',
  JUP: '1500000',
  jitoSOL: '2000',
  PYUSD: '100000',
};

/** SPL delegate allowances the DAO granted the agent key: the most it can ever move. */
export const DEMO_AGENT_ALLOWANCES: Partial<Record<DemoSymbol, string>> = {
  USDC: '50000',
  USDT: '20000',
};

/** The grantee was paid before: its USDC account exists and holds this much. */
export const DEMO_GRANTEE_USDC = '12500';

/** PYUSD's transfer fee: 0.10 %, at most 100 PYUSD per transfer. */
export const DEMO_PYUSD_TRANSFER_FEE = { basisPoints: 10, maximumFee: '100' } as const;

export interface SeededTokenAccount {
  address: PublicKey;
  mint: PublicKey;
  owner: PublicKey;
  amount: bigint;
  delegate: PublicKey | null;
  delegatedAmount: bigint;
}

export interface SeededTokens {
  mints: Record<DemoSymbol, { address: PublicKey; program: PublicKey; decimals: number; supply: bigint }>;
  treasury: Record<DemoSymbol, SeededTokenAccount>;
  granteeUsdc: SeededTokenAccount;
}

function units(symbol: DemoSymbol, text: string): bigint {
  const parsed = parseAmount(text, DEMO_MINTS[symbol].decimals, { allowZero: true });
  if (!parsed.ok) {
    throw new StewardError('INTERNAL', `demo amount for ${symbol} is invalid: ${parsed.reason}`, {
      context: { symbol, text },
      hint: 'fix the amounts in src/demo/seed/tokens.ts',
    });
  }
  return parsed.value;
}

function mintExtensions(symbol: DemoSymbol): MintExtensions | undefined {
  if (symbol !== 'PYUSD') return undefined;
  return {
    transferFee: {
      feeAuthority: DEMO.pyusdIssuer,
      withdrawWithheldAuthority: DEMO.pyusdIssuer,
      basisPoints: DEMO_PYUSD_TRANSFER_FEE.basisPoints,
      maximumFee: units('PYUSD', DEMO_PYUSD_TRANSFER_FEE.maximumFee),
      epoch: 0n,
    },
    // The issuer can move or burn any holder's PYUSD without the holder's signature.
    permanentDelegate: DEMO.pyusdIssuer,
  };
}

function writeTokenAccount(chain: ChainWriter, symbol: DemoSymbol, account: SeededTokenAccount): void {
  const isToken2022 = DEMO_MINTS[symbol].program.equals(TOKEN_2022_PROGRAM_ID);
  const data = encodeTokenAccount({
    mint: account.mint,
    owner: account.owner,
    amount: account.amount,
    ...(account.delegate ? { delegate: { address: account.delegate, amount: account.delegatedAmount } } : {}),
    // An associated account of a Token-2022 mint: ImmutableOwner (from the ATA program),
    // TransferFeeAmount (required by the mint's transfer fee).
    ...(isToken2022 ? { extensions: { immutableOwner: true, transferFeeAmount: true } } : {}),
  });
  chain.setAccount(account.address, { lamports: rentExemptLamports(data.length), data, owner: DEMO_MINTS[symbol].program });
}

/** Injects the mints, the treasury's associated token accounts, the grantee's USDC account and the agent's allowances. */
export function seedTokens(chain: ChainWriter): SeededTokens {
  const symbols = Object.keys(DEMO_MINTS) as DemoSymbol[];
  const treasury = {} as Record<DemoSymbol, SeededTokenAccount>;
  for (const symbol of symbols) {
    const allowance = DEMO_AGENT_ALLOWANCES[symbol];
    treasury[symbol] = {
      address: DEMO.treasuryTokenAccounts[symbol],
      mint: DEMO.mints[symbol],
      owner: DEMO.nativeTreasury,
      amount: units(symbol, DEMO_TREASURY_BALANCES[symbol]),
      delegate: allowance === undefined ? null : DEMO.agent,
      delegatedAmount: allowance === undefined ? 0n : units(symbol, allowance),
    };
  }
  const granteeUsdc: SeededTokenAccount = {
    address: DEMO.granteeUsdcAccount,
    mint: DEMO.mints.USDC,
    owner: DEMO.grantee,
    amount: units('USDC', DEMO_GRANTEE_USDC),
    delegate: null,
    delegatedAmount: 0n,
  };

  const mints = {} as SeededTokens['mints'];
  for (const symbol of symbols) {
    const { decimals, program } = DEMO_MINTS[symbol];
    const extensions = mintExtensions(symbol);
    // Supply equals what the seeded accounts hold, so the chain stays internally consistent.
    const supply = treasury[symbol].amount + (symbol === 'USDC' ? granteeUsdc.amount : 0n);
    const data = encodeMint({
      mintAuthority: DEMO.mintAuthority,
      // Stablecoin issuers keep a freeze authority; JUP and jitoSOL have none.
      freezeAuthority: DEMO_MINTS[symbol].stable ? (symbol === 'PYUSD' ? DEMO.pyusdIssuer : DEMO.mintAuthority) : null,
      supply,
      decimals,
      ...(extensions ? { extensions } : {}),
    });
    chain.setAccount(DEMO.mints[symbol], { lamports: rentExemptLamports(data.length), data, owner: program });
    mints[symbol] = { address: DEMO.mints[symbol], program, decimals, supply };
  }
  for (const symbol of symbols) writeTokenAccount(chain, symbol, treasury[symbol]);
  writeTokenAccount(chain, 'USDC', granteeUsdc);
  return { mints, treasury, granteeUsdc };
}
