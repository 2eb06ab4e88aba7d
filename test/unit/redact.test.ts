import { Writable } from 'node:stream';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { splitUrlCredentials } from '../../src/chain/connection.js';
import { createLogger, isBase58SecretKey, redact, redactText, redactUrl } from '../../src/shared/index.js';
import { encodeBase58 } from '../../src/shared/base58.js';

describe('redaction', () => {
  const keypair = Keypair.generate();
  const secretArray = Array.from(keypair.secretKey);

  it('hides a keypair byte array wherever it appears', () => {
    const out = redact({ signer: { bytes: secretArray }, list: [secretArray] }) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain(String(secretArray.slice(0, 8)));
    expect(out).toEqual({ signer: { bytes: '[redacted]' }, list: ['[redacted]'] });
    expect(redact(keypair.secretKey)).toBe('[redacted]');
  });

  it('hides API keys by key name', () => {
    expect(redact({ apiKey: 'sk-live-123', openaiApiKey: 'sk-2', headers: { Authorization: 'Bearer x' }, token: 'USDC' })).toEqual({
      apiKey: '[redacted]',
      openaiApiKey: '[redacted]',
      headers: { Authorization: '[redacted]' },
      token: 'USDC',
    });
  });

  it('strips credentials from URLs, alone or inside text', () => {
    expect(redactUrl('https://alice:hunter2@rpc.example.com/')).toBe('https://[redacted]@rpc.example.com/');
    expect(redactUrl('https://mainnet.helius-rpc.com/?api-key=abcdef123')).toBe('https://mainnet.helius-rpc.com/?api-key=[redacted]');
    expect(redactUrl('https://solana-mainnet.g.alchemy.com/v2/AbCdEfGhIjKlMnOpQrStUvWxYz012345')).toBe(
      'https://solana-mainnet.g.alchemy.com/v2/[redacted]',
    );
    expect(redact('failed to reach https://u:p@host.example/rpc?token=t0k')).toBe(
      'failed to reach https://[redacted]@host.example/rpc?token=[redacted]',
    );
    expect(redactUrl('http://127.0.0.1:8899')).toBe('http://127.0.0.1:8899/');
  });

  it('applies to every log line, JSON when not on a TTY', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: 'info', pretty: false, destination: sink });
    logger.info({ rpc: 'https://user:pw@rpc.example.com', secretKey: secretArray, apiKey: 'sk-1' }, 'connecting to https://a:b@x.example');
    const record = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(record).toMatchObject({
      rpc: 'https://[redacted]@rpc.example.com/',
      secretKey: '[redacted]',
      apiKey: '[redacted]',
      msg: 'connecting to https://[redacted]@x.example/',
    });
  });

  it('hides every secret shape in free text, and keeps signatures and addresses readable', () => {
    const base58Secret = encodeBase58(keypair.secretKey);
    const signature = encodeBase58(Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256));
    expect(isBase58SecretKey(base58Secret)).toBe(true);
    expect(isBase58SecretKey(signature)).toBe(false);
    const text = [
      `cannot read the keypair file /home/op/[${secretArray.join(',')}]`,
      `key ${base58Secret} given`,
      `tx ${signature} landed`,
      `by ${keypair.publicKey.toBase58()}`,
      'https://x.solana-mainnet.quiknode.pro/0123456789abcdef0123456789abcdef01234567/',
      'https://rpc.example.com/?x-api-key=k1&apiKey=k2&access_token=k3&sig=k4&cluster=devnet',
      `https://explorer.solana.com/tx/${signature}?cluster=devnet`,
    ].join('\n');
    const out = redactText(text);
    expect(out).not.toContain(secretArray.slice(0, 8).join(','));
    expect(out).not.toContain(base58Secret);
    expect(out).not.toContain('0123456789abcdef01234567');
    for (const value of ['k1', 'k2', 'k3', 'k4']) expect(out).not.toContain(`=${value}`);
    expect(out).toContain('cluster=devnet');
    expect(out).toContain(`tx ${signature} landed`);
    expect(out).toContain(keypair.publicKey.toBase58());
    expect(out).toContain(`https://explorer.solana.com/tx/${signature}?cluster=devnet`);
    expect(out).toContain('https://x.solana-mainnet.quiknode.pro/[redacted]/');
  });

  it('moves URL credentials into an Authorization header', () => {
    expect(splitUrlCredentials('https://alice:p%40ss@rpc.example.com/path')).toEqual({
      url: 'https://rpc.example.com/path',
      headers: { Authorization: `Basic ${Buffer.from('alice:p@ss').toString('base64')}` },
    });
    expect(splitUrlCredentials('http://127.0.0.1:8899')).toEqual({ url: 'http://127.0.0.1:8899', headers: {} });
  });
});
