// Alerts: rules and channels (admins edit), silence and acknowledge (operators), history and the feed
// (viewers read), a channel test-send and a rule preview. Channel secrets are write-only: every answer
// masks them, and the audit row's body passes the secret masker (the `secrets` key is masked whole).
import { alertChannels, alertDeliveries, alertIncidents, alertNotifications, alertRules } from '@bullpen/db';
import {
  channelInputSchema,
  CHANNEL_KINDS,
  checkOutboundUrlStatic,
  OutboundUrlError,
  parseRuleInput,
  RULE_KINDS,
  ruleInputSchema,
  safeReason,
  type AlertChannel,
  type AlertRule,
} from '@bullpen/jobs';
import { and, count, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, notFound } from '../http/api-error.js';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { emptyBody, isoDate, isoTimestamp, page, pageSize, text, withoutNul } from './schemas.js';

const numericId = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const bigId = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Masks a secret for display: a URL keeps its origin (which host it posts to), anything else shows only that it is set. */
export function maskSecret(key: string, value: string): string {
  if (/url$/i.test(key)) {
    try {
      return `${new URL(value).origin}/…`;
    } catch {
      return '••••••';
    }
  }
  return '••••••';
}

const channelView = (c: AlertChannel) => ({
  id: c.id,
  name: c.name,
  kind: c.kind,
  config: c.config,
  secrets: Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, maskSecret(k, String(v))])),
  enabled: c.enabled,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

const ruleView = (r: AlertRule, openIncidents: number) => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  queues: r.queues,
  params: r.params,
  windowMs: r.windowMs,
  cooldownMs: r.cooldownMs,
  channelIds: r.channelIds,
  enabled: r.enabled,
  silencedUntil: r.silencedUntil?.toISOString() ?? null,
  openIncidents,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const channelResponse = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  config: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
const ruleResponse = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  queues: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
  windowMs: z.number().int(),
  cooldownMs: z.number().int(),
  channelIds: z.array(z.number().int()),
  enabled: z.boolean(),
  silencedUntil: isoTimestamp.nullable(),
  openIncidents: z.number().int().nonnegative(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
const deliveryStatus = z.enum(['pending', 'retrying', 'sent', 'failed']);
const notificationKind = z.enum(['firing', 'follow-up', 'resolved']);
const historyItem = z.strictObject({
  id: z.number().int(),
  incidentId: z.number().int(),
  ruleId: z.number().int(),
  ruleName: z.string(),
  ruleKind: z.string(),
  scope: z.string(),
  kind: notificationKind,
  title: z.string(),
  summary: z.string(),
  link: z.string(),
  count: z.number().int(),
  topError: z.string().nullable(),
  createdAt: isoTimestamp,
  incident: z.strictObject({ resolvedAt: isoTimestamp.nullable(), acknowledgedAt: isoTimestamp.nullable(), acknowledgedBy: z.string().nullable() }),
  deliveries: z.array(
    z.strictObject({
      channelId: z.number().int(),
      channelName: z.string(),
      channelKind: z.enum(CHANNEL_KINDS),
      status: deliveryStatus,
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      sentAt: isoTimestamp.nullable(),
    }),
  ),
});

const ruleBody = withoutNul(ruleInputSchema);
const channelBody = withoutNul(channelInputSchema);
/** Secrets may be left out on update: the stored ones are kept. */
const channelUpdateBody = withoutNul(
  z.strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    enabled: z.boolean().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    secrets: z.record(text(200), text(2_000, 0)).optional(),
  }),
);
const historyQuery = z.strictObject({
  ruleId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  scope: text(200).optional(),
  kind: notificationKind.optional(),
  status: deliveryStatus.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  page,
  pageSize: pageSize(25),
});

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) if ((e as { code?: string }).code === '23505') return true;
  return false;
}

