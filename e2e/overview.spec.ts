// The overview against the API's own figures, and live: a job added by another service shows up
// without a reload, through the event stream.
import { checkBothSchemes, DESKTOP } from './console-pages.js';
import { API, E2E_QUEUE, expect, loginAs, test } from './fixtures/index.js';

test.use({ viewport: DESKTOP });

interface QueueRow {
  name: string;
  counts: Record<'waiting' | 'prioritized' | 'active' | 'delayed' | 'completed' | 'failed', number>;
  paused: boolean;
}

test('lists every queue with the counts the API gives', async ({ page }) => {
  // axe and screenshots in two colour schemes take a while on a loaded machine.
  test.setTimeout(60_000);
  await loginAs(page, 'viewer');
  await page.goto('/');
  const table = page.getByRole('table', { name: 'Queues' });
  await expect(table).toBeVisible();

  // Scheduled types may finish a job between the two reads, so compare until one read agrees.
  await expect(async () => {
    const { queues } = (await (await page.request.get(`${API}/queues`)).json()) as { queues: QueueRow[] };
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())),
    );
    expect(rows.map((cells) => cells[0]?.replace(/(Paused|Breaker.*)$/, '').trim())).toEqual(queues.map((q) => q.name));
    for (const [i, q] of queues.entries()) {
      const cells = rows[i]!;
      const number = (text: string | undefined) => Number((text ?? '').replace(/,/g, ''));
      expect({ queue: q.name, waiting: number(cells[1]), active: number(cells[2]), delayed: number(cells[3]), failed: number(cells[4]), completed: number(cells[5]) }).toEqual({
        queue: q.name,
        waiting: q.counts.waiting + q.counts.prioritized,
        active: q.counts.active,
        delayed: q.counts.delayed,
        failed: q.counts.failed,
        completed: q.counts.completed,
      });
      expect(cells[0]!.includes('Paused')).toBe(q.paused);
    }
  }).toPass({ timeout: 15_000 });

  // Every column fits the card at desktop width: the table does not scroll sideways under its border.
  const card = page.locator('.table-wrap').filter({ has: table });
  expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);

  await checkBothSchemes(page, 'overview', async () => {
    await expect(table).toBeVisible();
  });
});

test('a job added from outside appears without a reload', async ({ page, queues }) => {
  await loginAs(page, 'viewer');
  await page.goto('/');
  await expect(page.getByTestId('live-indicator')).toHaveText('Live');
  // A marker on this document: a reload would lose it.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: E2E_QUEUE.hold, exact: true }) });
  const waitingCell = row.getByRole('cell').nth(1);
  const before = Number((await waitingCell.textContent())!.replace(/,/g, ''));

  // The hold queue is paused, so the job stays waiting.
  await queues.add(E2E_QUEUE.hold, { from: 'overview.spec' });
  await expect(waitingCell).toHaveText(String(before + 1));
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});
