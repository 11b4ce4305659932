/**
 * The alert engine: turns what happens on the runtime into at most one message per rule, scope and
 * cooldown, and delivers each message to each of the rule's channels exactly once per instance set.
 *
 * An incident is one firing of a rule for one scope (a queue, an instance). Its life:
 * - opened: the first event (job failed, dead letter, stalled) or the first evaluation that finds the
 *   condition true inserts the incident. The partial unique index (rule, scope) WHERE open means that,
 *   however many instances see the same moment, one insert wins; the winner writes the `firing`
 *   notification in the same transaction.
 * - grouping: later events (or evaluations still true) only count into `pending_count` and the error
 *   tally. When the cooldown since the last message has passed and something is pending, the periodic
 *   evaluation claims a `follow-up` with a conditional update on `last_notified_at` ("12 more failures
 *   in the last 5 min, top error: …").
 * - resolved: event kinds resolve after `window` without a new event, periodic kinds as soon as the
 *   condition is false; the conditional update of `resolved_at` claims the `resolved` message.
 * Each notification writes one delivery row per channel and an outbox row whose job id is derived from
 * the delivery id, in its transaction; the delivery queue (attempts, exponential backoff) sends it and
 * records sent / retrying / failed on the row. A delivery already `sent` is never sent again.
 *
 * The periodic evaluation runs as an exclusive scheduled job on the runtime (no timers of its own).
 */
