// Value leaving the treasury, computed from the decoded instructions: SOL and token transfers
// out of DAO accounts to accounts the DAO does not own, stake withdrawals, and delegate
// approvals (an allowance is value an outsider can take later).
import type { Amount, DecodedInstruction } from '../decode/types.js';
import type { TreasuryIndex } from '../treasury-context.js';

export interface Outflow {
  instruction: number;
  kind: 'transfer' | 'approval' | 'stake-withdraw';
  from: string;
  destination: string;
  amount: Amount;
}

export function findOutflows(instructions: readonly DecodedInstruction[], treasury: TreasuryIndex): Outflow[] {
  const outflows: Outflow[] = [];
  for (const ix of instructions) {
    switch (ix.kind) {
      case 'sol-transfer':
        if (treasury.isTreasury(ix.from) && !treasury.isTreasury(ix.to)) {
          outflows.push({ instruction: ix.index, kind: 'transfer', from: ix.from, destination: ix.to, amount: ix.amount });
        }
        break;
      case 'token-transfer': {
        const fromTreasury = treasury.isTreasury(ix.source, ix.amount.mint) || treasury.owners.has(ix.authority);
        if (fromTreasury && !treasury.isTreasury(ix.destination, ix.amount.mint)) {
          outflows.push({ instruction: ix.index, kind: 'transfer', from: ix.source, destination: ix.destination, amount: ix.amount });
        }
        break;
      }
      case 'token-approve': {
        const fromTreasury = treasury.isTreasury(ix.account, ix.amount.mint) || treasury.owners.has(ix.owner);
        if (fromTreasury && !treasury.isTreasury(ix.delegate)) {
          outflows.push({ instruction: ix.index, kind: 'approval', from: ix.account, destination: ix.delegate, amount: ix.amount });
        }
        break;
      }
      case 'stake-withdraw':
        if (!treasury.isTreasury(ix.to)) {
          outflows.push({ instruction: ix.index, kind: 'stake-withdraw', from: ix.stakeAccount, destination: ix.to, amount: ix.amount });
        }
        break;
      default:
        break;
    }
  }
  return outflows;
}
