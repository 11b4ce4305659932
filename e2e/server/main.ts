// The end-to-end run's server: the built app (apps/api/dist) started the way main.js starts it, with
// the catalog plus the e2e job types whose outcomes the tests control. Run by playwright.config.ts.
import { catalog } from '@bullpen/jobs';
import { Redis } from 'ioredis';
import type * as ConfigModule from '../../apps/api/src/config.js';
import type * as LoggerModule from '../../apps/api/src/logger.js';
import type * as ServerModule from '../../apps/api/src/server.js';
import { E2E_QUEUE, e2eDefinitions } from './job-types.js';

// Types from the sources, code from the build: the tests exercise exactly what `npm run build` made.
const dist = (file: string) => new URL(`../../apps/api/dist/${file}`, import.meta.url).href;
const { loadConfig } = (await import(dist('config.js'))) as typeof ConfigModule;
const { createLogger } = (await import(dist('logger.js'))) as typeof LoggerModule;
const { startInstance } = (await import(dist('server.js'))) as typeof ServerModule;

const config = loadConfig();
const logger = createLogger(config);
const gates = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
const instance = await startInstance(config, logger, { definitions: [...catalog, ...e2eDefinitions(gates)] });
await instance.runtime.queue(E2E_QUEUE.hold)?.pause();
logger.info({ url: instance.url }, `e2e server listening on ${instance.url}`);

const shutdown = (signal: NodeJS.Signals) => {
  logger.info({ signal }, 'shutting down');
  instance
    .stop()
    .then(() => gates.quit())
    .then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
