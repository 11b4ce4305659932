/**
 * Connection health in the logs, one state machine per connection (Redis producer, worker, subscriber;
 * the PostgreSQL pool):
 *
 *   up ──first failure──▶ down      one `warn` line: which connection, the error
 *   down ──more failures──▶ down    `debug` only (ioredis retries every few hundred ms: an outage would
 *                                   otherwise be hundreds of lines)
 *   down ──connected again──▶ up    one `info` line: which connection, how long it was down
 *
 * So a 20-second Redis outage is two lines per connection at LOG_LEVEL=info, not silence and not a flood.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { serializeError } from '../errors.js';

export class ConnectionWatch {
  private downSince: number | undefined;
  private failuresWhileDown = 0;

  constructor(
    /** Names the connection in every line, e.g. `redis-producer`. */
    readonly connection: string,
    private readonly log: Logger,
  ) {}

  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  /** A failure (error event, refused connect, unexpected close). Logs at warn on the first one only. */
  lost(err?: unknown): void {
    if (this.downSince !== undefined) {
      this.failuresWhileDown += 1;
      this.log.debug({ connection: this.connection, err: err === undefined ? undefined : serializeError(err) }, `${this.connection} connection still down`);
      return;
    }
    this.downSince = Date.now();
    this.failuresWhileDown = 0;
    this.log.warn({ connection: this.connection, err: err === undefined ? undefined : serializeError(err) }, `${this.connection} connection lost; retrying`);
  }

  /** Connected (again). Logs at info only when it had been down. */
  recovered(): void {
    if (this.downSince === undefined) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.log.info({ connection: this.connection, downMs, failedRetries: this.failuresWhileDown }, `${this.connection} connection recovered after ${downMs} ms`);
  }
}

/**
 * Watches an ioredis connection. `reconnecting` marks the loss (it fires only after an unexpected
 * close, never after our own disconnect at shutdown); `error` does too (a refused first connect);
 * `ready` the recovery.
 */
export function watchRedis(redis: Redis, connection: string, log: Logger): ConnectionWatch {
  const watch = new ConnectionWatch(connection, log);
  redis.on('error', (err: Error) => watch.lost(err));
  redis.on('reconnecting', () => watch.lost());
  redis.on('ready', () => watch.recovered());
  return watch;
}

const CONNECTION_ERROR = /Connection is closed|Stream isn't writeable|Reached the max retries per request|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|LOADING Redis is loading/;

/** Errors that say "the connection is gone", as opposed to a failing command or a bug. */
export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, message, code } = e as { name?: unknown; message?: unknown; code?: unknown };
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof code === 'string' && CONNECTION_ERROR.test(code)) return true;
    if (typeof message === 'string' && CONNECTION_ERROR.test(message)) return true;
  }
  return false;
}
