// The process's one logger. JSON lines for machines (log shippers, `docker logs`); readable, coloured
// lines when a person watches a terminal (`npm start`). Plain-text console output of libraries (BullMQ's
// `console.warn`, ioredis's) is routed through it so that every line has the same shape and level.
// Every line passes the one secret masker (keys and values, the message included), on top of pino's
// path redaction for request headers: job data, errors and names end up in logs too.
import { format } from 'node:util';
import { SecretMasker } from '@bullpen/jobs';
import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
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
  config: Pick<Config, 'LOG_LEVEL' | 'INSTANCE_ID'> & Partial<Pick<Config, 'LOG_FORMAT' | 'MASK_EXTRA_KEYS'>>,
  stdout: { isTTY?: boolean | undefined } = process.stdout,
  /** JSON lines to this stream instead of stdout (tests read the log). */
  destination?: DestinationStream,
): Logger {
  const masker = new SecretMasker({ extraKeys: config.MASK_EXTRA_KEYS });
  const options: LoggerOptions = {
    level: config.LOG_LEVEL,
    base: { instanceId: config.INSTANCE_ID },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.token'], censor: '[redacted]' },
    serializers: { err: (err: Error) => masker.value(stdSerializers.err(err)) },
    formatters: {
      // Errors are left to the serializer above, which keeps their message and stack.
      log: (object) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, value instanceof Error ? value : masker.isSecretKey(key) && value != null ? '[masked]' : masker.value(value)])),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? masker.text(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
  if (destination) return pino(options, destination);
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
