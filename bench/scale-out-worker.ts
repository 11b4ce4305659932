// One worker-role Bullpen runtime in its own OS process, for bench/scale-out.bench.ts. Configured by
// environment: QUEUE_PREFIX, REDIS_URL, DATABASE_URL, BENCH_WORK (`io` or `cpu`). Prints READY once
// its workers take jobs; SIGTERM drains and exits.
import { openDatabase } from '@bullpen/db';
import { startRuntime } from '@bullpen/jobs';
import { pino } from 'pino';
import { scaleOutJob } from './scale-out-job.js';

const env = process.env;
const database = await openDatabase({ url: env.DATABASE_URL, dataDir: 'memory://' });
const runtime = await startRuntime({
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: env.QUEUE_PREFIX ?? 'bench-scale-out',
  definitions: [scaleOutJob(env.BENCH_WORK === 'cpu' ? 'cpu' : 'io')],
  db: database.db,
  logger: pino({ level: 'warn' }, pino.destination(2)),
  roles: { worker: true, scheduler: false },
  instanceId: env.INSTANCE_ID,
});
process.once('SIGTERM', () => {
  void runtime.close().then(async () => {
    await database.close();
    process.exit(0);
  });
});
process.stdout.write('READY\n');
