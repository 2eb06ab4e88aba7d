// Stores reviews in SQLite (migration 4) and finds an existing one for a proposal's current
// fingerprint, so `steward review` skips unchanged proposals.
import type { Db } from '../../store/index.js';
import { StewardError } from '../../errors/index.js';
import { reviewToJson, type ProposalReview } from './review-types.js';

export interface StoredReview {
  proposal: string;
  fingerprint: string;
  withModel: boolean;
  recommendation: string;
  maxSeverity: string | null;
  /** The review JSON as stored (bigints as strings). */
  json: string;
  markdownPath: string | null;
  reviewedAt: string;
}

interface Row {
  proposal: string;
  fingerprint: string;
  with_model: number;
  recommendation: string;
  max_severity: string | null;
  review: string;
  markdown_path: string | null;
  reviewed_at: string;
}

const fromRow = (row: Row): StoredReview => ({
  proposal: row.proposal,
  fingerprint: row.fingerprint,
  withModel: row.with_model === 1,
  recommendation: row.recommendation,
  maxSeverity: row.max_severity,
  json: row.review,
  markdownPath: row.markdown_path,
  reviewedAt: row.reviewed_at,
});

export function findStoredReview(db: Db, proposal: string, fingerprint: string, withModel: boolean): StoredReview | null {
  const row = db
    .prepare('SELECT * FROM proposal_reviews WHERE proposal = ? AND fingerprint = ? AND with_model = ?')
    .get(proposal, fingerprint, withModel ? 1 : 0) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** The latest review of a proposal, whatever its fingerprint. */
export function latestStoredReview(db: Db, proposal: string): StoredReview | null {
  const row = db.prepare('SELECT * FROM proposal_reviews WHERE proposal = ? ORDER BY reviewed_at DESC, id DESC LIMIT 1').get(proposal) as
    Row | undefined;
  return row ? fromRow(row) : null;
}

export function saveReview(db: Db, review: ProposalReview, markdownPath: string | null): void {
  try {
    db.prepare(
      `INSERT INTO proposal_reviews (proposal, fingerprint, with_model, realm, name, recommendation, max_severity, flags, review, markdown_path, reviewed_at)
       VALUES (@proposal, @fingerprint, @with_model, @realm, @name, @recommendation, @max_severity, @flags, @review, @markdown_path, @reviewed_at)
       ON CONFLICT (proposal, fingerprint, with_model) DO UPDATE SET
         recommendation = excluded.recommendation, max_severity = excluded.max_severity, flags = excluded.flags,
         review = excluded.review, markdown_path = excluded.markdown_path, reviewed_at = excluded.reviewed_at`,
    ).run({
      proposal: review.proposal.address,
      fingerprint: review.fingerprint,
      with_model: review.model.status === 'skipped' ? 0 : 1,
      realm: review.proposal.realm,
      name: review.proposal.name,
      recommendation: review.recommendation,
      max_severity: review.maxSeverity,
      flags: JSON.stringify(review.flags.map((f) => ({ id: f.id, severity: f.severity }))),
      review: reviewToJson(review),
      markdown_path: markdownPath,
      reviewed_at: review.reviewedAt,
    });
  } catch (error) {
    throw new StewardError('STORE_FAILED', `saving the review of proposal ${review.proposal.address} failed: ${(error as Error).message}`, {
      hint: 'check that the database is writable and migrated (steward doctor)',
      context: { proposal: review.proposal.address },
      cause: error,
    });
  }
}

/** The latest review of each reviewed proposal, most severe first, then newest. */
export function listLatestReviews(db: Db, limit = 100): StoredReview[] {
  const rows = db
    .prepare(
      `SELECT r.* FROM proposal_reviews r
       WHERE r.id = (SELECT id FROM proposal_reviews s WHERE s.proposal = r.proposal ORDER BY s.reviewed_at DESC, s.id DESC LIMIT 1)
       ORDER BY CASE r.max_severity WHEN 'severe' THEN 0 WHEN 'warn' THEN 1 WHEN 'info' THEN 2 ELSE 3 END, r.reviewed_at DESC LIMIT ?`,
    )
    .all(limit) as Row[];
  return rows.map(fromRow);
}
