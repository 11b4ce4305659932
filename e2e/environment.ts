// What the end-to-end run and its server share. Read by playwright.config.ts, the global setup and
// teardown in the main process, the e2e server entry, and the test workers, which inherit the
// environment set here.

/** Debian's Chromium: Playwright's own browser downloads are not reachable from CI. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const port = Number(process.env.E2E_PORT || 3107);
export const baseURL = `http://127.0.0.1:${port}`;

export const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

// Fixed once in the main process, so the server, the workers and the teardown agree on it.
process.env.E2E_QUEUE_PREFIX ||= `e2e-${Date.now()}`;
/** This run's own BullMQ key prefix: nothing else uses it, and the teardown deletes everything under it. */
export const queuePrefix: string = process.env.E2E_QUEUE_PREFIX;

/** The first admin, created by the app at start from ADMIN_USER/ADMIN_PASSWORD. */
export const admin = { username: 'e2e-admin', password: 'e2e-admin-password-1' } as const;

/** Where saveScreenshot() writes (gitignored); CI keeps the folder as the run's artifacts. */
export const artifactsDir = 'e2e-artifacts';

/**
 * The Redis key that opens a gate of the `e2e-gated` job type: its jobs fail until the key exists.
 * Under the run's prefix, so the teardown deletes it with everything else.
 */
export function gateKey(gate: string): string {
  return `${queuePrefix}:e2e-gate:${gate}`;
}
