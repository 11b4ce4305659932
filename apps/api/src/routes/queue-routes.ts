// Queues and their jobs: overview, one queue, jobs by state, one job, actions on queues and selections.
import { JOB_STATES, type QueueStats, type RedisClient } from '@bullpen/jobs';
import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { notFound } from '../http/api-error.js';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { readJobPage } from '../ops/job-page.js';
import { jobDetail, jobSummary } from '../ops/job-view.js';
import {
  emptyBody,
  epochMs,
  idParams,
  jobDetailResponse,
  jobId,
  jobIdSelection,
  jobSummaryResponse,
  queueSummaryResponse,
  page,
  pageSize,
  queueJobParams,
  queueParams,
  selectionResult,
  workerConnection,
} from './schemas.js';

/**
 * Jobs one batch of drain/clean/retry touches, and the most batches one request runs. A request also
 * stops starting batches at its `workUntil` (half its deadline) and answers `complete: false`: the
 * caller (the dashboard) calls again until `complete: true`. Each answer, and its audit row, is the
 * truth about what that call did, instead of a 503 while the work went on behind it.
 */
export const BATCH_SIZE = 1_000;
export const MAX_BATCHES = 100;

const CLEANABLE = ['completed', 'failed', 'delayed', 'wait', 'prioritized'] as const;
const LISTABLE = JOB_STATES;

type BreakerSummary = { state: 'closed' | 'open' | 'half-open'; instances: Array<{ instanceId: string; state: string; failures: number }> };

const severity = { closed: 0, 'half-open': 1, open: 2 } as const;

export async function breakerSummaries(deps: OpsDeps): Promise<Map<string, BreakerSummary>> {
  const cluster = await deps.runtime.clusterBreakerStates();
  const local = deps.runtime.breakerStates().map((b) => ({ ...b, instanceId: deps.runtime.instanceId }));
  const out = new Map<string, BreakerSummary>();
  for (const b of [...cluster, ...local]) {
    const summary = out.get(b.queue) ?? { state: 'closed', instances: [] };
    if (!summary.instances.some((i) => i.instanceId === b.instanceId)) summary.instances.push({ instanceId: b.instanceId, state: b.state, failures: b.failures });
    if (severity[b.state] > severity[summary.state]) summary.state = b.state;
    out.set(b.queue, summary);
  }
  return out;
}

const backoff = z.strictObject({ type: z.enum(['fixed', 'exponential']), delay: z.number().nonnegative() });
const scheduleSetting = z.union([z.strictObject({ pattern: z.string(), tz: z.string().optional() }), z.strictObject({ every: z.number().positive() })]);

/** Worker connections per queue, or null when Redis refuses CLIENT LIST (some managed Redis do). */
async function workerCounts(deps: OpsDeps): Promise<Map<string, number> | null> {
  try {
    const counts = new Map<string, number>();
    for (const w of await deps.workers.workers()) counts.set(w.queue, (counts.get(w.queue) ?? 0) + 1);
    return counts;
  } catch (err) {
    deps.logger.warn({ err }, 'could not list worker connections');
    return null;
  }
}

/** Where Bull Board shows one job: `<board>/queue/<name>/<id>`. */
export function jobBoardUrl(deps: OpsDeps, queue: string, id: string): string {
  return `${deps.boardPath}/queue/${encodeURIComponent(queue)}/${encodeURIComponent(id)}`;
}

