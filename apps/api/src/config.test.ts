import { describe, expect, it } from 'vitest';
import { catalog } from '@bullpen/jobs';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has defaults that start one all-role instance on the embedded database', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: 'bullpen', DEMO: false });
    expect(config.DATABASE_URL).toBeUndefined();
    expect([...config.ROLES]).toEqual(['http', 'worker', 'scheduler']);
  });

  it("defaults MAX_ACTIVE_JOBS below the catalog's total worker concurrency, so the priority pool can fill", () => {
    // At or above it the pool never saturates, and a high-priority type never runs ahead of others.
    const totalConcurrency = catalog.reduce((sum, d) => sum + (d.concurrency ?? 1), 0);
    expect(loadConfig({}).MAX_ACTIVE_JOBS).toBeLessThan(totalConcurrency);
  });

  it('parses roles, booleans and numbers', () => {
    const config = loadConfig({ ROLES: 'worker, scheduler', DEMO: 'true', DRAIN_TIMEOUT_MS: '5000', DATABASE_URL: 'postgres://u@h:5432/db' });
    expect([...config.ROLES]).toEqual(['worker', 'scheduler']);
    expect(config.DEMO).toBe(true);
    expect(config.DRAIN_TIMEOUT_MS).toBe(5000);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', PORT: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PORT).toBe(3000);
  });

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['REDIS_URL', 'http://localhost', /REDIS_URL: expected a redis:\/\//],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: expected a postgres:\/\//],
    ['ROLES', 'http,cron', /ROLES: .*http,worker,scheduler/],
    ['DEMO', 'maybe', /DEMO: expected true or false/],
    ['QUEUE_PREFIX', 'a b', /QUEUE_PREFIX/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(1);
    expect((error as ConfigError).message).toMatch(message);
  });
});
