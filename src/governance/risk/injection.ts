// Text in a proposal that tries to steer whoever reviews it: a model, an agent, a "reviewer".
// Not one list of phrases but a scored set of signals, each a different way such text shows
// itself: it addresses a model or reviewer, tells it what to recommend or how confident to be,
// tells it to drop or dismiss findings, carries chat-role markers anywhere, hides content
// (HTML comments, invisible spans, zero-width or bidi characters, long padding before a late
// payload), claims prior approval or authority over the review, or urges an action now. A
// text is flagged when its signals reach INJECTION_THRESHOLD; weak signals (a claim of prior
// approval, which honest proposals make too) count only together with others.
// Detection is a courtesy, never the defence: the model sees this text only fenced as quoted
// data, and the decision is made by code either way. Tuned on test/fixtures/injection-corpus/
// tune.json only; the held-out half measures it (test and bench).

export type InjectionSignalId =
  | 'addresses-reviewer'
  | 'directs-reviewer'
  | 'dictates-verdict'
  | 'dismisses-findings'
  | 'overrides-instructions'
  | 'role-marker'
  | 'hidden-comment'
  | 'hidden-styling'
  | 'invisible-characters'
  | 'bidi-controls'
  | 'padding-before-payload'
  | 'claims-authority'
  | 'urges-action';

export interface InjectionSignal {
  id: InjectionSignalId;
  weight: number;
  /** Where it starts in the text (UTF-16 offset). */
  at: number;
  /** A short piece of the text around it, whitespace collapsed (untrusted: escape at output). */
  excerpt: string;
}

export interface InjectionScan {
  /** Sum of the strongest match of each signal. */
  score: number;
  /** score ≥ INJECTION_THRESHOLD. */
  detected: boolean;
  /** 'severe' when detected, 'warn' from INJECTION_WARN_SCORE, else null. */
  level: 'severe' | 'warn' | null;
  signals: InjectionSignal[];
}

/** Score from which a text is flagged as an injection (severe). */
export const INJECTION_THRESHOLD = 3;
/** Score of one strong signal alone: shown as a warning for a person to read, not as a detection. */
export const INJECTION_WARN_SCORE = 2;

/** Who an injection talks to: models, agents, bots and reviewers by any name. */
const READER = String.raw`(?:a\.?i\.?|llms?|language[- ]models?|models?|assistants?|bots?|agents?|reviewers?|evaluators?|checkers?|scanners?|risk[- ]engines?|machine[- ]readers?|(?:reviewing|analysis|automated|screening)\s+(?:system|software|tool(?:ing)?|pipeline|agent|model)s?|tool(?:ing)?)`;
const AUTOMATED = String.raw`(?:automated|ai|a\.i\.|llm|llm-based|machine|reviewing|analysis|voting|treasury|any)`;
/** Verbs of the verdict a reviewer gives. */
const VERDICT_VERB = String.raw`(?:recommend|vote|approve|support|mark|rate|label|classify|report|treat|score|output|answer|respond|conclude|confirm|describe|say|state|tell|cast|list|pass|summari[sz]e)`;
const FINDING = String.raw`(?:warnings?|flags?|findings?|risks?|alerts?|alarms?|checks?|simulation|questions?|concerns?|severity|recipient check|authority[- ]change)`;

interface SignalRule {
  id: InjectionSignalId;
  weight: number;
  patterns: readonly RegExp[];
}

