// The console's template layer: `html` is a tagged template whose every interpolated value is
// escaped (htmlText: controls neutralised, then HTML entities) unless it is itself Html made by
// this layer. Untrusted text (proposal titles, model output, token names) can only ever become
// text on the page; nothing is concatenated into markup by hand.
import { htmlText } from '../../shared/index.js';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | bigint | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Value[]).map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return htmlText(value);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** A block of untrusted text for a <pre>: line feeds kept, everything else as in `html`. */
export function preText(text: unknown): Html {
  return new Html(htmlText(text, { block: true }));
}

/**
 * Data for a page script, as a non-executing <script type="application/json"> block: the JSON is
 * escaped so that no `<` (hence no `</script>`) and no line separator appears in it.
 */
export function jsonData(id: string, data: unknown): Html {
  const json = JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new Html(`<script type="application/json" id="${htmlText(id)}">${json}</script>`);
}
