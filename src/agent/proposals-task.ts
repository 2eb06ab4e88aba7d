// The proposals task of a run: review the realm's open proposals (deterministic findings, the
// model's opinion when a model is loaded) and turn a fresh recommendation into a vote action
// that at most waits for a human.
import { indexTreasury, reviewRealm, treasuryContextFromView } from '../governance/index.js';
import { checkAborted, fenceAction } from './fenced-action.js';
import { knownDestinationBook, knownDestinations, reviewTarget } from './review-target.js';
import type { RunTaskContext } from './run-task.js';

export async function runProposalsTask(task: RunTaskContext): Promise<void> {
  const { agent, policyConfig, runtime, phases, result, options, observation } = task;
  const { db } = runtime;
  const { realm, programId } = reviewTarget(agent);
  checkAborted(options.signal, 'reviewing proposals');
  const model = options.noModel ? null : await phases.run('load-model', () => runtime.model(agent));
  if (model && !result.model) {
    const identity = await model.modelIdentity();
    result.model = { id: identity.model, sha256: identity.sha256 ?? null };
  }
  const snapshot = observation.snapshot;
  const review = await phases.run('review', () =>
    reviewRealm(runtime.connection, {
      programId,
      realm,
      treasury: indexTreasury(treasuryContextFromView(observation.view, knownDestinations(policyConfig, db))),
      knownDestinations: knownDestinationBook(policyConfig, db),
      // Voting deadlines are chain time.
      now: snapshot.chainClock ? Number(snapshot.chainClock.unixTimestamp) : Math.floor(runtime.now().getTime() / 1000),
      model,
      db,
      reportsDir: runtime.reportsDir,
    }),
  );
  result.reviews = review.outcomes;
  // A recommendation becomes a vote proposal; the policy decides (by default every vote
  // waits for a human). Only fresh reviews propose votes: an unchanged proposal was handled.
  await phases.run('policy-votes', () => {
    for (const outcome of review.outcomes) {
      if (outcome.status !== 'reviewed') continue;
      const recommendation = outcome.review.recommendation;
      if (recommendation !== 'for' && recommendation !== 'against') continue;
      const action = {
        kind: 'vote' as const,
        proposal: outcome.review.proposal.address,
        choice: recommendation === 'for' ? ('yes' as const) : ('no' as const),
        reason: `review recommends ${recommendation}`,
      };
      // A vote is never cast on the reviewer's own authority: at most it waits for a human.
      const voteMode = task.mode === 'dry-run' ? 'dry-run' : 'approve-all';
      result.actions.push(
        fenceAction(
          { db, policy: task.policy, agent: agent.name, runId: task.runId, mode: voteMode, view: observation.view, now: runtime.now() },
          action,
        ).outcome,
      );
    }
  });
}
