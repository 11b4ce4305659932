import type { Database } from '@bullpen/db';
import type { Logger } from 'pino';
import {
  jobResultSchema,
  type AnyJobDefinition,
  type JobContext,
  type JobResult,
} from '../definition.js';
import { attemptDatabase } from './attempt-database.js';
import { writeOutbox, type Executor as OutboxExecutor, type OutboxEntry } from './outbox.js';
import { InjectedFailureError, InvalidJobInputError, InvalidJobResultError, JobTimeoutError, serializeError } from '../errors.js';

/** How long a processor may take to stop after its signal fires before it is reported as ignoring it. */
const IGNORED_ABORT_GRACE_MS = 1_000;

/** One attempt of one job, as the executor sees it (BullMQ-free, so tests can run processors directly). */
export interface Attempt {
  id: string;
  name: string;
  queue: string;
  data: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  scheduledAt: Date;
}

export interface ExecuteOptions {
  db: Database;
  /** The attempt's logger, or a function that makes it when first needed. */
  log: Logger | (() => Logger);
  /** Aborts the attempt from outside (BullMQ cancellation). The timeout is added on top. */
  signal?: AbortSignal | undefined;
  progress?: ((value: number | Record<string, unknown>) => Promise<void>) | undefined;
  /** Called when the processor wrote to the outbox, so the caller can relay right after the attempt. */
  onOutboxWrite?: (() => void) | undefined;
  /** Fail the attempt on purpose before the processor runs (demo mode's failure injection). */
  injectFailure?: boolean | undefined;
}

/**
 * Runs one attempt: validates the input, gives the processor an AbortSignal that fires at the type's
 * timeout, and checks the result against the standard shape.
 *
 * At the deadline the attempt is failed (JobTimeoutError) but not released: the processor's database
 * work is cut off (see attempt-database.ts), and this function settles only once the processor has
 * really stopped. Until then the job stays active in BullMQ, so an exclusive type's slot, the priority
 * slot and the job's lock stay taken and a retry cannot overlap the run it replaces.
 */
export function executeAttempt(
  definition: AnyJobDefinition,
  attempt: Attempt,
  options: ExecuteOptions,
): Promise<JobResult> {
  const parsed = definition.input.safeParse(attempt.data ?? {});
  if (!parsed.success) {
    return Promise.reject(
      new InvalidJobInputError(
        definition.queue,
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      ),
    );
  }
  if (options.injectFailure) {
    return Promise.reject(new InjectedFailureError(definition.queue));
  }
  return new AttemptRun(definition, attempt, options, parsed.data).result();
}

type ProcessorOutcome = Awaited<ReturnType<AnyJobDefinition['process']>>;

/**
 * One attempt in flight, and the context its processor sees.
 *
 * Everything an attempt needs only sometimes is made on first use: the AbortController (when the
 * processor reads `signal` or opens `db`, or at the abort itself), the child logger and the attempt's
 * database. On the common path an attempt costs one object, one timer, one promise around the
 * processor's and one async frame. This is the runtime's hottest code: in bench/runtime.bench.ts ("CPU per job"), an
 * AbortSignal per attempt took 15 % of the CPU and the garbage collector 39 %, and the earlier shape
 * (a rejection promise raced against the processor, a settled-promise and a catch wrapper) cost about
 * 6.5 µs per attempt, where the no-op job's bare BullMQ budget is about 55 µs in all.
 */
class AttemptRun implements JobContext<unknown> {
  readonly started = performance.now();
  readonly job: JobContext<unknown>['job'];
  private readonly deadline: number;
  private readonly timer: NodeJS.Timeout;
  private controller: AbortController | undefined;
  private abortReason: { reason: unknown } | undefined;
  private endEarly: ((reason: unknown) => void) | undefined;
  private processing: Promise<ProcessorOutcome> | undefined;
  private processorSettled = false;
  private childLog: Logger | undefined;
  private attemptDb: Database | undefined;
  private readonly onOuterAbort: (() => void) | undefined;

