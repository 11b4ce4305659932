// Every page of the console, in light and in dark mode: no serious or critical axe violations, and a
// screenshot of each (e2e-artifacts/screenshots/a11y-<page>-<scheme>.png) for people to look at. As an
// admin, so every control a page can show is on screen; with data, so tables are not empty; and the
// dialogs that carry forms or counts are checked open.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { E2E_QUEUE, expect, expectNoSeriousA11yViolations, loginAs, saveScreenshot, test } from './fixtures/index.js';

test.use({ viewport: { width: 1440, height: 900 } });
// Several pages, browser contexts and jobs per test: slack for a loaded machine.
test.describe.configure({ timeout: 60_000 });

/**
 * axe in full in light mode, then the colour rules only in dark mode (nothing else changes with the
 * scheme, and a full run costs seconds); a screenshot in each. `ready` runs again after the switch.
 */
async function checkBothSchemes(page: Page, name: string, ready: () => Promise<void>): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await ready();
    await expectNoSeriousA11yViolations(page, `${name} (${colorScheme})`, { coloursOnly: colorScheme === 'dark' });
    await saveScreenshot(page, `${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const gate = `a11y${randomBytes(3).toString('hex')}`;
let failedJobId = '';

test.beforeAll(async ({ api }) => {
  // Failures (for the queue's failed tab, a job with a stack, dead letters) and audited actions.
  const { Queues } = await import('./fixtures/queues.js');
  const queues = new Queues();
  try {
    const events = await queues.queueEvents(E2E_QUEUE.gated);
    const jobs = await Promise.all([1, 2, 3].map((n) => queues.addGated(gate, { order: n, customer: { name: `Customer ${n}`, tier: 'gold' } })));
    await Promise.all(jobs.map((job) => expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow('closed')));
    failedJobId = jobs[0]!.id!;
    await queues.add(E2E_QUEUE.ok, { hello: 'world' });
  } finally {
    await queues.close();
  }
  await api.postJson(`/queues/${E2E_QUEUE.ok}/pause`);
  await api.postJson(`/queues/${E2E_QUEUE.ok}/resume`);
  await expect.poll(async () => (await api.getJson<{ total: number }>('/dead-letters', { q: gate })).total, { timeout: 15_000 }).toBe(3);
});

const h1 = (page: Page, name: string | RegExp) => expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
const firstRow = (page: Page, testId: string) => expect(page.getByTestId(testId).getByRole('row').nth(1)).toBeVisible();

interface Check {
  name: string;
  path: () => string;
  ready: (page: Page) => Promise<void>;
  /** Dialogs opened (one at a time) after the page is checked, to check them too. */
  dialogs?: Array<{ name: string; open: (page: Page) => Promise<void> }>;
}

const checks: Check[] = [
  { name: 'overview', path: () => '/', ready: async (page) => (await h1(page, 'Overview'), await firstRow(page, 'queues-table')) },
  {
    name: 'queue',
    path: () => `/queues/${E2E_QUEUE.gated}?state=failed`,
    ready: async (page) => (await h1(page, E2E_QUEUE.gated), await expect(page.getByRole('link', { name: failedJobId, exact: true }).first()).toBeVisible()),
  },
  { name: 'job', path: () => `/queues/${E2E_QUEUE.gated}/jobs/${failedJobId}`, ready: async (page) => await expect(page.getByText(`gate ${gate} is closed`).first()).toBeVisible() },
  { name: 'schedules', path: () => '/schedules', ready: async (page) => (await h1(page, 'Schedules'), await firstRow(page, 'schedules-table')) },
  {
    name: 'dead-letters',
    path: () => `/dead-letters?queue=${E2E_QUEUE.gated}&q=${gate}`,
    ready: async (page) => (await h1(page, 'Dead letters'), await expect(page.getByTestId('dead-letter-total')).toHaveText('3'), await firstRow(page, 'dead-letter-groups')),
    dialogs: [
      {
        name: 'dead-letter-detail',
        open: async (page) => {
          await page.getByTestId('dead-letters-table').getByRole('button', { name: /^Details of dead letter/ }).first().click();
          await expect(page.getByRole('dialog').getByRole('group', { name: 'Job data' })).toBeVisible();
        },
      },
      {
        name: 'dead-letters-replay-confirm',
        open: async (page) => {
          await page.getByRole('button', { name: 'Replay all matching' }).click();
          await expect(page.getByRole('alertdialog').getByTestId('confirm-count')).toHaveText('3');
        },
      },
    ],
  },
  { name: 'workers', path: () => '/workers', ready: async (page) => (await h1(page, 'Workers'), await firstRow(page, 'instances-table')) },
  { name: 'audit', path: () => '/audit', ready: async (page) => (await h1(page, 'Audit log'), await firstRow(page, 'audit-table')) },
  {
    name: 'accounts',
    path: () => '/accounts',
    ready: async (page) => (await h1(page, 'Accounts'), await firstRow(page, 'accounts-table')),
    dialogs: [
      {
        name: 'accounts-new',
        open: async (page) => {
          await page.getByRole('button', { name: 'New account' }).click();
          await expect(page.getByRole('dialog', { name: 'New account' })).toBeVisible();
        },
      },
    ],
  },
  { name: 'alerts', path: () => '/alerts', ready: async (page) => await h1(page, 'Alerts') },
  { name: 'not-found', path: () => '/no-such-page', ready: async (page) => await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible() },
];

test('the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await checkBothSchemes(page, 'a11y-login', async () => {
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});

for (const check of checks) {
  test(`the ${check.name} page`, async ({ page }) => {
    await loginAs(page, 'admin');
    await page.goto(check.path());
    await checkBothSchemes(page, `a11y-${check.name}`, () => check.ready(page));
    for (const dialog of check.dialogs ?? []) {
      await dialog.open(page);
      const open = page.getByRole('dialog').or(page.getByRole('alertdialog'));
      await checkBothSchemes(page, `a11y-${dialog.name}`, () => expect(open).toBeVisible());
      await page.keyboard.press('Escape');
      await expect(open).toBeHidden();
    }
  });
}
