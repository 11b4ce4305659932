// What a rule and a channel may say, checked by the API on input and by the engine on every read
// (a row may come from older code). Queue scope: an empty list means every queue.
import { z } from 'zod';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Kinds that react to runtime events as they happen; the others are evaluated periodically. */
export const EVENT_RULE_KINDS = ['job-failed', 'dead-letter', 'stalled'] as const;
export const PERIODIC_RULE_KINDS = ['failure-rate', 'backlog', 'oldest-waiting', 'breaker-open', 'schedule-missed', 'heartbeat-lost', 'no-worker'] as const;
export const RULE_KINDS = [...EVENT_RULE_KINDS, ...PERIODIC_RULE_KINDS] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type EventRuleKind = (typeof EVENT_RULE_KINDS)[number];

export function isEventKind(kind: string): kind is EventRuleKind {
  return (EVENT_RULE_KINDS as readonly string[]).includes(kind);
}

const duration = (min: number, max: number) => z.number().int().min(min).max(max);

/** Each kind's threshold parameters. */
export const ruleParamsSchemas = {
  /** Every failed attempt, or only the final one (the job is out of attempts). */
  'job-failed': z.strictObject({ finalOnly: z.boolean().default(false) }),
  'dead-letter': z.strictObject({}),
  /** Final failures as a share of finished jobs over the window; quiet below `minVolume` finished jobs. */
  'failure-rate': z.strictObject({ thresholdPercent: z.number().min(0).max(100), minVolume: z.number().int().min(1).max(1_000_000).default(10) }),
  /** Jobs waiting (including prioritized) above `threshold`. */
  backlog: z.strictObject({ threshold: z.number().int().min(0).max(100_000_000) }),
  /** The oldest waiting job is older than `thresholdMs`. */
  'oldest-waiting': z.strictObject({ thresholdMs: duration(1, 7 * DAY) }),
  'breaker-open': z.strictObject({}),
  stalled: z.strictObject({}),
  /** A scheduled type has not run within its period plus `graceMs`. */
  'schedule-missed': z.strictObject({ graceMs: duration(0, DAY).default(MINUTE) }),
  /** An instance's heartbeat is older than `afterMs`. */
  'heartbeat-lost': z.strictObject({ afterMs: duration(100, DAY).default(30_000) }),
  /** A queue has jobs that have waited `afterMs` and no BullMQ worker connected to take them. */
  'no-worker': z.strictObject({ afterMs: duration(100, DAY).default(30_000) }),
} satisfies Record<RuleKind, z.ZodType>;

const queueList = z.array(z.string().min(1).max(200)).max(100).default([]);

const ruleCommon = {
  name: z.string().trim().min(1).max(120),
  /** Empty: every queue. Ignored by heartbeat-lost (its scope is the instance). */
  queues: queueList,
  /** Event kinds: the incident resolves after this long without a new event. Failure rate: its window. */
  windowMs: duration(100, DAY).default(5 * MINUTE),
  /** At most one message per rule and scope per cooldown; what happens meanwhile is grouped into the next. */
  cooldownMs: duration(100, DAY).default(5 * MINUTE),
  channelIds: z.array(z.number().int().positive()).max(20).default([]),
  enabled: z.boolean().default(true),
};

export interface RuleInput {
  name: string;
  kind: RuleKind;
  queues: string[];
  params: Record<string, unknown>;
  windowMs: number;
  cooldownMs: number;
  channelIds: number[];
  enabled: boolean;
}

export const ruleInputSchema = z.discriminatedUnion(
  'kind',
  RULE_KINDS.map((kind) => z.strictObject({ ...ruleCommon, kind: z.literal(kind), params: (ruleParamsSchemas[kind] as z.ZodType).prefault({}) })) as unknown as [
    z.ZodObject<{ kind: z.ZodLiteral<RuleKind> }>,
    ...Array<z.ZodObject<{ kind: z.ZodLiteral<RuleKind> }>>,
  ],
) as unknown as z.ZodType<RuleInput>;


/** Parses a rule as the API receives it. Throws ZodError with every problem. */
export function parseRuleInput(value: unknown): RuleInput {
  return ruleInputSchema.parse(value);
}

export const CHANNEL_KINDS = ['slack', 'webhook', 'email', 'in-app'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }).max(2_000);

/** Per kind: what is plain configuration and what is secret (masked in every response, never logged). */
export const channelSchemas = {
  slack: { config: z.strictObject({}), secrets: z.strictObject({ webhookUrl: httpUrl }) },
  webhook: { config: z.strictObject({}), secrets: z.strictObject({ url: httpUrl, signingSecret: z.string().min(16, 'at least 16 characters').max(512) }) },
  email: {
    config: z.strictObject({
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65_535).default(587),
      /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      user: z.string().max(320).optional(),
      from: z.email().max(320),
      to: z.array(z.email().max(320)).min(1).max(20),
    }),
    secrets: z.strictObject({ password: z.string().min(1).max(512).optional() }),
  },
  'in-app': { config: z.strictObject({}), secrets: z.strictObject({}) },
} satisfies Record<ChannelKind, { config: z.ZodType; secrets: z.ZodType }>;

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  enabled: boolean;
}

export const channelInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    kind: z.enum(CHANNEL_KINDS),
    config: z.record(z.string(), z.unknown()).default({}),
    secrets: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
  })
  .transform((value, ctx): ChannelInput => {
    const schemas = channelSchemas[value.kind];
    const config = schemas.config.safeParse(value.config);
    const secrets = schemas.secrets.safeParse(value.secrets);
    for (const [where, result] of [['config', config], ['secrets', secrets]] as const) {
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: [where, ...issue.path] } as never);
    }
    if (!config.success || !secrets.success) return z.NEVER;
    return { ...value, config: config.data as Record<string, unknown>, secrets: secrets.data as Record<string, string> };
  });
