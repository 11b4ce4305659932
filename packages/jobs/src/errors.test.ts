import { describe, expect, it } from 'vitest';
import { errorFingerprint, JobTimeoutError, serializeError } from './errors.js';

describe('serializeError', () => {
  it('keeps name, message, stack, code and the whole cause chain', () => {
    const root = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    const err = new Error('could not bill', { cause: new TypeError('bad row', { cause: root }) });
    const serialized = serializeError(err);
    expect(serialized).toMatchObject({
      name: 'Error',
      message: 'could not bill',
      cause: { name: 'TypeError', message: 'bad row', cause: { name: 'Error', message: 'connection refused', code: 'ECONNREFUSED' } },
    });
    expect(serialized.stack).toContain('could not bill');
    expect(JSON.parse(JSON.stringify(serialized))).toMatchObject({ cause: { cause: { code: 'ECONNREFUSED' } } });
  });

  it('keeps the class name and code of Bullpen errors', () => {
    expect(serializeError(new JobTimeoutError('q', 100))).toMatchObject({ name: 'JobTimeoutError', code: 'JOB_TIMEOUT' });
  });

  it('describes non-errors without losing them, even circular ones', () => {
    expect(serializeError('plain text')).toEqual({ name: 'NonError', message: 'plain text' });
    expect(serializeError({ reason: 42 })).toEqual({ name: 'NonError', message: '{"reason":42}' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(serializeError(circular)).toEqual({ name: 'NonError', message: '[object Object]' });
  });

  it('stops a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    let depth = 0;
    for (let e: { cause?: unknown } | undefined = serializeError(a); e; e = e.cause as typeof e) depth += 1;
    expect(depth).toBeLessThanOrEqual(9);
  });
});

describe('errorFingerprint', () => {
  it('groups messages that differ only in numbers, ids and quoted values', () => {
    const a = errorFingerprint({ name: 'Error', message: 'user 17 not found in "eu-west"' });
    const b = errorFingerprint({ name: 'Error', message: 'user 42 not found in "us-east"' });
    expect(a).toBe(b);
    expect(a).toBe('Error: user <n> not found in "…"');
    expect(errorFingerprint({ name: 'TypeError', message: 'user 17 not found in "eu-west"' })).not.toBe(a);
  });
});
