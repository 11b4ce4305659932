import { defineConfig } from '@playwright/test';
import { baseURL, chromiumPath, port, queuePrefix, redisUrl } from './e2e/environment.js';

// End-to-end tests: Debian's Chromium against the built app (run `npm run build` first), started here
// with the embedded in-memory database and its own queue prefix, so a run touches nothing it did not create.
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
    command: 'node apps/api/dist/main.js',
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
      LOG_LEVEL: 'warn',
      DEMO: 'false',
    },
  },
});
