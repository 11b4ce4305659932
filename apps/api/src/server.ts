// Composes one instance: database, job runtime by role, and the HTTP server when the http role is on.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { migrate, openDatabase, rowsOf, type DatabaseHandle } from '@bullpen/db';
import { sql } from 'drizzle-orm';
import { catalog, ConnectionWatch, demoFailureQueues, retiredQueues, seedDemoAlertRules, SecretMasker, startRuntime, type AnyJobDefinition, type JobRuntime } from '@bullpen/jobs';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createAlertEngine } from './ops/alerts.js';
import type { Config } from './config.js';

export interface Instance {
  runtime: JobRuntime;
  database: DatabaseHandle;
  server: Server | undefined;
  /** The address the HTTP server listens on, when it does. */
  url: string | undefined;
  /** Graceful stop: drains jobs up to DRAIN_TIMEOUT_MS, closes the server and the database. */
  stop(): Promise<{ drained: boolean }>;
}

export const version = '0.1.0';

export interface InstanceOptions {
  /** The job types this instance serves. Default: the catalog. The end-to-end server adds its own test types. */
  definitions?: readonly AnyJobDefinition[];
}

export async function startInstance(config: Config, logger: Logger, options: InstanceOptions = {}): Promise<Instance> {
  // Migrations run as the owner; the app then runs as DATABASE_URL's role (bullpen_app on a server).
  if (config.MIGRATION_DATABASE_URL) {
    // Two connections: one holds the migration lock while the other migrates.
    const owner = await openDatabase({ url: config.MIGRATION_DATABASE_URL, poolSize: 2 });
    try {
      await migrate(owner);
    } finally {
      await owner.close();
    }
  }
  // One warn when PostgreSQL connections start failing, one info when one opens again (see ConnectionWatch).
  const databaseWatch = new ConnectionWatch('postgres', logger);
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.PGLITE_DATA_DIR,
    onConnectionError: (err) => databaseWatch.lost(err),
    onConnectFailed: (err) => databaseWatch.lost(err),
    onConnected: () => databaseWatch.recovered(),
  });
  let runtime: JobRuntime | undefined;
  const alerts = createAlertEngine(config, database.db, logger);
  try {
    if (!config.MIGRATION_DATABASE_URL) await migrate(database);
    if (database.kind === 'postgres' && (await ownsAuditLog(database))) {
      logger.warn('the app connects to PostgreSQL as the owner of audit_log, so it could rewrite the audit history: set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to a member of bullpen_app (README, "Database roles")');
    }
    if (config.DEMO) await seedDemoAlertRules(database.db);
    runtime = await startRuntime({
      redis: config.REDIS,
      prefix: config.QUEUE_PREFIX,
      definitions: [...(options.definitions ?? catalog), ...alerts.jobs()],
      retiredQueues,
      onEvent: alerts.onRuntimeEvent,
      db: database.db,
      logger,
      instanceId: config.INSTANCE_ID,
      version,
      roles: { worker: config.ROLES.has('worker'), scheduler: config.ROLES.has('scheduler') },
      demo: config.DEMO,
      // Demo: a few poisoned jobs become dead letters, and a 2.5-minute outage from the first minute
      // (then every 15) opens breakers, so operators see the failure paths at once.
      failureInjection: config.DEMO
        ? { rate: config.DEMO_FAILURE_RATE, queues: demoFailureQueues, outage: { afterMs: 60_000, forMs: 150_000, everyMs: 900_000 } }
        : undefined,
      drainTimeoutMs: config.DRAIN_TIMEOUT_MS,
      lockDurationMs: config.LOCK_DURATION_MS,
      stalledIntervalMs: config.STALLED_INTERVAL_MS,
      maxActiveJobs: config.MAX_ACTIVE_JOBS,
      connectTimeoutMs: config.REDIS_CONNECT_TIMEOUT_MS,
      masker: new SecretMasker({ extraKeys: config.MASK_EXTRA_KEYS }),
      deadLetterSweepEveryMs: config.DEMO ? 15_000 : 60_000,
      outboxSweepEveryMs: config.DEMO ? 10_000 : 30_000,
    });
    alerts.attach(runtime);
  } catch (err) {
    await runtime?.close();
    await database.close();
    throw err;
  }

  let server: Server | undefined;
  let url: string | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  if (config.ROLES.has('http')) {
    app = createApp({ config, runtime, alerts, database, logger, version });
    server = app.listen(config.PORT, config.HOST);
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  }

  let stopping: Promise<{ drained: boolean }> | undefined;
  const stop = async () => {
    // Stop accepting requests first, but let the workers drain while open requests finish.
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    await app?.dispose();
    const result = await runtime.close();
    await alerts.settle();
    server?.closeAllConnections();
    await serverClosed;
    await database.close();
    return result;
  };
  return {
    runtime,
    database,
    server,
    url,
    stop: () => (stopping ??= stop()),
  };
}

/** Whether this connection's role owns the audit log (or is a superuser): then its trigger is no guard. */
async function ownsAuditLog(database: DatabaseHandle): Promise<boolean> {
  const rows = await rowsOf<{ owns: boolean }>(
    database.db,
    sql`SELECT (pg_has_role(current_user, c.relowner, 'USAGE') OR r.rolsuper) AS owns FROM pg_class c, pg_roles r WHERE c.relname = 'audit_log' AND c.relkind = 'r' AND r.rolname = current_user`,
  );
  return rows[0]?.owns ?? false;
}
