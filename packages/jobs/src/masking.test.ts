import { describe, expect, it } from 'vitest';
import { MASK, SecretMasker } from './masking.js';

const masker = new SecretMasker({ extraKeys: ['guildCode'] });

describe('SecretMasker', () => {
  it('masks values under secret-like keys at any depth, whatever their spelling', () => {
    const masked = masker.value({
      passwords: ['a'],
      password_hash: 'b',
      passwordConfirmation: 'c',
      bearer: 'd',
      accessKeyId: 'e',
      headers: { 'X-Auth': 'f', Authorization: 'g' },
      jwt: 'h',
      pin: '1',
      otp: '2',
      cvv: '3',
      ssn: '4',
      guild_code: '5',
      deep: [{ client_secret: 'i', apiKey: 'j' }],
    });
    expect(JSON.stringify(masked)).not.toMatch(/"[a-j1-5]"/);
  });

  it('masks secrets inside free text: URL credentials, bearer and basic tokens, JWTs, key=value, random tokens', () => {
    const cases: Array<[string, string]> = [
      ['connect postgres://bob:s3cret@db:5432/x failed', `connect postgres://bob:${MASK}@db:5432/x failed`],
      ['Authorization: Bearer abcdef123456', `Authorization: ${MASK} ${MASK}`],
      ['sent Bearer abcdef123456 upstream', `sent Bearer ${MASK} upstream`],
      ['Basic dXNlcjpwYXNz', `Basic ${MASK}`],
      ['tok eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', `tok ${MASK}`],
      ['password=hunter2 and more', `password=${MASK} and more`],
      ['{"password":"x1","user":"a"}', `{"password":${MASK},"user":"a"}`],
      ['the pin: 1234', `the pin: ${MASK}`],
      ['guild_code=ABC', `guild_code=${MASK}`],
      ['key ZXCVbnm1234567890asdfGHJKqwerty12345 end', `key ${MASK} end`],
    ];
    for (const [input, expected] of cases) expect(masker.text(input), input).toBe(expected);
  });

  it('leaves ordinary text, ids and paths alone', () => {
    for (const text of [
      'shipping: 5',
      'Basic auth failed',
      'job 6fa459ea-ee8a-3ca4-894e-db77e160355e',
      'at Worker.run (/work/bullpen/node_modules/bullmq/dist/esm/classes/worker.js:12:5)',
      'upstream refused order 42',
      'war-resolution:repeat:1700000000000',
    ]) {
      expect(masker.text(text)).toBe(text);
    }
    expect(masker.value({ author: 'me', opinion: 'ok', repeatJobKey: 'k', shipping: 1 })).toEqual({ author: 'me', opinion: 'ok', repeatJobKey: 'k', shipping: 1 });
  });

  it('keeps __proto__ an ordinary key and survives cycles', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const masked = masker.value(data) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(masked)).toContain('__proto__');
    expect(masker.value(cyclic)).toEqual({ a: 1, self: '[circular]' });
  });
});
