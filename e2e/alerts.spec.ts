// Alerts in the browser: an admin creates a webhook channel and a rule in the UI, jobs fail, the alert
// shows in the bell's feed and in the history with each channel's delivery status, its link opens the
// failing queue, and an operator silences the rule.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBothSchemes, DESKTOP } from './console-pages.js';
import { E2E_QUEUE, expect, loginAs, test } from './fixtures/index.js';

test('create a channel and a rule, see the alert in the feed and history, follow it, silence the rule', async ({ page, queues }) => {
  test.setTimeout(90_000);
  const received: string[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(body);
      res.end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const suffix = Date.now().toString(36);
  const channelName = `e2e hook ${suffix}`;
  const ruleName = `gated failures ${suffix}`;

  try {
    await page.setViewportSize(DESKTOP);
    await loginAs(page, 'admin');
    await page.goto('/alerts?tab=channels');
    await expect(page.getByRole('heading', { level: 1, name: 'Alerts' })).toBeVisible();

    // A channel, with its secret typed once and never shown again.
    await page.getByRole('button', { name: 'New channel' }).click();
    const channelForm = page.getByRole('form', { name: 'New channel' });
    await channelForm.getByLabel('Name').fill(channelName);
    await channelForm.getByLabel('Kind').selectOption('webhook');
    await channelForm.getByLabel('URL').fill(hookUrl);
    await channelForm.getByLabel('Signing secret (16+ characters)').fill('e2e-signing-secret-0123456789');
    await channelForm.getByRole('button', { name: 'Create channel' }).click();
    const channelRow = page.getByTestId('alert-channels').getByRole('row', { name: new RegExp(channelName) });
    await expect(channelRow).toContainText(`${new URL(hookUrl).origin}/…`);
    await expect(page.getByText('e2e-signing-secret-0123456789')).toHaveCount(0);

    // A rule on the gated queue, to this channel and the in-app feed. The API's validation shows first.
    await page.getByRole('link', { name: /^Rules/ }).click();
    await page.getByRole('button', { name: 'New rule' }).click();
    const ruleForm = page.getByRole('form', { name: 'New rule' });
    await ruleForm.getByLabel('Name').fill(ruleName);
    await ruleForm.getByLabel('Fires on').selectOption('job-failed');
    await ruleForm.getByLabel('Queues').fill(E2E_QUEUE.gated);
    await ruleForm.getByLabel('Cooldown (s)').fill('0');
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    await expect(ruleForm.getByRole('alert')).toContainText('Too small');
    await ruleForm.getByLabel('Cooldown (s)').fill('600');
    await ruleForm.getByLabel(channelName).check();
    await ruleForm.getByRole('button', { name: 'Preview last hour' }).click();
    await expect(ruleForm.getByTestId('rule-preview')).toBeVisible();
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    const ruleRow = page.getByTestId('alert-rules').getByRole('row', { name: new RegExp(ruleName) });
    await expect(ruleRow).toContainText('ok');

    // Failures: three jobs of the gated queue fail.
    for (let i = 0; i < 3; i++) await queues.addGated(`alerts-${suffix}`, { i });

    // The bell counts it, live, and its feed names it.
    const bell = page.getByTestId('alert-bell');
    await expect(page.getByTestId('alert-bell-count')).toHaveText(/^[1-9]/, { timeout: 20_000 });
    await bell.click();
    // Radix names the menu after its trigger.
    const feed = page.getByRole('menu', { name: /^Alerts:/ });
    await expect(feed).toContainText(`Job failed in ${E2E_QUEUE.gated}`);
    await page.keyboard.press('Escape');
    await expect(ruleRow).toContainText('firing');

    // The history shows it with each channel's delivery status.
    await page.getByRole('link', { name: /^History/ }).click();
    const historyRow = page.getByTestId('alert-history').getByRole('row', { name: new RegExp(`Job failed in ${E2E_QUEUE.gated}`) }).first();
    await expect(historyRow.getByText(`${channelName}: sent`)).toBeVisible({ timeout: 20_000 });
    await expect(historyRow.getByText('Console: sent')).toBeVisible();
    expect(received.length).toBe(1);
    expect(JSON.parse(received[0]!)).toMatchObject({ kind: 'firing', scope: E2E_QUEUE.gated });
    await checkBothSchemes(page, 'alerts-history', () => expect(historyRow.getByText('Console: sent')).toBeVisible());

    // Its link opens the failing queue's failed tab.
    await historyRow.getByRole('link', { name: `Job failed in ${E2E_QUEUE.gated}` }).click();
    await expect(page).toHaveURL(new RegExp(`/queues/${E2E_QUEUE.gated}\\?state=failed$`));
    await expect(page.getByRole('heading', { level: 1 })).toContainText(E2E_QUEUE.gated);

    // An operator silences the rule.
    await loginAs(page, 'operator');
    await page.goto('/alerts?tab=rules');
    // The page header counts firing rules; a silenced rule stops counting, though its incident stays open.
    const firingInHeader = async () => Number(/(\d+) firing/.exec((await page.locator('.page-header .subtitle').textContent()) ?? '')?.[1] ?? 0);
    await expect.poll(firingInHeader).toBeGreaterThan(0);
    const firingBefore = await firingInHeader();
    await page.getByRole('button', { name: `Silence ${ruleName} for 1 hour` }).click();
    await expect(page.getByTestId('alert-rules').getByRole('row', { name: new RegExp(ruleName) })).toContainText('silenced');
    await expect.poll(firingInHeader).toBe(firingBefore - 1);
    await expect(page.getByRole('button', { name: `Unsilence ${ruleName}` })).toBeVisible();
    await expect(page.getByRole('button', { name: 'New rule' })).toHaveCount(0);
    await checkBothSchemes(page, 'alerts-rules', () => expect(page.getByRole('button', { name: `Unsilence ${ruleName}` })).toBeVisible());
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
});
