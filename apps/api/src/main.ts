// Entry point of every Bullpen instance: `node apps/api/dist/main.js`, configured by environment.
import { ConfigError, loadConfig } from './config.js';
import { createLogger, routeConsoleToLogger } from './logger.js';
import { startInstance } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bullpen: ${err.message}\nSee .env.example for every variable and its default.\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  routeConsoleToLogger(logger);
  const instance = await startInstance(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  });
  logger.info({ url: instance.url, roles: [...config.ROLES] }, instance.url ? `Bullpen is listening on ${instance.url}` : 'Bullpen worker started');

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    instance.stop().then(
      ({ drained }) => {
        logger.info({ drained }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

await main();
