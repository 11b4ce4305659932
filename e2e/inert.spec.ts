// Job data is text. Payloads that would run script if rendered as HTML or followed as links stay inert
// on the console's job page and in Bull Board: the tripwire they would call never fires.
import { E2E_QUEUE, expect, expectNoScriptLinks, expectTripwireQuiet, installTripwire, loginAs, test, xssPayload } from './fixtures/index.js';

test('hostile job data renders as text on the job page and in Bull Board', async ({ page, context, queues }) => {
  await installTripwire(context);
  // The hold queue is paused: the job stays waiting with its data.
  const job = await queues.add(E2E_QUEUE.hold, { ...xssPayload, homepage: xssPayload.link }, { name: '<img src=x onerror=window.__tripwire("name")>' });
  await loginAs(page, 'operator');

  await page.goto(`/queues/${E2E_QUEUE.hold}/jobs/${job.id}`);
  const data = page.getByTestId('job-data');
  await data.getByRole('button', { name: 'Expand all' }).click();
  // The markup is there, as characters.
  // JSON strings show their quotes escaped, so compare up to the first quote.
  for (const markup of ['<script>window.__tripwire(', '<img src=', '<svg onload=', '<iframe srcdoc=', 'javascript:window.__tripwire(']) {
    await expect(data).toContainText(markup);
  }
  await expect(page.getByText('<img src=x onerror=window.__tripwire("name")>').first()).toBeVisible();
  // From the job to its queue's waiting list, where the job's name is shown too.
  await page.getByRole('region', { name: 'Summary' }).getByRole('link', { name: E2E_QUEUE.hold }).click();
  await expect(page.getByRole('table', { name: `waiting jobs in ${E2E_QUEUE.hold}` })).toContainText('<img src=x onerror=');
  await expectTripwireQuiet(page);
  await expectNoScriptLinks(page);

  await page.goto(`/board/queue/${E2E_QUEUE.hold}/${job.id}`);
  // Bull Board's job view opens on its Data tab, a JSON tree.
  await page.getByRole('tab', { name: 'Data' }).click();
  await expect(page.getByRole('tree', { name: 'JSON view' })).toContainText('__tripwire');
  await expectTripwireQuiet(page);
  await expectNoScriptLinks(page);
});
