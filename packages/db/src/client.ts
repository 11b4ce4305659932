import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger as DrizzleLogger } from 'drizzle-orm/logger';
import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The common face of both drivers: code written against it runs on PGlite and on a PostgreSQL server. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** Anything that can run a statement: the database or an open transaction on it. */
export type Executor = Pick<Database, 'execute'>;

/** Runs a statement and returns its rows (both drivers answer `{ rows }`; the common type does not say so). */
export async function rowsOf<Row = Record<string, unknown>>(db: Executor, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}

export interface DatabaseOptions {
  /** A postgres:// URL. When absent, the embedded PGlite database is used. */
  url?: string | undefined;
  /** Where PGlite keeps its files; `memory://` for a throwaway database. Default `.data/pglite`. */
  dataDir?: string | undefined;
  /** Pool size for a PostgreSQL server. Default 10. */
  poolSize?: number | undefined;
  /** Called with every statement sent, e.g. to count queries in a test. */
  onQuery?: ((query: string, params: unknown[]) => void) | undefined;
  /**
   * Called when a server connection is lost (terminated backend, server restart, network). The
   * statement or transaction using it fails and the pool opens a new connection; the process carries on.
   */
  onConnectionError?: ((err: Error) => void) | undefined;
  /** Called when the pool could not open a connection (server down, refused, database closed). */
  onConnectFailed?: ((err: Error) => void) | undefined;
  /** Called whenever the pool opened a connection: after a loss, the database is back. */
  onConnected?: (() => void) | undefined;
}

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Runs `fn` on one connection while holding a session advisory lock, so parallel starts serialize. */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const logger: DrizzleLogger | undefined = options.onQuery
    ? { logQuery: (query, params) => options.onQuery?.(query, params) }
    : undefined;

  if (options.url) {
    // pg-pool reports neither failed connects nor any success after them; a Client that reports both
    // lets the caller log an outage's start and end.
    class ObservedClient extends pg.Client {
      override connect(): Promise<pg.Client>;
      override connect(callback: (err: Error | null, client?: pg.Client) => void): void;
      override connect(callback?: (err: Error | null, client?: pg.Client) => void): Promise<pg.Client> | void {
        const report = (err: Error | null | undefined) => (err ? options.onConnectFailed?.(err) : options.onConnected?.());
        if (callback) {
          super.connect((err: Error | null) => {
            report(err);
            callback(err, this);
          });
          return;
        }
        return super.connect().then(
          (client) => {
            report(undefined);
            return client;
          },
          (err: Error) => {
            report(err);
            throw err;
          },
        );
      }
    }
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, Client: ObservedClient });
    // A client that loses its server emits 'error'. The pool handles it only while the client is idle;
    // a checked-out client (a job idle in a transaction between statements, say) emits it on itself, and
    // unhandled that event kills the process. So every client gets a handler for its whole life: the
    // statement in flight is rejected by pg, the transaction fails, and the pool discards the client
    // on release (it is no longer queryable).
    const onConnectionError = (err: Error) => options.onConnectionError?.(err);
    pool.on('connect', (client) => client.on('error', onConnectionError));
    // The pool re-emits an idle client's error; the client's own handler above has reported it already.
    pool.on('error', () => undefined);
    const db = drizzlePg(pool, { schema, logger }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      async withAdvisoryLock(key, fn) {
        const client = await pool.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [key]);
          try {
            return await fn();
          } finally {
            await client.query('SELECT pg_advisory_unlock($1)', [key]);
          }
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }

  const client = new PGlite(options.dataDir ?? '.data/pglite');
  await client.waitReady;
  const db = drizzlePglite(client, { schema, logger }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    // PGlite is single-process and single-connection: there is nobody to serialize against.
    withAdvisoryLock: (_key, fn) => fn(),
    close: () => client.close(),
  };
}
