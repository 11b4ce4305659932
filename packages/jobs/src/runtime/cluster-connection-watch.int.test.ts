// Connection-loss logging on a Redis Cluster: the cluster connection stays "ready" while one master is
// gone, so each node has its own watch. A real three-master cluster; one master is killed and started
// again: one warn naming that node, then one info when a command reaches it again.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type LocalRedisCluster } from '../testing.js';
import { waitFor } from '../../test/support.js';
import { createRedis, type RedisClient } from './connection.js';
import { watchRedis } from './connection-watch.js';

describe('connection watch on a Redis Cluster', () => {
  let cluster: LocalRedisCluster;
  let redis: RedisClient;
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    }),
  );

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);

  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('logs a lost master once and its recovery once, naming the node', async () => {
    redis = createRedis({ mode: 'cluster', nodes: cluster.nodes }, 'producer');
    watchRedis(redis, 'redis-producer', logger);
    await waitFor(() => redis.status === 'ready', 10_000, 'the cluster connection');
    const victim = cluster.nodes[1]!;
    const name = `redis-producer ${victim.host}:${victim.port}`;
    // A key that lives on the victim: try tags until the slot's owner is that node.
    const slots = (await redis.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
    const range = slots.find(([, , owner]) => owner[1] === victim.port)!;
    let key = '';
    for (let i = 0; !key; i++) {
      const candidate = `watch-test-{${i}}`;
      const slot = (await redis.cluster('KEYSLOT', candidate)) as number;
      if (slot >= range[0] && slot <= range[1]) key = candidate;
    }
    await redis.set(key, '1');

    await cluster.stopNode(victim.port);
    await waitFor(() => lines.some((l) => l.msg === `${name} connection lost; retrying`), 15_000, 'the loss to be logged');
    await cluster.startNode(victim.port);
    await waitFor(
      async () => {
        await redis.set(key, '2').catch(() => undefined);
        return lines.some((l) => l.msg.startsWith(`${name} connection recovered after`));
      },
      30_000,
      'the recovery to be logged',
    );
    const own = lines.filter((l) => l.msg.startsWith(name));
    expect(own.map((l) => [l.level, l.msg.replace(/\d+ ms$/, 'N ms')])).toEqual([
      [40, `${name} connection lost; retrying`],
      [30, `${name} connection recovered after N ms`],
    ]);
  }, 90_000);
});
