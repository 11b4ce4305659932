// `node apps/api/dist/seed.js`: migrates the database and, when the game world is empty, generates
// the demo world. Run by `npm start` before the app; safe to run again (it never touches a world that
// has data). Configured by the same environment as the app.
import { migrate, openDatabase } from '@bullpen/db';
import { generateWorld, isWorldEmpty } from '@bullpen/jobs';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

const DEMO_SEED = 1_128;

async function seed(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bullpen seed: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
  try {
    await migrate(database);
    logger.info({ database: database.kind }, 'database migrated');
    if (await isWorldEmpty(database.db)) {
      const started = performance.now();
      const size = await generateWorld(database.db, { seed: DEMO_SEED, size: 'small' });
      logger.info({ size, ms: Math.round(performance.now() - started) }, 'demo world generated');
    } else {
      logger.info('game world already has data; not seeding');
    }
  } finally {
    await database.close();
  }
}

await seed();