function describeQueue(deps: OpsDeps, stats: QueueStats, breakers: Map<string, BreakerSummary>, workers: Map<string, number> | null) {
  const definition = deps.runtime.definition(stats.queue);
  // Index 0 is the minute in progress; 1 is the last full minute.
  const completed = stats.completedPerMinute[1] ?? 0;
  const failed = stats.failedPerMinute[1] ?? 0;
  return {
    name: stats.queue,
    description: definition?.description ?? '',
    counts: stats.counts,
    paused: stats.paused,
    completedPerMinute: stats.completedPerMinute,
    failedPerMinute: stats.failedPerMinute,
    throughputPerMinute: completed,
    failureRate: completed + failed > 0 ? failed / (completed + failed) : 0,
    oldestWaitingMs: stats.oldestWaitingMs,
    breaker: breakers.get(stats.queue) ?? { state: 'closed', instances: [] },
    scheduled: Boolean(definition?.schedule ?? definition?.demoSchedule),
    workerCount: workers ? (workers.get(stats.queue) ?? 0) : null,
    boardUrl: `${deps.boardPath}/queue/${encodeURIComponent(stats.queue)}`,
  };
}

/** The queue a request names, or 404 before anything touches Redis. */
export function queueOf(deps: OpsDeps, name: string): Queue {
  const queue = deps.runtime.queue(name);
  if (!queue) throw notFound('QUEUE_NOT_FOUND', `No queue named "${name.slice(0, 200)}".`);
  return queue;
}

async function jobOf(queue: Queue, id: string): Promise<Job> {
  const job = await queue.getJob(id);
  if (!job) throw notFound('JOB_NOT_FOUND', `No job "${id}" in queue "${queue.name}".`);
  return job;
}

type SelectionOutcome = { id: string; outcome: 'done' | 'not-found' | 'refused'; reason?: string };

async function onSelection(queue: Queue, ids: readonly string[], act: (job: Job) => Promise<void>): Promise<{ results: SelectionOutcome[] }> {
  const unique = [...new Set(ids)];
  const results: SelectionOutcome[] = [];
  for (const id of unique) {
    const job = await queue.getJob(id);
    if (!job) {
      results.push({ id, outcome: 'not-found' });
      continue;
    }
    try {
      await act(job);
      results.push({ id, outcome: 'done' });
    } catch (err) {
      // BullMQ refuses e.g. retrying a job that is not failed, or removing a locked one.
      if (err instanceof Error && !/Connection|Stream isn't writeable|MaxRetries/.test(err.message)) {
        results.push({ id, outcome: 'refused', reason: err.message.slice(0, 300) });
      } else throw err;
    }
  }
  if (results.every((r) => r.outcome === 'not-found')) throw notFound('JOB_NOT_FOUND', `None of the ${unique.length} selected jobs exist in queue "${queue.name}".`);
  return { results };
}

/**
 * Whether another batch fits before `workUntil`, judging by the slowest one so far: the loop stops
 * before the deadline rather than one batch past it. The first batch always runs, so every call
 * makes progress.
 */
class BatchClock {
  private slowestMs = 0;
  private batches = 0;
  constructor(private readonly workUntil: number) {}

  async time<T>(batch: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await batch();
    this.slowestMs = Math.max(this.slowestMs, Date.now() - started);
    this.batches += 1;
    return result;
  }

  get anotherFits(): boolean {
    return this.batches === 0 || (this.batches < MAX_BATCHES && Date.now() + this.slowestMs < this.workUntil);
  }
}

async function cleanInBatches(queue: Queue, state: (typeof CLEANABLE)[number], olderThanMs: number, limit: number, clock: BatchClock): Promise<{ removed: number; complete: boolean }> {
  let removed = 0;
  while (removed < limit && clock.anotherFits) {
    const want = Math.min(BATCH_SIZE, limit - removed);
    const ids = await clock.time(() => queue.clean(olderThanMs, want, state));
    removed += ids.length;
    if (ids.length < want) return { removed, complete: true };
  }
  // Stopped by the limit or the clock, not by running out of jobs: there may be more.
  return { removed, complete: false };
}

/** Most finished jobs one durations answer reads (two ZREVRANGEs and one pipelined HMGET per job). */
export const MAX_DURATIONS = 500;

