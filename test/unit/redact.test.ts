import { Writable } from 'node:stream';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createLogger, redact, redactUrl } from '../../src/shared/index.js';

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
    expect(redact('failed to reach https://u:p@host.example/rpc?token=t0k')).toBe('failed to reach https://[redacted]@host.example/rpc?token=[redacted]');
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
});
