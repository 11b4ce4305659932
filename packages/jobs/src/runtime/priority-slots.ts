/**
 * An instance-wide limit on running jobs, handed out highest priority first when saturated.
 *
 * Below the limit a job takes a slot at once, with no queueing (the common case stays cheap: this sits
 * on every job's path). At the limit, waiters line up by priority (larger first), first come first
 * served within one priority, and each released slot goes straight to the head of the line.
 */
export class PrioritySlots {
  private active = 0;
  /** Sorted: highest priority first, then arrival order. */
  private readonly waiting: Array<{ priority: number; wake: () => void }> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`The active-job limit must be at least 1 (got ${limit}).`);
  }

  /** Runs `fn` in a slot, waiting for one if all are taken. */
  async run<T>(priority: number, fn: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active += 1;
    else await this.wait(priority);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Jobs waiting for a slot. */
  get pending(): number {
    return this.waiting.length;
  }

  private wait(priority: number): Promise<void> {
    return new Promise<void>((wake) => {
      // After every waiter of the same or higher priority: binary search for the insertion point.
      let low = 0;
      let high = this.waiting.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (this.waiting[mid]!.priority >= priority) low = mid + 1;
        else high = mid;
      }
      this.waiting.splice(low, 0, { priority, wake });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes to the next waiter directly; the active count stays the same.
    if (next) next.wake();
    else this.active -= 1;
  }
}
