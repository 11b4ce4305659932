/**
 * Who is consuming which queue, from Redis itself: the BullMQ worker connections in CLIENT LIST. A
 * heartbeat says an instance is alive and which job types it defines; only a connection says that a
 * worker for the queue is actually there to take its jobs. BullMQ's queue.getWorkers() is one CLIENT
 * LIST per queue; this is one per Redis master for every queue (a cluster's workers are connected to
 * the masters of their queues' slots, so every master is asked).
 */
import { masters, type RedisClient } from './connection.js';
import { queuePrefix } from './keys.js';

export interface WorkerConnection {
  queue: string;
  /** The worker's name: the instance id that runs it (null for a connection BullMQ left unnamed). */
  name: string | null;
  addr: string;
  ageSeconds: number;
  idleSeconds: number;
}

/** Every connection of a worker (or queue client) of `queueNames`, sorted by queue then name. */
export async function listWorkerConnections(redis: RedisClient, prefix: string, queueNames: readonly string[]): Promise<WorkerConnection[]> {
  const lists = await Promise.all(masters(redis).map(async (node) => (await node.client('LIST')) as string));
  // BullMQ names a worker's connections `<queue's prefix>:<base64 of the queue name>[:w:<worker name>]`.
  const byEncoded = new Map(queueNames.map((q) => [`${queuePrefix(prefix, q)}:${Buffer.from(q).toString('base64')}`, q]));
  const out: WorkerConnection[] = [];
  for (const line of lists.join('\n').split(/\r?\n/)) {
    const fields = new Map<string, string>();
    for (const pair of line.split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const name = fields.get('name');
    if (!name) continue;
    const marker = name.indexOf(':w:');
    const queue = byEncoded.get(marker === -1 ? name : name.slice(0, marker));
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
