// Dead letters from the operator's chair: failures grouped by error, a replay from the UI that lands in
// the original queue and completes, a replay of everything matching a filter, a discard, the export,
// and the audit page naming who did each of these.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { DESKTOP } from './console-pages.js';
import { ApiClient, E2E_QUEUE, expect, loginAs, Queues, test } from './fixtures/index.js';

test.use({ viewport: DESKTOP });
// Several pages, browser contexts and jobs per test: slack for a loaded machine.
test.describe.configure({ timeout: 60_000 });

interface LetterList {
  items: Array<{ id: number; jobId: string; status: string; replayJobId: string | null; data: { gate?: string; n?: number } }>;
  total: number;
}

/** `count` jobs of the gated type that fail once and become dead letters; resolves when all have. */
async function deadLetters(queues: Queues, gate: string, count: number): Promise<void> {
  const events = await queues.queueEvents(E2E_QUEUE.gated);
  const jobs = await Promise.all(Array.from({ length: count }, (_, n) => queues.addGated(gate, { n })));
  await Promise.all(jobs.map((job) => expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(`gate ${gate} is closed`)));
}

/** Waits until the API lists `count` dead letters for the gate (they are written right after the failure). */
async function lettersOf(api: ApiClient, gate: string, status: string, count: number): Promise<LetterList> {
  let list: LetterList | undefined;
  await expect
    .poll(async () => (list = await api.getJson<LetterList>('/dead-letters', { queue: E2E_QUEUE.gated, q: gate, status })).total, { timeout: 15_000 })
    .toBe(count);
  return list!;
}

/** The toast list (Radix also copies each toast into a hidden live region, which this leaves out). */
const toasts = (page: Page) => page.getByRole('region', { name: /^Notifications/ });

async function confirmDialog(page: Page, expectedCount: number, button: RegExp): Promise<void> {
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByTestId('confirm-count')).toHaveText(String(expectedCount));
  await dialog.getByRole('button', { name: button }).click();
  await expect(dialog).toBeHidden();
}

