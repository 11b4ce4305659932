// Who is consuming which queue. BullMQ's queue.getWorkers() is one CLIENT LIST per queue; a dashboard
// polling every queue would run one per queue per poll. Here one CLIENT LIST per Redis master serves
// every queue (a cluster's workers are connected to the masters of their queues' slots, so every master
// is asked), the answer is cached briefly, and concurrent callers share one request.
import { masters, queuePrefix, type JobRuntime, type InstanceHeartbeat } from '@bullpen/jobs';

export interface WorkerConnection {
  queue: string;
  /** The worker's name: the instance id that runs it. */
  name: string | null;
  addr: string;
  ageSeconds: number;
  idleSeconds: number;
}

export class WorkerDirectory {
  private workersCache: { at: number; value: Promise<WorkerConnection[]> } | undefined;
  private instancesCache: { at: number; value: Promise<Array<InstanceHeartbeat & { alive: boolean }>> } | undefined;

  constructor(
    private readonly runtime: JobRuntime,
    private readonly prefix: string,
    private readonly ttlMs = 5_000,
  ) {}

  workers(now = Date.now()): Promise<WorkerConnection[]> {
    if (!this.workersCache || now - this.workersCache.at > this.ttlMs) {
      const value = this.loadWorkers();
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

  private async loadWorkers(): Promise<WorkerConnection[]> {
    const lists = await Promise.all(masters(this.runtime.redis).map(async (node) => (await node.client('LIST')) as string));
    // BullMQ names a worker's connections `<queue's prefix>:<base64 of the queue name>[:w:<worker name>]`.
    const byEncoded = new Map(this.runtime.queueNames.map((q) => [`${queuePrefix(this.prefix, q)}:${Buffer.from(q).toString('base64')}`, q]));
    const out: WorkerConnection[] = [];
    for (const line of lists.join('\n').split(/\r?\n/)) {
      const fields = new Map(
        line
          .split(' ')
          .map((kv) => kv.indexOf('=') > 0 ? ([kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const) : undefined)
          .filter((kv): kv is readonly [string, string] => kv !== undefined),
      );
      const name = fields.get('name');
      if (!name) continue;
      const marker = name.indexOf(':w:');
      const base = marker === -1 ? name : name.slice(0, marker);
      const queue = byEncoded.get(base);
      if (!queue) continue;
      out.push({
        queue,
        name: marker === -1 ? null : name.slice(marker + 3),
        addr: fields.get('addr') ?? '',
        ageSeconds: Number(fields.get('age') ?? 0),
        idleSeconds: Number(fields.get('idle') ?? 0),
      });
    }
    return out.sort((a, b) => a.queue.localeCompare(b.queue) || String(a.name).localeCompare(String(b.name)));
  }
}
