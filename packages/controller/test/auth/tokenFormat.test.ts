import { generateToken, hashToken, isTokenShaped, TOKEN_PREFIX } from '../../src/auth/tokenFormat.js';
import { TtlCache } from '../../src/auth/ttlCache.js';

describe('token format', () => {
  it.each(Object.entries(TOKEN_PREFIX))('%s tokens carry %s, 256 random bits, and are recognised', (kind, prefix) => {
    const token = generateToken(kind as keyof typeof TOKEN_PREFIX);
    expect(token.startsWith(prefix)).toBe(true);
    expect(Buffer.from(token.slice(prefix.length), 'base64url')).toHaveLength(32);
    expect(isTokenShaped(token)).toBe(true);
    expect(generateToken(kind as keyof typeof TOKEN_PREFIX)).not.toBe(token);
  });

  it('refuses other shapes without asking anything', () => {
    for (const text of ['', 'gru_', 'gru_short', `grx_${'a'.repeat(43)}`, `gru_${'a'.repeat(43)}!`, `gru_${'a'.repeat(44)}`]) {
      expect(isTokenShaped(text)).toBe(false);
    }
  });

  it('hashes to SHA-256 hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('TtlCache', () => {
  it('expires entries and evicts the oldest beyond its bound', () => {
    const clock = { ms: 0, now() { return this.ms; } };
    const cache = new TtlCache<string>(clock, 2);
    cache.set('a', 'A', 100);
    expect(cache.get('a')).toEqual({ value: 'A' });
    clock.ms = 100;
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', 'B', 1_000);
    cache.set('c', 'C', 1_000);
    cache.set('d', 'D', 1_000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('d')).toEqual({ value: 'D' });
    expect(cache.size).toBe(2);
  });
});
