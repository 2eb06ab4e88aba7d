// `steward schemas --out DIR`: writes the JSON Schemas of agent and policy files, which the
// example files reference so editors autocomplete and check them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { agentSchema, policySchema } from '../../config/index.js';
import type { CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

export function jsonSchemas(): Record<string, unknown> {
  const make = (schema: z.ZodType, title: string, id: string) => ({
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    $id: id,
    title,
  });
  return {
    'agent.schema.json': make(agentSchema, 'Steward agent (agents/*.yaml)', 'https://steward.dev/schemas/agent.schema.json'),
    'policy.schema.json': make(policySchema, 'Steward policy (policies/*.yaml)', 'https://steward.dev/schemas/policy.schema.json'),
  };
}

export function registerSchemas(program: Command, io: CliIo): void {
  program
    .command('schemas')
    .description(SUMMARY['schemas'])
    .option('--out <dir>', 'output folder', 'schemas')
    .action((options: { out: string }) => {
      const dir = resolve(options.out);
      mkdirSync(dir, { recursive: true });
      for (const [file, schema] of Object.entries(jsonSchemas())) {
        writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
        io.stdout(`wrote ${join(options.out, file)}`);
      }
    });
}
