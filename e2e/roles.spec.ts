// Role-aware controls: a viewer sees no control that changes anything, on any page, while an operator
// sees them on the same pages (so the viewer's empty pages are not just pages that failed to load); and
// the API refuses a viewer's mutations anyway, leaving the state as it was.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { DESKTOP } from './console-pages.js';
import { ApiClient, createUser, E2E_QUEUE, expect, loginAs, Queues, test } from './fixtures/index.js';

test.use({ viewport: DESKTOP });
// Several pages, browser contexts and jobs per test: slack for a loaded machine.
test.describe.configure({ timeout: 60_000 });

/** Accessible names of controls that change state, on any page of the console. */
const MUTATION = /^(pause|resume|reset breaker|retry|promote|run now|remove|drain|clean|replay|discard|disable|enable|new account|reset password|create account)\b/i;

interface ConsolePage {
  name: string;
  path: string;
  /** What must be on screen before the page counts as loaded. */
  ready: (page: Page) => Promise<void>;
  /** Mutation controls an operator sees here (the positive control). */
  operatorSees: RegExp[];
}

async function arrange(queues: Queues, gate: string) {
  const events = await queues.queueEvents(E2E_QUEUE.gated);
  const job = await queues.addGated(gate);
  await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(`gate ${gate} is closed`);
  return job.id!;
}

function pages(failedJobId: string, gate: string): ConsolePage[] {
  const h1 = (name: string | RegExp) => async (page: Page) => {
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  };
  return [
    { name: 'overview', path: '/', ready: async (page) => (await h1('Overview')(page), await expect(page.getByTestId('queues-table').getByRole('row').nth(1)).toBeVisible()), operatorSees: [] },
    {
      name: 'queue',
      path: `/queues/${E2E_QUEUE.gated}?state=failed`,
      ready: async (page) => (await h1(E2E_QUEUE.gated)(page), await expect(page.getByRole('link', { name: failedJobId, exact: true }).first()).toBeVisible()),
      operatorSees: [/^Pause$/, /^Retry failed$/, /^Drain$/, /^Clean$/],
    },
    { name: 'job', path: `/queues/${E2E_QUEUE.gated}/jobs/${failedJobId}`, ready: async (page) => await expect(page.getByText(`gate ${gate} is closed`).first()).toBeVisible(), operatorSees: [/^Retry$/, /^Remove$/] },
    { name: 'schedules', path: '/schedules', ready: async (page) => (await h1('Schedules')(page), await expect(page.getByTestId('schedules-table').getByRole('row').nth(1)).toBeVisible()), operatorSees: [/^Run now: \S+$/, /^Pause: \S+$/] },
    {
      name: 'dead letters',
      path: `/dead-letters?queue=${E2E_QUEUE.gated}&q=${gate}`,
      ready: async (page) => (await h1('Dead letters')(page), await expect(page.getByTestId('dead-letter-total')).toHaveText('1')),
      operatorSees: [/^Replay all matching$/, /^Discard all matching$/],
    },
    { name: 'workers', path: '/workers', ready: async (page) => (await h1('Workers')(page), await expect(page.getByTestId('instances-table').getByRole('row').nth(1)).toBeVisible()), operatorSees: [] },
  ];
}

/** Names of the buttons and the row-selection boxes on the page: what a user could act with. */
async function controls(page: Page): Promise<{ buttons: string[]; selectBoxes: number }> {
  const buttons = await page.getByRole('button').evaluateAll((elements) =>
    elements.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()),
  );
  const selectBoxes = await page.getByRole('checkbox', { name: /^Select/ }).count();
  return { buttons, selectBoxes };
}

