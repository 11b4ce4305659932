import { SecretMasker } from '@bullpen/jobs';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * Every log line passes the one secret masker (keys and values, the message included), on top of
 * pino's path redaction for request headers: job data, errors and names end up in logs too.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'INSTANCE_ID' | 'MASK_EXTRA_KEYS'>, destination?: DestinationStream): Logger {
  const masker = new SecretMasker({ extraKeys: config.MASK_EXTRA_KEYS });
  return pino(
    {
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
    },
    destination,
  );
}
