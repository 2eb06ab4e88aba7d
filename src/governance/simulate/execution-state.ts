// The program's own execution path for a proposal still in Voting: its account rewritten as if
// the vote had succeeded and the hold-up had passed (state Succeeded, the option's vote result
// Succeeded, voting completed long enough ago), and the ExecuteTransaction instructions that the
// governance program runs against it, signing for its PDAs by CPI. The rewritten account is
// only ever handed to a simulation (the embedded chain's steward_simulateTransaction), never
// written to a chain.
import { createInstructionData, withExecuteTransaction } from '@solana/spl-governance';
import { PublicKey, type AccountInfo, type TransactionInstruction } from '@solana/web3.js';

export interface ProposalExecution {
  programId: PublicKey;
  /** SPL Governance program version (default 3). */
  programVersion?: number;
  governance: PublicKey;
  proposal: PublicKey;
  /** Option 0's transactions in execution order. */
  transactions: readonly { address: PublicKey; holdUpSeconds: number; instructions: readonly TransactionInstruction[] }[];
}

/** Room left behind the rewritten proposal for the program's own write-back (options turned Some). */
const WRITE_BACK_SLACK = 128;
const STATE_OFFSET = 65;
const VOTE_TYPE_OFFSET = 100;
const SUCCEEDED_STATE = 3;
const SUCCEEDED_VOTE_RESULT = 1;

/**
 * The proposal's data (ProposalV2 layout, single choice) as the program would hold it once its
 * vote succeeded, `holdUpSeconds` and a minute before `now`: state Succeeded, each option's vote
 * result Succeeded, voting_completed_at set. Edited in place field by field (no re-serialisation);
 * throws on a layout it does not know.
 */
export function succeededProposalData(info: AccountInfo<Buffer>, now: number, holdUpSeconds: number): Buffer {
  const data = info.data;
  // eslint-disable-next-line no-restricted-syntax -- the caller catches it and names the fallback path in the review
  if (data[0] !== 14) throw new Error(`account type ${data[0]} is not ProposalV2 (14)`);
  // eslint-disable-next-line no-restricted-syntax -- the caller catches it and names the fallback path in the review
  if (data[VOTE_TYPE_OFFSET] !== 0) throw new Error('only single-choice proposals are rewritten');
  const out = Buffer.from(data);
  out[STATE_OFFSET] = SUCCEEDED_STATE;
  let at = VOTE_TYPE_OFFSET + 1;
  const options = out.readUInt32LE(at);
  at += 4;
  for (let i = 0; i < options; i++) {
    at += 4 + out.readUInt32LE(at); // label
    at += 8; // vote weight
    out[at] = SUCCEEDED_VOTE_RESULT;
    at += 1 + 2 + 2 + 2; // vote result, transactions executed / count / next index
  }
  const option = (size: number) => {
    at += out[at] === 1 ? 1 + size : 1;
  };
  option(8); // deny vote weight
  at += 1; // reserved1
  option(8); // abstain vote weight
  option(8); // start voting at
  at += 8; // draft at
  option(8); // signing off at
  option(8); // voting at
  option(8); // voting at slot
  const completed = Buffer.alloc(9);
  completed[0] = 1;
  completed.writeBigInt64LE(BigInt(Math.max(0, now - holdUpSeconds - 60)), 1);
  const rest = out.subarray(at + (out[at] === 1 ? 9 : 1));
  const rewritten = Buffer.concat([out.subarray(0, at), completed, rest]);
  const padded = Buffer.alloc(Math.max(data.length, rewritten.length) + WRITE_BACK_SLACK);
  padded.set(rewritten);
  return padded;
}

/** ExecuteTransaction for each of the proposal's transactions, in order. */
export async function executeTransactionInstructions(execution: ProposalExecution): Promise<TransactionInstruction[]> {
  const instructions: TransactionInstruction[] = [];
  for (const transaction of execution.transactions) {
    await withExecuteTransaction(
      instructions,
      execution.programId,
      execution.programVersion ?? 3,
      execution.governance,
      execution.proposal,
      transaction.address,
      transaction.instructions.map((ix) => createInstructionData(ix)),
    );
  }
  return instructions;
}
