#!/usr/bin/env node
// litesvm 0.8.0 declares optional platform packages that were never published to the npm registry
// (darwin-arm64, darwin-x64, linux-arm64-gnu, linux-arm64-musl). `npm install` leaves them out of
// package-lock.json, and `npm ci` then refuses the lock file ("Missing: litesvm-darwin-arm64@ from
// lock file"). This script records them as optional entries for their own platforms, which npm ci
// skips on every other platform. Run it after any `npm install` that rewrites the lock file;
// test/unit/lockfile.test.ts fails when it is needed.
import { readFileSync, writeFileSync } from 'node:fs';

const LITESVM_UNPUBLISHED = {
  'litesvm-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'litesvm-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'litesvm-linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'litesvm-linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
};

export function missingEntries(lock) {
  const litesvm = lock.packages?.['node_modules/litesvm'];
  if (!litesvm) return [];
  return Object.keys(LITESVM_UNPUBLISHED).filter((name) => litesvm.optionalDependencies?.[name] && !lock.packages[`node_modules/${name}`]);
}

export function fixLockfile(lock) {
  const version = lock.packages['node_modules/litesvm'].version;
  const missing = missingEntries(lock);
  // Inserted right after litesvm itself, leaving every other entry where npm put it.
  const packages = {};
  for (const [key, value] of Object.entries(lock.packages)) {
    packages[key] = value;
    if (key !== 'node_modules/litesvm') continue;
    for (const name of missing)
      packages[`node_modules/${name}`] = { version, license: 'MIT', optional: true, ...LITESVM_UNPUBLISHED[name] };
  }
  lock.packages = packages;
  return lock;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = new URL('../package-lock.json', import.meta.url);
  const lock = JSON.parse(readFileSync(path, 'utf8'));
  const missing = missingEntries(lock);
  if (missing.length === 0) {
    console.log('package-lock.json: nothing to fix');
  } else {
    writeFileSync(path, `${JSON.stringify(fixLockfile(lock), null, 2)}\n`);
    console.log(`package-lock.json: recorded ${missing.join(', ')} (unpublished optional packages of litesvm)`);
  }
}
