// Reviews every open proposal of a realm (or one of them): reads them in one batched pass,
// skips those whose fingerprint was already reviewed, simulates and reviews the rest, writes
// Markdown and JSON reports and stores each review. What `steward review` and agents call.
import { join } from 'node:path';
import { PublicKey, type Connection } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import type { StewardModelExtras } from '../../llm/index.js';
import { writePrivateFile } from '../../shared/index.js';
import type { Db } from '../../store/index.js';
import { getProposals, type ProposalsSnapshot } from '../read/get-proposals.js';
import { getProgramsByProgramData, upgradeAuthorityTargets } from '../read/programs-by-program-data.js';
import type { KnownDestination } from '../risk/recipients.js';
import type { RiskThresholds } from '../risk/types.js';
import { simulateProposal } from '../simulate/simulate-proposal.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { renderReviewMarkdown } from './render-markdown.js';
import { reviewProposal } from './review-proposal.js';
import { findStoredReview, saveReview } from './review-store.js';
import { reviewToJson, type ProposalReview } from './review-types.js';

export interface ReviewRealmParams {
  programId: PublicKey;
  realm: PublicKey;
  treasury: TreasuryIndex;
  /** Only this proposal (base58); all open ones when absent. */
  proposal?: string;
  now: number;
  /** With `modelIdentity`, each answer is labelled with the model's identity. */
  model?: (Pick<StewardModelExtras, 'generateStructured'> & Partial<Pick<StewardModelExtras, 'modelIdentity'>>) | null;
  db?: Db | null;
  /** The allow-list and past recipients by source (default: the treasury context's known destinations). */
  knownDestinations?: readonly KnownDestination[];
  /** Reports and JSON carry the whole untrusted texts instead of bounded excerpts (`--full-text`). */
  fullText?: boolean;
  /** Reports go to `<reportsDir>/reviews/<proposal>.md|.json`; none written when absent. */
  reportsDir?: string | null;
  /** Review again even when the stored review matches the fingerprint. */
  force?: boolean;
  simulate?: boolean;
  thresholds?: Partial<RiskThresholds>;
  maxTokens?: number;
  /**
   * Proposals reviewed at the same time (default 4, the local model's sequence count): each
   * review waits on the model most of its time, and a local model answers several sequences
   * in one batch. Outcomes keep the proposals' order.
   */
  concurrency?: number;
}

export type ReviewOutcome =
  | { status: 'reviewed'; review: ProposalReview; markdownPath: string | null; jsonPath: string | null }
  | {
      status: 'unchanged';
      proposal: string;
      name: string;
      recommendation: string;
      reviewedAt: string;
      markdownPath: string | null;
      json: string;
    };

export interface ReviewRealmResult {
  snapshot: ProposalsSnapshot;
  outcomes: ReviewOutcome[];
}

export async function reviewRealm(connection: Connection, params: ReviewRealmParams): Promise<ReviewRealmResult> {
  const snapshot = await getProposals(connection, { programId: params.programId, realm: params.realm });
  let proposals = snapshot.proposals;
  const modelIdentity = params.model?.modelIdentity ? await params.model.modelIdentity().catch(() => null) : null;
  if (params.proposal) {
    proposals = proposals.filter((p) => p.address === params.proposal);
    if (proposals.length === 0) {
      throw new StewardError(
        'PROPOSAL_NOT_FOUND',
        `proposal ${params.proposal} is not an open proposal of realm ${params.realm.toBase58()}`,
        {
          hint: `open proposals: ${snapshot.proposals.map((p) => p.address).join(', ') || 'none'}; or use --all`,
          context: { proposal: params.proposal },
        },
      );
    }
  }
  const withModel = Boolean(params.model);
  const reviewOne = async (proposal: (typeof proposals)[number]): Promise<ReviewOutcome> => {
    const stored = params.db && !params.force ? findStoredReview(params.db, proposal.address, proposal.fingerprint, withModel) : null;
    if (stored) {
      return {
        status: 'unchanged',
        proposal: proposal.address,
        name: proposal.name,
        recommendation: stored.recommendation,
        reviewedAt: stored.reviewedAt,
        markdownPath: stored.markdownPath,
        json: stored.json,
      };
    }
    const instructions = proposal.transactions.flatMap((t) => t.instructions);
    // Option 0's transactions through the program's ExecuteTransaction where the chain can, else the instructions.
    const execution = {
      programId: params.programId,
      governance: new PublicKey(proposal.governance.address),
      proposal: new PublicKey(proposal.address),
      transactions: proposal.transactions
        .filter((t) => t.optionIndex === 0 && !t.executed)
        .sort((a, b) => a.transactionIndex - b.transactionIndex)
        .map((t) => ({ address: new PublicKey(t.address), holdUpSeconds: t.holdUpSeconds, instructions: t.instructions })),
    };
    const simulation =
      params.simulate === false
        ? { status: 'not-simulated' as const, reason: 'simulation turned off' }
        : await simulateProposal(connection, {
            instructions,
            treasury: params.treasury,
            now: params.now,
            ...(execution.transactions.length > 0 ? { execution } : {}),
          });
    const upgradeTargets = upgradeAuthorityTargets(instructions);
    const programsByProgramData = upgradeTargets.length > 0 ? await getProgramsByProgramData(connection, upgradeTargets) : {};
    const review = await reviewProposal({
      proposal,
      programsByProgramData,
      ...(params.knownDestinations ? { knownDestinations: params.knownDestinations } : {}),
      treasury: params.treasury,
      now: params.now,
      slot: snapshot.slot,
      simulation,
      governancePrograms: [params.programId],
      model: params.model ?? null,
      modelIdentity,
      ...(params.thresholds ? { thresholds: params.thresholds } : {}),
      ...(params.maxTokens === undefined ? {} : { maxTokens: params.maxTokens }),
    });
    let markdownPath: string | null = null;
    let jsonPath: string | null = null;
    if (params.reportsDir) {
      const dir = join(params.reportsDir, 'reviews');
      try {
        markdownPath = join(dir, `${proposal.address}.md`);
        jsonPath = join(dir, `${proposal.address}.json`);
        const options = { fullText: params.fullText ?? false };
        writePrivateFile(markdownPath, renderReviewMarkdown(review, options));
        writePrivateFile(jsonPath, `${reviewToJson(review, options)}\n`);
      } catch (error) {
        throw new StewardError('INTERNAL', `cannot write review reports under ${dir}: ${(error as Error).message}`, {
          hint: 'check STEWARD_REPORTS_DIR and its permissions',
          context: { dir },
          cause: error,
        });
      }
    }
    if (params.db) saveReview(params.db, review, markdownPath);
    return { status: 'reviewed', review, markdownPath, jsonPath };
  };
  // A bounded pool of workers, each taking the next proposal; outcomes land at their index.
  const outcomes: ReviewOutcome[] = new Array<ReviewOutcome>(proposals.length);
  let next = 0;
  const workers = Math.max(1, Math.min(Math.floor(params.concurrency ?? 4), proposals.length));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < proposals.length) {
        const index = next++;
        outcomes[index] = await reviewOne(proposals[index]!);
      }
    }),
  );
  return { snapshot, outcomes };
}
