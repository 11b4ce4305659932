import type { Database } from '@bullpen/db';
import type { Logger } from 'pino';
import {
  jobResultSchema,
  type AnyJobDefinition,
  type JobContext,
  type JobResult,
} from '../definition.js';
import { attemptDatabase } from './attempt-database.js';
import { writeOutbox } from './outbox.js';
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
export async function executeAttempt(
  definition: AnyJobDefinition,
  attempt: Attempt,
  options: ExecuteOptions,
): Promise<JobResult> {
  const parsed = definition.input.safeParse(attempt.data ?? {});
  if (!parsed.success) {
    throw new InvalidJobInputError(
      definition.queue,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  if (options.injectFailure) {
    throw new InjectedFailureError(definition.queue);
  }

  const controller = new AbortController();
  // The processor may ignore its signal; the attempt still ends when it fires, through this promise.
  let fail: (reason: unknown) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    fail = reject;
  });
  aborted.catch(() => undefined);
  const abort = (reason: unknown) => {
    controller.abort(reason);
    fail(reason);
  };
  const onOuterAbort = () => abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // The error is built only when the deadline passes: capturing a stack on every attempt is costly.
  const deadline = Date.now() + definition.timeoutMs;
  const timer = setTimeout(() => abort(new JobTimeoutError(definition.queue, definition.timeoutMs)), definition.timeoutMs);
  const log = options.log;
  let childLog: Logger | undefined;
  let attemptDb: Database | undefined;

  const context: JobContext<unknown> = {
    input: parsed.data,
    signal: controller.signal,
    // Made on first use: most attempts never log, and a child logger per attempt adds up.
    get log() {
      return (childLog ??= typeof log === 'function' ? log() : log);
    },
    // Made on first use, like the logger: many attempts never touch the database.
    get db() {
      return (attemptDb ??= attemptDatabase(options.db, controller.signal, deadline));
    },
    job: { id: attempt.id, name: attempt.name, queue: attempt.queue, attempt: attempt.attempt, scheduledAt: attempt.scheduledAt },
    progress: options.progress ?? (async () => undefined),
    async enqueueAfterCommit(tx, entries) {
      await writeOutbox(tx, entries);
      if (entries.length > 0) options.onOutboxWrite?.();
    },
  };

  const started = performance.now();
  let processing: Promise<Awaited<ReturnType<typeof definition.process>>>;
  try {
    processing = definition.process(context);
  } catch (err) {
    processing = Promise.reject(err);
  }
  let processorSettled = false;
  const settled = processing.then(
    () => (processorSettled = true),
    () => (processorSettled = true),
  );
  try {
    const outcome = await Promise.race([processing, aborted]).catch(async (err: unknown) => {
      if (controller.signal.aborted && !processorSettled) {
        // Hold the attempt until the processor stops. One that honours its signal stops within the
        // grace below and is not reported; one that ignores it is, when it stops too.
        const held = performance.now();
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([settled, new Promise((resolve) => (grace = setTimeout(resolve, IGNORED_ABORT_GRACE_MS)))]);
        clearTimeout(grace);
        if (!processorSettled) {
          childLog ??= typeof log === 'function' ? log() : log;
          childLog.warn({ err: serializeError(err) }, 'attempt aborted but its processor has not stopped; the job keeps its slots until it does');
          await settled;
          childLog.warn({ heldMs: Math.round(performance.now() - held) }, 'aborted processor stopped; releasing the job');
        }
      }
      throw err;
    });
    const result = jobResultSchema.safeParse({
      status: outcome?.status ?? 'ok',
      summary: outcome?.summary,
      counts: outcome?.counts ?? {},
      durationMs: Math.round(performance.now() - started),
    });
    if (!result.success) {
      throw new InvalidJobResultError(definition.queue, result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    return result.data;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