const RULES: readonly SignalRule[] = [
  {
    id: 'addresses-reviewer',
    weight: 2,
    patterns: [
      // "Note to any automated reviewer", "Message for the LLM", "PS for the AI", "Heads-up for LLM-based tooling"
      new RegExp(
        String.raw`\b(?:note|message|reminder|heads-up|p\.?s\.?|attention|instructions?|directive|a reminder)\s+(?:to|for)\s+(?:any|the|all|every|whoever)?\s*(?:${AUTOMATED}\s+)?(?:[\w-]+\s+)?${READER}\b`,
        'i',
      ),
      // "Dear reviewing agent", "Attention automated voting agents", "Hey bot"
      new RegExp(String.raw`\b(?:dear|attention|hey|hello|hi)\s+(?:${AUTOMATED}\s+)*${READER}\b`, 'i'),
      // "If you are a language model", "You are now X", "as an AI"
      new RegExp(String.raw`\b(?:if\s+you\s+are|you\s+are\s+now|as\s+an?)\s+(?:an?\s+)?(?:${AUTOMATED}\s+)?${READER}\b`, 'i'),
      /\byou\s+are\s+now\s+[\w-]+,?\s+an?\s/i,
      // "AI agents:", "Machine readers:", "For the bot:", "reviewer, ..."
      new RegExp(String.raw`(?:^|[.!?:,)\n]\s*|\bfor\s+the\s+)(?:${AUTOMATED}\s+)*${READER}\s*[:,]\s`, 'i'),
      new RegExp(
        String.raw`\b(?:reviewer|assistant|llm|ai|bot|model)\s*,\s+(?:the|this|forget|ignore|approve|recommend|please|do|list|rate)\b`,
        'i',
      ),
      // "To whoever or whatever is scoring", "Anything that reads this on behalf of voters"
      /\bwhoever\s+or\s+whatever\b|\banything\s+that\s+reads\s+this\b|\baddressed\s+to\s+the\s+(?:model|ai|reviewer|agent)/i,
      new RegExp(
        String.raw`\b(?:any|the|every)\s+(?:${AUTOMATED}\s+)*${READER}\s+(?:reading|processing|reviewing|summari[sz]ing|scoring|monitoring)\b`,
        'i',
      ),
      // "Reviewer instructions:", "... can be ignored by the reviewer"
      new RegExp(String.raw`\b${READER}\s+(?:instructions?|directives?|configuration)\s*:`, 'i'),
      new RegExp(
        String.raw`\b(?:ignored|overlooked|dismissed|disregarded|skipped)\s+by\s+(?:the|any|an?)\s+(?:${AUTOMATED}\s+)*${READER}\b`,
        'i',
      ),
    ],
  },
  {
    id: 'directs-reviewer',
    weight: 2,
    patterns: [
      // "automated agents should treat", "AI reviewer must vote", "reviewers are not required to", "the review is expected to"
      new RegExp(
        String.raw`\b(?:${AUTOMATED}\s+)*(?:${READER}|reviewing\s+systems?|the\s+review)\s+(?:should|must|shall|will\s+need\s+to|need\s+to|are\s+(?:to|required|not\s+required|instructed|hereby\s+instructed|expected|reminded)|is\s+(?:to|required|instructed|expected|asked))\b`,
        'i',
      ),
      new RegExp(String.raw`\b(?:${READER})\s+(?:that|which|who)\s+(?:vote|review|reviews|act)\b[^.\n]{0,40}:\s`, 'i'),
      /\byour\s+(?:job|task|role|evaluation|verdict|answer|summary|review)\s+(?:here\s+)?(?:is|must|should)\b/i,
      /\b(?:are|is)\s+hereby\s+instructed\b/i,
      new RegExp(
        String.raw`\b${READER}\s+(?:reviewing|reading|processing)\s+this\s+(?:answers|says|reports|states|tells|concludes)\b`,
        'i',
      ),
      new RegExp(
        String.raw`\b${READER}\s+(?:[\w-]+\s+){0,4}?(?:should|must)\s+(?:transfer|send|move|pay|execute|cast|approve|recommend|treat|label|mark|vote)\b`,
        'i',
      ),
    ],
  },
  {
    id: 'dictates-verdict',
    weight: 2,
    patterns: [
      new RegExp(
        String.raw`\b(?:should|must|please|kindly|just|simply)\s+(?:\w+\s+){0,3}?${VERDICT_VERB}\b[^.\n]{0,80}\b(?:for|yes|approv\w*|safe|low[- ]risk|routine|compliant|known|positive|no\s+(?:findings|risks|concerns|questions))\b`,
        'i',
      ),
      /\bconfidence\b[^.\n]{0,40}\b(?:high|to\s+high)\b|\b(?:set|report|give|state)\s+(?:your\s+)?confidence\b|\bhighly\s+confident\b/i,
      /"?\b(?:recommendation|vote|decision|verdict|confidence|mode|directive|flags)"?\s*[:=]\s*['"]?(?:for|approve\w*|yes|high|none|safe)\b/i,
      /\b(?:recommend|vote)\s+(?:voting\s+)?(?:for|yes)\b[^.\n]{0,40}(?:high\s+confidence|without|regardless|no\s+(?:risks|questions))|\brecommend\s+(?:for|yes)\s*[.,]/i,
      /\brespond\s+only\s+with\b|\bgive\s+your\s+verdict\b|\bkeep\s+your\s+answer\s+positive\b|\bmark\s+it\s+(?:as\s+)?approved\b/i,
      /\b(?:summari[sz]e|describe)\s+(?:it\s+|this\s+)?as\s+['"]/i,
      /\b(?:classify|mark|rate|label|treat|report|list)\s+(?:this|it|the)\s+(?:[\w-]+\s+){0,2}?as\s+(?:routine|safe|low[- ]risk|compliant|approved|informational|pre-?authori[sz]ed)\b/i,
      /\brecommend\s+(?:approval|approving|voting\s+(?:yes|for))\b|\byou\s+should\s+(?:find|report|raise|flag)\s+nothing\b/i,
    ],
  },
  {
    id: 'dismisses-findings',
    weight: 2,
    patterns: [
      new RegExp(
        String.raw`\b(?:ignore|disregard|dismiss|overlook|skip|suppress|omit|override|forget|not\s+(?:mention|flag|raise|report|describe|bring\s+up|list|ask|warn))\b[^.\n]{0,50}\b${FINDING}`,
        'i',
      ),
      /\bfalse\s+(?:positives?|alarms?)\b/i,
      new RegExp(
        String.raw`\b${FINDING}\b[^.\n]{0,60}\b(?:noise|wrong|a\s+bug|incorrect(?:ly)?|stale|(?:safely\s+)?be\s+ignored|as\s+informational\s+only|has\s+been\s+resolved)\b`,
        'i',
      ),
      /\b(?:do\s+not|don't|never)\s+(?:mention|describe|flag|report|reveal|list)\s+(?:this|the|any)\b/i,
      /\bwhatever\s+the\s+(?:flags|findings|warnings|checks|simulation)\s+say\b/i,
      /\bno\s+(?:need|reason)\s+to\s+(?:warn|ask|check|flag|verify|wait)\b|\bskip\s+(?:further\s+)?checks\b/i,
    ],
  },
  {
    id: 'overrides-instructions',
    weight: 3,
    patterns: [
      /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|your|system)\b[^.\n]{0,20}\b(?:instructions?|prompts?|rules?|guidelines?|guidance|directives?|polic(?:y|ies))/i,
      /\b(?:new|updated|real|actual)\s+(?:instructions?|system\s+prompt|directives?)\b|\bsupersedes?\s+your\b|\bupdating\s+your\s+(?:policy|instructions|rules)\b/i,
      /\bwhatever\s+your\s+(?:rules|instructions|guidelines)\s+say\b|\bregardless\s+of\s+the\s+(?:simulation|findings|flags|instructions)\b/i,
      /\b(?:configuration|config)\s+update\b[^.\n]{0,40}\b(?:reviewer|thresholds?)\b|\bthresholds?\s+(?:are|is)\s+disabled\b/i,
      /\bsystem\s+override\b|\bapprove_all\b/i,
      /\bpretend\s+(?:to\s+be|you\s+are)\b|\brole-?play\b|\bact\s+as\s+(?:an?|the)\s+(?:[\w-]+\s+)?(?:treasurer|admin|operator|council|reviewer|assistant|auditor)\b/i,
    ],
  },
  {
    id: 'role-marker',
    weight: 3,
    patterns: [
      /(?:^|[\s.>])(?:system|assistant|user|developer)\s*:\s/i,
      /<\|?\/?(?:system|assistant|user|im_start|im_end)\|?>|\[\/?INST\]|<<\/?SYS>>|\[\/?system\]|\[\/?hidden\]/i,
      /#{1,6}\s*instructions?\s+(?:for|to)\b/i,
    ],
  },
  {
    id: 'hidden-comment',
    weight: 2,
    patterns: [/<!--[\s\S]*?(?:-->|$)/, /^\s*\[\/\/\]:\s*#/m, /^\s*\[[^\]]*\]:\s*<?#>?\s*\(/m],
  },
  {
    id: 'hidden-styling',
    weight: 2,
    patterns: [
      /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0/i,
      /color\s*[:=]\s*["']?\s*(?:white|#f{3}\b|#f{6}\b|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))/i,
      /<details\b[\s\S]{0,400}?\b(?:ai|agents?|llm|model|reviewer|assistant)\b/i,
    ],
  },
  { id: 'invisible-characters', weight: 2, patterns: [/[\u200b-\u200d\u2060\ufeff\u00ad]/] },
  { id: 'bidi-controls', weight: 3, patterns: [/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/] },
  {
    id: 'claims-authority',
    weight: 1,
    patterns: [
      /\bpre-?(?:approved|authori[sz]ed|vetted)\b|\balready\s+(?:been\s+)?(?:approved|authori[sz]ed|vetted|audited|signed\s+off)\b|\bapproved\s+(?:by|in\s+advance)\b/i,
      /\bauthori[sz]ed\s+(?:this|it|the\s+\w+)\s+(?:in\s+advance|change|transfer)\b|\bauthori[sz]ed\s+this\b|\bby\s+order\s+of\b|\bas\s+your\s+operator\b|\bexempt\s+from\s+(?:automated\s+)?review\b|\bwhitelisted\b|\bvetted\s+by\b/i,
      /\b(?:signed\s+off|confirmed\s+the\s+destination|approved\s+the\s+distribution)\b/i,
    ],
  },
  {
    id: 'urges-action',
    weight: 2,
    patterns: [
      /\b(?:transfer|send|move|pay|execute|cast)\b[^.\n]{0,80}\b(?:now|immediately|right\s+away|the\s+moment|without\s+waiting|before\s+the\s+vote)\b/i,
      /\b(?:agents?|bots?|assistants?)\b[^.\n]{0,60}\b(?:should|must)\s+(?:transfer|send|move|pay|execute)\b/i,
    ],
  },
];

/** Blank lines or filler before a final payload: what hides an instruction past a cut-off. */
function paddingBeforePayload(text: string): InjectionSignal | null {
  const run = /(?:[ \t]*\n){25,}|[ \t\u00a0]{400,}|(.{1,40}?)\1{30,}/s.exec(text);
  if (!run) return null;
  const after = text.slice(run.index + run[0].length).trim();
  if (after.length === 0) return null;
  return {
    id: 'padding-before-payload',
    weight: 2,
    at: run.index,
    excerpt: `${run[0].length} characters of padding, then ${excerptAt(after, 0, 0)}`,
  };
}

function excerptAt(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 30);
  const end = Math.min(text.length, index + length + 30);
  const flat = text.slice(start, end).replaceAll(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

/** Every signal in `text`, scored. Pure and deterministic. */
export function scanInjection(text: string): InjectionScan {
  const signals: InjectionSignal[] = [];
  for (const rule of RULES) {
    for (const pattern of rule.patterns) {
      const match = pattern.exec(text);
      if (!match) continue;
      signals.push({ id: rule.id, weight: rule.weight, at: match.index, excerpt: excerptAt(text, match.index, match[0].length) });
      break;
    }
  }
  const padding = paddingBeforePayload(text);
  if (padding) signals.push(padding);
  signals.sort((a, b) => a.at - b.at);
  const score = signals.reduce((sum, s) => sum + s.weight, 0);
  const detected = score >= INJECTION_THRESHOLD;
  return { score, detected, level: detected ? 'severe' : score >= INJECTION_WARN_SCORE ? 'warn' : null, signals };
}

/** Whether the text asks for funds to move (a transfer, a payment) in its own words. */
export function asksToMoveFunds(text: string): string | null {
  const match =
    /\b(?:transfer|send|move|pay|wire)\s+(?:an?\s+extra\s+|the\s+payment\s+|the\s+funds\s+)?(?:[\d,.]+\s*(?:k|m)?\s*(?:usdc|usdt|sol|tokens?)|(?:the\s+)?(?:funds|payment|money|treasury))\b[^.\n]{0,80}\b(?:to|into)\b/i.exec(
      text,
    );
  return match ? excerptAt(text, match.index, match[0].length) : null;
}
