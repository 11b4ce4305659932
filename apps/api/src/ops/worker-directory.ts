// Who is consuming which queue, for the console: the runtime's worker connections (one CLIENT LIST per
// Redis master for every queue) and the instances' heartbeats, each cached briefly, so that a dashboard
// polling every few seconds costs one request to Redis and concurrent callers share it.
import type { InstanceHeartbeat, JobRuntime, WorkerConnection } from '@bullpen/jobs';

export class WorkerDirectory {
  private workersCache: { at: number; value: Promise<WorkerConnection[]> } | undefined;
  private instancesCache: { at: number; value: Promise<Array<InstanceHeartbeat & { alive: boolean }>> } | undefined;

  constructor(
    private readonly runtime: JobRuntime,
    private readonly ttlMs = 5_000,
  ) {}

  workers(now = Date.now()): Promise<WorkerConnection[]> {
    if (!this.workersCache || now - this.workersCache.at > this.ttlMs) {
      const value = this.runtime.workerConnections();
      this.workersCache = { at: now, value };
      // A failed load is not cached: the next call tries again.
      value.catch(() => {
        if (this.workersCache?.value === value) this.workersCache = undefined;
      });
    }
    return this.workersCache.value;
  }

  instances(now = Date.now()): Promise<Array<InstanceHeartbeat & { alive: boolean }>> {
    if (!this.instancesCache || now - this.instancesCache.at > Math.min(this.ttlMs, 2_000)) {
      const value = this.runtime.instances();
      this.instancesCache = { at: now, value };
      value.catch(() => {
        if (this.instancesCache?.value === value) this.instancesCache = undefined;
      });
    }
    return this.instancesCache.value;
  }
}
