// package.json declares what the code imports, and imports what it declares: a package used
// without being declared works only while another package happens to bring it (and breaks on a
// clean `npm ci` the day that changes); a declared package nothing uses is weight on every install.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/**
 * Declared but not imported by any source, test or bench file, with why they are declared.
 * Everything else declared must be imported somewhere.
 */
const usedWithoutImport: Record<string, string> = {
  vitest: 'the test runner (npm test)',
  tsx: 'runs the TypeScript sources (bin/steward.js registers it; npm run bench)',
  'pino-pretty': 'pino loads it by name as the pretty-printing transport',
  prettier: 'the formatter (npm run format:check)',
  eslint: 'the linter (npm run lint)',
  '@eslint/js': 'the linter config (eslint.config.js)',
  'typescript-eslint': 'the linter config (eslint.config.js)',
  'dependency-cruiser': 'the layer check (npm run lint:layers)',
  uplot: 'served to the browser as static files by the console',
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Package names a file imports (static, dynamic, type-only, re-exports and require), builtins left out. */
function importedPackages(file: string): string[] {
  // TypeScript's own pre-parser finds every import specifier, and only those (not a `from "..."` in a string).
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return importedFiles
    .map((entry) => entry.fileName)
    .filter(
      (s) =>
        !s.startsWith('.') &&
        !s.startsWith('/') &&
        !s.startsWith('node:') &&
        !s.startsWith('#') &&
        !builtinModules.includes(s.split('/')[0] ?? ''),
    )
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? '')));
}

describe('package.json dependencies', () => {
  const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]);
  const imports = new Map<string, string>();
  for (const dir of ['src', 'test', 'bench', 'bin', 'examples']) {
    let files: string[];
    try {
      files = sourceFiles(dir);
    } catch {
      continue;
    }
    for (const file of files) for (const name of importedPackages(file)) if (!imports.has(name)) imports.set(name, file);
  }
  for (const file of ['vitest.config.ts', 'eslint.config.js']) {
    try {
      for (const name of importedPackages(file)) if (!imports.has(name)) imports.set(name, file);
    } catch {
      // not every checkout has every config file
    }
  }

  it('declares every package the code imports', () => {
    const undeclared = [...imports]
      .filter(([name]) => !declared.has(name) && name !== manifest.name && !name.startsWith('@types/'))
      .map(([name, file]) => `${name} (imported by ${file})`);
    expect(undeclared).toEqual([]);
  });

  it('imports every package it declares, or says why not', () => {
    const unused = [...declared].filter((name) => !imports.has(name) && !name.startsWith('@types/') && !(name in usedWithoutImport));
    expect(unused).toEqual([]);
  });

  it('production code imports only production dependencies', () => {
    const devOnly = sourceFiles('src').flatMap((file) =>
      importedPackages(file)
        .filter((name) => name in manifest.devDependencies)
        .map((name) => `${name} (imported by ${file})`),
    );
    expect(devOnly).toEqual([]);
  });
});
