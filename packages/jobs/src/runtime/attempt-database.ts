/**
 * The database as one attempt sees it: its work ends at the attempt's deadline, even when the
 * processor ignores its signal.
 *
 * - Every transaction it opens starts with `SET LOCAL statement_timeout` = the time left until the
 *   deadline, so no statement in it can run on long past the deadline.
 * - When the attempt is aborted (deadline or cancellation), the statement running in each of its open
 *   transactions is cancelled on the server (`pg_cancel_backend`); the transaction is then aborted
 *   and can only roll back.
 * - After the abort, every new use of the database or of an open transaction throws the abort reason.
 *
 * A statement sent outside a transaction (`ctx.db.execute(...)` on its own) gets the last two but not
 * the first: processors that write should write in transactions. On PGlite (one in-process
 * connection) statement timeouts and cancellation have no effect; the refusal after the abort holds.
 */
import type { Database } from '@bullpen/db';
import { sql } from 'drizzle-orm';

interface OpenTransaction {
  pid: number | undefined;
}

/** Refuses any use of `target` once `signal` has fired. */
function refusingAfterAbort<T extends object>(target: T, signal: AbortSignal, overrides: Partial<Record<PropertyKey, unknown>> = {}): T {
  return new Proxy(target, {
    get(object, key) {
      signal.throwIfAborted();
      if (Object.hasOwn(overrides, key)) return overrides[key];
      const value = Reflect.get(object, key, object) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

export function attemptDatabase(db: Database, signal: AbortSignal, deadline: number): Database {
  const open = new Set<OpenTransaction>();
  signal.addEventListener(
    'abort',
    () => {
      for (const transaction of open) {
        if (transaction.pid === undefined) continue;
        // Through the shared pool, not the attempt's (now refused) handle. Best effort: if it fails, the
        // statement timeout still ends the statement, and new statements are refused anyway.
        db.execute(sql`SELECT pg_cancel_backend(${transaction.pid})`).catch(() => undefined);
      }
    },
    { once: true },
  );

  const transaction: Database['transaction'] = (work, config) =>
    db.transaction(async (tx) => {
      signal.throwIfAborted();
      const entry: OpenTransaction = { pid: undefined };
      open.add(entry);
      try {
        const remainingMs = Math.max(1, Math.ceil(deadline - Date.now()));
        const result = (await tx.execute(
          sql`SELECT set_config('statement_timeout', ${String(remainingMs)}, true), pg_backend_pid() AS pid`,
        )) as unknown as { rows: Array<{ pid: number }> };
        entry.pid = result.rows[0]?.pid;
        signal.throwIfAborted();
        return await work(refusingAfterAbort(tx, signal));
      } finally {
        open.delete(entry);
      }
    }, config);

  return refusingAfterAbort(db, signal, { transaction });
}
