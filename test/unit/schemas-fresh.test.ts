// The JSON Schemas in schemas/ (referenced by the example agent and policy files, so editors
// check them) are what `npm run schemas` writes from the zod schemas today: a change to a config
// schema that forgets to regenerate them fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/cli/commands/schemas.js';

const dir = new URL('../../schemas/', import.meta.url);

describe('schemas/', () => {
  it('holds exactly what `npm run schemas` writes', () => {
    const expected = jsonSchemas();
    expect(readdirSync(dir).sort()).toEqual(Object.keys(expected).sort());
    for (const [file, schema] of Object.entries(expected)) {
      // Same bytes as the command writes, so a stale file names itself in the diff.
      expect(readFileSync(new URL(file, dir), 'utf8'), `schemas/${file} is stale: run npm run schemas`).toBe(
        `${JSON.stringify(schema, null, 2)}\n`,
      );
    }
  });
});
