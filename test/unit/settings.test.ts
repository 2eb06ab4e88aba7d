import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARS, resolveSettings } from '../../src/config/index.js';

describe('settings', () => {
  it('flags beat environment variables, which beat defaults', () => {
    const env = { STEWARD_DB: '/env/steward.db', STEWARD_RPC_URL: 'devnet', STEWARD_LOG_LEVEL: '' };
    const settings = resolveSettings({ db: '/flag/steward.db' }, env);
    expect(settings.db).toBe('/flag/steward.db');
    expect(settings.rpcUrl).toBe('devnet');
    // An empty variable counts as unset: the default applies.
    expect(settings.logLevel).toBe('info');
    expect(resolveSettings({}, {}).rpcUrl).toBe('embedded');
  });

  it('.env.example documents every variable Steward reads, with no secret filled in', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const name of Object.keys(ENV_VARS)) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(example).toMatch(/^STEWARD_OPENAI_API_KEY=$/m);
  });
});