import { alertChannels, alertDeliveries, alertIncidents, alertNotifications, alertRules, deadLetters, type Database } from '@bullpen/db';
import { and, asc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import type { RedisClient } from '../runtime/connection.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import { defineJob, type AnyJobDefinition } from '../definition.js';
import { serializeError } from '../errors.js';
import { QUEUE } from '../queue-names.js';
import { writeOutbox } from '../runtime/outbox.js';
import type { BreakerSnapshot } from '../runtime/circuit-breaker.js';
import type { InstanceHeartbeat, RuntimeEvent, ScheduleInfo } from '../runtime/runtime.js';
import type { QueueStats } from '../runtime/stats.js';
import type { WorkerConnection } from '../runtime/worker-connections.js';
import { channelSchemas, isEventKind, ruleParamsSchemas, RULE_KINDS, type ChannelKind, type RuleKind } from './alert-schemas.js';
import { sendToChannel, type AlertMessage, type ChannelTarget } from './channels.js';
import { OutboundRequestError, OutboundUrlError, type OutboundPolicy } from './outbound-url.js';

/** What the engine reads from the runtime. JobRuntime has all of it. */
export interface AlertSource {
  readonly queueNames: string[];
  readonly redis: RedisClient;
  stats(names?: readonly string[]): Promise<QueueStats[]>;
  clusterBreakerStates(): Promise<Array<BreakerSnapshot & { instanceId: string; at: number }>>;
  schedules(): Promise<ScheduleInfo[]>;
  instances(now?: number): Promise<Array<InstanceHeartbeat & { alive: boolean }>>;
  workerConnections(): Promise<WorkerConnection[]>;
  /** Instances that went silent recently: live ones list only the living. */
  lostInstances(): Promise<Array<InstanceHeartbeat & { lostAt: number }>>;
  relayOutbox(): Promise<number>;
}

export interface AlertEngineOptions {
  db: Database;
  logger: Logger;
  /** The runtime's queue prefix: the in-app feed's pub/sub channel lives under it. */
  prefix: string;
  /** The console's base URL for deep links, e.g. `https://bullpen.example.com`. */
  publicUrl: string;
  /** Which addresses outbound requests may reach (see outbound-url.ts). Default: public only. */
  outbound?: OutboundPolicy | undefined;
  /** Per-request deadline for webhooks, Slack and SMTP. Default 5 000 ms. */
  sendTimeoutMs?: number | undefined;
  /** Cadence of the periodic evaluation. Default 30 000 ms. */
  evaluateEveryMs?: number | undefined;
  /** Attempts per delivery before it is recorded failed. Default 5. */
  deliveryAttempts?: number | undefined;
  /** First retry delay of a delivery; doubles each attempt. Default 2 000 ms. */
  deliveryBackoffMs?: number | undefined;
  /** How long the event path may use its copy of the rules. Default 2 000 ms; 0 reads them every time. */
  ruleCacheMs?: number | undefined;
}

export type AlertRule = typeof alertRules.$inferSelect;
export type AlertChannel = typeof alertChannels.$inferSelect;
type Incident = typeof alertIncidents.$inferSelect;

/** The pub/sub channel the in-app feed is published on. */
export function inAppChannelKey(prefix: string): string {
  return `${prefix}:bullpen:alerts`;
}

interface Observation {
  scope: string;
  queue: string | null;
  /** One line: "3 failures in weekly-tax-collection". */
  summary: string;
  title: string;
  link: string;
  error?: string | undefined;
  detail?: Record<string, unknown>;
}

const MAX_ERROR_KEYS = 20;
const ALERT_QUEUES = new Set<string>([QUEUE.alertEvaluation, QUEUE.alertDelivery]);

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 360_000) / 10} h`;
  return `${Math.round(ms / 8_640_000) / 10} d`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function topError(errors: Record<string, number>): string | null {
  let best: string | null = null;
  let most = 0;
  for (const [message, n] of Object.entries(errors)) {
    if (n > most) {
      best = message;
      most = n;
    }
  }
  return best;
}

export class AlertEngine {
  private source: AlertSource | undefined;
  private rulesCache: { at: number; rules: AlertRule[] } | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly log: Logger;
  private readonly policy: OutboundPolicy;

  constructor(private readonly options: AlertEngineOptions) {
    this.log = options.logger.child({ component: 'alerts' });
    this.policy = options.outbound ?? {};
    if (!/^https?:\/\//.test(options.publicUrl)) throw new Error(`The alerts' public URL must be an http(s) URL (got "${options.publicUrl}").`);
  }

  /** Connects the engine to the runtime it watches (after start). */
  attach(source: AlertSource): void {
    this.source = source;
  }

  // ---- links -----------------------------------------------------------------------------------

  link(path: string, query: Record<string, string> = {}): string {
    const base = this.options.publicUrl.replace(/\/+$/, '');
    const search = new URLSearchParams(query).toString();
    return `${base}${path}${search ? `?${search}` : ''}`;
  }

  private queueLink(queue: string, state?: string): string {
    return this.link(`/queues/${encodeURIComponent(queue)}`, state ? { state } : {});
  }

  // ---- rules ----------------------------------------------------------------------------------

  /** Drops the event path's copy of the rules (call after editing rules). */
  invalidateRules(): void {
    this.rulesCache = undefined;
  }

  private async activeRules(now: number): Promise<AlertRule[]> {
    const ttl = this.options.ruleCacheMs ?? 2_000;
    if (!this.rulesCache || now - this.rulesCache.at >= ttl) {
      const rules = await this.options.db.select().from(alertRules).where(eq(alertRules.enabled, true));
      this.rulesCache = { at: now, rules };
    }
    return this.rulesCache.rules.filter((r) => !r.silencedUntil || r.silencedUntil.getTime() <= now);
  }

  private inScope(rule: AlertRule, queue: string): boolean {
    // "Every queue" leaves out the alerts' own queues: a failing channel must not alert about itself.
    if (rule.queues.length === 0) return !ALERT_QUEUES.has(queue);
    return rule.queues.includes(queue);
  }

  private params<K extends RuleKind>(rule: AlertRule, kind: K): z.output<(typeof ruleParamsSchemas)[K]> {
    // A row may come from older code: checked on every read; a bad one throws and the rule is skipped.
    return ruleParamsSchemas[kind].parse(rule.params) as z.output<(typeof ruleParamsSchemas)[K]>;
  }

  // ---- the event path ---------------------------------------------------------------------------

  /** The runtime's onEvent listener: starts the work and returns at once. */
  readonly onRuntimeEvent = (event: RuntimeEvent): void => {
    const work = this.handleEvent(event).catch((err: unknown) => {
      this.log.error({ err: serializeError(err), event: event.type, queue: event.queue }, 'alert event handling failed');
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  };

  /** Waits for event handling already started (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async handleEvent(event: RuntimeEvent): Promise<void> {
    const now = event.at;
    const rules = (await this.activeRules(now)).filter((rule) => {
      if (!this.inScope(rule, event.queue)) return false;
      if (event.type === 'job-failed') return rule.kind === 'job-failed' && (!this.params(rule, 'job-failed').finalOnly || event.final);
      return rule.kind === event.type;
    });
    if (rules.length === 0) return;
    let notified = false;
    for (const rule of rules) {
      const observation = this.eventObservation(rule, event);
      if (await this.observe(rule, observation, new Date(now))) notified = true;
    }
    if (notified) await this.relay();
  }

  private eventObservation(rule: AlertRule, event: RuntimeEvent): Observation {
    const queue = event.queue;
    if (event.type === 'dead-letter') {
      return {
        scope: queue,
        queue,
        title: `Dead letter in ${queue}`,
        summary: `A ${queue} job ran out of attempts and became a dead letter`,
        link: this.link('/dead-letters', { queue, group: event.fingerprint }),
        error: event.error.message,
        detail: { jobId: event.jobId, fingerprint: event.fingerprint },
      };
    }
    if (event.type === 'stalled') {
      return {
        scope: queue,
        queue,
        title: `Stalled job in ${queue}`,
        summary: `A ${queue} job stalled (its worker stopped renewing the lock) and was put back`,
        link: this.queueLink(queue, 'active'),
        detail: { jobId: event.jobId },
      };
    }
    const finalOnly = this.params(rule, 'job-failed').finalOnly;
    return {
      scope: queue,
      queue,
      title: `${finalOnly ? 'Job out of attempts' : 'Job failed'} in ${queue}`,
      summary: `1 ${finalOnly ? 'final ' : ''}failure in ${queue}`,
      link: this.queueLink(queue, 'failed'),
      error: event.error.message,
      detail: { jobId: event.jobId, attempt: event.attempt, final: event.final },
    };
  }

  /**
   * Records one observation: opens the incident and writes its first notification, or counts into
   * the open one. Returns true when this call wrote a notification.
   */
  private async observe(rule: AlertRule, observation: Observation, now: Date): Promise<boolean> {
    const error = observation.error ? observation.error.slice(0, 300) : null;
    const detail = { ...observation.detail, summary: observation.summary, title: observation.title, link: observation.link, queue: observation.queue };
    return this.options.db.transaction(async (tx) => {
      const rows = await tx
        .insert(alertIncidents)
        .values({
          ruleId: rule.id,
          scope: observation.scope,
          openedAt: now,
          lastEventAt: now,
          lastNotifiedAt: now,
          totalCount: 1,
          pendingCount: 0,
          errors: error ? { [error]: 1 } : {},
          detail,
        })
        .onConflictDoUpdate({
          target: [alertIncidents.ruleId, alertIncidents.scope],
          targetWhere: isNull(alertIncidents.resolvedAt),
          set: {
            lastEventAt: sql`greatest(${alertIncidents.lastEventAt}, ${now.toISOString()}::timestamptz)`,
            totalCount: sql`${alertIncidents.totalCount} + 1`,
            pendingCount: sql`${alertIncidents.pendingCount} + 1`,
            detail: sql`${JSON.stringify(detail)}::jsonb`,
            errors: error
              ? sql`CASE WHEN ${alertIncidents.errors} ? ${error} OR (SELECT count(*) FROM jsonb_object_keys(${alertIncidents.errors})) < ${MAX_ERROR_KEYS}
                  THEN jsonb_set(${alertIncidents.errors}, ARRAY[${error}]::text[], to_jsonb(COALESCE((${alertIncidents.errors}->>${error})::int, 0) + 1))
                  ELSE ${alertIncidents.errors} END`
              : sql`${alertIncidents.errors}`,
          },
        })
        .returning({ id: alertIncidents.id, inserted: sql<boolean>`(xmax = 0)` });
      const row = rows[0];
      if (!row?.inserted) return false;
      const [incident] = await tx.select().from(alertIncidents).where(eq(alertIncidents.id, row.id));
      await this.writeNotification(tx, rule, incident!, 'firing', 1, observation.title, observation.summary + (error ? `, top error: ${error}` : ''), error);
      return true;
    });
  }

  private async writeNotification(
    tx: Parameters<Parameters<Database['transaction']>[0]>[0],
    rule: AlertRule,
    incident: Incident,
    kind: 'firing' | 'follow-up' | 'resolved',
    count: number,
    title: string,
    summary: string,
    error: string | null,
  ): Promise<void> {
    const [{ seq } = { seq: 0 }] = await tx
      .select({ seq: sql<number>`coalesce(max(${alertNotifications.seq}) + 1, 0)::int` })
      .from(alertNotifications)
      .where(eq(alertNotifications.incidentId, incident.id));
    const [notification] = await tx
      .insert(alertNotifications)
      .values({
        incidentId: incident.id,
        ruleId: rule.id,
        ruleName: rule.name,
        ruleKind: rule.kind,
        scope: incident.scope,
        kind,
        seq,
        title,
        summary,
        link: String(incident.detail.link ?? this.link('/')),
        count,
        topError: error,
      })
      .returning({ id: alertNotifications.id });
    const channels =
      rule.channelIds.length === 0
        ? []
        : await tx
            .select({ id: alertChannels.id, name: alertChannels.name, kind: alertChannels.kind })
            .from(alertChannels)
            .where(and(inArray(alertChannels.id, rule.channelIds), eq(alertChannels.enabled, true)));
    if (channels.length === 0) return;
    const deliveries = await tx
      .insert(alertDeliveries)
      .values(channels.map((c) => ({ notificationId: notification!.id, channelId: c.id, channelName: c.name, channelKind: c.kind })))
      .onConflictDoNothing()
      .returning({ id: alertDeliveries.id });
    await writeOutbox(
      tx,
      deliveries.map((d) => ({ queue: QUEUE.alertDelivery, jobId: `alert-delivery-${d.id}`, data: { deliveryId: d.id } })),
    );
  }

  private async relay(): Promise<void> {
    if (!this.source) return; // the outbox sweep relays them once the runtime is attached
    try {
      await this.source.relayOutbox();
    } catch (err) {
      this.log.warn({ err: serializeError(err) }, 'alert delivery relay failed; the outbox sweep will retry');
    }
  }

  // ---- the periodic evaluation -------------------------------------------------------------------

  /** One evaluation pass (the scheduled job runs it): periodic conditions, follow-ups, resolutions. */
  async evaluate(now = Date.now()): Promise<{ observed: number; followUps: number; resolved: number }> {
    const source = this.requireSource();
    const rules = await this.options.db.select().from(alertRules);
    const byId = new Map(rules.map((r) => [r.id, r]));
    const live = (r: AlertRule) => r.enabled && (!r.silencedUntil || r.silencedUntil.getTime() <= now);
    const snapshot = new SnapshotReader(source, now);
    const at = new Date(now);
    let observed = 0;
    const trueScopes = new Map<number, Set<string>>();
    for (const rule of rules) {
      if (!live(rule) || isEventKind(rule.kind) || !(RULE_KINDS as readonly string[]).includes(rule.kind)) continue;
      let observations: Observation[];
      try {
        observations = await this.periodicObservations(rule, snapshot, now);
      } catch (err) {
        this.log.error({ err: serializeError(err), ruleId: rule.id }, 'alert rule could not be evaluated; skipped');
        continue;
      }
      trueScopes.set(rule.id, new Set(observations.map((o) => o.scope)));
      for (const observation of observations) {
        await this.observe(rule, observation, at);
        observed += 1;
      }
    }

    const open = await this.options.db.select().from(alertIncidents).where(isNull(alertIncidents.resolvedAt));
    let resolved = 0;
    let followUps = 0;
    for (const incident of open) {
      const rule = byId.get(incident.ruleId);
      if (!rule) continue;
      // Disabled or silenced rules close their incidents without a message.
      const quiet = !live(rule);
      // An incident clears once nothing was observed for the rule's window: no event for event rules, the
      // condition false at every evaluation for periodic ones (each true evaluation is an observation).
      // A periodic condition flapping around its threshold thus stays one incident, where it used to
      // send a firing and a resolved message every evaluation; and a periodic rule that could not be
      // evaluated this pass (Redis refusing, say) keeps its incidents instead of resolving them.
      const evaluated = isEventKind(rule.kind) || trueScopes.has(rule.id);
      const clear = evaluated && incident.lastEventAt.getTime() <= now - rule.windowMs;
      if (quiet || clear) {
        if (await this.resolve(rule, incident, at, !quiet)) resolved += 1;
        continue;
      }
      if (incident.pendingCount > 0 && incident.lastNotifiedAt.getTime() <= now - rule.cooldownMs) {
        if (await this.followUp(rule, incident, at)) followUps += 1;
      }
    }
    if (observed > 0 || resolved > 0 || followUps > 0) await this.relay();
    return { observed, followUps, resolved };
  }

  private async followUp(rule: AlertRule, incident: Incident, at: Date): Promise<boolean> {
    return this.options.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(alertIncidents)
        .set({ pendingCount: 0, lastNotifiedAt: at })
        .where(and(eq(alertIncidents.id, incident.id), isNull(alertIncidents.resolvedAt), eq(alertIncidents.lastNotifiedAt, incident.lastNotifiedAt), sql`${alertIncidents.pendingCount} > 0`))
        .returning();
      if (!claimed) return false;
      const n = incident.pendingCount;
      const since = formatDuration(at.getTime() - incident.lastNotifiedAt.getTime());
      const error = topError(claimed.errors);
      const detail = claimed.detail as { summary?: string; title?: string; queue?: string | null };
      const summary = isEventKind(rule.kind)
        ? `${plural(n, 'more ' + eventNoun(rule.kind))} in ${claimed.scope} in the last ${since}${error ? `, top error: ${error}` : ''}`
        : `Still firing: ${detail.summary ?? claimed.scope}`;
      await this.writeNotification(tx, rule, claimed, 'follow-up', n, `${detail.title ?? rule.name} (continued)`, summary, error);
      return true;
    });
  }

  private async resolve(rule: AlertRule, incident: Incident, at: Date, announce: boolean): Promise<boolean> {
    return this.options.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(alertIncidents)
        .set({ resolvedAt: at })
        .where(and(eq(alertIncidents.id, incident.id), isNull(alertIncidents.resolvedAt)))
        .returning();
      if (!claimed || !announce) return Boolean(claimed);
      const detail = claimed.detail as { title?: string };
      const lasted = formatDuration(at.getTime() - claimed.openedAt.getTime());
      const summary = isEventKind(rule.kind)
        ? `No ${eventNoun(rule.kind)} in ${claimed.scope} for ${formatDuration(rule.windowMs)}; ${plural(claimed.totalCount, eventNoun(rule.kind))} in ${lasted}`
        : `${rule.name} is back to normal for ${claimed.scope} after ${lasted}`;
      await this.writeNotification(tx, rule, claimed, 'resolved', claimed.pendingCount, `Resolved: ${detail.title ?? rule.name}`, summary, null);
      return true;
    });
  }

  private async periodicObservations(rule: AlertRule, snapshot: SnapshotReader, now: number): Promise<Observation[]> {
    const queues = (await snapshot.queueNames()).filter((q) => this.inScope(rule, q));
    const out: Observation[] = [];
    switch (rule.kind as RuleKind) {
      case 'failure-rate': {
        const { thresholdPercent, minVolume } = this.params(rule, 'failure-rate');
        // Per-minute counts: the current minute plus enough whole minutes to cover the window.
        const minutes = Math.max(1, Math.ceil(rule.windowMs / 60_000)) + 1;
        for (const s of await snapshot.stats(queues)) {
          const failed = s.failedPerMinute.slice(0, minutes).reduce((a, b) => a + b, 0);
          const finished = failed + s.completedPerMinute.slice(0, minutes).reduce((a, b) => a + b, 0);
          const rate = finished > 0 ? (100 * failed) / finished : 0;
          if (finished >= minVolume && rate > thresholdPercent) {
            out.push({
              scope: s.queue,
              queue: s.queue,
              title: `Failure rate ${rate.toFixed(0)}% in ${s.queue}`,
              summary: `${failed} of ${finished} jobs failed in ${s.queue} over ${formatDuration(rule.windowMs)} (${rate.toFixed(1)}%, threshold ${thresholdPercent}%)`,
              link: this.queueLink(s.queue, 'failed'),
              detail: { value: rate, failed, finished },
            });
          }
        }
        break;
      }
      case 'backlog': {
        const { threshold } = this.params(rule, 'backlog');
        for (const s of await snapshot.stats(queues)) {
          const waiting = s.counts.waiting + s.counts.prioritized;
          if (waiting > threshold) {
            out.push({
              scope: s.queue,
              queue: s.queue,
              title: `Backlog of ${waiting} in ${s.queue}`,
              summary: `${plural(waiting, 'job')} waiting in ${s.queue} (threshold ${threshold})`,
              link: this.queueLink(s.queue, 'waiting'),
              detail: { value: waiting },
            });
          }
        }
        break;
      }
      case 'oldest-waiting': {
        const { thresholdMs } = this.params(rule, 'oldest-waiting');
        for (const s of await snapshot.stats(queues)) {
          if (s.oldestWaitingMs !== null && s.oldestWaitingMs > thresholdMs) {
            out.push({
              scope: s.queue,
              queue: s.queue,
              title: `Jobs waiting too long in ${s.queue}`,
              summary: `The oldest waiting job in ${s.queue} has waited ${formatDuration(s.oldestWaitingMs)} (threshold ${formatDuration(thresholdMs)})`,
              link: this.queueLink(s.queue, 'waiting'),
              detail: { value: s.oldestWaitingMs },
            });
          }
        }
        break;
      }
      case 'breaker-open': {
        const open = (await snapshot.breakers()).filter((b) => b.state !== 'closed' && queues.includes(b.queue));
        for (const queue of new Set(open.map((b) => b.queue))) {
          const instances = open.filter((b) => b.queue === queue);
          out.push({
            scope: queue,
            queue,
            title: `Circuit breaker open for ${queue}`,
            summary: `The ${queue} breaker is ${instances[0]!.state} on ${plural(instances.length, 'instance')} after ${instances[0]!.failures} consecutive failures; its jobs wait`,
            link: this.queueLink(queue),
            detail: { instances: instances.map((b) => b.instanceId) },
          });
        }
        break;
      }
      case 'schedule-missed': {
        const { graceMs } = this.params(rule, 'schedule-missed');
        for (const s of await snapshot.schedules()) {
          if (s.paused || !queues.includes(s.queue)) continue;
          const overdueSlot = s.next !== null && now > s.next + graceMs;
          const overdueEvery = s.every !== null && s.lastRunAt !== null && now - s.lastRunAt > s.every + graceMs;
          if (!overdueSlot && !overdueEvery) continue;
          const last = s.lastRunAt === null ? 'never ran' : `last ran ${formatDuration(now - s.lastRunAt)} ago`;
          out.push({
            scope: s.queue,
            queue: s.queue,
            title: `${s.queue} missed its schedule`,
            summary: `${s.queue} ${last}; it is due ${s.every !== null ? `every ${formatDuration(s.every)}` : `on ${s.pattern} (${s.tz})`} with ${formatDuration(graceMs)} grace`,
            link: this.link('/schedules'),
            detail: { next: s.next, lastRunAt: s.lastRunAt },
          });
        }
        break;
      }
      case 'heartbeat-lost': {
        const { afterMs } = this.params(rule, 'heartbeat-lost');
        // Live instances silent for longer than the rule allows, and instances the cluster state has
        // already given up on (they are no longer listed as live: cluster-state.ts).
        for (const instance of [...(await snapshot.instances()), ...(await snapshot.lostInstances())]) {
          const silentFor = now - instance.lastSeenAt;
          if (silentFor <= afterMs) continue;
          out.push({
            scope: instance.instanceId,
            queue: null,
            title: `Instance ${instance.instanceId} lost`,
            summary: `Instance ${instance.instanceId} (${instance.host}, pid ${instance.pid}) sent no heartbeat for ${formatDuration(silentFor)}; its active jobs will be recovered as stalled`,
            link: this.link('/workers'),
            detail: { lastSeenAt: instance.lastSeenAt },
          });
        }
        break;
      }
      case 'no-worker': {
        const { afterMs } = this.params(rule, 'no-worker');
        // A queue is served when a BullMQ worker is connected to it, not when a live instance's heartbeat
        // lists it: every worker instance lists every job type, this evaluation itself runs on one, so a
        // heartbeat-based check could never fire for a worker that closed while its instance beats on.
        const served = new Set((await snapshot.workers()).filter((w) => w.name !== null).map((w) => w.queue));
        for (const s of await snapshot.stats(queues)) {
          const waiting = s.counts.waiting + s.counts.prioritized;
          if (waiting === 0 || served.has(s.queue)) continue;
          // Grace for a restart: the oldest job must have waited `afterMs` (prioritized jobs carry no age).
          if (s.oldestWaitingMs !== null && s.oldestWaitingMs < afterMs) continue;
          out.push({
            scope: s.queue,
            queue: s.queue,
            title: `No worker for ${s.queue}`,
            summary: `${plural(waiting, 'job')} waiting in ${s.queue} and no worker is connected to take them`,
            link: this.queueLink(s.queue, 'waiting'),
            detail: { value: waiting },
          });
        }
        break;
      }
      default:
        break;
    }
    return out;
  }

  private requireSource(): AlertSource {
    if (!this.source) throw new Error('The alert engine is not attached to a runtime yet.');
    return this.source;
  }

  // ---- delivery --------------------------------------------------------------------------------

  /**
   * Sends one delivery (the delivery job's processor). A delivery already sent is skipped, so a retried
   * or duplicated job sends nothing twice. Throws to let BullMQ retry; on the last attempt the row is
   * recorded failed with the reason.
   */
  async deliver(deliveryId: number, attempt: number, maxAttempts: number): Promise<'sent' | 'skipped'> {
    const db = this.options.db;
    const [row] = await db
      .select({ delivery: alertDeliveries, notification: alertNotifications, channel: alertChannels })
      .from(alertDeliveries)
      .innerJoin(alertNotifications, eq(alertNotifications.id, alertDeliveries.notificationId))
      .leftJoin(alertChannels, eq(alertChannels.id, alertDeliveries.channelId))
      .where(eq(alertDeliveries.id, deliveryId));
    if (!row || row.delivery.status === 'sent' || row.delivery.status === 'failed') return 'skipped';
    const record = (status: 'sent' | 'retrying' | 'failed', lastError: string | null) =>
      db
        .update(alertDeliveries)
        .set({ status, attempts: attempt, lastError, updatedAt: new Date(), ...(status === 'sent' ? { sentAt: new Date() } : {}) })
        .where(and(eq(alertDeliveries.id, deliveryId), sql`${alertDeliveries.status} <> 'sent'`));
    if (!row.channel || !row.channel.enabled) {
      await record('failed', row.channel ? 'channel disabled' : 'channel deleted');
      return 'skipped';
    }
    const n = row.notification;
    const message: AlertMessage = {
      kind: n.kind,
      notificationId: n.id,
      deliveryId,
      ruleId: n.ruleId,
      ruleName: n.ruleName,
      ruleKind: n.ruleKind,
      scope: n.scope,
      title: n.title,
      summary: n.summary,
      count: n.count,
      topError: n.topError,
      link: n.link,
      at: n.createdAt.toISOString(),
    };
    try {
      await this.send(row.channel, message);
    } catch (err) {
      const permanent = err instanceof OutboundUrlError || (err instanceof OutboundRequestError && err.code === 'REDIRECT_REFUSED');
      const final = permanent || attempt >= maxAttempts;
      const reason = safeReason(err);
      await record(final ? 'failed' : 'retrying', reason);
      this.log.warn({ deliveryId, channelId: row.channel.id, channelKind: row.channel.kind, attempt, final, reason }, 'alert delivery failed');
      // A refused address or a redirect will not change by retrying: no more attempts.
      throw permanent ? new UnrecoverableError(reason) : new DeliveryError(reason);
    }
    await record('sent', null);
    return 'sent';
  }

  /** Sends `message` through `channel` now (deliveries and the API's test-send). */
  async send(channel: Pick<AlertChannel, 'kind' | 'config' | 'secrets'>, message: AlertMessage): Promise<void> {
    const kind = channel.kind as ChannelKind;
    const schemas = channelSchemas[kind];
    if (!schemas) throw new Error(`unknown channel kind ${String(channel.kind)}`);
    const target: ChannelTarget = {
      kind,
      config: schemas.config.parse(channel.config) as Record<string, unknown>,
      secrets: schemas.secrets.parse(channel.secrets) as Record<string, string>,
    };
    await sendToChannel(target, message, {
      policy: this.policy,
      timeoutMs: this.options.sendTimeoutMs ?? 5_000,
      publishInApp: async (m) => {
        await this.requireSource().redis.publish(inAppChannelKey(this.options.prefix), JSON.stringify(m));
      },
    });
  }

  /** The outbound policy channels are checked against (for the API's checks when saving). */
  get outboundPolicy(): OutboundPolicy {
    return this.policy;
  }

  // ---- preview ----------------------------------------------------------------------------------

  /**
   * When `rule` would have sent messages over the last `spanMs`, replaying the recorded dead letters
   * through the same open / group / follow-up / resolve logic. Only kinds with a history to replay are
   * supported (dead letters, final failures); the others answer `supported: false`.
   */
  async preview(rule: { kind: string; queues: string[]; windowMs: number; cooldownMs: number }, now = Date.now(), spanMs = 3_600_000): Promise<PreviewResult> {
    const supported = rule.kind === 'dead-letter' || rule.kind === 'job-failed';
    if (!supported) return { supported: false, from: new Date(now - spanMs).toISOString(), to: new Date(now).toISOString(), messages: [] };
    const from = new Date(now - spanMs - rule.windowMs);
    const rows = await this.options.db
      .select({ queue: deadLetters.queue, failedAt: deadLetters.failedAt })
      .from(deadLetters)
      .where(and(gte(deadLetters.failedAt, from), lte(deadLetters.failedAt, new Date(now))))
      .orderBy(asc(deadLetters.failedAt))
      .limit(10_000);
    const byScope = new Map<string, number[]>();
    for (const row of rows) {
      const inScope = rule.queues.length === 0 ? !ALERT_QUEUES.has(row.queue) : rule.queues.includes(row.queue);
      if (inScope) byScope.set(row.queue, [...(byScope.get(row.queue) ?? []), row.failedAt.getTime()]);
    }
    const messages: ReturnType<typeof simulate> = [];
    for (const [scope, times] of byScope) messages.push(...simulate(scope, times, rule.windowMs, rule.cooldownMs, now));
    const start = now - spanMs;
    return {
      supported: true,
      from: new Date(start).toISOString(),
      to: new Date(now).toISOString(),
      messages: messages.filter((m) => m.at >= start).sort((a, b) => a.at - b.at).map((m) => ({ ...m, at: new Date(m.at).toISOString() })),
    };
  }

  // ---- job types --------------------------------------------------------------------------------

  /** Bullpen's own job types for alerts: the periodic evaluation and the delivery queue. */
  jobs(): AnyJobDefinition[] {
    const attempts = this.options.deliveryAttempts ?? 5;
    const every = this.options.evaluateEveryMs ?? 30_000;
    return [
      defineJob({
        queue: QUEUE.alertEvaluation,
        description: 'Evaluates periodic alert rules, sends grouped follow-ups and resolved messages',
        schedule: { every },
        exclusive: true,
        attempts: 1,
        timeoutMs: Math.max(30_000, every),
        input: z.object({}).loose(),
        process: async () => {
          // An instance starts its workers before it attaches the engine to the runtime (server.ts): a run
          // landing in between has nothing to read yet. With one attempt, throwing would make a dead
          // letter at every start; the next run, `every` ms later, does the work.
          if (!this.source) return { status: 'skipped', summary: 'the instance is still starting; the next run evaluates' };
          const { observed, followUps, resolved } = await this.evaluate();
          return { summary: `${observed} observations, ${followUps} follow-ups, ${resolved} resolved`, counts: { observed, followUps, resolved } };
        },
      }),
      defineJob({
        queue: QUEUE.alertDelivery,
        description: 'Delivers one alert to one channel, with retries and backoff',
        attempts,
        backoff: { type: 'exponential', delay: this.options.deliveryBackoffMs ?? 2_000 },
        timeoutMs: Math.max(10_000, 3 * (this.options.sendTimeoutMs ?? 5_000)),
        concurrency: 4,
        input: z.object({ deliveryId: z.number().int().positive() }),
        process: async ({ input, job }) => {
          const outcome = await this.deliver(input.deliveryId, job.attempt, attempts);
          return { status: outcome === 'sent' ? 'ok' : 'skipped', summary: `delivery ${input.deliveryId} ${outcome}`, counts: {} };
        },
      }),
    ];
  }
}

