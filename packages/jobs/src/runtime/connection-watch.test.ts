import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConnectionWatch, isConnectionError } from './connection-watch.js';

function capture() {
  const lines: Array<{ level: number; msg: string; connection: string; downMs?: number; failedRetries?: number }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, sink) };
}

describe('ConnectionWatch', () => {
  it('logs one warn per loss and one info per recovery, however many failures come between', () => {
    const { lines, log } = capture();
    const watch = new ConnectionWatch('redis-producer', log);
    watch.recovered(); // up → up: nothing to say
    for (let i = 0; i < 500; i++) watch.lost(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(watch.isDown).toBe(true);
    watch.recovered();
    watch.recovered();
    watch.lost();
    watch.recovered();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'redis-producer connection lost; retrying'],
      [30, expect.stringMatching(/^redis-producer connection recovered after \d+ ms$/)],
      [40, 'redis-producer connection lost; retrying'],
      [30, expect.stringMatching(/^redis-producer connection recovered after \d+ ms$/)],
    ]);
    expect(lines[1]!.failedRetries).toBe(499);
  });

  it('tells connection errors from command errors', () => {
    expect(isConnectionError(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('read'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isConnectionError(new Error('wrapped', { cause: new Error('Connection is closed.') }))).toBe(true);
    expect(isConnectionError(new Error('Missing key for job 1. moveToFinished'))).toBe(false);
    expect(isConnectionError(new Error("OOM command not allowed when used memory > 'maxmemory'."))).toBe(false);
  });
});
