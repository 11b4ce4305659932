/**
 * The job runtime: one object per process that owns the queues, and, by role, the workers and the
 * scheduler reconciliation.
 *
 * Lifecycle: starting → running → draining → closed.
 * - starting: connect to Redis (bounded wait), declare exclusivity (global concurrency) and, with the
 *   scheduler role, reconcile job schedulers; with the worker role, start one BullMQ worker per type.
 * - running: workers take jobs; each attempt passes the type's circuit breaker and, when the instance
 *   limits its active jobs, a priority-ordered slot; final failures become dead letters.
 *   Stalls: a job whose lock lapsed (its worker died, or blocked its event loop past the lock) is put
 *   back in its queue by some worker's stalled check: logged, counted and noted in the job's log. A run
 *   that still completes after losing its lock leaves a receipt; the job's next run completes with it
 *   instead of running again, so a job that completed never fails as stalled. A job stalled more than
 *   STALL_LIMIT times with no receipt fails for good (a dead letter).
 * - draining (close()): workers stop taking jobs; active ones get up to `drainTimeoutMs` to finish.
 *   Past the deadline the runtime gives up waiting and reports `drained: false`; the caller exits, the
 *   jobs' locks lapse and another worker's stalled check puts them back in the queue. Nothing is lost.
 * - closed: connections released.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Job, MetricsTime, Queue, UnrecoverableError, Worker, type JobsOptions } from 'bullmq';
import type { Database } from '@bullpen/db';
import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import type { AnyJobDefinition, JobResult } from '../definition.js';
import { serializeError, type SerializedError } from '../errors.js';
import { BreakerOpenError, JobBreaker, type BreakerSnapshot } from './circuit-breaker.js';
import { installClusterClock, localNow, recordRedisTime, syncWithRedis } from './cluster-clock.js';
import { ClusterState } from './cluster-state.js';
import { createRedis, describeRedis, masters, type RedisClient, type RedisSettings, type RedisTarget } from './connection.js';
import { defaultMasker, type SecretMasker } from '../masking.js';
import { isConnectionError, watchRedis, type ConnectionWatch } from './connection-watch.js';
import { DeadLetterStore, type RecordedLetter } from './dead-letters.js';
import { executeAttempt } from './executor.js';
import { failureDecider, type FailureDecider, type FailureInjection } from './failure-injection.js';
import { bullpenKeys, queuePrefix, type BullpenKeys } from './keys.js';
import { markUnknownQueueRows, outboxBacklog, pruneOutbox, relayOutbox, type OutboxBacklog, type RelayResult } from './outbox.js';
import { activeSchedule, convergeScheduler, reconcileSchedulers } from './scheduler.js';
import { PrioritySlots } from './priority-slots.js';
import { readQueueStats, type QueueStats } from './stats.js';
import { systemJobs } from './system-jobs.js';
import { listWorkerConnections, type WorkerConnection } from './worker-connections.js';

export interface RuntimeRoles {
  /** Run BullMQ workers for every job type. */
  worker: boolean;
  /** Reconcile job schedulers with the registry at start. */
  scheduler: boolean;
}

export interface RuntimeOptions {
  /** Redis for BullMQ: a standalone node's URL, e.g. `redis://127.0.0.1:6379` (or use `redis`). */
  redisUrl?: string | undefined;
  /** Redis for BullMQ: a standalone node, a cluster or a Sentinel-managed master. Wins over `redisUrl`. */
  redis?: RedisSettings | undefined;
  /**
   * Key prefix. Everything the runtime writes to Redis lives under it; each queue's BullMQ prefix is
   * `queuePrefix(prefix, queue)` (a per-queue hash tag, see keys.ts).
   */
  prefix: string;
  /** The job types (the catalog). Bullpen's own system types are added to them. */
  definitions: readonly AnyJobDefinition[];
  /**
   * Queues of job types this version dropped (`retiredQueues` next to the catalog). Reconciliation
   * removes their schedulers and leaves a tombstone that older instances obey; a queue merely missing
   * from a registry (a type a newer version added) keeps its scheduler.
   */
  retiredQueues?: readonly string[] | undefined;
  db: Database;
  logger: Logger;
  roles: RuntimeRoles;
  /** Names this process in logs, heartbeats and dead letters. Default `hostname-pid`. */
  instanceId?: string | undefined;
  /** The application's version, shown with the instance in the console. */
  version?: string | undefined;
  /** Use each type's demo cadence. Default false. */
  demo?: boolean | undefined;
  /** Deliberate failures for the listed queues (demo mode): see failure-injection.ts. */
  failureInjection?: FailureInjection | undefined;
  /** How long close() waits for active jobs. Default 25 000 ms. */
  drainTimeoutMs?: number | undefined;
  /** BullMQ lock duration: how soon a dead worker's jobs count as stalled. Default 30 000 ms. */
  lockDurationMs?: number | undefined;
  /** How often workers look for stalled jobs. Default 30 000 ms. */
  stalledIntervalMs?: number | undefined;
  /** Most jobs this instance runs at once across all queues, taken in priority order. Default unlimited. */
  maxActiveJobs?: number | undefined;
  /** Cadence of the dead-letter reconciler. Default 60 000 ms. */
  deadLetterSweepEveryMs?: number | undefined;
  /** Cadence of the outbox sweep. Default 30 000 ms. */
  outboxSweepEveryMs?: number | undefined;
  /** How long relayed outbox rows are kept before the sweep deletes them. Default 7 days. */
  outboxRetentionMs?: number | undefined;
  /** How long start() waits for Redis. Default 10 000 ms. */
  connectTimeoutMs?: number | undefined;
  /** How often the instance publishes its heartbeat; entries of instances silent for 3 beats expire. Default 10 000 ms. */
  heartbeatEveryMs?: number | undefined;
  /**
   * Align this process's `Date.now()` with Redis' clock, so BullMQ's scheduling does not depend on the
   * machine's clock (see cluster-clock.ts). Default true.
   */
  alignClockWithRedis?: boolean | undefined;
  /** A clock further than this from Redis' is reported (warn log, heartbeat field). Default 2 000 ms. */
  clockSkewWarnMs?: number | undefined;
  /** Masks secrets in what the runtime stores for people to read (dead-letter errors). Default: built-in patterns only. */
  masker?: SecretMasker | undefined;
  /**
   * Told of failures as they happen on this instance (alerting listens here). Called synchronously;
   * a listener must not throw or block, it only starts its own work.
   */
  onEvent?: ((event: RuntimeEvent) => void) | undefined;
  /** Test seams. */
  hooks?: {
    /** Runs after BullMQ marked a job failed for good and before its dead letter is written. */
    beforeDeadLetterWrite?: ((job: Job) => Promise<void>) | undefined;
    /** Runs during reconciliation after a queue's paused state was read and before its scheduler is written. */
    beforeSchedulerApply?: ((queue: string) => Promise<void>) | undefined;
    /** Runs after replay added a dead letter's job and before it claims the letter. */
    betweenReplayAddAndClaim?: ((letterId: number, jobId: string) => Promise<void>) | undefined;
  };
}

