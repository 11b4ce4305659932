import { defineConfig } from '@playwright/test';
import { admin, baseURL, chromiumPath, port, queuePrefix, redisUrl } from './e2e/environment.js';

// End-to-end tests: Debian's Chromium against the built app (run `npm run build` first), started here
// with the embedded in-memory database and its own queue prefix, so a run touches nothing it did not create.
// One server for every spec: the specs share it and run one at a time (workers: 1), each creating the
// users, jobs and gates it needs under names of its own.
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: {
    // The built app's startInstance with the catalog plus the e2e job types (e2e/server/job-types.ts).
    command: 'node --import tsx e2e/server/main.ts',
    url: `${baseURL}/readyz`,
    // A server left over from another run would be tested instead of this build: refuse it.
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // Let the app drain and close its connections, as it would in a deploy.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    env: {
      PORT: String(port),
      QUEUE_PREFIX: queuePrefix,
      // Playwright merges this over process.env, and child_process drops undefined values: this
      // unsets a DATABASE_URL from the caller's shell, so the app uses the embedded database.
      DATABASE_URL: undefined as unknown as string,
      PGLITE_DATA_DIR: 'memory://',
      REDIS_URL: redisUrl,
      ROLES: 'http,worker,scheduler',
      // Failing test jobs log at error level by design; E2E_LOG_LEVEL=info shows the server's log.
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'fatal',
      DEMO: 'false',
      ADMIN_USER: admin.username,
      ADMIN_PASSWORD: admin.password,
      // The alerts spec's webhook receiver listens on loopback; evaluation runs every second.
      ALERTS_ALLOW_PRIVATE_NETWORKS: 'true',
      ALERTS_EVALUATE_EVERY_MS: '1000',
      PUBLIC_URL: baseURL,
    },
  },
});
