// Loads an agent's signing key: a Solana CLI keypair file (a JSON array of 64 bytes), named in
// the agent file or by an environment variable. The bytes never reach a log or a message, and
// neither does a value that is not a path (key material pasted where a path belongs).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { Keypair } from '@solana/web3.js';
import type { AgentConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { redactText } from '../shared/index.js';

// The file is read at every run (a rotated key takes effect at the next run), but checking that
// its 64 bytes are a keypair derives the public key (~1.5 ms of ed25519 in JavaScript): keypairs
// already checked are kept by the file's exact text.
const parsedKeys = new Map<string, Keypair>();

/** A value that cannot be a file path: key bytes, a base58 key, or anything long or multi-line. */
function looksLikeKeyMaterial(value: string): boolean {
  return /[[\]{},\n\r]/.test(value) || /^[1-9A-HJ-NP-Za-km-z]{64,}$/.test(value.trim()) || value.length > 1024;
}

function expandHome(path: string): string {
  return path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : resolve(path);
}

export function readKeypairFile(path: string, origin: string): Keypair {
  if (looksLikeKeyMaterial(path)) {
    throw new StewardError(
      'KEYPAIR_INVALID',
      `${origin} must name a keypair file, but holds something else (it looks like key material, so it is not shown)`,
      {
        hint: 'put the keypair in a file readable only by you (`solana-keygen new -o FILE`, chmod 600) and set the path instead',
        context: { origin },
      },
    );
  }
  const resolved = expandHome(path);
  const full = redactText(resolved); // what messages show
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new StewardError(
      'KEYPAIR_INVALID',
      `cannot read the keypair file ${full} (${origin}): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      {
        hint: 'create one with `solana-keygen new -o FILE` and point the agent file or STEWARD_KEYPAIR at it',
        context: { path: full, origin },
      },
    );
  }
  let bytes: unknown;
  try {
    bytes = JSON.parse(text);
  } catch {
    bytes = null;
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new StewardError('KEYPAIR_INVALID', `${full} (${origin}) is not a Solana CLI keypair file: expected a JSON array of 64 bytes`, {
      hint: 'the file `solana-keygen new -o FILE` writes has this format',
      context: { path: full, origin },
    });
  }
  const known = parsedKeys.get(text);
  if (known) return known;
  try {
    const keypair = Keypair.fromSecretKey(Uint8Array.from(bytes as number[]));
    if (parsedKeys.size >= 16) parsedKeys.clear();
    parsedKeys.set(text, keypair);
    return keypair;
  } catch {
    throw new StewardError('KEYPAIR_INVALID', `${full} (${origin}) holds 64 bytes that are not a valid ed25519 keypair`, {
      hint: 'regenerate the keypair file',
      context: { path: full, origin },
    });
  }
}

/**
 * The agent's keypair: `signer.keypair` from the agent file, else the file named by the variable
 * in `signer.env`, else STEWARD_KEYPAIR. Null when none is configured (the agent can then only dry-run).
 */
export function loadAgentSigner(agent: AgentConfig, env: NodeJS.ProcessEnv, fallbackPath: string): Keypair | null {
  if (agent.signer && 'keypair' in agent.signer) return readKeypairFile(agent.signer.keypair, `agents/${agent.name}.yaml signer.keypair`);
  if (agent.signer && 'env' in agent.signer) {
    const path = env[agent.signer.env];
    if (path) return readKeypairFile(path, `$${agent.signer.env}`);
  }
  if (fallbackPath) return readKeypairFile(fallbackPath, 'STEWARD_KEYPAIR');
  return null;
}