export interface ScheduleInfo {
  /** Scheduler id: the queue name. */
  id: string;
  queue: string;
  description: string;
  pattern: string | null;
  every: number | null;
  tz: string | null;
  /** Next run (ms since epoch), or null when paused or unscheduled. */
  next: number | null;
  /** When a run of this type last finished (completed or failed), or null. */
  lastRunAt: number | null;
  /** That run: its job, how it ended, and its summary (completed) or failure reason (failed). */
  lastRun: { jobId: string; state: 'completed' | 'failed'; finishedAt: number; summary: string | null; failedReason: string | null } | null;
  paused: boolean;
}

export interface InstanceHeartbeat {
  instanceId: string;
  roles: RuntimeRoles;
  host: string;
  pid: number;
  startedAt: number;
  /** Last heartbeat, in Redis time. */
  lastSeenAt: number;
  queues: string[];
  /** This machine's clock minus Redis' at the last heartbeat, in ms (positive: ahead). */
  clockSkewMs?: number | undefined;
  /** True when |clockSkewMs| exceeds the instance's warning threshold. */
  clockSkewed?: boolean | undefined;
  /** Null for instances that did not say (started without a version, or before heartbeats carried it). */
  version: string | null;
}

/** What the runtime tells `onEvent` about: each failed attempt, each dead letter written, each stalled job. */
export type RuntimeEvent =
  | { type: 'job-failed'; queue: string; jobId: string; attempt: number; final: boolean; error: SerializedError; at: number }
  | { type: 'dead-letter'; queue: string; jobId: string; error: SerializedError; fingerprint: string; at: number }
  | { type: 'stalled'; queue: string; jobId: string; at: number };

export interface CloseResult {
  /** False when active jobs were still running at the drain deadline (they will be recovered as stalled). */
  drained: boolean;
}

const HEARTBEAT_EVERY_MS = 10_000;
/** Stalls a job may have before it fails for good, unless a run of it completed (BullMQ's default). */
const STALL_LIMIT = 1;
/**
 * BullMQ's own stall limit is turned off: it fails a job at pickup, before the processor runs, so it
 * could not tell a job whose earlier run completed (a receipt) from one that never did. The runtime
 * applies STALL_LIMIT itself, after looking for a receipt.
 */
const BULLMQ_STALL_LIMIT_OFF = 1_000_000;
const RECEIPT_TTL_S = 24 * 3600;

/** A stalled job put back in its queue by this instance's stalled check. */
export interface StallEvent {
  queue: string;
  jobId: string;
  /** The instance whose lock lapsed, when BullMQ recorded it. */
  stalledOn: string | undefined;
}
/** An instance whose heartbeat is older than this (with the default cadence) is gone. */
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_EVERY_MS;
/** A clock skew warning is repeated at most this often while it lasts. */
const SKEW_WARN_EVERY_MS = 10 * 60_000;

const DAY_S = 24 * 3600;

function bullmqPriorityToSlotPriority(priority: number | undefined): number {
  // BullMQ: 1 is the highest, absent is lowest. Slots: larger runs first.
  return priority ? 2_097_152 - priority : 0;
}

function scheduledAtOf(job: Job): Date {
  // Scheduler jobs carry their slot in the id: `repeat:<scheduler>:<millis>`.
  const slot = /^repeat:.*:(\d+)$/.exec(job.id ?? '')?.[1];
  return new Date(slot ? Number(slot) : job.timestamp + (job.opts.delay ?? 0));
}

