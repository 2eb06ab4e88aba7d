// The identity of a model file for run records: what exactly thought this decision. The SHA-256
// of a multi-gigabyte GGUF takes seconds, so it is computed once per file version and cached.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

const cache = new Map<string, Promise<string>>();

/** SHA-256 (hex) of the file at `path`, cached by path, size and modification time. */
export function fileSha256(path: string): Promise<string> {
  const stat = statSync(path);
  const key = `${path}:${stat.size}:${stat.mtimeMs}`;
  let hash = cache.get(key);
  if (!hash) {
    hash = new Promise<string>((resolve, reject) => {
      const digest = createHash('sha256');
      createReadStream(path)
        .on('data', (chunk) => digest.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(digest.digest('hex')));
    });
    hash.catch(() => cache.delete(key));
    cache.set(key, hash);
  }
  return hash;
}
