// Real Redis topologies for tests and benchmarks, started from the machine's redis-server and redis-cli
// in a temporary directory on free loopback ports, and torn down after: a cluster of N masters, and
// Sentinel watching a master with one replica. Nothing here is a mock; only the sizes are small.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { RedisEndpoint } from './runtime/connection.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10 000) is free too. */
async function freePort(taken: Set<number>): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
  throw new Error('no free loopback port pair found');
}

/** Starts `redis-server <args>` and resolves once it accepts connections (bounded). */
async function startServer(args: string[], what: string): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 10 s: ${output.slice(-500)}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections|Sentinel ID is/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${output.slice(-500)}`));
    });
  });
  // Keep draining its output so a chatty server never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

async function stopServers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface LocalRedisCluster {
  /** Every master: seed nodes for a cluster client (REDIS_CLUSTER_NODES). */
  nodes: RedisEndpoint[];
  /** `host:port,host:port,…` */
  nodesText: string;
  /** Kills one node (SIGKILL) or starts it again with its cluster config: it rejoins with its slots. */
  stopNode(port: number): Promise<void>;
  startNode(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** A Redis Cluster of `masters` masters and no replicas, without persistence. */
export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'bullpen-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await stopServers(children);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await freePort(taken));
    const byPort = new Map<number, ChildProcess>();
    const startNode = async (port: number) => {
      const child = await startServer(
        ['--port', String(port), '--bind', HOST, '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no'],
        `cluster node ${port}`,
      );
      children.push(child);
      byPort.set(port, child);
    };
    const stopNode = async (port: number) => {
      const child = byPort.get(port);
      if (child) await stopServers([child]);
    };
    for (const port of ports) await startNode(port);
    const nodes = ports.map((port) => ({ host: HOST, port }));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    // Every node must agree that all slots are served before clients connect.
    for (const node of nodes) {
      const redis = new Redis({ ...node, lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await waitUntil(async () => /cluster_state:ok/.test(await redis.cluster('INFO')), 20_000, `cluster_state:ok on ${node.port}`);
      } finally {
        redis.disconnect();
      }
    }
    return { nodes, nodesText: nodes.map((n) => `${n.host}:${n.port}`).join(','), stopNode, startNode, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface LocalSentinel {
  /** The sentinels (REDIS_SENTINELS) and the master group name (REDIS_SENTINEL_NAME). */
  sentinels: RedisEndpoint[];
  name: string;
  /** Where the master is now, as the sentinel says. */
  masterPort(): Promise<number>;
  /** `SENTINEL FAILOVER <name>`; resolves once the sentinel names the former replica as master and it acts as one. */
  failover(): Promise<{ from: number; to: number }>;
  stop(): Promise<void>;
}

/**
 * One master, one replica and one sentinel (quorum 1). The first master refuses writes while no replica
 * is connected (`min-replicas-to-write 1`): when the replica is promoted it drops its link, so the old
 * master stops taking writes at once instead of taking writes that its demotion would then discard
 * (Redis replication is asynchronous; this is the documented way to bound that window).
 */
export async function startSentinel(name = 'bullpen-test'): Promise<LocalSentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'bullpen-sentinel-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await stopServers(children);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    const [master, replica, sentinel] = [await freePort(taken), await freePort(taken), await freePort(taken)];
    const common = ['--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no'];
    // Only the first master: the promoted replica must take writes before its own replica (the old
    // master, reconfigured by the sentinel a little later) is back.
    children.push(await startServer(['--port', String(master), ...common, '--min-replicas-to-write', '1', '--min-replicas-max-lag', '10'], `master ${master}`));
    children.push(await startServer(['--port', String(replica), ...common, '--replicaof', HOST, String(master)], `replica ${replica}`));
    const replicaClient = new Redis({ host: HOST, port: replica, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await waitUntil(async () => /master_link_status:up/.test(await replicaClient.info('replication')), 15_000, 'the replica to sync');
    } finally {
      replicaClient.disconnect();
    }
    const conf = join(dir, 'sentinel.conf');
    await writeFile(
      conf,
      [
        `port ${sentinel}`,
        `bind ${HOST}`,
        `dir ${dir}`,
        `sentinel monitor ${name} ${HOST} ${master} 1`,
        `sentinel down-after-milliseconds ${name} 2000`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    // Debian ships no redis-sentinel binary: redis-server runs as one with --sentinel.
    children.push(await startServer([conf, '--sentinel'], `sentinel ${sentinel}`));
    const ask = new Redis({ host: HOST, port: sentinel, lazyConnect: true, maxRetriesPerRequest: 1 });
    const masterPort = async () => Number(((await ask.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[])[1]);
    const replicasKnown = async () => {
      const replicas = (await ask.call('SENTINEL', 'REPLICAS', name)) as string[][];
      return replicas.some((fields) => {
        const f = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
        return f.get('flags') === 'slave' && f.get('master-link-status') === 'ok';
      });
    };
    await waitUntil(replicasKnown, 20_000, 'the sentinel to discover the replica');
    return {
      sentinels: [{ host: HOST, port: sentinel }],
      name,
      masterPort,
      async failover() {
        const from = await masterPort();
        await ask.call('SENTINEL', 'FAILOVER', name);
        let to = from;
        await waitUntil(
          async () => {
            to = await masterPort();
            if (to === from) return false;
            const promoted = new Redis({ host: HOST, port: to, lazyConnect: true, maxRetriesPerRequest: 1 });
            try {
              return /role:master/.test(await promoted.info('replication'));
            } finally {
              promoted.disconnect();
            }
          },
          20_000,
          'the sentinel to switch masters',
        );
        return { from, to };
      },
      async stop() {
        ask.disconnect();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
