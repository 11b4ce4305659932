import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'INSTANCE_ID'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    base: { instanceId: config.INSTANCE_ID },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.token'], censor: '[redacted]' },
  });
}