test('a dead letter replayed from the UI lands in its queue and completes; the audit page shows each action with its user', async ({ page, browser, api, queues }) => {
  const tag = randomBytes(3).toString('hex');
  const gate = `dl${tag}`;
  const other = `dx${tag}`;
  await deadLetters(queues, gate, 3);
  await deadLetters(queues, other, 2);
  const letters = await lettersOf(api, gate, 'dead', 3);
  await lettersOf(api, other, 'dead', 2);
  // From now on the gate is open: a replayed job completes.
  await queues.openGate(gate);

  const operator = await loginAs(page, 'operator');
  await page.goto(`/dead-letters?queue=${E2E_QUEUE.gated}`);
  await expect(page.getByRole('heading', { name: 'Dead letters', level: 1 })).toBeVisible();
  await page.getByLabel('Error text').fill(gate);
  await expect(page).toHaveURL(new RegExp(`q=${gate}`));
  await expect(page.getByTestId('dead-letter-total')).toHaveText('3');
  // One error group: the three failures of this gate, with their count.
  const groups = page.getByTestId('dead-letter-groups').getByRole('row');
  await expect(groups).toHaveCount(2);
  await expect(groups.nth(1)).toContainText(`gate ${gate.replace(/\d+/g, '<n>')} is closed`);
  await expect(groups.nth(1)).toContainText('3');
  // The URL is the state: a reload shows the same filtered view.
  await page.reload();
  await expect(page.getByLabel('Error text')).toHaveValue(gate);
  await expect(page.getByLabel('Queue')).toHaveValue(E2E_QUEUE.gated);
  await expect(page.getByTestId('dead-letter-total')).toHaveText('3');

  // Replay one selected letter.
  const first = letters.items.at(-1)!;
  const table = page.getByTestId('dead-letters-table');
  await table.getByRole('checkbox', { name: new RegExp(`^Select dead letter ${first.id} `) }).check();
  await page.getByRole('button', { name: 'Replay selected' }).click();
  await confirmDialog(page, 1, /^Replay 1$/);
  await expect(toasts(page).getByText('Replayed 1 dead letter')).toBeVisible();
  await expect(page.getByTestId('dead-letter-total')).toHaveText('2');
  const replayed = (await lettersOf(api, gate, 'replayed', 1)).items[0]!;
  expect(replayed.id).toBe(first.id);
  // It landed in the original queue as a new job, which completes now that the gate is open.
  const job = await queues.waitForState(E2E_QUEUE.gated, replayed.replayJobId!, 'completed');
  expect(job.data).toEqual(expect.objectContaining({ gate, n: first.data.n }));
  expect(job.returnvalue).toEqual(expect.objectContaining({ summary: `gate ${gate} was open` }));

  // Replay everything the filter matches: the confirmation names the count it will touch.
  await page.getByRole('button', { name: 'Replay all matching' }).click();
  await confirmDialog(page, 2, /^Replay 2$/);
  await expect(toasts(page).getByText('Replayed 2 dead letters')).toBeVisible();
  await expect(page.getByTestId('dead-letter-total')).toHaveText('0');
  const all = await lettersOf(api, gate, 'replayed', 3);
  await Promise.all(all.items.map((l) => queues.waitForState(E2E_QUEUE.gated, l.replayJobId!, 'completed')));
  // The other gate's letters were outside the filter and stay dead.
  await lettersOf(api, other, 'dead', 2);

  // Discard the other gate's letters; they move to the Discarded tab.
  await page.goto(`/dead-letters?queue=${E2E_QUEUE.gated}&q=${other}`);
  await expect(page.getByTestId('dead-letter-total')).toHaveText('2');
  await page.getByRole('checkbox', { name: 'Select all rows on this page' }).check();
  await page.getByRole('button', { name: 'Discard selected' }).click();
  await confirmDialog(page, 2, /^Discard 2$/);
  await expect(page.getByTestId('dead-letter-total')).toHaveText('0');
  await page.getByRole('link', { name: 'Discarded' }).click();
  await expect(page).toHaveURL(/status=discarded/);
  await expect(page.getByTestId('dead-letter-total')).toHaveText('2');
  await lettersOf(api, other, 'discarded', 2);

  // The export is the filtered list as JSON.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export JSON' }).click();
  const exported = JSON.parse(await (await (await download).createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'))) as LetterList;
  expect(exported.total).toBe(2);
  expect(exported.items.map((l) => l.status)).toEqual(['discarded', 'discarded']);

  // An admin reads the audit log: each of the three actions (and the sign-in), with the operator's name and its outcome.
  const adminContext = await browser.newContext({ viewport: DESKTOP });
  try {
    const adminPage = await adminContext.newPage();
    await loginAs(adminPage, 'admin');
    await adminPage.goto(`/audit?actor=${operator.username}`);
    const rows = adminPage.getByTestId('audit-table').getByRole('row');
    // Header plus three actions and, first of all, the operator's sign-in (sign-ins are audited too),
    // each shown once, with its outcome.
    await expect(rows).toHaveCount(5);
    const expected = [
      ['dead-letters.discard', 'dead-letters:2 ids'],
      ['dead-letters.replay', 'dead-letters:filter'],
      ['dead-letters.replay', 'dead-letters:1 ids'],
      ['auth.sign-in', 'session'],
    ];
    for (const [index, [action, target]] of expected.entries()) {
      const row = rows.nth(index + 1);
      await expect(row).toContainText(operator.username);
      await expect(row).toContainText(action!);
      await expect(row).toContainText(target!);
      await expect(row).toContainText('Succeeded');
    }
    // Filtering by action narrows it to the two replays, and the URL says so.
    await adminPage.getByLabel('Action').fill('dead-letters.replay');
    await expect(adminPage).toHaveURL(/action=dead-letters\.replay/);
    await expect(rows).toHaveCount(3);
  } finally {
    await adminContext.close();
  }
});
