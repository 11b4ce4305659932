/**
 * Circuit breaker per job type, on cockatiel.
 *
 * States: closed (jobs run) → open after `threshold` consecutive failures (jobs wait without using
 * attempts) → half-open after `halfOpenAfterMs` (one probe job runs) → closed when the probe succeeds,
 * open again when it fails. `reset()` returns to closed at once.
 *
 * While the breaker is not letting a job through, `run` throws BreakerOpenError with how long to wait;
 * the worker turns that into BullMQ's manual rate limit, which puts the job back in the queue without
 * counting an attempt and holds the whole queue (on every instance) for that long.
 */
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { BreakerOptions } from '../definition.js';
import { InvalidJobInputError, InvalidJobResultError } from '../errors.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSnapshot {
  queue: string;
  state: BreakerState;
  /** Consecutive failures counted towards opening. */
  failures: number;
  threshold: number;
  halfOpenAfterMs: number;
  /** When the breaker last opened (ms since epoch), if it is open or half-open. */
  openedAt: number | null;
}

export class BreakerOpenError extends Error {
  override readonly name = 'BreakerOpenError';
  readonly code = 'BREAKER_OPEN';
  constructor(readonly queue: string, readonly retryAfterMs: number) {
    super(`Circuit breaker for "${queue}" is open; retry in ${retryAfterMs} ms`);
  }
}

/** Bad input or a malformed result is the job's own fault, not a sign the dependency is down. */
const countsAsFailure = (err: unknown) => !(err instanceof InvalidJobInputError || err instanceof InvalidJobResultError);

/** While half-open, jobs other than the probe re-check this often. */
const HALF_OPEN_RECHECK_MS = 250;

export class JobBreaker {
  readonly threshold: number;
  readonly halfOpenAfterMs: number;
  private policy!: CircuitBreakerPolicy;
  private failures = 0;
  private openedAt: number | null = null;

  constructor(
    readonly queue: string,
    options: BreakerOptions = {},
    private readonly onChange: (snapshot: BreakerSnapshot) => void = () => undefined,
  ) {
    this.threshold = options.threshold ?? 5;
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
    if (this.threshold < 1) throw new Error(`Breaker threshold for "${queue}" must be at least 1 (got ${this.threshold}).`);
    this.build();
  }

  private build(): void {
    this.policy = circuitBreaker(handleWhen(countsAsFailure), {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(this.threshold),
    });
    this.policy.onFailure(({ reason }) => {
      if ('error' in reason && countsAsFailure(reason.error)) this.failures += 1;
    });
    this.policy.onSuccess(() => {
      this.failures = 0;
    });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
      this.onChange(this.snapshot());
    });
    this.policy.onHalfOpen(() => this.onChange(this.snapshot()));
    this.policy.onReset(() => {
      this.openedAt = null;
      this.failures = 0;
      this.onChange(this.snapshot());
    });
  }

  get state(): BreakerState {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'open';
    }
  }

  /** Runs `fn` through the breaker, or throws BreakerOpenError without running it. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(fn);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        const untilProbe = (this.openedAt ?? Date.now()) + this.halfOpenAfterMs - Date.now();
        throw new BreakerOpenError(this.queue, Math.max(untilProbe, HALF_OPEN_RECHECK_MS));
      }
      throw err;
    }
  }

  /** Closes the breaker at once (operator action). */
  reset(): void {
    const wasClosed = this.state === 'closed';
    this.failures = 0;
    this.openedAt = null;
    this.build();
    if (!wasClosed) this.onChange(this.snapshot());
  }

  snapshot(): BreakerSnapshot {
    return {
      queue: this.queue,
      state: this.state,
      failures: this.failures,
      threshold: this.threshold,
      halfOpenAfterMs: this.halfOpenAfterMs,
      openedAt: this.openedAt,
    };
  }
}