async function recentDurations(client: RedisClient, queue: Queue, limit: number) {
  const [completed, failed] = await Promise.all([client.zrevrange(queue.keys.completed!, 0, limit - 1), client.zrevrange(queue.keys.failed!, 0, limit - 1)]);
  const ids = [...completed.map((id) => ({ id, outcome: 'completed' as const })), ...failed.map((id) => ({ id, outcome: 'failed' as const }))];
  // Only the two timestamps: the job hashes may hold megabytes of data.
  const pipeline = client.pipeline();
  for (const { id } of ids) pipeline.hmget(queue.toKey(id), 'processedOn', 'finishedOn');
  const results = (await pipeline.exec()) ?? [];
  return ids
    .map(({ id, outcome }, i) => {
      const [processedOn, finishedOn] = ((results[i]?.[1] as Array<string | null> | undefined) ?? []).map(Number);
      return { id, outcome, processedOn: processedOn ?? 0, finishedOn: finishedOn ?? 0 };
    })
    .filter((j) => j.processedOn > 0 && j.finishedOn >= j.processedOn)
    .map((j) => ({ ...j, durationMs: j.finishedOn - j.processedOn }))
    .sort((a, b) => b.finishedOn - a.finishedOn)
    .slice(0, limit);
}

/**
 * What clean would remove. Completed and failed sets are scored by finish time, so their count by age
 * is exact; the other states are counted whole (exact when olderThanMs is 0, an upper bound otherwise).
 */
async function cleanPreview(client: RedisClient, queue: Queue, state: (typeof CLEANABLE)[number], olderThanMs: number): Promise<{ count: number; exact: boolean }> {
  if (state === 'completed' || state === 'failed') {
    return { count: await client.zcount(queue.keys[state]!, '-inf', Date.now() - olderThanMs), exact: true };
  }
  const counts = await queue.getJobCounts(state);
  return { count: counts[state] ?? 0, exact: olderThanMs === 0 };
}

/** Moves failed jobs back to waiting, BATCH_SIZE per Redis call, until none is left or time is up. */
async function retryFailedInBatches(queue: Queue, clock: BatchClock): Promise<{ retried: number; complete: boolean }> {
  const before = await queue.getJobCountByTypes('failed');
  // The timestamp bounds the sweep to jobs that had failed when the request came in.
  const failedBy = Date.now();
  let more = 1;
  // Non-zero while a full batch moved: there may be more.
  while (more && clock.anotherFits) more = await clock.time(() => queue.backend.retryFinishedJobs('failed', BATCH_SIZE, failedBy));
  const after = await queue.getJobCountByTypes('failed');
  return { retried: Math.max(0, before - after), complete: !more };
}

