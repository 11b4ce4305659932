// Input schemas shared by the route files. Strict objects: an unknown body key is a 400, not ignored.
import type { SerializedErrorRecord } from '@bullpen/db';
import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

/**
 * Every string input of every route: bounded, and never holding a NUL (`\u0000`), which PostgreSQL
 * text and jsonb refuse (a 500 or a failed audit write otherwise) and no name or search needs.
 */
export const text = (max: number, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain the NUL character (\\u0000)');

const hasNul = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.includes('\u0000')
    : Array.isArray(value)
      ? value.some(hasNul)
      : value !== null && typeof value === 'object'
        ? Object.entries(value).some(([key, inner]) => key.includes('\u0000') || hasNul(inner))
        : false;

/**
 * text()'s NUL rule for a body whose schema is defined outside the routes (the jobs package's alert
 * rules and channels) or holds free-form JSON (a channel's config): every key and string inside.
 */
export const withoutNul = <T extends z.ZodType>(schema: T) => schema.refine((value) => !hasNul(value), 'must not contain the NUL character (\u0000)');

export const queueName = text(200);
export const queueParams = z.strictObject({ queue: queueName });
export const jobId = text(256);
export const queueJobParams = z.strictObject({ queue: queueName, id: jobId });
export const idParams = z.strictObject({ id: jobId });

export const page = z.coerce.number().int().min(1).max(1_000_000).default(1);
/** Capped, not refused: asking for more than the cap gets the cap. */
export const pageSize = (fallback = 50) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .default(fallback)
    .transform((n) => Math.min(n, MAX_PAGE_SIZE));

export const isoDate = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()) && Math.abs(d.getTime()) < 8.64e15, 'expected an ISO date');

export const emptyBody = z.strictObject({}).optional();

export const jobIdSelection = z.strictObject({ ids: z.array(jobId).min(1).max(MAX_PAGE_SIZE) });

// ---- Response shapes shared by several routes (the wire form: dates are ISO strings) -------------

/** A timestamp the database returns as a Date; JSON carries it as an ISO string. */
export const isoTimestamp = z.iso.datetime({ offset: true });
/** Milliseconds since the epoch, as BullMQ keeps them. */
export const epochMs = z.number().int().nonnegative();

export const jobStateCounts = z.strictObject({
  waiting: z.number().int().nonnegative(),
  prioritized: z.number().int().nonnegative(),
  active: z.number().int().nonnegative(),
  delayed: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  'waiting-children': z.number().int().nonnegative(),
});

export const breakerState = z.enum(['closed', 'open', 'half-open']);

export const breakerSummary = z.strictObject({
  state: breakerState,
  instances: z.array(z.strictObject({ instanceId: z.string(), state: breakerState, failures: z.number().int().nonnegative() })),
});

export const jobSummaryResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  queue: z.string(),
  timestamp: epochMs,
  processedOn: epochMs.nullable(),
  finishedOn: epochMs.nullable(),
  attemptsMade: z.number().int().nonnegative(),
  delay: z.number().nonnegative(),
  priority: z.number().int(),
  progress: z.unknown(),
  failedReason: z.string().nullable(),
  data: z.unknown(),
});

export const jobDetailResponse = jobSummaryResponse.extend({
  state: z.enum(['completed', 'failed', 'delayed', 'active', 'waiting', 'waiting-children', 'prioritized', 'unknown']),
  opts: z.record(z.string(), z.unknown()),
  attemptsStarted: z.number().int().nonnegative().nullable(),
  stalledCount: z.number().int().nonnegative().describe('Times the job was put back in its queue because its lock lapsed'),
  processedBy: z.string().nullable().describe('The instance that took it last'),
  stacktrace: z.array(z.string()),
  returnvalue: z.unknown(),
  logs: z.strictObject({ lines: z.array(z.string()), total: z.number().int().nonnegative() }),
  timeline: z.array(z.strictObject({ event: z.enum(['added', 'due', 'stalled', 'started', 'finished', 'failed']), at: epochMs, detail: z.string().optional().describe("A stall's log line") })),
  boardUrl: z.string().describe('This job in Bull Board'),
});

