// A model backend that answers from a script instead of weights: the demo's operator scenario
// and the adversary tests use it to propose exactly the actions they want to show or attack
// with. It goes through the same decide() validation, policy and execution as a real model.
import type { AgentModel } from './run-agent.js';

export function scriptedModel(name: string, answers: readonly unknown[]): AgentModel {
  let next = 0;
  return {
    async generateStructured() {
      const answer = answers[Math.min(next, answers.length - 1)];
      next += 1;
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
      return { text, usage: { promptTokens: 0, completionTokens: 0 } };
    },
    async modelIdentity() {
      return { backend: 'local' as const, model: `scripted:${name}` };
    },
  };
}
