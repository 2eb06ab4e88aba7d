// Grouping, the first step of valuing a treasury: every balance of one observation gathered into
// one holding per asset (SOL = the owners' lamports + owned stake + wrapped SOL; one per mint),
// with where each part sits and the account-level warnings (frozen, foreign delegate, a balance
// above the mint's supply). Pure.
import { formatAmount, shortMint, type Address } from '../shared/index.js';
import type { Holding, TreasuryFlag } from './analysis.js';
import type { TreasurySnapshot } from './snapshot.js';

const NATIVE_MINT = 'So11111111111111111111111111111111111111112';

export interface StakeTotals {
  ownedLamports: bigint;
  activeLamports: bigint;
  inactiveLamports: bigint;
  /** Accounts the treasury may (re)delegate but whose lamports belong to someone else. */
  stakerOnly: Address[];
}

export interface GroupedHoldings {
  holdings: Holding[];
  stake: StakeTotals;
  flags: TreasuryFlag[];
}

export function groupHoldings(snapshot: TreasurySnapshot): GroupedHoldings {
  const flags: TreasuryFlag[] = [];
  const owners = new Set<string>(snapshot.owners.map((owner) => owner.address));
  const mintsByAddress = new Map(snapshot.mints.map((mint) => [mint.address as string, mint]));
  const tableByMint = new Map(snapshot.tokens.filter((entry) => entry.mint !== 'native').map((entry) => [entry.mint as string, entry]));
  const solEntry = snapshot.tokens.find((entry) => entry.mint === 'native');

  const buckets = new Map<string, Holding>();
  const solKey = solEntry?.symbol ?? 'SOL';
  const bucketFor = (key: string, init: () => Holding): Holding => {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = init();
      buckets.set(key, bucket);
    }
    return bucket;
  };
  const solBucket = (): Holding =>
    bucketFor(solKey, () => ({
      symbol: solKey,
      label: solKey,
      mint: 'native',
      decimals: 9,
      stable: false,
      amount: 0n,
      sources: [],
      flags: [],
    }));

  for (const owner of snapshot.owners) {
    const bucket = solBucket();
    bucket.amount += owner.lamports;
    bucket.sources.push({ kind: 'owner', address: owner.address, amount: owner.lamports });
  }
  const stake: StakeTotals = { ownedLamports: 0n, activeLamports: 0n, inactiveLamports: 0n, stakerOnly: [] };
  for (const account of snapshot.stakeAccounts) {
    if (!owners.has(account.withdrawer)) {
      stake.stakerOnly.push(account.address);
      continue;
    }
    const bucket = solBucket();
    bucket.amount += account.lamports;
    bucket.sources.push({ kind: 'stake', address: account.address, amount: account.lamports });
    stake.ownedLamports += account.lamports;
    if (account.activation === 'active') stake.activeLamports += account.lamports;
    if (account.activation === 'inactive' || account.state === 'initialized') stake.inactiveLamports += account.lamports;
  }
  for (const account of snapshot.tokenAccounts) {
    if (!owners.has(account.owner)) continue;
    const entry = tableByMint.get(account.mint);
    const mint = mintsByAddress.get(account.mint);
    let bucket: Holding;
    if (!entry && account.mint === NATIVE_MINT && solEntry) {
      bucket = solBucket();
    } else {
      bucket = bucketFor(account.mint, () => ({
        symbol: entry?.symbol ?? null,
        label: entry?.symbol ?? shortMint(account.mint),
        mint: account.mint,
        decimals: mint?.decimals ?? entry?.decimals ?? 0,
        stable: entry?.stable ?? false,
        amount: 0n,
        sources: [],
        flags: [],
      }));
      if (!mint && !bucket.flags.includes('mint-missing')) bucket.flags.push('mint-missing');
      if (mint && entry && mint.decimals !== entry.decimals && !bucket.flags.includes('decimals-mismatch')) {
        bucket.flags.push('decimals-mismatch');
      }
    }
    bucket.amount += account.amount;
    bucket.sources.push({ kind: 'token-account', address: account.address, amount: account.amount });
    // No account can hold more than the mint ever issued: the account or the mint data is forged.
    if (mint && account.amount > mint.supply) {
      if (!bucket.flags.includes('balance-above-supply')) bucket.flags.push('balance-above-supply');
      flags.push({
        code: 'balance-above-supply',
        severity: 'critical',
        subject: account.address,
        message: `token account ${account.address} (${bucket.label}) claims ${formatAmount(account.amount, bucket.decimals)}, more than the mint's whole supply of ${formatAmount(mint.supply, bucket.decimals)}; its value is not trusted`,
      });
    }
    if (account.frozen) {
      bucket.flags.push('frozen-account');
      flags.push({
        code: 'frozen-account',
        severity: 'warning',
        subject: account.address,
        message: `token account ${account.address} (${bucket.label}) is frozen: its funds cannot move`,
      });
    }
    if (account.delegate && account.delegate !== snapshot.agent && account.delegatedAmount > 0n) {
      flags.push({
        code: 'foreign-delegate',
        severity: 'critical',
        subject: account.address,
        message: `token account ${account.address} (${bucket.label}) lets ${account.delegate}, which is not the agent key, move up to ${formatAmount(account.delegatedAmount, bucket.decimals)} ${bucket.label}`,
      });
    }
  }
  return { holdings: [...buckets.values()], stake, flags };
}
