// Prometheus metrics, read on scrape: per-queue counts by state, completed/failed per minute, job
// durations by type, breaker state, dead letters, instance heartbeats. One registry per app, so two
// apps in one process (tests) never share series. Durations come from a bounded sweep of the finished
// sets since the last scrape (at most SWEEP_LIMIT jobs per set per scrape), not from scanning jobs.
import { deadLetters, type DatabaseHandle } from '@bullpen/db';
import type { JobRuntime } from '@bullpen/jobs';
import { count, eq } from 'drizzle-orm';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { isRedisUnavailable } from './http/api-error.js';

const SWEEP_LIMIT = 1_000;
const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export class OpsMetrics {
  readonly registry = new Registry();
  private readonly watermarks = new Map<string, number>();
  private readonly jobs: Gauge;
  private readonly paused: Gauge;
  private readonly completedRate: Gauge;
  private readonly failedRate: Gauge;
  private readonly duration: Histogram;
  private readonly breaker: Gauge;
  private readonly dead: Gauge;
  private readonly instanceUp: Gauge;
  private readonly redisUp: Gauge;
  private readonly databaseUp: Gauge;
  private readonly redisUsedMemory: Gauge;
  private readonly redisMaxMemory: Gauge;

  constructor(
    private readonly runtime: JobRuntime,
    private readonly database: DatabaseHandle,
    private readonly log: Logger,
    since = Date.now(),
  ) {
    const registers = [this.registry];
    // Prometheus' standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, …), unprefixed,
    // so stock Node.js dashboards and alerts work; the instance label comes from the scrape target.
    collectDefaultMetrics({ register: this.registry });
    this.jobs = new Gauge({ name: 'bullpen_queue_jobs', help: 'Jobs in a queue by state', labelNames: ['queue', 'state'], registers });
    this.paused = new Gauge({ name: 'bullpen_queue_paused', help: '1 when the queue is paused', labelNames: ['queue'], registers });
    this.completedRate = new Gauge({ name: 'bullpen_queue_completed_per_minute', help: 'Jobs completed in the last full minute (BullMQ metrics)', labelNames: ['queue'], registers });
    this.failedRate = new Gauge({ name: 'bullpen_queue_failed_per_minute', help: 'Attempts failed in the last full minute (BullMQ metrics)', labelNames: ['queue'], registers });
    this.duration = new Histogram({
      name: 'bullpen_job_duration_seconds',
      help: 'Processing time of finished jobs by type (queue) and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.breaker = new Gauge({ name: 'bullpen_breaker_state', help: 'Circuit breaker: 0 closed, 1 half-open, 2 open', labelNames: ['queue', 'instance'], registers });
    this.dead = new Gauge({ name: 'bullpen_dead_letters', help: 'Dead letters waiting for an operator (status dead)', labelNames: ['queue'], registers });
    this.instanceUp = new Gauge({ name: 'bullpen_instance_up', help: '1 while an instance heartbeats, 0 once its heartbeat is stale', labelNames: ['instance'], registers });
    this.redisUp = new Gauge({ name: 'bullpen_redis_up', help: '1 when Redis answered this scrape', registers });
    this.databaseUp = new Gauge({ name: 'bullpen_database_up', help: '1 when PostgreSQL answered this scrape', registers });
    // At maxmemory with noeviction Redis refuses every write (jobs cannot be added, locked or finished):
    // alert on used / max well before 1. maxmemory 0 means no limit.
    this.redisUsedMemory = new Gauge({ name: 'bullpen_redis_used_memory_bytes', help: 'Redis used_memory (INFO memory)', registers });
    this.redisMaxMemory = new Gauge({ name: 'bullpen_redis_maxmemory_bytes', help: 'Redis maxmemory (INFO memory); 0 means no limit', registers });
    for (const name of runtime.queueNames) this.watermarks.set(name, since);
  }

  async render(): Promise<string> {
    await Promise.all([this.readRedis(), this.readRedisMemory(), this.readDatabase()]);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async readRedis(): Promise<void> {
    try {
      const [stats, breakers, instances] = await Promise.all([this.runtime.stats(), this.runtime.clusterBreakerStates(), this.runtime.instances()]);
      this.jobs.reset();
      this.breaker.reset();
      this.instanceUp.reset();
      for (const s of stats) {
        for (const [state, n] of Object.entries(s.counts)) this.jobs.set({ queue: s.queue, state }, n);
        this.paused.set({ queue: s.queue }, s.paused ? 1 : 0);
        this.completedRate.set({ queue: s.queue }, s.completedPerMinute[1] ?? 0);
        this.failedRate.set({ queue: s.queue }, s.failedPerMinute[1] ?? 0);
      }
      for (const b of [...breakers, ...this.runtime.breakerStates().map((b) => ({ ...b, instanceId: this.runtime.instanceId }))]) {
        this.breaker.set({ queue: b.queue, instance: b.instanceId }, BREAKER_VALUE[b.state]);
      }
      for (const i of instances) this.instanceUp.set({ instance: i.instanceId }, i.alive ? 1 : 0);
      await this.sweepDurations();
      this.redisUp.set(1);
    } catch (err) {
      if (!isRedisUnavailable(err)) this.log.warn({ err }, 'metrics: reading Redis failed');
      this.redisUp.set(0);
    }
  }

  private async readRedisMemory(): Promise<void> {
    try {
      const info = await this.runtime.redis.info('memory');
      const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
      this.redisUsedMemory.set(field('used_memory'));
      this.redisMaxMemory.set(field('maxmemory'));
    } catch {
      // Redis down: bullpen_redis_up says so; stale memory figures would mislead, so drop them.
      this.redisUsedMemory.reset();
      this.redisMaxMemory.reset();
    }
  }

  private async sweepDurations(): Promise<void> {
    for (const name of this.runtime.queueNames) {
      const queue = this.runtime.queue(name)!;
      let highest = this.watermarks.get(name) ?? Date.now();
      for (const outcome of ['completed', 'failed'] as const) {
        const key = queue.keys[outcome]!;
        const entries = await this.runtime.redis.zrangebyscore(key, `(${this.watermarks.get(name)}`, '+inf', 'WITHSCORES', 'LIMIT', 0, SWEEP_LIMIT);
        if (entries.length === 0) continue;
        const pipeline = this.runtime.redis.pipeline();
        for (let i = 0; i < entries.length; i += 2) pipeline.hmget(`${queue.keys['']}${entries[i]}`, 'processedOn', 'finishedOn');
        const replies = (await pipeline.exec()) ?? [];
        for (const [err, value] of replies) {
          const [processedOn, finishedOn] = (value ?? []) as Array<string | null>;
          if (err || !processedOn || !finishedOn) continue;
          this.duration.observe({ queue: name, outcome }, Math.max(0, Number(finishedOn) - Number(processedOn)) / 1000);
        }
        for (let i = 1; i < entries.length; i += 2) highest = Math.max(highest, Number(entries[i]));
      }
      this.watermarks.set(name, highest);
    }
  }

  private async readDatabase(): Promise<void> {
    try {
      const rows = await this.database.db.select({ queue: deadLetters.queue, n: count() }).from(deadLetters).where(eq(deadLetters.status, 'dead')).groupBy(deadLetters.queue);
      this.dead.reset();
      for (const name of this.runtime.queueNames) this.dead.set({ queue: name }, 0);
      for (const row of rows) this.dead.set({ queue: row.queue }, row.n);
      this.databaseUp.set(1);
    } catch (err) {
      this.log.warn({ err }, 'metrics: reading PostgreSQL failed');
      this.databaseUp.set(0);
    }
  }
}
