// Rent-exempt minimum for an account of a given size, with the cluster's default rent
// parameters (3,480 lamports per byte-year, 2 years, 128 bytes of account overhead): the same
// number `getMinimumBalanceForRentExemption` answers, so injected accounts look as funded as
// accounts the programs would have created.
const LAMPORTS_PER_BYTE_YEAR = 3_480n;
const EXEMPTION_YEARS = 2n;
const ACCOUNT_STORAGE_OVERHEAD = 128n;

export function rentExemptLamports(dataLength: number): bigint {
  return (BigInt(dataLength) + ACCOUNT_STORAGE_OVERHEAD) * LAMPORTS_PER_BYTE_YEAR * EXEMPTION_YEARS;
}
