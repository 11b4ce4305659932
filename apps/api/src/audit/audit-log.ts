// Writes and reads the append-only audit log. Each action is two rows sharing an attempt id: `started`
// before it runs (if that insert fails the action is refused) and its outcome after.
import { randomUUID } from 'node:crypto';
import { auditLog, type AuditOutcome, type Database, type OpsRole } from '@bullpen/db';
import type { SecretMasker } from '@bullpen/jobs';
import { and, count, desc, eq, gte, like, lte, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import { ApiError } from '../http/api-error.js';

export type AuditEntry = typeof auditLog.$inferSelect;

export interface AuditActor {
  /** The signed-in user, or for a sign-in the name tried (redacted unless it is a real account). */
  username: string;
  /** `anonymous` for sign-in attempts by no known user and refusals without a session. */
  role: OpsRole | 'anonymous';
  ip?: string | undefined;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  /** Matches targets that start with it (an exact target is its own prefix). */
  target?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly instanceId: string,
    private readonly log: Logger,
    private readonly masker: SecretMasker,
  ) {}

  /** Records the intent; throws 503 AUDIT_UNAVAILABLE when it cannot, so the action does not run. */
  async start(actor: AuditActor, action: string, target: string, params: unknown): Promise<string> {
    const attemptId = randomUUID();
    try {
      await this.insert(attemptId, actor, action, target, params, 'started', null);
    } catch (err) {
      this.log.error({ err, action, target }, 'audit write failed; action refused');
      throw new ApiError(503, 'AUDIT_UNAVAILABLE', 'The action was refused because it could not be recorded in the audit log.');
    }
    return attemptId;
  }

  /** Records how it ended. The action already happened, so a failure here is logged, not thrown. */
  async finish(attemptId: string, actor: AuditActor, action: string, target: string, params: unknown, outcome: AuditOutcome, detail: unknown): Promise<void> {
    try {
      await this.insert(attemptId, actor, action, target, params, outcome, detail);
    } catch (err) {
      this.log.error({ err, attemptId, action, target, outcome }, 'audit outcome write failed (the started row remains)');
    }
  }

  /**
   * One row for something that is over as it happens: a refused request, a sign-in attempt. A failure
   * to write is logged, not thrown: the request was refused anyway, or the sign-in stands on its own.
   */
  async record(actor: AuditActor, action: string, target: string, params: unknown, outcome: AuditOutcome, detail: unknown): Promise<void> {
    try {
      await this.insert(randomUUID(), actor, action, target, params, outcome, detail);
    } catch (err) {
      this.log.error({ err, action, target, outcome }, 'audit write failed');
    }
  }

  private async insert(attemptId: string, actor: AuditActor, action: string, target: string, params: unknown, outcome: AuditOutcome, detail: unknown) {
    await this.db.insert(auditLog).values({
      attemptId,
      instanceId: this.instanceId,
      actor: actor.username.replaceAll('\u0000', '\uFFFD'),
      role: actor.role,
      action,
      target: target.replaceAll('\u0000', '\uFFFD'),
      params: withoutNul(this.masker.value(params ?? {})) as object,
      outcome,
      detail: detail ?? null,
      ip: actor.ip ?? null,
    });
  }

  async list(filter: AuditFilter, page: number, pageSize: number): Promise<{ items: AuditEntry[]; page: number; pageSize: number; total: number }> {
    const conditions: SQL[] = [];
    if (filter.actor) conditions.push(eq(auditLog.actor, filter.actor));
    if (filter.action) conditions.push(eq(auditLog.action, filter.action));
    if (filter.target) conditions.push(like(auditLog.target, `${filter.target.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    if (filter.outcome) conditions.push(eq(auditLog.outcome, filter.outcome));
    if (filter.from) conditions.push(gte(auditLog.at, filter.from));
    if (filter.to) conditions.push(lte(auditLog.at, filter.to));
    const where = conditions.length ? and(...conditions) : undefined;
    const [items, totals] = await Promise.all([
      this.db.select().from(auditLog).where(where).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(pageSize).offset((page - 1) * pageSize),
      this.db.select({ n: count() }).from(auditLog).where(where),
    ]);
    return { items, page, pageSize, total: totals[0]?.n ?? 0 };
  }
}

/** PostgreSQL's jsonb refuses `\u0000`; a refused request may still carry one, and its row must not fail. */
function withoutNul(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll('\\u0000', '\\ufffd')) as unknown;
}
