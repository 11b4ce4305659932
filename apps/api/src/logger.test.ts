import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, routeConsoleToLogger } from './logger.js';

describe('log format', () => {
  it('is readable in a terminal and JSON everywhere else, unless LOG_FORMAT says otherwise', () => {
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', false)).toBe('json');
    // A pipe or a file has no isTTY at all.
    expect(chooseLogFormat('auto', undefined)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('builds a JSON logger for a pipe', () => {
    const logger = createLogger({ LOG_LEVEL: 'info', INSTANCE_ID: 'i-1', LOG_FORMAT: 'auto' }, { isTTY: undefined });
    // pino's JSON logger writes to a SonicBoom on fd 1; the pretty one to pino-pretty's Transform.
    const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { constructor: { name: string } };
    expect(stream.constructor.name).toBe('SonicBoom');
    const pretty = createLogger({ LOG_LEVEL: 'info', INSTANCE_ID: 'i-1', LOG_FORMAT: 'auto' }, { isTTY: true });
    expect(((pretty as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { constructor: { name: string } }).constructor.name).not.toBe('SonicBoom');
  });
});

describe('console routing', () => {
  it("sends libraries' console.warn through the logger as one JSON line at warn", () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const saved = { warn: console.warn, error: console.error, info: console.info, log: console.log };
    try {
      routeConsoleToLogger(pino({ level: 'info' }, sink));
      console.warn('IMPORTANT! Eviction policy is %s. It should be "noeviction"', 'allkeys-lru');
    } finally {
      Object.assign(console, saved);
    }
    expect(lines).toEqual([expect.objectContaining({ level: 40, source: 'console', msg: 'IMPORTANT! Eviction policy is allkeys-lru. It should be "noeviction"' })]);
  });
});
