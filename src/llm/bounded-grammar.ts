// llama.cpp grammars for JSON output with bounded numbers. node-llama-cpp's JSON-schema grammar
// lets numbers carry exponents of up to 16 digits, so a model can emit 1e3534, which JSON.parse
// turns into Infinity. We drop the exponent alternative (numbers stay at most 16+16 digits) and the
// trailing newline trick that only LlamaJsonSchemaGrammar understands, so the grammar ends at the
// closing brace and the only legal next token is end-of-generation.
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import { StewardError } from '../errors/index.js';

const EXPONENT = / \(\[eE\] \[-\+\]\? \("0" \| \[1-9\] \[0-9\]\{0,15\}\)\)\?/g;
const TRAILING_NEWLINES = / "\\n\\n\\n\\n" \[\\n\]\*/;
// Pretty-printing newlines end generation early: chat wrappers stop on newline-led markers
// (the next turn's header), which cut JSON off mid-array. Compact JSON is also fewer tokens.
const WHITESPACE_RULE = /^((?:[\w-]+-)?whitespace-[\w-]+-rule) ::= .*$/gm;

/** GBNF text for `schema` with numbers bounded. Throws if node-llama-cpp's rules changed shape. */
export async function boundedJsonGbnf(llama: Llama, schema: GbnfJsonSchema): Promise<string> {
  const generated = (await llama.createGrammarForJsonSchema(schema as never)).grammar;
  const gbnf = generated
    .replace(EXPONENT, '')
    .replace(TRAILING_NEWLINES, '')
    .replace(WHITESPACE_RULE, (_line, name: string) => (name.startsWith('comma-') ? `${name} ::= "," [ ]?` : `${name} ::= [ ]?`));
  if (/\[eE\]/.test(gbnf) || /\[\\n\]/.test(gbnf)) {
    throw new StewardError(
      'INTERNAL',
      'could not bound the number rules of the llama.cpp JSON grammar (node-llama-cpp changed its grammar format)',
      {
        context: { grammar: generated.slice(0, 500) },
        hint: 'Pin node-llama-cpp to the version in package.json, or update src/llm/bounded-grammar.ts for the new format.',
      },
    );
  }
  return gbnf;
}

const cache = new WeakMap<Llama, Map<string, Promise<LlamaGrammar>>>();

/** A compiled grammar for `schema`, cached per schema (grammars are immutable and reusable). */
export function boundedJsonGrammar(llama: Llama, schema: GbnfJsonSchema): Promise<LlamaGrammar> {
  let perLlama = cache.get(llama);
  if (!perLlama) cache.set(llama, (perLlama = new Map()));
  const key = JSON.stringify(schema);
  let grammar = perLlama.get(key);
  if (!grammar) {
    grammar = boundedJsonGbnf(llama, schema).then((gbnf) => llama.createGrammar({ grammar: gbnf }));
    grammar.catch(() => perLlama.delete(key));
    perLlama.set(key, grammar);
  }
  return grammar;
}
