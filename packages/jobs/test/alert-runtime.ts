// One runtime with its alert engine, wired as apps/api wires them: the engine's job types join the
// definitions, its listener gets the runtime's events, and it is attached once the runtime started.
// Cadences are short so that cooldowns, backoff and evaluation take seconds.
import type { Database } from '@bullpen/db';
import { alertChannels, alertRules } from '@bullpen/db';
import type { Logger } from 'pino';
import { AlertEngine, type AlertEngineOptions } from '../src/alerts/alert-engine.js';
import type { AnyJobDefinition } from '../src/definition.js';
import { startRuntime, type JobRuntime, type RuntimeOptions } from '../src/runtime/runtime.js';
import { redisUrl, silentLogger } from './support.js';

export const PUBLIC_URL = 'http://console.bullpen.test';

export interface AlertInstance {
  engine: AlertEngine;
  runtime: JobRuntime;
  close(): Promise<void>;
}

export async function startAlertInstance(options: {
  prefix: string;
  db: Database;
  definitions: AnyJobDefinition[];
  roles?: RuntimeOptions['roles'];
  instanceId?: string;
  logger?: Logger;
  engine?: Partial<AlertEngineOptions>;
  runtime?: Partial<RuntimeOptions>;
}): Promise<AlertInstance> {
  const logger = options.logger ?? silentLogger;
  const engine = new AlertEngine({
    db: options.db,
    logger,
    prefix: options.prefix,
    publicUrl: PUBLIC_URL,
    outbound: { allowLoopback: true },
    evaluateEveryMs: 250,
    deliveryAttempts: 3,
    deliveryBackoffMs: 150,
    ruleCacheMs: 0,
    sendTimeoutMs: 2_000,
    ...options.engine,
  });
  const runtime = await startRuntime({
    redisUrl,
    prefix: options.prefix,
    definitions: [...options.definitions, ...engine.jobs()],
    db: options.db,
    logger,
    roles: options.roles ?? { worker: true, scheduler: true },
    instanceId: options.instanceId,
    onEvent: engine.onRuntimeEvent,
    outboxSweepEveryMs: 500,
    deadLetterSweepEveryMs: 3_600_000,
    ...options.runtime,
  });
  engine.attach(runtime);
  return {
    engine,
    runtime,
    async close() {
      await runtime.close();
      await engine.settle();
    },
  };
}

export async function insertChannel(db: Database, values: typeof alertChannels.$inferInsert): Promise<number> {
  const [row] = await db.insert(alertChannels).values(values).returning({ id: alertChannels.id });
  return row!.id;
}

export async function insertRule(db: Database, values: Omit<typeof alertRules.$inferInsert, 'windowMs' | 'cooldownMs'> & { windowMs?: number; cooldownMs?: number }): Promise<number> {
  const [row] = await db
    .insert(alertRules)
    .values({ windowMs: 60_000, cooldownMs: 60_000, ...values })
    .returning({ id: alertRules.id });
  return row!.id;
}
