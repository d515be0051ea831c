import { describe, expect, it } from 'vitest';
import { bearerToken, cookieValues, generateToken, tokensEqual } from '../../src-main/server/auth';

describe('tokens', () => {
  it('are 32 random bytes, URL-safe, different each time', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('compare equal only when identical, whatever the lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(tokensEqual('abc'.repeat(1000), 'abc')).toBe(false);
  });

  it('are read from cookies and bearer headers', () => {
    expect(cookieValues('a=1; epochlab_token_80=x%2By; b=2; epochlab_token_80=z', 'epochlab_token_80')).toEqual(['x+y', 'z']);
    expect(cookieValues('epochlab_token_81=x', 'epochlab_token_80')).toEqual([]);
    expect(cookieValues('epochlab_token_80=%E0%A4%A', 'epochlab_token_80')).toEqual([]);
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
