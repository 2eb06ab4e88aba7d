// The shape every jsonParsed account parser answers (account-parse.ts, stake-parse.ts,
// sysvar-parse.ts), in its own module so the parsers import it without importing each other.
export interface ParsedAccountData {
  program: string;
  /** An object for most kinds; a list for the list-shaped sysvars (slotHashes, stakeHistory, recentBlockhashes). */
  parsed: { type: string; info: Record<string, unknown> | unknown[] };
  space: number;
}