export const workerConnection = z.strictObject({
  queue: z.string(),
  name: z.string().nullable().describe('The instance id that runs the worker'),
  addr: z.string(),
  ageSeconds: z.number().nonnegative(),
  idleSeconds: z.number().nonnegative(),
});

/** Per-item outcome of an action on selected jobs. */
export const selectionResult = z.strictObject({
  results: z.array(z.strictObject({ id: z.string(), outcome: z.enum(['done', 'not-found', 'refused']), reason: z.string().optional() })),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), page: z.number().int().positive(), pageSize: z.number().int().positive(), total: z.number().int().nonnegative() });

const perMinute = z.array(z.number().int().nonnegative()).describe('One value per minute, the minute in progress first');

export const queueSummaryResponse = z.strictObject({
  name: z.string(),
  description: z.string(),
  counts: jobStateCounts,
  paused: z.boolean(),
  completedPerMinute: perMinute,
  failedPerMinute: perMinute,
  throughputPerMinute: z.number().nonnegative().describe('Jobs completed in the last full minute'),
  failureRate: z.number().min(0).max(1).describe('Failed / (completed + failed) in the last full minute'),
  oldestWaitingMs: z.number().nonnegative().nullable(),
  breaker: breakerSummary,
  scheduled: z.boolean(),
  workerCount: z.number().int().nonnegative().nullable().describe('Worker connections attached to the queue; null when Redis refuses CLIENT LIST'),
  boardUrl: z.string().describe("This queue in Bull Board; append ?status=<state> for one state's list"),
});


const serializedError: z.ZodType<SerializedErrorRecord> = z.lazy(() =>
  z.strictObject({ name: z.string(), message: z.string(), stack: z.string().optional(), code: z.string().optional(), cause: serializedError.optional() }),
);

export const deadLetterResponse = z.strictObject({
  id: z.number().int(),
  queue: z.string(),
  jobId: z.string(),
  jobName: z.string(),
  data: z.unknown().describe('Secrets masked'),
  opts: z.unknown().describe('Secrets masked'),
  error: serializedError,
  fingerprint: z.string(),
  attemptsMade: z.number().int().nonnegative(),
  finishedOn: epochMs,
  failedAt: isoTimestamp,
  recordedBy: z.string(),
  /** `retried`: the failed job itself ran again (API, Bull Board); its letter can no longer be replayed. */
  status: z.enum(['dead', 'replayed', 'retried', 'discarded']),
  replayedAt: isoTimestamp.nullable(),
  retriedAt: isoTimestamp.nullable(),
  replayJobId: z.string().nullable(),
  discardedAt: isoTimestamp.nullable(),
  createdAt: isoTimestamp,
});


export const accountResponse = z.strictObject({
  username: z.string(),
  role: z.enum(['viewer', 'operator', 'admin']),
  createdAt: isoTimestamp,
  disabledAt: isoTimestamp.nullable(),
  disabled: z.boolean(),
  lastSignInAt: isoTimestamp.nullable(),
});

/**
 * Shapes the OpenAPI document names under components/schemas (and so the SPA's generated types:
 * `components['schemas']['QueueSummary']`). Every other response is named after its route.
 */
export const namedSchemas: Record<string, z.ZodType> = {
  QueueSummary: queueSummaryResponse,
  JobStateCounts: jobStateCounts,
  BreakerSummary: breakerSummary,
  JobSummary: jobSummaryResponse,
  JobDetail: jobDetailResponse,
  WorkerConnection: workerConnection,
  SelectionResult: selectionResult,
  DeadLetter: deadLetterResponse,
  SerializedError: serializedError,
  Account: accountResponse,
};
