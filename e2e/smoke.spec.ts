import { expect, test } from '@playwright/test';

// Bull Board's UI asks Google Fonts for its typeface; offline that fails, and it is not ours to fix.
function isFontRequest(url: string): boolean {
  const host = URL.parse(url)?.hostname;
  return host === 'fonts.googleapis.com' || host === 'fonts.gstatic.com';
}

test('the start page shows the health and readiness of the live instance', async ({ page, request }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !isFontRequest(message.location().url)) {
      problems.push(`console error: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (failed) => {
    if (!isFontRequest(failed.url())) problems.push(`request failed: ${failed.url()} ${failed.failure()?.errorText ?? ''}`);
  });

  // What the API itself says, to compare the page against.
  const healthResponse = await request.get('/healthz');
  expect(healthResponse.status()).toBe(200);
  const health = (await healthResponse.json()) as { status: string; instanceId: string };
  expect(health.status).toBe('ok');

  await page.goto('/');

  await expect(page).toHaveTitle('Bullpen');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bullpen');

  const healthPanel = page.getByRole('region', { name: 'Health' });
  await expect(healthPanel.getByTestId('health-status')).toHaveText('ok');
  await expect(healthPanel.getByTestId('health-instance')).toHaveText(health.instanceId);

  const readinessPanel = page.getByRole('region', { name: 'Readiness' });
  await expect(readinessPanel.getByTestId('readiness-status')).toHaveText('ready');
  await expect(readinessPanel.getByTestId('readiness-check-redis')).toHaveText('up');
  await expect(readinessPanel.getByTestId('readiness-check-postgres')).toHaveText('up');

  await expect(page.getByRole('link', { name: 'Bull Board' })).toHaveAttribute('href', '/board');
  await expect(page.getByRole('link', { name: 'OpenAPI document' })).toHaveAttribute('href', '/api/v1/openapi.json');

  expect(problems).toEqual([]);
});
