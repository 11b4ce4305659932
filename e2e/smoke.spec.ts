import { expect, test } from '@playwright/test';

// Bull Board's UI asks Google Fonts for its typeface; offline that fails, and it is not ours to fix.
function isFontRequest(url: string): boolean {
  const host = URL.parse(url)?.hostname;
  return host === 'fonts.googleapis.com' || host === 'fonts.gstatic.com';
}

test('the live instance is healthy and a signed-out visitor lands on the sign-in page without errors', async ({ page, request }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    // The shell asks who is signed in first; the API's 401 for a visitor is the expected answer.
    if (message.type() === 'error' && !isFontRequest(message.location().url) && !message.text().includes('401')) {
      problems.push(`console error: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (failed) => {
    // The first page's data is asked for beside the session check; the app cancels it when it sends a
    // visitor to sign in. A cancellation is not a failure.
    if (failed.failure()?.errorText === 'net::ERR_ABORTED' && new URL(failed.url()).pathname.startsWith('/api/')) return;
    if (!isFontRequest(failed.url())) problems.push(`request failed: ${failed.url()} ${failed.failure()?.errorText ?? ''}`);
  });

  const healthResponse = await request.get('/healthz');
  expect(healthResponse.status()).toBe(200);
  expect(((await healthResponse.json()) as { status: string }).status).toBe('ok');
  expect((await request.get('/readyz')).status()).toBe(200);

  await page.goto('/');
  await expect(page).toHaveTitle('Bullpen');
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();

  expect(problems).toEqual([]);
});
