import type { Database } from '@bullpen/db';
import type { Logger } from 'pino';
import {
  jobResultSchema,
  type AnyJobDefinition,
  type JobContext,
  type JobResult,
} from '../definition.js';
import { writeOutbox } from './outbox.js';
import { InjectedFailureError, InvalidJobInputError, InvalidJobResultError, JobTimeoutError } from '../errors.js';

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
  log: Logger;
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
 * timeout, fails the attempt at the deadline even if the processor ignores the signal, and checks the
 * result against the standard shape.
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
  // Errors are built only when the deadline passes: capturing a stack on every attempt is costly.
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  const timer = setTimeout(() => controller.abort(new JobTimeoutError(definition.queue, definition.timeoutMs)), definition.timeoutMs);
  // The processor may ignore its signal; the attempt still ends at the deadline.
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => {
      const reason: unknown = controller.signal.reason;
      reject(reason instanceof Error ? reason : new JobTimeoutError(definition.queue, definition.timeoutMs));
    };
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);

  const context: JobContext<unknown> = {
    input: parsed.data,
    signal: controller.signal,
    log: options.log,
    db: options.db,
    job: { id: attempt.id, name: attempt.name, queue: attempt.queue, attempt: attempt.attempt, scheduledAt: attempt.scheduledAt },
    progress: options.progress ?? (async () => undefined),
    async enqueueAfterCommit(tx, entries) {
      await writeOutbox(tx, entries);
      if (entries.length > 0) options.onOutboxWrite?.();
    },
  };

  const started = performance.now();
  try {
    const outcome = await Promise.race([definition.process(context), aborted]);
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