export function alertRoutes(deps: OpsDeps): Route[] {
  const db = deps.database.db;
  const alerts = deps.alerts;

  const getRule = async (id: number) => {
    const [rule] = await db.select().from(alertRules).where(eq(alertRules.id, id));
    if (!rule) throw notFound('ALERT_RULE_NOT_FOUND', `No alert rule ${id}.`);
    return rule;
  };
  const getChannel = async (id: number) => {
    const [channel] = await db.select().from(alertChannels).where(eq(alertChannels.id, id));
    if (!channel) throw notFound('ALERT_CHANNEL_NOT_FOUND', `No alert channel ${id}.`);
    return channel;
  };
  const openCounts = async (): Promise<Map<number, number>> => {
    const rows = await db.select({ ruleId: alertIncidents.ruleId, n: count() }).from(alertIncidents).where(isNull(alertIncidents.resolvedAt)).groupBy(alertIncidents.ruleId);
    return new Map(rows.map((r) => [r.ruleId, r.n]));
  };
  const checkChannels = async (ids: readonly number[]) => {
    if (ids.length === 0) return;
    const found = await db.select({ id: alertChannels.id }).from(alertChannels).where(inArray(alertChannels.id, [...ids]));
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', `Unknown channel ids: ${missing.join(', ')}.`, { where: 'body', issues: [{ path: ['channelIds'], message: 'unknown channel', code: 'custom' }] });
  };
  const checkUrls = (secrets: Record<string, string>) => {
    for (const [key, value] of Object.entries(secrets)) {
      if (!/url$/i.test(key)) continue;
      try {
        checkOutboundUrlStatic(value, alerts.outboundPolicy);
      } catch (err) {
        if (err instanceof OutboundUrlError) throw new ApiError(400, 'OUTBOUND_URL_REJECTED', `The ${key} was refused: ${err.message}.`, { field: `secrets.${key}`, reason: err.code });
        throw err;
      }
    }
  };
  const saveRule = async (values: ReturnType<typeof parseRuleInput>, id?: number) => {
    await checkChannels(values.channelIds);
    try {
      const [row] = id
        ? await db.update(alertRules).set({ ...values, updatedAt: new Date() }).where(eq(alertRules.id, id)).returning()
        : await db.insert(alertRules).values(values).returning();
      alerts.invalidateRules();
      return row!;
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError(409, 'CONFLICT', `A rule named "${values.name}" exists.`);
      throw err;
    }
  };

  const ruleTarget = ({ params }: { params: { id: number } }) => `alert-rule:${params.id}`;
  const channelTarget = ({ params }: { params: { id: number } }) => `alert-channel:${params.id}`;
  const oneRule = z.strictObject({ rule: ruleResponse });
  const oneChannel = z.strictObject({ channel: channelResponse });

  return [
    // ---- rules ----------------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/alerts/rules',
      summary: 'Alert rules with their state (open incidents) and silence',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({ rules: z.array(ruleResponse) }),
      handler: async () => {
        const [rules, open] = await Promise.all([db.select().from(alertRules).orderBy(alertRules.id).limit(500), openCounts()]);
        return ok({ rules: rules.map((r) => ruleView(r, open.get(r.id) ?? 0)) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/rules',
      summary: 'Creates an alert rule (409 CONFLICT when the name is taken)',
      role: 'admin',
      csrf: 'token',
      body: ruleBody,
      response: oneRule,
      successStatus: 201,
      audit: { action: 'alert-rule.create', target: ({ body }) => `alert-rule:${body.name}` },
      handler: async ({ body }) => ok({ rule: ruleView(await saveRule(body), 0) }, 201),
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/rules/preview',
      summary: 'When a rule would have sent messages over the last hour, replaying recorded dead letters (dead-letter and job-failed kinds)',
      role: 'viewer',
      csrf: 'token',
      body: ruleBody,
      response: z.strictObject({
        supported: z.boolean(),
        from: isoTimestamp,
        to: isoTimestamp,
        messages: z.array(z.strictObject({ at: isoTimestamp, scope: z.string(), kind: notificationKind, count: z.number().int() })),
      }),
      handler: async ({ body }) => ok(await alerts.preview(body)),
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/rules/:id',
      summary: 'One alert rule',
      role: 'viewer',
      csrf: 'none',
      params: numericId,
      response: oneRule,
      handler: async ({ params }) => ok({ rule: ruleView(await getRule(params.id), (await openCounts()).get(params.id) ?? 0) }),
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/rules/:id',
      summary: 'Replaces an alert rule',
      role: 'admin',
      csrf: 'token',
      params: numericId,
      body: ruleBody,
      response: oneRule,
      guard: ({ params }) => getRule(params.id).then(() => undefined),
      audit: { action: 'alert-rule.update', target: ruleTarget },
      handler: async ({ params, body }) => ok({ rule: ruleView(await saveRule(body, params.id), (await openCounts()).get(params.id) ?? 0) }),
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/rules/:id/delete',
      summary: 'Deletes an alert rule with its incidents and history',
      role: 'admin',
      csrf: 'token',
      params: numericId,
      body: emptyBody,
      response: z.strictObject({ deleted: z.number().int() }),
      guard: ({ params }) => getRule(params.id).then(() => undefined),
      audit: { action: 'alert-rule.delete', target: ruleTarget },
      handler: async ({ params }) => {
        await db.delete(alertRules).where(eq(alertRules.id, params.id));
        alerts.invalidateRules();
        return ok({ deleted: params.id });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/rules/:id/silence',
      summary: 'Silences a rule for some minutes: it sends nothing and its open incidents close quietly',
      role: 'operator',
      csrf: 'token',
      params: numericId,
      body: z.strictObject({ minutes: z.number().int().min(1).max(7 * 24 * 60) }),
      response: oneRule,
      guard: ({ params }) => getRule(params.id).then(() => undefined),
      audit: { action: 'alert-rule.silence', target: ruleTarget },
      handler: async ({ params, body }) => {
        const [rule] = await db
          .update(alertRules)
          .set({ silencedUntil: new Date(Date.now() + body.minutes * 60_000), updatedAt: new Date() })
          .where(eq(alertRules.id, params.id))
          .returning();
        alerts.invalidateRules();
        return ok({ rule: ruleView(rule!, (await openCounts()).get(params.id) ?? 0) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/rules/:id/unsilence',
      summary: 'Ends a silence now',
      role: 'operator',
      csrf: 'token',
      params: numericId,
      body: emptyBody,
      response: oneRule,
      guard: ({ params }) => getRule(params.id).then(() => undefined),
      audit: { action: 'alert-rule.unsilence', target: ruleTarget },
      handler: async ({ params }) => {
        const [rule] = await db.update(alertRules).set({ silencedUntil: null, updatedAt: new Date() }).where(eq(alertRules.id, params.id)).returning();
        alerts.invalidateRules();
        return ok({ rule: ruleView(rule!, (await openCounts()).get(params.id) ?? 0) });
      },
    }),

    // ---- channels -------------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/alerts/channels',
      summary: 'Alert channels; secrets masked (URLs show only their origin)',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({ channels: z.array(channelResponse) }),
      handler: async () => ok({ channels: (await db.select().from(alertChannels).orderBy(alertChannels.id).limit(200)).map(channelView) }),
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/channels',
      summary: 'Creates a channel (Slack, webhook, email, in-app); URLs are checked against the SSRF policy (400 OUTBOUND_URL_REJECTED)',
      role: 'admin',
      csrf: 'token',
      body: channelBody,
      response: oneChannel,
      successStatus: 201,
      audit: { action: 'alert-channel.create', target: ({ body }) => `alert-channel:${body.name}` },
      handler: async ({ body }) => {
        checkUrls(body.secrets);
        try {
          const [row] = await db.insert(alertChannels).values(body).returning();
          return ok({ channel: channelView(row!) }, 201);
        } catch (err) {
          if (isUniqueViolation(err)) throw new ApiError(409, 'CONFLICT', `A channel named "${body.name}" exists.`);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/channels/:id',
      summary: 'Updates a channel; secrets left out keep their stored value',
      role: 'admin',
      csrf: 'token',
      params: numericId,
      body: channelUpdateBody,
      response: oneChannel,
      guard: ({ params }) => getChannel(params.id).then(() => undefined),
      audit: { action: 'alert-channel.update', target: channelTarget },
      handler: async ({ params, body }) => {
        const current = await getChannel(params.id);
        const merged = channelInputSchema.safeParse({
          name: body.name ?? current.name,
          kind: current.kind,
          enabled: body.enabled ?? current.enabled,
          config: body.config ?? current.config,
          secrets: { ...current.secrets, ...body.secrets },
        });
        if (!merged.success) {
          throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid channel.', {
            where: 'body',
            issues: merged.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
          });
        }
        if (body.secrets) checkUrls(body.secrets);
        try {
          const [row] = await db.update(alertChannels).set({ ...merged.data, updatedAt: new Date() }).where(eq(alertChannels.id, params.id)).returning();
          return ok({ channel: channelView(row!) });
        } catch (err) {
          if (isUniqueViolation(err)) throw new ApiError(409, 'CONFLICT', `A channel named "${merged.data.name}" exists.`);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/channels/:id/delete',
      summary: 'Deletes a channel; rules stop sending to it (their history keeps its name)',
      role: 'admin',
      csrf: 'token',
      params: numericId,
      body: emptyBody,
      response: z.strictObject({ deleted: z.number().int() }),
      guard: ({ params }) => getChannel(params.id).then(() => undefined),
      audit: { action: 'alert-channel.delete', target: channelTarget },
      handler: async ({ params }) => {
        await db.transaction(async (tx) => {
          await tx.delete(alertChannels).where(eq(alertChannels.id, params.id));
          await tx
            .update(alertRules)
            .set({ channelIds: sql`coalesce((SELECT jsonb_agg(value) FROM jsonb_array_elements(${alertRules.channelIds}) AS value WHERE value <> to_jsonb(${params.id}::int)), '[]'::jsonb)` })
            .where(sql`${alertRules.channelIds} @> to_jsonb(ARRAY[${params.id}::int])`);
        });
        alerts.invalidateRules();
        return ok({ deleted: params.id });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/channels/:id/test',
      summary: 'Sends a test message through the channel now and says whether it arrived',
      role: 'admin',
      csrf: 'token',
      params: numericId,
      body: emptyBody,
      response: z.strictObject({ sent: z.boolean(), error: z.string().nullable() }),
      guard: ({ params }) => getChannel(params.id).then(() => undefined),
      audit: { action: 'alert-channel.test', target: channelTarget },
      handler: async ({ params }) => {
        const channel = await getChannel(params.id);
        const at = new Date().toISOString();
        try {
          await alerts.send(channel, {
            kind: 'test',
            notificationId: 0,
            deliveryId: null,
            ruleId: null,
            ruleName: 'Test message',
            ruleKind: 'test',
            scope: channel.name,
            title: `Test from Bullpen: ${channel.name}`,
            summary: 'If you can read this, the channel works.',
            count: 0,
            topError: null,
            link: alerts.link('/alerts'),
            at,
          });
          return ok({ sent: true, error: null });
        } catch (err) {
          return ok({ sent: false, error: safeReason(err) });
        }
      },
    }),

    // ---- history and incidents -----------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/alerts/history',
      summary: 'Messages sent (firing, follow-up, resolved), newest first, with each channel’s delivery status; filter by rule, scope, kind, delivery status, time',
      role: 'viewer',
      csrf: 'none',
      query: historyQuery,
      response: z.strictObject({ items: z.array(historyItem), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }),
      handler: async ({ query }) => {
        const conditions: SQL[] = [];
        if (query.ruleId) conditions.push(eq(alertNotifications.ruleId, query.ruleId));
        if (query.scope) conditions.push(eq(alertNotifications.scope, query.scope));
        if (query.kind) conditions.push(eq(alertNotifications.kind, query.kind));
        if (query.from) conditions.push(gte(alertNotifications.createdAt, query.from));
        if (query.to) conditions.push(lte(alertNotifications.createdAt, query.to));
        if (query.status) {
          conditions.push(sql`EXISTS (SELECT 1 FROM ${alertDeliveries} WHERE ${alertDeliveries.notificationId} = ${alertNotifications.id} AND ${alertDeliveries.status} = ${query.status})`);
        }
        const where = conditions.length > 0 ? and(...conditions) : undefined;
        const [rows, totals] = await Promise.all([
          db
            .select({ n: alertNotifications, incident: { resolvedAt: alertIncidents.resolvedAt, acknowledgedAt: alertIncidents.acknowledgedAt, acknowledgedBy: alertIncidents.acknowledgedBy } })
            .from(alertNotifications)
            .innerJoin(alertIncidents, eq(alertIncidents.id, alertNotifications.incidentId))
            .where(where)
            .orderBy(desc(alertNotifications.id))
            .limit(query.pageSize)
            .offset((query.page - 1) * query.pageSize),
          db.select({ n: count() }).from(alertNotifications).where(where),
        ]);
        const deliveries = rows.length
          ? await db.select().from(alertDeliveries).where(inArray(alertDeliveries.notificationId, rows.map((r) => r.n.id))).orderBy(alertDeliveries.channelId)
          : [];
        const items = rows.map(({ n, incident }) => ({
          id: n.id,
          incidentId: n.incidentId,
          ruleId: n.ruleId,
          ruleName: n.ruleName,
          ruleKind: n.ruleKind,
          scope: n.scope,
          kind: n.kind,
          title: n.title,
          summary: n.summary,
          link: n.link,
          count: n.count,
          topError: n.topError,
          createdAt: n.createdAt.toISOString(),
          incident: {
            resolvedAt: incident.resolvedAt?.toISOString() ?? null,
            acknowledgedAt: incident.acknowledgedAt?.toISOString() ?? null,
            acknowledgedBy: incident.acknowledgedBy,
          },
          deliveries: deliveries
            .filter((d) => d.notificationId === n.id)
            .map((d) => ({ channelId: d.channelId, channelName: d.channelName, channelKind: d.channelKind, status: d.status, attempts: d.attempts, lastError: d.lastError, sentAt: d.sentAt?.toISOString() ?? null })),
        }));
        return ok({ items, page: query.page, pageSize: query.pageSize, total: totals[0]?.n ?? 0 });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/incidents/:id/acknowledge',
      summary: 'Acknowledges an incident: someone is on it (messages continue until it resolves)',
      role: 'operator',
      csrf: 'token',
      params: bigId,
      body: emptyBody,
      response: z.strictObject({ id: z.number().int(), acknowledgedAt: isoTimestamp, acknowledgedBy: z.string() }),
      audit: { action: 'alert-incident.acknowledge', target: ({ params }) => `alert-incident:${params.id}` },
      handler: async ({ params, session }) => {
        const [row] = await db
          .update(alertIncidents)
          .set({ acknowledgedAt: sql`coalesce(${alertIncidents.acknowledgedAt}, now())`, acknowledgedBy: sql`coalesce(${alertIncidents.acknowledgedBy}, ${session!.username})` })
          .where(eq(alertIncidents.id, params.id))
          .returning();
        if (!row) throw notFound('ALERT_INCIDENT_NOT_FOUND', `No alert incident ${params.id}.`);
        return ok({ id: row.id, acknowledgedAt: row.acknowledgedAt!.toISOString(), acknowledgedBy: row.acknowledgedBy! });
      },
    }),
  ];
}
