// The alert engine as this app configures it: one per process, built before the runtime (its job
// types and its failure listener go into the runtime's options) and attached once the runtime runs.
import type { Database } from '@bullpen/db';
import { AlertEngine } from '@bullpen/jobs';
import type { Logger } from 'pino';
import { publicUrl, type Config } from '../config.js';

export function createAlertEngine(config: Config, db: Database, logger: Logger): AlertEngine {
  const allowPrivate = config.ALERTS_ALLOW_PRIVATE_NETWORKS;
  return new AlertEngine({
    db,
    logger,
    prefix: config.QUEUE_PREFIX,
    publicUrl: publicUrl(config),
    outbound: { allowLoopback: allowPrivate, allowPrivate },
    // Demo mode shows alerts within seconds of the injected failures.
    evaluateEveryMs: config.DEMO ? Math.min(config.ALERTS_EVALUATE_EVERY_MS, 10_000) : config.ALERTS_EVALUATE_EVERY_MS,
    deliveryAttempts: config.ALERT_DELIVERY_ATTEMPTS,
  });
}
