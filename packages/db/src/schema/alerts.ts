// Failure alerts: where they go (channels), when they fire (rules), what fired (incidents and the
// notifications sent for them) and how each channel's delivery went. See packages/jobs/src/alerts.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type AlertChannelKind = 'slack' | 'webhook' | 'email' | 'in-app';

/** Where alerts go. `secrets` (webhook URLs, signing secrets, SMTP passwords) never leave the API unmasked. */
export const alertChannels = pgTable(
  'alert_channels',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').$type<AlertChannelKind>().notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    secrets: jsonb('secrets').$type<Record<string, string>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: tstz('created_at').notNull().default(sql`now()`),
    updatedAt: tstz('updated_at').notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('alert_channels_name_uq').on(sql`lower(${t.name})`)],
);

/** When alerts fire. `queues` empty means every queue; `params` holds the kind's threshold. */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    queues: jsonb('queues').$type<string[]>().notNull().default([]),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    windowMs: integer('window_ms').notNull(),
    cooldownMs: integer('cooldown_ms').notNull(),
    channelIds: jsonb('channel_ids').$type<number[]>().notNull().default([]),
    enabled: boolean('enabled').notNull().default(true),
    silencedUntil: tstz('silenced_until'),
    createdAt: tstz('created_at').notNull().default(sql`now()`),
    updatedAt: tstz('updated_at').notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('alert_rules_name_uq').on(sql`lower(${t.name})`)],
);

/**
 * One firing of a rule for one scope (a queue, an instance), from the first event to resolution. At
 * most one open incident per (rule, scope): the partial unique index is what makes several instances
 * agree on who opened it, and so who sends its first alert.
 */
export const alertIncidents = pgTable(
  'alert_incidents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    openedAt: tstz('opened_at').notNull().default(sql`now()`),
    lastEventAt: tstz('last_event_at').notNull(),
    lastNotifiedAt: tstz('last_notified_at').notNull(),
    resolvedAt: tstz('resolved_at'),
    totalCount: integer('total_count').notNull().default(1),
    /** Events since the last notification: what a grouped follow-up reports. */
    pendingCount: integer('pending_count').notNull().default(0),
    /** Error message → occurrences (at most a few dozen kept), for "top error". */
    errors: jsonb('errors').$type<Record<string, number>>().notNull().default({}),
    /** The latest observation: value, threshold, summary line, fingerprint. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    acknowledgedAt: tstz('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [
    uniqueIndex('alert_incidents_open_uq').on(t.ruleId, t.scope).where(sql`${t.resolvedAt} IS NULL`),
    index('alert_incidents_open_idx').on(t.resolvedAt, t.lastNotifiedAt),
  ],
);

export type AlertNotificationKind = 'firing' | 'follow-up' | 'resolved';

/** One message about an incident (first alert, grouped follow-up, resolved), sent to each of the rule's channels. */
export const alertNotifications = pgTable(
  'alert_notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: bigint('incident_id', { mode: 'number' })
      .notNull()
      .references(() => alertIncidents.id, { onDelete: 'cascade' }),
    ruleId: integer('rule_id').notNull(),
    ruleName: text('rule_name').notNull(),
    ruleKind: text('rule_kind').notNull(),
    scope: text('scope').notNull(),
    kind: text('kind').$type<AlertNotificationKind>().notNull(),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    link: text('link').notNull(),
    count: integer('count').notNull(),
    topError: text('top_error'),
    createdAt: tstz('created_at').notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('alert_notifications_seq_uq').on(t.incidentId, t.seq), index('alert_notifications_created_idx').on(t.createdAt)],
);

export type AlertDeliveryStatus = 'pending' | 'retrying' | 'sent' | 'failed';

/** One notification on one channel: its outcome, attempts and last error (never a secret). */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    notificationId: bigint('notification_id', { mode: 'number' })
      .notNull()
      .references(() => alertNotifications.id, { onDelete: 'cascade' }),
    channelId: integer('channel_id').notNull(),
    channelName: text('channel_name').notNull(),
    channelKind: text('channel_kind').$type<AlertChannelKind>().notNull(),
    status: text('status').$type<AlertDeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: tstz('sent_at'),
    updatedAt: tstz('updated_at').notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('alert_deliveries_channel_uq').on(t.notificationId, t.channelId)],
);