test('a viewer sees no mutation controls on any page; an operator sees them on the same pages', async ({ page, browser, queues }) => {
  const gate = `roles${randomBytes(3).toString('hex')}`;
  const failedJobId = await arrange(queues, gate);
  const consolePages = pages(failedJobId, gate);

  const viewer = await loginAs(page, 'viewer');
  for (const target of consolePages) {
    await page.goto(target.path);
    await target.ready(page);
    const { buttons, selectBoxes } = await controls(page);
    expect(buttons.filter((name) => MUTATION.test(name)), `mutation controls a viewer sees on the ${target.name} page`).toEqual([]);
    expect(selectBoxes, `row selection on the ${target.name} page`).toBe(0);
  }
  // The admin pages are not in the viewer's navigation, and their URLs lead back to the overview.
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await expect(nav.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  for (const path of ['/accounts', '/audit']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/');
  }
  expect(viewer.role).toBe('viewer');

  const operatorContext = await browser.newContext({ viewport: DESKTOP });
  try {
    const operatorPage = await operatorContext.newPage();
    await loginAs(operatorPage, 'operator');
    for (const target of consolePages) {
      await operatorPage.goto(target.path);
      await target.ready(operatorPage);
      const { buttons } = await controls(operatorPage);
      for (const expected of target.operatorSees) {
        expect(buttons.some((name) => expected.test(name)), `an operator sees ${expected} on the ${target.name} page (buttons: ${buttons.join(', ')})`).toBe(true);
      }
    }
  } finally {
    await operatorContext.close();
  }
});

test('the API refuses every mutation from a viewer with 403 FORBIDDEN and changes nothing', async ({ api, queues }) => {
  const gate = `roles${randomBytes(3).toString('hex')}`;
  const failedJobId = await arrange(queues, gate);
  let letterId: number | undefined;
  await expect
    .poll(async () => (letterId = (await api.getJson<{ items: Array<{ id: number }> }>('/dead-letters', { queue: E2E_QUEUE.gated, q: gate })).items[0]?.id), { timeout: 15_000 })
    .toBeDefined();
  const schedule = (await api.getJson<{ schedules: Array<{ id: string; paused: boolean }> }>('/schedules')).schedules.find((s) => !s.paused)!;
  const someone = await createUser('operator');
  const user = await createUser('viewer');
  const viewer = await ApiClient.signIn(user.username, user.password);
  try {
    const q = `/queues/${E2E_QUEUE.gated}`;
    const mutations: Array<[string, unknown]> = [
      [`${q}/pause`, {}],
      [`${q}/resume`, {}],
      [`${q}/drain`, { delayed: true }],
      [`${q}/clean`, { state: 'failed', olderThanMs: 0 }],
      [`${q}/retry-failed`, {}],
      [`${q}/jobs/retry`, { ids: [failedJobId] }],
      [`${q}/jobs/remove`, { ids: [failedJobId] }],
      [`${q}/jobs/promote`, { ids: [failedJobId] }],
      [`${q}/breaker/reset`, {}],
      [`/schedules/${schedule.id}/trigger`, {}],
      [`/schedules/${schedule.id}/pause`, {}],
      [`/schedules/${schedule.id}/resume`, {}],
      ['/dead-letters/replay', { ids: [letterId] }],
      ['/dead-letters/discard', { ids: [letterId] }],
      ['/users', { username: `x${randomBytes(3).toString('hex')}`, password: 'a-long-enough-password', role: 'admin' }],
      [`/users/${someone.username}/role`, { role: 'viewer' }],
      [`/users/${someone.username}/password`, { password: 'a-long-enough-password' }],
      [`/users/${someone.username}/disable`, {}],
      [`/users/${user.username}/role`, { role: 'admin' }],
    ];
    for (const [path, body] of mutations) {
      const response = await viewer.post(path, body);
      expect(response.status(), `POST ${path}`).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code, `POST ${path}`).toBe('FORBIDDEN');
    }
    // Admin-only reads too.
    for (const path of ['/users', '/audit']) expect((await viewer.get(path)).status(), `GET ${path}`).toBe(403);

    // Nothing changed: the job is still failed in Redis, the queue not paused, the letter still dead,
    // the schedule still running, the accounts as they were.
    expect(await queues.queue(E2E_QUEUE.gated).getJobState(failedJobId)).toBe('failed');
    expect(await queues.queue(E2E_QUEUE.gated).isPaused()).toBe(false);
    expect((await api.getJson<{ status: string }>(`/dead-letters/${letterId}`)).status).toBe('dead');
    expect((await api.getJson<{ schedules: Array<{ id: string; paused: boolean }> }>('/schedules')).schedules.find((s) => s.id === schedule.id)?.paused).toBe(false);
    const accounts = (await api.getJson<{ users: Array<{ username: string; role: string; disabled: boolean }> }>('/users')).users;
    expect(accounts.find((u) => u.username === someone.username)).toEqual(expect.objectContaining({ role: 'operator', disabled: false }));
    expect(accounts.find((u) => u.username === user.username)?.role).toBe('viewer');
    await (await ApiClient.signIn(someone.username, someone.password)).dispose();
  } finally {
    await viewer.dispose();
  }
});
