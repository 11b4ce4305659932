// The operator's path on one job: a failure, its error and stack, the fix, and the confirmation.
import { checkBothSchemes, DESKTOP, toasts } from './console-pages.js';
import { E2E_QUEUE, expect, loginAs, test } from './fixtures/index.js';

test.use({ viewport: DESKTOP });

test('a failed job retried from the job page completes, and the page shows it', async ({ page, queues }) => {
  // axe and screenshots in two colour schemes take a while on a loaded machine.
  test.setTimeout(60_000);
  const events = await queues.queueEvents(E2E_QUEUE.gated);
  const gate = `job-page-${Date.now()}`;
  const job = await queues.addGated(gate, { order: 4711, customer: { id: 7, tier: 'gold' } });
  await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/closed/);

  await loginAs(page, 'operator');
  await page.goto(`/queues/${E2E_QUEUE.gated}/jobs/${job.id}`);
  await expect(page.locator('.page-header').getByText('Failed', { exact: true })).toBeVisible();
  await expect(page.getByTestId('job-failed-reason')).toHaveText(`gate ${gate} is closed`);
  await expect(page.getByTestId('job-data')).toContainText('4711');
  await checkBothSchemes(page, 'job', async () => {
    await expect(page.getByTestId('job-data')).toContainText('order');
  });

  await queues.openGate(gate);
  await page.getByRole('button', { name: 'Retry', exact: true }).click();
  await expect(toasts(page).filter({ hasText: `Retried job ${job.id}` })).toBeVisible();
  await queues.waitForState(E2E_QUEUE.gated, job.id!, 'completed');
  // Live: the queue's change reaches the page through the event stream, no reload.
  await expect(page.locator('.page-header').getByText('Completed', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry', exact: true })).toHaveCount(0);
});

test('the job page links to the same job in Bull Board', async ({ page, queues }) => {
  const job = await queues.add(E2E_QUEUE.hold, { from: 'job.spec' });
  await loginAs(page, 'viewer');
  await page.goto(`/queues/${E2E_QUEUE.hold}/jobs/${job.id}`);
  // The job page's own link, in the page's main region: the sidebar's Bull Board link (to the board's
  // home) is there from the start, so `.last()` could take it before the job had loaded.
  await page.getByRole('main').getByRole('link', { name: 'Bull Board' }).click();
  await expect(page).toHaveURL(new RegExp(`/board/queue/${E2E_QUEUE.hold}/${job.id}$`));
  // Bull Board's job view: "#<id> <queue>" and the job's data.
  await expect(page.getByRole('main').getByText(`#${job.id}`, { exact: false }).first()).toBeVisible();
  await expect(page.getByRole('tree', { name: 'JSON view' })).toContainText('job.spec');
});