async function waitForReady(redis: RedisClient, where: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not answer at ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

export class JobRuntime {
  readonly instanceId: string;
  /** The one secret masker, shared with the API that shows this runtime's jobs. */
  readonly masker: SecretMasker;
  readonly keys: BullpenKeys;
  readonly deadLetters: DeadLetterStore;
  /** The fail-fast connection the queues use; API handlers may use it for reads. */
  readonly redis: RedisClient;
  private readonly target: RedisTarget;
  private readonly definitions = new Map<string, AnyJobDefinition>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly breakers = new Map<string, JobBreaker>();
  private readonly slots: PrioritySlots | undefined;
  private shouldFail: FailureDecider;
  private readonly log: Logger;
  private startedAt = Date.now();
  private workerRedis: RedisClient | undefined;
  private subscriber: RedisClient | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly heartbeatEveryMs: number;
  private readonly cluster: ClusterState;
  private releaseClock: (() => void) | undefined;
  private clockSkewMs: number | undefined;
  private lastSkewWarnAt = 0;
  private heartbeatFailing = false;
  private readonly producerWatch: ConnectionWatch;
  private workerWatch: ConnectionWatch | undefined;
  private closing: Promise<CloseResult> | undefined;
  private activeJobs = 0;
  private statsInFlight: Promise<QueueStats[]> | undefined;
  private readonly stallListeners = new Set<(event: StallEvent) => void>();

  private constructor(private readonly options: RuntimeOptions) {
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
    this.heartbeatEveryMs = options.heartbeatEveryMs ?? HEARTBEAT_EVERY_MS;
    const bound = options.logger.bindings() as { instanceId?: string };
    this.log = bound.instanceId ? options.logger : options.logger.child({ instanceId: this.instanceId });
    this.keys = bullpenKeys(options.prefix);
    const target = options.redis ?? options.redisUrl;
    if (!target) throw new Error('The job runtime needs Redis: set `redis` (or `redisUrl`).');
    this.target = target;
    this.redis = createRedis(target, 'producer');
    this.producerWatch = watchRedis(this.redis, 'redis-producer', this.log);
    this.cluster = new ClusterState(this.redis, this.keys, 3 * this.heartbeatEveryMs);
    this.masker = options.masker ?? defaultMasker;
    this.deadLetters = new DeadLetterStore(options.db, this.instanceId, this.log, this.masker, {
      betweenReplayAddAndClaim: options.hooks?.betweenReplayAddAndClaim,
    });
    this.slots = options.maxActiveJobs ? new PrioritySlots(options.maxActiveJobs) : undefined;
    this.shouldFail = failureDecider(options.failureInjection, this.startedAt);

    const system = systemJobs(
      {
        reconcileDeadLetters: () => this.reconcileDeadLetters(),
        sweepOutbox: () => this.sweepOutbox(),
      },
      {
        deadLetterSweepEveryMs: options.deadLetterSweepEveryMs ?? 60_000,
        outboxSweepEveryMs: options.outboxSweepEveryMs ?? 30_000,
      },
    );
    for (const definition of [...options.definitions, ...system]) {
      if (this.definitions.has(definition.queue)) {
        throw new Error(`Two job types use the queue "${definition.queue}"; each type needs its own queue.`);
      }
      this.definitions.set(definition.queue, definition);
      const queue = new Queue(definition.queue, {
        connection: this.redis,
        prefix: queuePrefix(options.prefix, definition.queue),
        defaultJobOptions: this.jobOptions(definition),
      });
      // Connection errors are the shared connection's (its watch logs the outage once); others are news.
      queue.on('error', (err) => {
        if (isConnectionError(err)) this.producerWatch.lost(err);
        else this.log.warn({ queue: definition.queue, err: serializeError(err) }, 'queue error');
      });
      this.queues.set(definition.queue, queue);
    }
  }

  /** Connects and starts the roles. Throws (with the reason) if Redis does not answer in time. */
  static async start(options: RuntimeOptions): Promise<JobRuntime> {
    const runtime = new JobRuntime(options);
    try {
      await runtime.boot();
    } catch (err) {
      await runtime.abandon();
      throw err;
    }
    return runtime;
  }

  private async boot(): Promise<void> {
    const { roles } = this.options;
    await waitForReady(this.redis, describeRedis(this.target), this.options.connectTimeoutMs ?? 10_000);
    // Before anything schedules: BullMQ reads Date.now() for every slot and promotion.
    if (this.options.alignClockWithRedis ?? true) {
      this.releaseClock = installClusterClock();
      const skew = await syncWithRedis(this.redis);
      // Read before the alignment, from the machine's clock: restate it on Redis' (so are demo outages).
      this.startedAt -= skew;
      this.shouldFail = failureDecider(this.options.failureInjection, this.startedAt);
      this.noteClockSkew(skew);
    } else {
      this.noteClockSkew(await syncWithRedis(this.redis));
    }
    await this.checkRedisPolicy();
    if (roles.worker || roles.scheduler) await this.applyExclusivity();
    if (roles.scheduler) {
      await reconcileSchedulers({
        definitions: [...this.definitions.values()],
        retiredQueues: this.options.retiredQueues,
        beforeApply: this.options.hooks?.beforeSchedulerApply,
        queueFor: (name) => this.queues.get(name),
        redis: this.redis,
        prefix: this.options.prefix,
        keys: this.keys,
        demo: this.options.demo ?? false,
        jobOptions: (definition) => this.jobOptions(definition),
        log: this.log,
      });
    }
    // Seen before its workers can publish breaker states, which the heartbeat keeps only for seen instances.
    await this.beat();
    if (roles.worker) await this.startWorkers();
    this.log.info({ roles, queues: this.definitions.size }, 'job runtime started');
  }

  /** BullMQ loses jobs if Redis evicts keys: say so loudly at start. */
  private async checkRedisPolicy(): Promise<void> {
    // Every master: on a cluster each shard has its own setting.
    for (const node of masters(this.redis)) {
      try {
        const reply = (await node.config('GET', 'maxmemory-policy')) as string[];
        const policy = reply[1];
        if (policy && policy !== 'noeviction') {
          this.log.warn({ policy, node: `${node.options.host}:${node.options.port}` }, 'Redis maxmemory-policy is not "noeviction": Redis may evict job keys under memory pressure');
        }
      } catch {
        this.log.debug('could not read maxmemory-policy (CONFIG may be disabled)');
      }
    }
  }

  private async applyExclusivity(): Promise<void> {
    for (const [name, definition] of this.definitions) {
      const queue = this.queues.get(name)!;
      if (definition.exclusive) await queue.setGlobalConcurrency(1);
      else await queue.removeGlobalConcurrency();
    }
  }

  /** The options every job of a type gets, wherever it is added from. Retention is always bounded. */
  jobOptions(definition: AnyJobDefinition): JobsOptions {
    return {
      attempts: definition.attempts ?? 3,
      backoff: definition.backoff ?? { type: 'exponential', delay: 1_000 },
      ...(definition.priority ? { priority: definition.priority } : {}),
      removeOnComplete: { age: DAY_S, count: 1_000 },
      removeOnFail: { age: 14 * DAY_S, count: 10_000 },
    };
  }

  private async startWorkers(): Promise<void> {
    this.workerRedis = createRedis(this.target, 'worker');
    this.workerWatch = watchRedis(this.workerRedis, 'redis-worker', this.log);
    this.subscriber = createRedis(this.target, 'worker');
    watchRedis(this.subscriber, 'redis-subscriber', this.log);
    await this.subscriber.subscribe(this.keys.breakerResetChannel);
    this.subscriber.on('message', (_channel, queue: string) => this.breakers.get(queue)?.reset());

    for (const [name, definition] of this.definitions) {
      const breaker = new JobBreaker(name, definition.breaker, (snapshot) => this.publishBreaker(snapshot));
      this.breakers.set(name, breaker);
      // The processor takes two parameters, not BullMQ's optional third (an AbortSignal): BullMQ makes
      // an AbortController for every job of a processor that declares it, only for worker.cancelJob(),
      // which Bullpen never calls (timeouts have the executor's own signal). One AbortSignal per job
      // was measurable: see the executor's note and bench/runtime.bench.ts "CPU per job".
      const worker = new Worker(name, (job, token) => this.process(definition, breaker, job, token), {
        connection: this.workerRedis,
        prefix: queuePrefix(this.options.prefix, name),
        concurrency: definition.concurrency ?? 1,
        lockDuration: this.lockDurationOf(definition),
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        maxStalledCount: BULLMQ_STALL_LIMIT_OFF,
        metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
        name: this.instanceId,
      });
      worker.on('failed', (job, err) => {
        if (!job) return;
        const final = job.finishedOn !== undefined;
        this.emit({ type: 'job-failed', queue: name, jobId: job.id ?? '', attempt: job.attemptsMade, final, error: serializeError(err), at: Date.now() });
        if (final) void this.recordDeadLetter(job, err);
      });
      worker.on('stalled', (jobId) => {
        this.emit({ type: 'stalled', queue: name, jobId, at: Date.now() });
        void this.recordStall(name, jobId);
      });
      // Workers report their connections' errors too (BullMQ gives each a blocking connection of its
      // own): an outage is the worker connection's, logged once by its watch, not once per worker.
      worker.on('error', (err) => {
        if (isConnectionError(err)) this.workerWatch?.lost(err);
        else this.log.error({ queue: name, err: serializeError(err) }, 'worker error');
      });
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    const concurrency = [...this.definitions.values()].reduce((sum, d) => sum + (d.concurrency ?? 1), 0);
    if (this.slots && this.slots.limit >= concurrency) {
      this.log.warn(
        { maxActiveJobs: this.slots.limit, workerConcurrency: concurrency },
        'maxActiveJobs is not below the total worker concurrency: the priority pool never fills, so priorities across queues have no effect',
      );
    }
  }

  private lockDurationOf(definition: AnyJobDefinition): number {
    return definition.lockDurationMs ?? this.options.lockDurationMs ?? 30_000;
  }

  private receiptKey(queue: string, jobId: string | undefined): string {
    return `${this.keys.receipts}:${queue}:${jobId ?? ''}`;
  }

  /** The BullMQ processor for every type. */
  private async process(definition: AnyJobDefinition, breaker: JobBreaker, job: Job, token: string | undefined): Promise<JobResult> {
    const attempt = job.attemptsMade + 1;
    let attemptLog: Logger | undefined;
    const log = () => (attemptLog ??= this.log.child({ queue: definition.queue, jobId: job.id, attempt }));
    // Only a job put back as stalled can have a receipt: the common path costs nothing here.
    if (job.stalledCounter > 0) {
      const receipt = await this.redis.get(this.receiptKey(definition.queue, job.id));
      if (receipt !== null) {
        log().warn({ stalls: job.stalledCounter }, 'stalled job had completed in a run that lost its lock; completing it with that result, without running it again');
        return JSON.parse(receipt) as JobResult;
      }
      if (job.stalledCounter > STALL_LIMIT) {
        throw new UnrecoverableError(
          `job stalled ${job.stalledCounter} times (its lock lapsed each time) and no run of it completed; ` +
            `if its processor blocks the event loop, give the type a longer lockDurationMs`,
        );
      }
    }
    // A replayed dead letter and a retry of its original are two re-runs of one failure: one runs.
    if (this.deadLetters.isRerun(job)) {
      const claim = await this.deadLetters.claimForRun(job);
      if (!claim.run) {
        log().warn({ reason: claim.reason }, 'job not run: this failure was already re-run');
        return { status: 'skipped', summary: `Not run: ${claim.reason}`, counts: {}, durationMs: 0 };
      }
    }
    const startedAt = Date.now();
    let wroteOutbox = false;
    const run = () =>
      executeAttempt(
        definition,
        { id: job.id ?? '', name: job.name, queue: definition.queue, data: job.data, attempt, scheduledAt: scheduledAtOf(job) },
        {
          db: this.options.db,
          log,
          progress: (value) => job.updateProgress(value),
          injectFailure: this.shouldFail(definition.queue, job.id ?? ''),
          onOutboxWrite: () => {
            wroteOutbox = true;
          },
        },
      );
    this.activeJobs += 1;
    try {
      const guarded = () => breaker.run(run);
      const result = this.slots ? await this.slots.run(bullmqPriorityToSlotPriority(definition.priority), guarded) : await guarded();
      if (Date.now() - startedAt >= this.lockDurationOf(definition)) await this.keepReceiptIfLockLost(definition, job, token, result, log());
      if (this.log.isLevelEnabled('debug')) log().debug({ result }, 'job completed');
      if (wroteOutbox) await this.relayAfterAttempt(log());
      return result;
    } catch (err) {
      if (err instanceof BreakerOpenError) {
        // Back to the queue without using an attempt; the whole queue waits until the probe is due.
        await this.queues.get(definition.queue)!.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      const final = attempt >= (job.opts.attempts ?? 1);
      log()[final ? 'error' : 'warn']({ err: serializeError(err), final }, 'job attempt failed');
      throw err;
    } finally {
      this.activeJobs -= 1;
    }
  }

  /**
   * A run that lasted at least its lock duration may have lost the lock (the event loop could not renew
   * it): BullMQ will refuse its completion and the job runs again as stalled. Record the result so that
   * run completes with it rather than repeating the work, or failing the job as stalled.
   */
  private async keepReceiptIfLockLost(definition: AnyJobDefinition, job: Job, token: string | undefined, result: JobResult, log: Logger): Promise<void> {
    const queue = this.queues.get(definition.queue)!;
    try {
      const holder = await this.redis.get(`${queue.keys['']}${job.id}:lock`);
      if (holder === token) return;
      await this.redis.set(this.receiptKey(definition.queue, job.id), JSON.stringify(result), 'EX', RECEIPT_TTL_S);
      log.warn(
        { lockDurationMs: this.lockDurationOf(definition) },
        'job completed after its lock lapsed (the event loop was blocked, or Redis unreachable, for longer than the lock); it is run again as stalled, which completes it with this result',
      );
    } catch (err) {
      log.warn({ err: serializeError(err) }, 'could not check the lock of a long run; if it was lost, the job runs again');
    }
  }

  /** A job this instance's stalled check put back in its queue. */
  private async recordStall(queue: string, jobId: string): Promise<void> {
    const at = new Date();
    let stalledOn: string | undefined;
    try {
      // Who held the lapsed lock: BullMQ names the last worker (our instance id) until it is taken again.
      stalledOn = (await Job.fromId(this.queues.get(queue)!, jobId))?.processedBy;
    } catch {
      // Redis is failing: the stall is still logged, without that detail.
    }
    this.log.warn({ queue, jobId, stalledOn }, 'job stalled: its lock lapsed, so it was put back in its queue and runs again');
    for (const listener of this.stallListeners) listener({ queue, jobId, stalledOn });
    try {
      await Job.addJobLog(
        this.queues.get(queue)!,
        jobId,
        `stalled at ${at.toISOString()}: its lock lapsed on ${stalledOn ?? 'an unknown instance'}; put back in the queue by ${this.instanceId}`,
      );
      // Counted last: whoever sees the count can also see the job's note.
      await this.redis.hincrby(this.keys.stalls, queue, 1);
    } catch (err) {
      this.log.warn({ queue, jobId, err: serializeError(err) }, 'could not count a stall or note it in the job log');
    }
  }

  private async relayAfterAttempt(log: Logger): Promise<void> {
    try {
      this.reportRefused(await relayOutbox(this.options.db, this.queues, { maxBatches: 2 }));
    } catch (err) {
      // The outbox sweep will relay these rows later; the job itself succeeded.
      log.warn({ err: serializeError(err) }, 'outbox relay after job failed; the sweep will retry');
    }
  }

  private async recordDeadLetter(job: Job, err: Error): Promise<void> {
    try {
      await this.options.hooks?.beforeDeadLetterWrite?.(job);
      const letter = await this.deadLetters.record(job, err);
      if (letter) {
        this.emitDeadLetter(letter);
        this.log.error({ queue: job.queueName, jobId: job.id, err: serializeError(err) }, 'job is out of attempts: dead letter recorded');
      }
    } catch (writeErr) {
      this.log.error({ queue: job.queueName, jobId: job.id, err: serializeError(writeErr) }, 'dead letter write failed; the reconciler will record it');
    }
  }

  /** Alerts hear of a dead letter however it was written: by the failing worker or by the reconciler. */
  private emitDeadLetter(letter: RecordedLetter): void {
    this.emit({ type: 'dead-letter', queue: letter.queue, jobId: letter.jobId, error: letter.error, fingerprint: letter.fingerprint, at: Date.now() });
  }

  private emit(event: RuntimeEvent): void {
    // Listeners carry errors off this instance (alerts to Slack, webhooks, mail, the in-app feed): the
    // one masker first, as for every other surface. The dead letter's fingerprint is kept as stored.
    const told = 'error' in event ? { ...event, error: this.masker.value(event.error) as SerializedError } : event;
    try {
      this.options.onEvent?.(told);
    } catch (err) {
      this.log.error({ err: serializeError(err), event: event.type }, 'runtime event listener threw');
    }
  }

  private publishBreaker(snapshot: BreakerSnapshot): void {
    this.log.warn({ breaker: snapshot }, `circuit breaker ${snapshot.state}`);
    this.redis
      .hset(this.keys.breakers, `${snapshot.queue}|${this.instanceId}`, JSON.stringify({ ...snapshot, instanceId: this.instanceId, at: Date.now() }))
      .catch((err: unknown) => this.log.debug({ err: serializeError(err) }, 'could not publish breaker state'));
  }

  private noteClockSkew(skewMs: number): void {
    this.clockSkewMs = skewMs;
    const threshold = this.options.clockSkewWarnMs ?? 2_000;
    const now = localNow();
    if (Math.abs(skewMs) > threshold && now - this.lastSkewWarnAt > SKEW_WARN_EVERY_MS) {
      this.lastSkewWarnAt = now;
      this.log.warn(
        { clockSkewMs: skewMs, thresholdMs: threshold, aligned: this.releaseClock !== undefined },
        'this machine\'s clock differs from Redis\'; scheduling uses Redis\' clock, but fix the machine\'s time (NTP)',
      );
    }
  }

  private async beat(): Promise<void> {
    const threshold = this.options.clockSkewWarnMs ?? 2_000;
    const heartbeat: Omit<InstanceHeartbeat, 'lastSeenAt'> = {
      instanceId: this.instanceId,
      roles: this.options.roles,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      queues: this.options.roles.worker ? [...this.definitions.keys()] : [],
      clockSkewMs: this.clockSkewMs,
      clockSkewed: this.clockSkewMs !== undefined && Math.abs(this.clockSkewMs) > threshold,
      version: this.options.version ?? null,
    };
    try {
      const before = localNow();
      const redisNow = await this.cluster.beat(this.instanceId, heartbeat);
      this.noteClockSkew(recordRedisTime(redisNow, before, localNow()));
      if (this.heartbeatFailing) this.log.info('heartbeat written again');
      this.heartbeatFailing = false;
    } catch (err) {
      // A lost connection is its watch's story. A write refused by a Redis that still answers (OOM,
      // a read-only replica) shows only here: warn once per streak.
      if (this.producerWatch.isDown || isConnectionError(err) || this.heartbeatFailing) {
        this.log.debug({ err: serializeError(err) }, 'heartbeat failed');
      } else {
        this.heartbeatFailing = true;
        this.log.warn({ err: serializeError(err) }, 'heartbeat failed; other instances list this one as gone until it succeeds');
      }
    }
    if (!this.closing) {
      this.heartbeatTimer = setTimeout(() => void this.beat(), this.heartbeatEveryMs);
      this.heartbeatTimer.unref();
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  get queueNames(): string[] {
    return [...this.queues.keys()];
  }

  queue(name: string): Queue | undefined {
    return this.queues.get(name);
  }

  definition(name: string): AnyJobDefinition | undefined {
    return this.definitions.get(name);
  }

  /**
   * Statistics for every queue (or those named), in one Redis script call whatever the number of jobs.
   * Callers that ask for every queue while such a read is in flight share it (single flight: never a
   * cached result, only one that was still being read when they asked). Under 20 concurrent
   * dashboards most overview requests overlap another's read (bench/api.bench.ts, "concurrent
   * dashboards"). The result is shared: callers must not mutate it.
   */
  stats(names?: readonly string[]): Promise<QueueStats[]> {
    if (names) return readQueueStats(this.redis, names.map((name) => this.queues.get(name)).filter((q): q is Queue => q !== undefined));
    this.statsInFlight ??= readQueueStats(this.redis, [...this.queues.values()]).finally(() => {
      this.statsInFlight = undefined;
    });
    return this.statsInFlight;
  }

  async queueStats(name: string): Promise<QueueStats | undefined> {
    return this.queues.has(name) ? (await this.stats([name]))[0] : undefined;
  }

  /** Calls `listener` for every stalled job this instance's stalled checks put back. Returns the unsubscribe. */
  onStall(listener: (event: StallEvent) => void): () => void {
    this.stallListeners.add(listener);
    return () => this.stallListeners.delete(listener);
  }

  /** Stalled jobs put back in each queue since the keys were created, counted by every instance. */
  async stallCounts(): Promise<Record<string, number>> {
    const all = await this.redis.hgetall(this.keys.stalls);
    return Object.fromEntries(Object.entries(all).map(([queue, n]) => [queue, Number(n)]));
  }

  /** Jobs taken from their queue that wait for a slot of the instance-wide pool (`maxActiveJobs`). */
  get jobsWaitingForSlot(): number {
    return this.slots?.pending ?? 0;
  }

  /** This instance's breakers (empty without the worker role). */
  breakerStates(): BreakerSnapshot[] {
    return [...this.breakers.values()].map((b) => b.snapshot());
  }

  /** The last published breaker state of every live instance (a dead instance's entries are not shown, then expire). */
  async clusterBreakerStates(): Promise<Array<BreakerSnapshot & { instanceId: string; at: number }>> {
    return this.cluster.breakers();
  }

  /** Closes the breaker of `queue` on every instance. */
  async resetBreaker(queue: string): Promise<void> {
    this.breakers.get(queue)?.reset();
    await this.redis.publish(this.keys.breakerResetChannel, queue);
    const all = await this.redis.hkeys(this.keys.breakers);
    const stale = all.filter((field) => field.startsWith(`${queue}|`));
    if (stale.length > 0) await this.redis.hdel(this.keys.breakers, ...stale);
  }

  /**
   * The live instances: heartbeat within three beats by Redis' clock. Dead instances are not listed,
   * and the next heartbeat of any instance deletes their entries. `alive` is kept for API compatibility.
   */
  async instances(): Promise<Array<InstanceHeartbeat & { alive: boolean }>> {
    const live = await this.cluster.heartbeats<InstanceHeartbeat>();
    return live.map((h) => ({ ...h, version: h.version ?? null, alive: true })).sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  /** The BullMQ worker connections of every queue, on every instance, as Redis lists them. */
  workerConnections(): Promise<WorkerConnection[]> {
    return listWorkerConnections(this.redis, this.options.prefix, this.queueNames);
  }

  /** Instances that went silent within the last hour (SIGKILL, a lost machine), not those that stopped gracefully. */
  async lostInstances(): Promise<Array<InstanceHeartbeat & { lostAt: number }>> {
    const lost = await this.cluster.lost<InstanceHeartbeat>();
    return lost.map((h) => ({ ...h, version: h.version ?? null }));
  }

  /** Sweeps every queue's failed set into the dead-letter store now (the scheduled reconciler does this too). */
  reconcileDeadLetters(): Promise<number> {
    return this.deadLetters.reconcile([...this.queues.values()], this.redis, this.keys, (letter) => this.emitDeadLetter(letter));
  }

  /** Relays committed outbox rows into their queues now (the scheduled sweep does this too). */
  async relayOutbox(): Promise<number> {
    const result = await relayOutbox(this.options.db, this.queues);
    this.reportRefused(result);
    return result.relayed;
  }

  private reportRefused(result: RelayResult): void {
    for (const row of result.refused) {
      this.log.error({ queue: row.queue, jobId: row.jobId, outboxId: row.id, error: row.error }, 'outbox row refused by BullMQ; marked and no longer relayed');
    }
  }

  /** What waits in the outbox, and what this instance cannot relay. */
  outboxBacklog(): Promise<OutboxBacklog> {
    return outboxBacklog(this.options.db, this.queueNames);
  }

  /**
   * The scheduled outbox sweep: relays leftovers, deletes relayed rows past the retention (bounded
   * batches), and reports rows it cannot relay.
   */
  async sweepOutbox(): Promise<{ relayed: number; pruned: number; backlog: OutboxBacklog }> {
    const relayed = await this.relayOutbox();
    const pruned = await pruneOutbox(this.options.db, { retentionMs: this.options.outboxRetentionMs ?? 7 * DAY_S * 1000 });
    await markUnknownQueueRows(this.options.db, this.queueNames, this.instanceId);
    const backlog = await this.outboxBacklog();
    const unknown = Object.keys(backlog.unknownQueues);
    if (unknown.length > 0 || backlog.refused > 0) {
      this.log.warn({ unknownQueues: backlog.unknownQueues, refused: backlog.refused }, 'outbox rows this instance cannot relay');
    }
    return { relayed, pruned, backlog };
  }

  // ---- acting --------------------------------------------------------------------------------

  /** Adds a job of a registered type. */
  async enqueue(queueName: string, data: Record<string, unknown> = {}, opts: JobsOptions = {}): Promise<Job> {
    const queue = this.queues.get(queueName);
    if (!queue) throw new Error(`Unknown queue "${queueName}"; known: ${this.queueNames.join(', ')}`);
    const job = await queue.add(queueName, data, opts);
    await this.awaitReplicas();
    return job;
  }

  /**
   * With `waitForReplicas`, resolves once that many replicas have every write this connection made so
   * far (Redis WAIT), so an added job survives a failover; throws when they do not within 2 s (the
   * caller may add again: with a job id, adding again is harmless).
   */
  private async awaitReplicas(): Promise<void> {
    const wanted = typeof this.target === 'string' ? 0 : (this.target.waitForReplicas ?? 0);
    if (wanted <= 0 || this.redis instanceof Cluster) return;
    const acknowledged = await this.redis.wait(wanted, 2_000);
    if (acknowledged < wanted) {
      throw new Error(`Redis took the job, but only ${acknowledged} of ${wanted} replicas have it after 2 s: a failover now could lose it`);
    }
  }

  async schedules(): Promise<ScheduleInfo[]> {
    const paused = new Set(await this.redis.smembers(this.keys.pausedSchedules));
    const out: ScheduleInfo[] = [];
    for (const [name, definition] of this.definitions) {
      const schedule = activeSchedule(definition, this.options.demo ?? false);
      if (!schedule) continue;
      const queue = this.queues.get(name)!;
      const [scheduler, lastCompleted, lastFailed] = await Promise.all([
        queue.getJobScheduler(name),
        this.redis.zrevrange(queue.keys.completed!, 0, 0, 'WITHSCORES'),
        this.redis.zrevrange(queue.keys.failed!, 0, 0, 'WITHSCORES'),
      ]);
      const last = Math.max(Number(lastCompleted[1] ?? 0), Number(lastFailed[1] ?? 0));
      const lastState = last === 0 ? null : Number(lastCompleted[1] ?? 0) === last ? ('completed' as const) : ('failed' as const);
      const lastJobId = lastState === 'completed' ? lastCompleted[0]! : lastState === 'failed' ? lastFailed[0]! : null;
      // Two fields of the job hash, not the job: its data may be large.
      const [returnvalue, failedReason] = lastJobId ? await this.redis.hmget(queue.toKey(lastJobId), 'returnvalue', 'failedReason') : [null, null];
      out.push({
        id: name,
        queue: name,
        description: definition.description,
        pattern: 'pattern' in schedule ? schedule.pattern : null,
        every: 'every' in schedule ? schedule.every : null,
        tz: 'pattern' in schedule ? (schedule.tz ?? 'UTC') : null,
        next: scheduler?.next ?? null,
        lastRunAt: last > 0 ? last : null,
        lastRun:
          lastState && lastJobId
            ? { jobId: lastJobId, state: lastState, finishedAt: last, summary: lastState === 'completed' ? summaryOf(returnvalue ?? null) : null, failedReason: lastState === 'failed' ? (failedReason ?? null) : null }
            : null,
        paused: paused.has(name),
      });
    }
    return out;
  }

  /**
   * Runs a scheduled type now, outside its cadence. Every call is its own run: the id is random, not
   * the millisecond (same-millisecond triggers used to merge into one job behind several 202s).
   */
  async triggerSchedule(id: string): Promise<Job> {
    const definition = this.definitions.get(id);
    if (!definition) throw new Error(`Unknown schedule "${id}"`);
    return this.enqueue(id, {}, { jobId: `manual-${id}-${randomUUID()}` });
  }

  /** Pauses a schedule on every instance; sticks even when a restarting instance reconciles at the same time. */
  async pauseSchedule(id: string): Promise<void> {
    await this.redis.sadd(this.keys.pausedSchedules, id);
    await this.convergeSchedule(id);
  }

  async resumeSchedule(id: string): Promise<void> {
    await this.redis.srem(this.keys.pausedSchedules, id);
    await this.convergeSchedule(id);
  }

  private async convergeSchedule(id: string): Promise<void> {
    const queue = this.queues.get(id);
    if (!queue) return;
    const definition = this.definitions.get(id)!;
    const retired = (await this.redis.sismember(this.keys.retiredQueues, id)) === 1;
    await convergeScheduler({
      queue,
      schedule: retired ? undefined : activeSchedule(definition, this.options.demo ?? false),
      jobOptions: this.jobOptions(definition),
      redis: this.redis,
      keys: this.keys,
      log: this.log,
    });
  }

  // ---- shutting down -------------------------------------------------------------------------

  /**
   * Stops taking jobs, waits up to the drain timeout for active ones, then releases connections.
   * Idempotent. Installs no signal handlers: the host process decides when to call it.
   */
  close(): Promise<CloseResult> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<CloseResult> {
    clearTimeout(this.heartbeatTimer);
    const drainTimeoutMs = this.options.drainTimeoutMs ?? 25_000;
    this.log.info({ drainTimeoutMs }, 'draining workers');
    let deadline: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(this.workers.map((w) => w.close())).then(() => true),
      new Promise<boolean>((resolve) => {
        deadline = setTimeout(() => resolve(false), drainTimeoutMs);
      }),
    ]);
    clearTimeout(deadline);
    if (!drained) {
      this.log.warn({ drainTimeoutMs, active: this.activeJobs }, 'drain deadline passed; unfinished jobs will be recovered as stalled by another worker');
    }
    try {
      await this.cluster.farewell(this.instanceId);
    } catch {
      // Redis is down: the heartbeat goes stale and the entries expire by themselves.
    }
    if (drained) {
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    }
    this.subscriber?.disconnect();
    this.workerRedis?.disconnect();
    this.redis.disconnect();
    this.releaseClock?.();
    this.log.info({ drained }, 'job runtime closed');
    return { drained };
  }

  /** Releases what a failed start opened. */
  private async abandon(): Promise<void> {
    clearTimeout(this.heartbeatTimer);
    this.releaseClock?.();
    await Promise.allSettled(this.workers.map((w) => w.close(true)));
    this.subscriber?.disconnect();
    this.workerRedis?.disconnect();
    this.redis.disconnect();
  }
}

/** The summary line of a stored job result (JSON of JobResult), or null when there is none. */
function summaryOf(returnvalue: string | null): string | null {
  if (!returnvalue) return null;
  try {
    const summary = (JSON.parse(returnvalue) as { summary?: unknown } | null)?.summary;
    return typeof summary === 'string' ? summary : null;
  } catch {
    return null;
  }
}

export function startRuntime(options: RuntimeOptions): Promise<JobRuntime> {
  return JobRuntime.start(options);
}
