// A realm in a few lines for people: its community and council mints, what is deposited with
// each, and every council seat with its holder (the council's power is per member, so each is
// named). Deposits read in whole tokens where the mint's decimals are known.
import { formatTokenNumber } from '../../shared/index.js';
import type { GoverningTokenView, RealmView } from '../read/get-proposals.js';

function tokens(amount: string, token: GoverningTokenView): string {
  return token.decimals === null ? `${amount} base units` : formatTokenNumber(BigInt(amount), token.decimals);
}

function tokenLine(kind: 'community' | 'council', token: GoverningTokenView): string {
  const supply = token.supply === null ? '' : ` of supply ${tokens(token.supply, token)}`;
  return `${kind} mint ${token.mint}: ${tokens(token.deposited, token)} deposited${supply} by ${token.holders} member(s)`;
}

/** Lines for `steward review` and reports: the realm's mints and the council's members with their power. */
export function describeRealmVoters(realm: RealmView): string[] {
  const lines = [tokenLine('community', realm.community)];
  if (!realm.council) return [...lines, 'no council mint: only community tokens vote'];
  lines.push(tokenLine('council', realm.council));
  for (const member of realm.council.members) {
    const delegate = member.governanceDelegate ? `, delegate ${member.governanceDelegate}` : '';
    lines.push(
      `  council member ${member.owner}: ${tokens(member.deposited, realm.council)} (record ${member.tokenOwnerRecord}${delegate})`,
    );
  }
  return lines;
}
