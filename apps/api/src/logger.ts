// The process's one logger. JSON lines for machines (log shippers, `docker logs`); readable, coloured
// lines when a person watches a terminal (`npm start`). Plain-text console output of libraries (BullMQ's
// `console.warn`, ioredis's) is routed through it so that every line has the same shape and level.
import { format } from 'node:util';
import { pino, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';
import type { Config } from './config.js';

export type LogFormat = 'json' | 'pretty';

/**
 * `auto` picks readable lines when stdout is a terminal and JSON otherwise (a pipe, a file, a process
 * manager), so `npm start` in a terminal is readable and every deployment still ships JSON.
 */
export function chooseLogFormat(setting: Config['LOG_FORMAT'], stdoutIsTTY: boolean | undefined): LogFormat {
  if (setting !== 'auto') return setting;
  return stdoutIsTTY === true ? 'pretty' : 'json';
}

export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'INSTANCE_ID'> & Partial<Pick<Config, 'LOG_FORMAT'>>,
  stdout: { isTTY?: boolean | undefined } = process.stdout,
): Logger {
  const options = {
    level: config.LOG_LEVEL,
    base: { instanceId: config.INSTANCE_ID },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.token'], censor: '[redacted]' },
  };
  if (chooseLogFormat(config.LOG_FORMAT ?? 'auto', stdout.isTTY) === 'json') return pino(options);
  // In-process stream rather than a worker-thread transport: a terminal is slow anyway, and lines
  // written just before process.exit() are not lost.
  return pino(options, PinoPretty({ colorize: true, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,instanceId' }));
}

/**
 * Sends console.warn / console.error / console.info / console.log of libraries to `logger`, with
 * `source: 'console'`. Installed by the entry point only: tests keep their console.
 */
export function routeConsoleToLogger(logger: Logger): void {
  const log = logger.child({ source: 'console' });
  /* eslint-disable no-console -- replacing the console's methods, not writing to it */
  console.error = (...args: unknown[]) => log.error(format(...args));
  console.warn = (...args: unknown[]) => log.warn(format(...args));
  console.info = (...args: unknown[]) => log.info(format(...args));
  console.log = (...args: unknown[]) => log.info(format(...args));
  /* eslint-enable no-console */
}
