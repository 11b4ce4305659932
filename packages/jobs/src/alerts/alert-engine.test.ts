import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runJob } from '../testing.js';
import { QUEUE } from '../queue-names.js';
import { AlertEngine } from './alert-engine.js';
import type { Database } from '@bullpen/db';

describe('alert engine before it is attached to a runtime', () => {
  it('skips an evaluation that lands while the instance is still starting, instead of failing it into a dead letter', async () => {
    // No database is touched on this path: a stand-in that throws proves it.
    const db = new Proxy({}, { get: () => { throw new Error('the database must not be used'); } }) as unknown as Database;
    const engine = new AlertEngine({ db, logger: pino({ level: 'silent' }), prefix: 'unused', publicUrl: 'http://127.0.0.1:1' });
    const evaluation = engine.jobs().find((job) => job.queue === QUEUE.alertEvaluation)!;
    const result = await runJob(evaluation, {}, { db, log: pino({ level: 'silent' }) });
    expect(result.status).toBe('skipped');
  });
});
