// The queue page's controls act on Redis, confirm with the counts they touch, and follow the role.
import { checkBothSchemes, DESKTOP, toasts } from './console-pages.js';
import { API, E2E_QUEUE, expect, loginAs, test } from './fixtures/index.js';

test.use({ viewport: DESKTOP });

test('pausing a queue in the UI pauses it in Redis; resuming resumes it', async ({ page, queues }) => {
  await loginAs(page, 'operator');
  const queue = queues.queue(E2E_QUEUE.ok);
  expect(await queue.isPaused()).toBe(false);
  await page.goto(`/queues/${E2E_QUEUE.ok}`);

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(toasts(page).filter({ hasText: `Paused ${E2E_QUEUE.ok}` })).toBeVisible();
  await expect.poll(() => queue.isPaused()).toBe(true);
  await expect(page.locator('.page-header').getByText('Paused', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect.poll(() => queue.isPaused()).toBe(false);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
});

test('drain confirms with the number of waiting jobs, empties them, and the overview drops live', async ({ page, context, queues }) => {
  // axe and screenshots in two colour schemes take a while on a loaded machine.
  test.setTimeout(60_000);
  await loginAs(page, 'operator');
  const hold = queues.queue(E2E_QUEUE.hold);
  await hold.addBulk(Array.from({ length: 7 }, (_, i) => ({ name: 'drain-me', data: { i } })));
  const waiting = await hold.getWaitingCount();
  expect(waiting).toBeGreaterThanOrEqual(7);

  // A second tab on the overview, to see the count fall there without a reload.
  const overview = await context.newPage();
  await overview.goto('/');
  const holdRow = overview.getByRole('row').filter({ has: overview.getByRole('link', { name: E2E_QUEUE.hold, exact: true }) });
  await expect(holdRow.getByRole('cell').nth(1)).toHaveText(waiting.toLocaleString('en'));

  await page.goto(`/queues/${E2E_QUEUE.hold}?state=waiting`);
  await expect(page.getByTestId('tab-count-waiting')).toHaveText(waiting.toLocaleString('en'));
  await checkBothSchemes(page, 'queue', async () => {
    await expect(page.getByRole('table', { name: `waiting jobs in ${E2E_QUEUE.hold}` })).toBeVisible();
  });

  await page.getByRole('button', { name: 'Drain', exact: true }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByTestId('confirm-count')).toHaveText(waiting.toLocaleString('en'));
  await dialog.getByRole('button', { name: 'Drain' }).click();
  await expect(toasts(page).filter({ hasText: /^Removed/ })).toHaveText(new RegExp(`^Removed ${waiting.toLocaleString('en')} waiting jobs`));

  await expect.poll(() => hold.getWaitingCount()).toBe(0);
  await expect(page.getByTestId('tab-count-waiting')).toHaveText('0');
  await expect(holdRow.getByRole('cell').nth(1)).toHaveText('0');
  await overview.close();
});

test('retrying a selection reports partial results in numbers', async ({ page, queues }) => {
  const events = await queues.queueEvents(E2E_QUEUE.gated);
  const gate = `selection-${Date.now()}`;
  const jobs = await Promise.all([queues.addGated(gate), queues.addGated(gate), queues.addGated(gate)]);
  await Promise.all(jobs.map((job) => expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/closed/)));
  await loginAs(page, 'operator');
  await page.goto(`/queues/${E2E_QUEUE.gated}?state=failed`);
  for (const job of jobs) await page.getByRole('checkbox', { name: `Select job ${job.id}` }).check();
  // One of them stops being failed before the click lands: it is removed from outside.
  await queues.queue(E2E_QUEUE.gated).remove(jobs[2]!.id!);
  await queues.openGate(gate);
  await page.getByRole('button', { name: 'Retry', exact: true }).click();
  await expect(toasts(page).filter({ hasText: 'Retried 2 of 3 jobs' })).toContainText('1 no longer exists');
  await Promise.all(jobs.slice(0, 2).map((job) => queues.waitForState(E2E_QUEUE.gated, job.id!, 'completed')));
});

test('a viewer sees no control that changes a queue, and the API refuses them anyway', async ({ page }) => {
  await loginAs(page, 'viewer');
  await page.goto(`/queues/${E2E_QUEUE.gated}?state=failed`);
  await expect(page.getByRole('heading', { name: E2E_QUEUE.gated, level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: `failed jobs in ${E2E_QUEUE.gated}` })).toBeVisible();
  for (const name of ['Pause', 'Resume', 'Drain', 'Clean', 'Retry failed', 'Retry', 'Remove', 'Reset breaker']) {
    await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0);
  }
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  // The Bull Board link stays: viewers get the read-only board.
  await expect(page.getByRole('link', { name: 'Bull Board' }).first()).toBeVisible();
  const me = (await (await page.request.get(`${API}/auth/me`)).json()) as { csrfToken: string };
  const refused = await page.request.post(`${API}/queues/${E2E_QUEUE.gated}/pause`, { data: {}, headers: { 'X-CSRF-Token': me.csrfToken } });
  expect(refused.status()).toBe(403);
});
