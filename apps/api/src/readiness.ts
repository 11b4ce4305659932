// Readiness: can this instance do its work right now? Not "does Redis answer PING": Redis at its
// maxmemory with `noeviction` answers PING and refuses every write (OOM), so nothing could be enqueued,
// locked or completed. So the Redis check is a write (a short-lived key under the queue prefix), and the
// database check a statement. Each check is bounded; a failed one names its reason.
import type { DatabaseHandle } from '@bullpen/db';
import type { JobRuntime } from '@bullpen/jobs';
import { sql } from 'drizzle-orm';

export const READY_CHECK_TIMEOUT_MS = 2_000;
/** The probe key expires by itself, so an instance that goes away leaves nothing behind. */
const PROBE_TTL_MS = 60_000;

export interface Readiness {
  status: 'ready' | 'not-ready';
  /** One boolean per dependency: the shape the dashboard reads. */
  checks: { redis: boolean; postgres: boolean };
  /** Why a check failed, for each failed one (an operator reads this first). */
  reasons: { redis?: string; postgres?: string };
}

async function within(work: Promise<unknown>, what: string, ms = READY_CHECK_TIMEOUT_MS): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(() => undefined),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`${what} did not answer within ${ms} ms`), ms);
      }),
    ]);
  } catch (err) {
    return describe(err, what);
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown, what: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (/^OOM /.test(message)) return `Redis refuses writes: it is at its maxmemory (${message.slice(0, 200)})`;
  if (/^READONLY /.test(message)) return `Redis refuses writes: it is a read-only replica (${message.slice(0, 200)})`;
  return `${what} failed: ${message.slice(0, 200)}${typeof code === 'string' && !message.includes(code) ? ` (${code})` : ''}`;
}

export async function checkReadiness(runtime: JobRuntime, database: DatabaseHandle): Promise<Readiness> {
  const probeKey = `${runtime.keys.readyProbe}:${runtime.instanceId}`;
  const [redis, postgres] = await Promise.all([
    within(runtime.redis.set(probeKey, String(Date.now()), 'PX', PROBE_TTL_MS), 'Redis'),
    within(database.db.execute(sql`SELECT 1`), 'PostgreSQL'),
  ]);
  const ready = redis === undefined && postgres === undefined;
  return {
    status: ready ? 'ready' : 'not-ready',
    checks: { redis: redis === undefined, postgres: postgres === undefined },
    reasons: { ...(redis ? { redis } : {}), ...(postgres ? { postgres } : {}) },
  };
}
