import type { DatabaseHandle } from '@bullpen/db';
import type { AlertEngine, JobRuntime } from '@bullpen/jobs';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { LoginLimiter } from '../auth/login-limiter.js';
import type { SessionCache } from '../auth/session-cache.js';
import type { Config } from '../config.js';
import type { QueueEventStream } from '../events.js';
import type { WorkerDirectory } from './worker-directory.js';

/** What route handlers work with: plain objects, no Express. */
export interface OpsDeps {
  config: Config;
  runtime: JobRuntime;
  /** Alert rules, channels, delivery and test-sends. */
  alerts: AlertEngine;
  database: DatabaseHandle;
  logger: Logger;
  audit: AuditLog;
  /**
   * Session lookups, cached briefly. After disabling a user, changing their role or resetting their
   * password, call `sessions.revokeUser(userId)`: their sessions end at once on every instance.
   */
  sessions: SessionCache;
  limiter: LoginLimiter;
  workers: WorkerDirectory;
  events: QueueEventStream;
  /** Where Bull Board is mounted, for links. */
  boardPath: string;
  /** Settles once the first admin account has been ensured (sign-in waits for it). */
  bootstrap: Promise<void>;
}
