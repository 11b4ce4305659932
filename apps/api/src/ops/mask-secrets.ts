// Job data is shown to every viewer, in the API and in Bull Board: values under keys that name a
// secret are replaced, at any depth. Builds new objects with own properties only, so a `__proto__`
// key in job data stays an ordinary key and cannot reach any prototype.
export const MASK = '[masked]';

const SECRET_KEY = /pass(word|wd|phrase)?$|^pwd$|token|secret|api[-_]?key|private[-_]?key|authorization|cookie|credential|session[-_]?id|signature/i;
const MAX_DEPTH = 32;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function maskSecrets(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => maskSecrets(item, depth + 1, seen));
    if (value instanceof Date) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, isSecretKey(key) && item !== null && item !== undefined ? MASK : maskSecrets(item, depth + 1, seen)]),
    );
  } finally {
    seen.delete(value);
  }
}