export function queueRoutes(deps: OpsDeps): Route[] {
  const guardQueue = ({ params }: { params: { queue: string } }) => void queueOf(deps, params.queue);
  const queueTarget = ({ params }: { params: { queue: string } }) => `queue:${params.queue}`;
  return [
    defineRoute({
      method: 'get',
      path: '/queues',
      summary: 'Every queue: counts per state, throughput and failure rate, oldest waiting age, paused, breaker',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({ queues: z.array(queueSummaryResponse), generatedAt: epochMs }),
      handler: async () => {
        const [stats, breakers, workers] = await Promise.all([deps.runtime.stats(), breakerSummaries(deps), workerCounts(deps)]);
        return ok({ queues: stats.map((s) => describeQueue(deps, s, breakers, workers)), generatedAt: Date.now() });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/queues/:queue',
      summary: 'One queue, with its type settings and current workers',
      role: 'viewer',
      csrf: 'none',
      response: queueSummaryResponse.extend({
        settings: z.strictObject({
          attempts: z.number().int().positive(),
          backoff,
          timeoutMs: z.number().positive(),
          concurrency: z.number().int().positive(),
          exclusive: z.boolean(),
          priority: z.number().int().nullable(),
          schedule: scheduleSetting.nullable(),
        }),
        workers: z.array(workerConnection),
      }),
      params: queueParams,
      guard: guardQueue,
      handler: async ({ params }) => {
        const [stats, breakers, workers] = await Promise.all([deps.runtime.queueStats(params.queue).then((stats) => stats!), breakerSummaries(deps), deps.workers.workers()]);
        const definition = deps.runtime.definition(params.queue)!;
        return ok({
          ...describeQueue(deps, stats, breakers, new Map([[params.queue, workers.filter((w) => w.queue === params.queue).length]])),
          settings: {
            attempts: definition.attempts ?? 3,
            backoff: definition.backoff ?? { type: 'exponential', delay: 1_000 },
            timeoutMs: definition.timeoutMs,
            concurrency: definition.concurrency ?? 1,
            exclusive: definition.exclusive ?? false,
            priority: definition.priority ?? null,
            schedule: definition.schedule ?? null,
          },
          workers: workers.filter((w) => w.queue === params.queue),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/queues/:queue/jobs',
      summary: 'Jobs of one queue in one state, newest first, one page at a time; `id` finds one job',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({ items: z.array(jobSummaryResponse), state: z.enum(LISTABLE), page: z.number().int().positive(), pageSize: z.number().int().positive(), total: z.number().int().nonnegative() }),
      params: queueParams,
      query: z.strictObject({ state: z.enum(LISTABLE).default('failed'), page, pageSize: pageSize(), id: jobId.optional() }),
      guard: guardQueue,
      handler: async ({ params, query }) => {
        const queue = queueOf(deps, params.queue);
        if (query.id) {
          const job = await queue.getJob(query.id);
          const state = job ? await job.getState() : undefined;
          const items = job && state === query.state ? [jobSummary(job, deps.runtime.masker)] : [];
          return ok({ items, state: query.state, page: 1, pageSize: query.pageSize, total: items.length });
        }
        const start = (query.page - 1) * query.pageSize;
        // Always an explicit end: without one BullMQ loads every job in the state.
        const [items, total] = await Promise.all([
          readJobPage(deps.runtime.redis, queue, query.state, start, start + query.pageSize - 1, deps.runtime.masker),
          queue.getJobCountByTypes(query.state),
        ]);
        return ok({ items, state: query.state, page: query.page, pageSize: query.pageSize, total });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/queues/:queue/durations',
      summary: `How long the most recent finished jobs ran (completed and failed), newest first, at most ${MAX_DURATIONS}: for charts`,
      role: 'viewer',
      csrf: 'none',
      params: queueParams,
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_DURATIONS).default(200) }),
      response: z.strictObject({
        items: z.array(z.strictObject({ id: z.string(), outcome: z.enum(['completed', 'failed']), processedOn: epochMs, finishedOn: epochMs, durationMs: z.number().nonnegative() })),
      }),
      guard: guardQueue,
      handler: async ({ params, query }) => ok({ items: await recentDurations(deps.runtime.redis, queueOf(deps, params.queue), query.limit) }),
    }),
    defineRoute({
      method: 'get',
      path: '/queues/:queue/drain-preview',
      summary: 'How many jobs POST drain would remove now (for its confirmation)',
      role: 'viewer',
      csrf: 'none',
      params: queueParams,
      query: z.strictObject({ delayed: z.enum(['true', 'false']).default('false') }),
      response: z.strictObject({ count: z.number().int().nonnegative(), perCall: z.number().int().positive().describe('Most one drain call removes; more needs another call') }),
      guard: guardQueue,
      handler: async ({ params, query }) => {
        const counts = await queueOf(deps, params.queue).getJobCounts('wait', 'prioritized', 'delayed');
        const count = (counts.wait ?? 0) + (counts.prioritized ?? 0) + (query.delayed === 'true' ? (counts.delayed ?? 0) : 0);
        return ok({ count, perCall: BATCH_SIZE * MAX_BATCHES });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/queues/:queue/clean-preview',
      summary: 'How many jobs POST clean would remove now (for its confirmation); `exact` is false when only an upper bound is cheap to know',
      role: 'viewer',
      csrf: 'none',
      params: queueParams,
      query: z.strictObject({ state: z.enum(CLEANABLE), olderThanMs: z.coerce.number().int().min(0).max(366 * 24 * 3600 * 1000) }),
      response: z.strictObject({ count: z.number().int().nonnegative(), exact: z.boolean(), perCall: z.number().int().positive() }),
      guard: guardQueue,
      handler: async ({ params, query }) => ok({ ...(await cleanPreview(deps.runtime.redis, queueOf(deps, params.queue), query.state, query.olderThanMs)), perCall: BATCH_SIZE * MAX_BATCHES }),
    }),
    defineRoute({
      method: 'get',
      path: '/queues/:queue/jobs/:id',
      summary: 'One job: data, options, attempts, stack traces, logs, progress, result, timeline',
      role: 'viewer',
      csrf: 'none',
      response: jobDetailResponse,
      params: queueJobParams,
      guard: guardQueue,
      handler: async ({ params }) => {
        const queue = queueOf(deps, params.queue);
        return ok({ ...(await jobDetail(queue, await jobOf(queue, params.id), deps.runtime.masker)), boardUrl: jobBoardUrl(deps, params.queue, params.id) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/jobs/:id',
      summary: 'Finds a job by id across every queue (one lookup per queue)',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({ matches: z.array(z.strictObject({ queue: z.string(), job: jobDetailResponse })) }),
      params: idParams,
      handler: async ({ params }) => {
        const found = await Promise.all(deps.runtime.queueNames.map(async (name) => ({ name, job: await deps.runtime.queue(name)!.getJob(params.id) })));
        const hits = found.filter((f) => f.job);
        if (hits.length === 0) throw notFound('JOB_NOT_FOUND', `No job "${params.id}" in any queue.`);
        return ok({
          matches: await Promise.all(hits.map(async (h) => ({ queue: h.name, job: { ...(await jobDetail(deps.runtime.queue(h.name)!, h.job as Job, deps.runtime.masker)), boardUrl: jobBoardUrl(deps, h.name, params.id) } }))),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/pause',
      summary: 'Pauses a queue: workers everywhere stop taking its jobs',
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ queue: z.string(), paused: z.literal(true) }),
      params: queueParams,
      body: emptyBody,
      guard: guardQueue,
      audit: { action: 'queue.pause', target: queueTarget },
      handler: async ({ params }) => {
        await queueOf(deps, params.queue).pause();
        return ok({ queue: params.queue, paused: true });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/resume',
      summary: 'Resumes a paused queue',
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ queue: z.string(), paused: z.literal(false) }),
      params: queueParams,
      body: emptyBody,
      guard: guardQueue,
      audit: { action: 'queue.resume', target: queueTarget },
      handler: async ({ params }) => {
        await queueOf(deps, params.queue).resume();
        return ok({ queue: params.queue, paused: false });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/drain',
      summary: `Removes waiting jobs (and delayed ones with {delayed: true}) in batches of ${BATCH_SIZE}; complete=false means call again`,
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ queue: z.string(), removed: z.number().int().nonnegative(), complete: z.boolean() }),
      params: queueParams,
      body: z.strictObject({ delayed: z.boolean().default(false) }).default({ delayed: false }),
      guard: guardQueue,
      audit: { action: 'queue.drain', target: queueTarget },
      handler: async ({ params, body, workUntil }) => {
        const queue = queueOf(deps, params.queue);
        const states = body.delayed ? (['wait', 'prioritized', 'delayed'] as const) : (['wait', 'prioritized'] as const);
        const clock = new BatchClock(workUntil);
        let removed = 0;
        let complete = true;
        for (const state of states) {
          const result = await cleanInBatches(queue, state, 0, BATCH_SIZE * MAX_BATCHES - removed, clock);
          removed += result.removed;
          complete &&= result.complete;
          if (!complete) break;
        }
        return ok({ queue: params.queue, removed, complete });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/clean',
      summary: `Removes jobs in one state older than olderThanMs, in batches of ${BATCH_SIZE}, at most \`limit\` per call; complete=false means call again`,
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ queue: z.string(), state: z.enum(CLEANABLE), removed: z.number().int().nonnegative(), complete: z.boolean() }),
      params: queueParams,
      body: z.strictObject({
        state: z.enum(CLEANABLE),
        olderThanMs: z.number().int().min(0).max(366 * 24 * 3600 * 1000),
        limit: z.number().int().min(1).max(BATCH_SIZE * MAX_BATCHES).default(BATCH_SIZE * MAX_BATCHES),
      }),
      guard: guardQueue,
      audit: { action: 'queue.clean', target: queueTarget },
      handler: async ({ params, body, workUntil }) =>
        ok({ queue: params.queue, state: body.state, ...(await cleanInBatches(queueOf(deps, params.queue), body.state, body.olderThanMs, body.limit, new BatchClock(workUntil))) }),
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/retry-failed',
      summary: `Moves failed jobs back to waiting, ${BATCH_SIZE} per Redis call, for up to half the request deadline; complete=false means call again`,
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ queue: z.string(), retried: z.number().int().nonnegative(), complete: z.boolean().describe('false: time ran out with failed jobs left; call again') }),
      params: queueParams,
      body: emptyBody,
      guard: guardQueue,
      audit: { action: 'queue.retry-failed', target: queueTarget },
      handler: async ({ params, workUntil }) => ok({ queue: params.queue, ...(await retryFailedInBatches(queueOf(deps, params.queue), new BatchClock(workUntil))) }),
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/jobs/retry',
      summary: 'Retries the selected failed jobs',
      role: 'operator',
      csrf: 'token',
      response: selectionResult,
      params: queueParams,
      body: jobIdSelection,
      guard: guardQueue,
      audit: { action: 'jobs.retry', target: queueTarget },
      handler: async ({ params, body }) => ok(await onSelection(queueOf(deps, params.queue), body.ids, (job) => job.retry('failed'))),
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/jobs/remove',
      summary: 'Removes the selected jobs (active jobs, being locked, are refused)',
      role: 'operator',
      csrf: 'token',
      response: selectionResult,
      params: queueParams,
      body: jobIdSelection,
      guard: guardQueue,
      audit: { action: 'jobs.remove', target: queueTarget },
      handler: async ({ params, body }) => {
        const queue = queueOf(deps, params.queue);
        return ok(
          await onSelection(queue, body.ids, async (job) => {
            if ((await queue.remove(job.id!)) !== 1) throw new Error('the job is locked by a worker or could not be removed');
          }),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/jobs/promote',
      summary: 'Runs the selected delayed jobs now',
      role: 'operator',
      csrf: 'token',
      response: selectionResult,
      params: queueParams,
      body: jobIdSelection,
      guard: guardQueue,
      audit: { action: 'jobs.promote', target: queueTarget },
      handler: async ({ params, body }) => ok(await onSelection(queueOf(deps, params.queue), body.ids, (job) => job.promote())),
    }),
    defineRoute({
      method: 'post',
      path: '/queues/:queue/breaker/reset',
      summary: "Closes the queue's circuit breaker on every instance",
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ queue: z.string(), breaker: z.literal('closed') }),
      params: queueParams,
      body: emptyBody,
      guard: guardQueue,
      audit: { action: 'queue.breaker-reset', target: queueTarget },
      handler: async ({ params }) => {
        await deps.runtime.resetBreaker(params.queue);
        return ok({ queue: params.queue, breaker: 'closed' });
      },
    }),
  ];
}