  constructor(
    private readonly definition: AnyJobDefinition,
    attempt: Attempt,
    private readonly options: ExecuteOptions,
    readonly input: unknown,
  ) {
    this.job = { id: attempt.id, name: attempt.name, queue: attempt.queue, attempt: attempt.attempt, scheduledAt: attempt.scheduledAt };
    // The error is built only when the deadline passes: capturing a stack on every attempt is costly.
    this.deadline = Date.now() + definition.timeoutMs;
    this.timer = setTimeout(() => this.abort(new JobTimeoutError(definition.queue, definition.timeoutMs)), definition.timeoutMs);
    const outer = options.signal;
    if (outer) {
      this.onOuterAbort = () => this.abort(outer.reason);
      if (outer.aborted) this.onOuterAbort();
      else outer.addEventListener('abort', this.onOuterAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason.reason);
    }
    return this.controller.signal;
  }

  // Most attempts never log: a child logger per attempt adds up.
  get log(): Logger {
    const log = this.options.log;
    return (this.childLog ??= typeof log === 'function' ? log() : log);
  }

  get db(): Database {
    return (this.attemptDb ??= attemptDatabase(this.options.db, this.signal, this.deadline));
  }

  // Fields, not methods: processors may destructure them from their context.
  readonly progress = (value: number | Record<string, unknown>): Promise<void> =>
    this.options.progress ? this.options.progress(value) : Promise.resolve();

  readonly enqueueAfterCommit = async (tx: OutboxExecutor, entries: readonly OutboxEntry[]): Promise<void> => {
    await writeOutbox(tx, entries);
    if (entries.length > 0) this.options.onOutboxWrite?.();
  };

  /**
   * The attempt's result: the processor's outcome in the standard shape, or the abort reason as soon
   * as the attempt is aborted. After an abort it settles only once the processor has stopped: one
   * that honours its signal stops within the grace below and is not reported; one that ignores it is,
   * and again when it stops.
   */
  async result(): Promise<JobResult> {
    let outcome: ProcessorOutcome;
    try {
      outcome = await new Promise<ProcessorOutcome>((resolve, reject) => {
        this.endEarly = reject;
        if (this.abortReason) return reject(this.abortReason.reason);
        try {
          this.processing = this.definition.process(this);
        } catch (err) {
          this.processorSettled = true;
          return reject(err);
        }
        this.processing.then(
          (value) => {
            this.processorSettled = true;
            resolve(value);
          },
          (err: unknown) => {
            this.processorSettled = true;
            reject(err);
          },
        );
      });
    } catch (err) {
      if (this.abortReason && !this.processorSettled && this.processing) await this.untilProcessorStops(this.processing);
      throw err;
    } finally {
      clearTimeout(this.timer);
      if (this.onOuterAbort) this.options.signal?.removeEventListener('abort', this.onOuterAbort);
    }
    const result = jobResultSchema.safeParse({
      status: outcome?.status ?? 'ok',
      summary: outcome?.summary,
      counts: outcome?.counts ?? {},
      durationMs: Math.round(performance.now() - this.started),
    });
    if (!result.success) {
      throw new InvalidJobResultError(this.definition.queue, result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    return result.data;
  }

  private abort(reason: unknown): void {
    if (this.abortReason) return;
    this.abortReason = { reason };
    this.controller?.abort(reason);
    this.endEarly?.(reason);
  }

  private async untilProcessorStops(processing: Promise<unknown>): Promise<void> {
    const settled = processing.then(
      () => undefined,
      () => undefined,
    );
    const held = performance.now();
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((resolve) => (grace = setTimeout(resolve, IGNORED_ABORT_GRACE_MS)))]);
    clearTimeout(grace);
    if (!this.processorSettled) {
      this.log.warn({ err: serializeError(this.abortReason?.reason) }, 'attempt aborted but its processor has not stopped; the job keeps its slots until it does');
      await settled;
      this.log.warn({ heldMs: Math.round(performance.now() - held) }, 'aborted processor stopped; releasing the job');
    }
  }
}