export interface PreviewResult {
  supported: boolean;
  from: string;
  to: string;
  messages: Array<{ at: string; scope: string; kind: 'firing' | 'follow-up' | 'resolved'; count: number }>;
}

/** The incident life of one scope over event times (sorted): what the engine would have sent. */
function simulate(scope: string, times: number[], windowMs: number, cooldownMs: number, now: number) {
  const out: Array<{ at: number; scope: string; kind: 'firing' | 'follow-up' | 'resolved'; count: number }> = [];
  let open = false;
  let lastEvent = 0;
  let lastNotified = 0;
  let pending = 0;
  const settle = (until: number) => {
    // Follow-ups fall due at cooldown ends while events keep coming; resolution after a quiet window.
    while (open) {
      const followUpAt = pending > 0 ? lastNotified + cooldownMs : Infinity;
      const resolveAt = lastEvent + windowMs;
      const next = Math.min(followUpAt, resolveAt);
      if (next > until) return;
      if (resolveAt <= followUpAt) {
        out.push({ at: resolveAt, scope, kind: 'resolved', count: pending });
        open = false;
      } else {
        out.push({ at: followUpAt, scope, kind: 'follow-up', count: pending });
        lastNotified = followUpAt;
        pending = 0;
      }
    }
  };
  for (const t of times) {
    settle(t);
    if (!open) {
      open = true;
      lastNotified = t;
      pending = 0;
      out.push({ at: t, scope, kind: 'firing', count: 1 });
    } else {
      pending += 1;
    }
    lastEvent = t;
  }
  settle(now);
  return out;
}

