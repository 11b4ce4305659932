import { UnrecoverableError } from 'bullmq';
import type { SerializedErrorRecord } from '@bullpen/db';

/** The serializable shape of any throwable: name, message, stack, code and the whole cause chain. */
export type SerializedError = SerializedErrorRecord;

/** An attempt ran past its job type's timeout. Counts as a failed attempt. */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
  readonly code = 'JOB_TIMEOUT';
  constructor(readonly queue: string, readonly timeoutMs: number) {
    super(`Job on "${queue}" exceeded its ${timeoutMs} ms timeout and was aborted`);
  }
}

/**
 * The job's data does not match its type's input schema. Retrying cannot help, so it extends BullMQ's
 * UnrecoverableError and goes straight to the dead letters, where it can be fixed and replayed.
 */
export class InvalidJobInputError extends UnrecoverableError {
  override readonly name = 'InvalidJobInputError';
  readonly code = 'INVALID_INPUT';
  constructor(readonly queue: string, readonly issues: Array<{ path: string; message: string }>) {
    super(`Invalid input for "${queue}": ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** A processor returned something other than the standard result shape: a bug in the job type. */
export class InvalidJobResultError extends UnrecoverableError {
  override readonly name = 'InvalidJobResultError';
  readonly code = 'INVALID_RESULT';
  constructor(readonly queue: string, detail: string) {
    super(`Job type "${queue}" returned a result of the wrong shape: ${detail}`);
  }
}

/** Demo mode's deliberate failure, so retries, dead letters and breaker trips can be seen at once. */
export class InjectedFailureError extends Error {
  override readonly name = 'InjectedFailureError';
  readonly code = 'INJECTED_FAILURE';
  constructor(readonly queue: string) {
    super(`Injected failure on "${queue}" (demo failure injection)`);
  }
}

const MAX_CAUSE_DEPTH = 8;

/** Turns anything thrown into a plain object, keeping the cause chain. Never `String(err)`. */
export function serializeError(value: unknown, depth = 0): SerializedError {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const cause = (value as { cause?: unknown }).cause;
    return {
      name: value.name,
      message: value.message,
      stack: value.stack,
      code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
      cause: cause !== undefined && depth < MAX_CAUSE_DEPTH ? serializeError(cause, depth + 1) : undefined,
    };
  }
  let message: string;
  try {
    message = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    message = Object.prototype.toString.call(value);
  }
  return { name: 'NonError', message };
}

/**
 * Groups errors that share a cause: the error name plus its message with numbers, ids and quoted values
 * blanked out, so "user 17 not found" and "user 42 not found" land in one group.
 */
export function errorFingerprint(error: Pick<SerializedError, 'name' | 'message'>): string {
  const normalized = error.message
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/\b[0-9a-f]{8}-[0-9a-f-]{27,}\b/gi, '<uuid>')
    .replace(/\d+/g, '<n>')
    .slice(0, 200);
  return `${error.name}: ${normalized}`;
}
