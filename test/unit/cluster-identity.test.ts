// Cluster identity: public clusters by genesis hash whatever the endpoint, local validators by
// genesis and endpoint, embedded chains by their own id (every LiteSVM chain shares one genesis).
import { describe, expect, it } from 'vitest';
import { embeddedIdentity, identityOf, LITESVM_GENESIS, namedClusterOf } from '../../src/chain/index.js';

describe('cluster identity', () => {
  it('keys a public cluster by its genesis hash, whatever the provider, and names it', () => {
    const a = identityOf('https://api.mainnet-beta.solana.com', '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d');
    const b = identityOf('https://user:secret@rpc.example.com/abc123key', '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d');
    expect(a.key).toBe('genesis:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d');
    expect(b.key).toBe(a.key);
    expect(b.name).toBe('mainnet-beta');
    expect(b.endpoint).toBe('https://rpc.example.com');
    expect(JSON.stringify(b)).not.toContain('secret');
  });

  it('keys local validators by genesis and endpoint, embedded chains by their own id', () => {
    const one = identityOf('http://127.0.0.1:8899', LITESVM_GENESIS);
    const two = identityOf('http://127.0.0.1:9900', LITESVM_GENESIS);
    expect(one.key).toBe(`local:${LITESVM_GENESIS}@127.0.0.1:8899`);
    expect(two.key).not.toBe(one.key);
    expect(one.name).toBe('local validator at http://127.0.0.1:8899');
    expect(embeddedIdentity('00112233aabbccdd').key).toBe('embedded:00112233aabbccdd');
    expect(embeddedIdentity('00112233aabbccdd').key).not.toBe(embeddedIdentity('ffeeddccbbaa9988').key);
  });

  it('reads the public cluster a host name claims to be', () => {
    expect(namedClusterOf('https://api.devnet.solana.com')).toBe('devnet');
    expect(namedClusterOf('https://devnet.helius-rpc.com/?api-key=x')).toBe('devnet');
    expect(namedClusterOf('https://mainnet.helius-rpc.com')).toBe('mainnet-beta');
    expect(namedClusterOf('https://api.testnet.solana.com')).toBe('testnet');
    expect(namedClusterOf('http://127.0.0.1:8899')).toBeNull();
    expect(namedClusterOf('https://rpc.example.com')).toBeNull();
  });
});