function eventNoun(kind: string): string {
  return kind === 'dead-letter' ? 'dead letter' : kind === 'stalled' ? 'stalled job' : 'failure';
}

/** A delivery's failure reason as recorded and shown: our own messages only, never a URL or secret. */
export function safeReason(err: unknown): string {
  if (err instanceof OutboundUrlError || err instanceof OutboundRequestError) return `${err.code}: ${err.message}`;
  if (err instanceof Error && /^SMTP delivery failed/.test(err.message)) return err.message;
  if (err instanceof z.ZodError) return 'channel configuration is invalid';
  return 'delivery failed';
}

/** Thrown by a failed delivery attempt that may succeed on a retry. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly code = 'ALERT_DELIVERY_FAILED';
}

/** Reads each part of the runtime's state at most once per evaluation. */
class SnapshotReader {
  private cache = new Map<string, Promise<unknown>>();
  constructor(
    private readonly source: AlertSource,
    private readonly now: number,
  ) {}
  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (!this.cache.has(key)) this.cache.set(key, read());
    return this.cache.get(key) as Promise<T>;
  }
  async queueNames(): Promise<string[]> {
    return this.source.queueNames;
  }
  async stats(queues: readonly string[]): Promise<QueueStats[]> {
    const all = await this.once('stats', () => this.source.stats());
    return all.filter((s) => queues.includes(s.queue));
  }
  breakers() {
    return this.once('breakers', () => this.source.clusterBreakerStates());
  }
  schedules() {
    return this.once('schedules', () => this.source.schedules());
  }
  instances() {
    return this.once('instances', () => this.source.instances(this.now));
  }
  lostInstances() {
    return this.once('lostInstances', () => this.source.lostInstances());
  }
  workers() {
    return this.once('workers', () => this.source.workerConnections());
  }
}

