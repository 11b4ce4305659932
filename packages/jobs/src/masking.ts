// The one secret masker. Job data, names, errors, logs and results are shown to every viewer (API,
// Bull Board, dead letters, SSE, audit, logs), and a secret can hide anywhere in them, so masking
// works two ways at once:
// - by key: a value under a key that names a secret (`password_hash`, `X-Auth`, `accessKeyId`, `jwt`,
//   `cvv`, …) is replaced whole, at any depth;
// - by value: inside every string, credentials in URLs, bearer/basic tokens, JWTs, `key=value` pairs
//   with a secret-like key and long high-entropy tokens are replaced.
// Builds new objects with own properties only, so a `__proto__` key in job data stays an ordinary key
// and cannot reach any prototype. Deterministic, so masked error messages still group by fingerprint.
export const MASK = '[masked]';

const MAX_DEPTH = 32;

/**
 * Secret-like words, matched against a key with case and separators removed (`X-Auth` → `xauth`,
 * `password_hash` → `passwordhash`). Anchored ones (`^pin$`) would give false positives as substrings.
 */
const KEY_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'accesskey',
  'signingkey',
  'encryptionkey',
  'authorization',
  'credential',
  'cookie',
  'sessionid',
  'signature',
  'bearer',
  'jwt',
  'cvv',
  'cvc',
  'creditcard',
  'cardnumber',
  'socialsecurity',
  'iban',
  'connectionstring',
];
const KEY_EXACT = /^(x)?(pass|pwd|pin|otp|ssn|auth|dsn|sid)$|^(pin|otp)(code)?$|auth$|^auth(key|code|header)|otp(code|secret)$/;

/**
 * The words again, for `word=value` in free text, where separators are still there. Short words (pin,
 * otp, …) only as a whole segment of the key, so `shipping: 5` stays as it is.
 */
const TEXT_KEY = String.raw`(?:[\w.-]*?(?:password|passwd|passphrase|passcode|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|authorization|credential|cookie|session[-_]?id|signature|bearer)[\w-]*|(?:[\w.-]*[-_.])?(?:pass|pwd|pin|otp|ssn|auth|jwt|cvv|cvc)(?:[-_]?(?:code|key|token|hash))?)`;

interface ValueRule {
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Long tokens that look random: an API key, a signature, a base64 secret. Words and paths are not. */
function looksRandom(token: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((re) => re.test(token)).length;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) return false; // ids, not secrets
  const hex = /^[0-9a-fA-F]+$/.test(token);
  return (hex && token.length >= 32) || (classes >= 2 && /\d/.test(token) && entropy(token) >= 3.5);
}

const VALUE_RULES: ValueRule[] = [
  // scheme://user:password@host → scheme://user:[masked]@host
  { pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s/:@'"]*):([^\s@/'"]+)@/gi, replace: `$1$2:${MASK}@` },
  // Authorization values.
  { pattern: /\b(Bearer)(\s+)[A-Za-z0-9\-._~+/]{6,}=*/gi, replace: `$1$2${MASK}` },
  {
    pattern: /\b(Basic)(\s+)[A-Za-z0-9+/]{8,}={0,2}(?![\w+/=])/g,
    replace: (m: string, word: string, space: string) =>
      Buffer.from(m.slice(word.length + space.length), 'base64').toString('latin1').includes(':') ? `${word}${space}${MASK}` : m,
  },
  // JSON Web Tokens (header.payload.signature, base64url).
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: MASK },
  // key=value, key: value, "key":"value" with a secret-like key.
  {
    pattern: new RegExp(String.raw`(\b${TEXT_KEY})(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&'"}\])]+)`, 'gi'),
    replace: (_m: string, key: string, sep: string) => `${key}${sep}${MASK}`,
  },
  // Long high-entropy tokens standing alone.
  { pattern: /(?<![\w+/=-])[A-Za-z0-9+/_=-]{32,}(?![\w+/=-])/g, replace: (token: string) => (looksRandom(token) ? MASK : token) },
];

export interface MaskerOptions {
  /**
   * More key names to treat as secrets (case and separators ignored, matched as substrings), e.g.
   * `["guildcode", "recoveryphrase"]`. Default none.
   */
  extraKeys?: readonly string[] | undefined;
}

export class SecretMasker {
  private readonly extra: readonly string[];

  constructor(options: MaskerOptions = {}) {
    this.extra = (options.extraKeys ?? []).map(normalizeKey).filter(Boolean);
  }

  isSecretKey(key: string): boolean {
    const k = normalizeKey(key);
    return KEY_EXACT.test(k) || KEY_WORDS.some((w) => k.includes(w)) || this.extra.some((w) => k.includes(w));
  }

  /** Masks secrets inside free text (messages, stack traces, log lines, names). */
  text(value: string): string {
    let out = value;
    for (const rule of VALUE_RULES) {
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
    }
    if (this.extra.length > 0) {
      // `guildcode` also matches `guild_code` and `Guild-Code` in text.
      const words = this.extra.map((w) => [...w].join('[-_.]?')).join('|');
      out = out.replace(new RegExp(String.raw`(\b[\w.-]*(?:${words})[\w-]*)(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&'"}\])]+)`, 'gi'), (_m, key: string, sep: string) => `${key}${sep}${MASK}`);
    }
    return out;
  }

  /** Masks any JSON-like value: secret keys at any depth, and secrets inside every string. */
  value(value: unknown): unknown {
    return this.walk(value, 0, new WeakSet());
  }

  private walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[too deep]';
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1, seen));
      if (value instanceof Date) return value;
      if (value instanceof Error) return this.walk({ name: value.name, message: value.message, stack: value.stack }, depth + 1, seen);
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.isSecretKey(key) && item !== null && item !== undefined ? MASK : this.walk(item, depth + 1, seen)]),
      );
    } finally {
      seen.delete(value);
    }
  }
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The masker with the built-in patterns only. */
export const defaultMasker = new SecretMasker();
