// Text that reads like instructions to an AI agent: "ignore previous instructions", "you must
// approve", chat-role markers. Flagged because a proposal that talks to the reviewer instead
// of the voters is hostile by intent. Detection is a courtesy, never the defence: the model
// sees this text only fenced as quoted data, and the decision is made by code either way.

export interface InjectionMatch {
  pattern: string;
  excerpt: string;
}

const PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['ignore previous instructions', /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|your|system)\b[^.\n]{0,20}\b(instructions?|prompts?|rules?|guidelines?|directives?)/i],
  ['new instructions', /\b(new|updated|real|actual)\s+(instructions?|system\s+prompt|directives?)\b/i],
  ['orders the reviewer to vote', /\b(you|(the\s+)?(ai|llm|automated)?\s*(agent|assistant|ai|model|reviewer|bot|llm))\s+(must|should|shall|will|are\s+(required|instructed)\s+to)\s+(approve|vote|recommend|support|accept|sign|ignore|not\s+flag)/i],
  ['addresses an AI', /\b(as\s+an?\s+(ai|language\s+model|assistant|llm)|dear\s+(ai|agent|assistant|bot|model)|attention\s+(ai|agent|assistant|llm))\b/i],
  ['chat role marker', /(^|\n)\s*(system|assistant|user|developer)\s*:|<\|?\/?(system|assistant|user|im_start|im_end)\|?>|\[\/?INST\]|<<\/?SYS>>/i],
  ['system prompt', /\bsystem\s+prompt\b/i],
  ['role-play', /\b(pretend\s+(to\s+be|you\s+are)|role-?play|act\s+as\s+(an?|the)|you\s+are\s+now)\b/i],
  ['hide findings', /\b(do\s+not|don't|never)\s+(flag|mention|report|warn|reveal|question)\b/i],
  ['forced output', /"?(recommendation|vote|decision)"?\s*[:=]\s*"?(for|approve|yes)\b/i],
];

export function findInjection(text: string): InjectionMatch[] {
  const matches: InjectionMatch[] = [];
  for (const [pattern, regex] of PATTERNS) {
    const match = regex.exec(text);
    if (!match) continue;
    const start = Math.max(0, match.index - 20);
    const end = Math.min(text.length, match.index + match[0].length + 20);
    matches.push({ pattern, excerpt: text.slice(start, end).replaceAll(/\s+/g, ' ').trim() });
  }
  return matches;
}
