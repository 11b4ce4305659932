// Signing in and out of the console, and the way back to where the user was (the console's pages and
// Bull Board's alike).
import { checkBothSchemes, DESKTOP } from './console-pages.js';
import { baseURL } from './environment.js';
import { API, createUser, E2E_QUEUE, expect, loginAs, test } from './fixtures/index.js';

test.use({ viewport: DESKTOP });

test('a wrong password shows the API’s error and keeps the user on the sign-in page', async ({ page }) => {
  // axe and screenshots in two colour schemes take a while on a loaded machine.
  test.setTimeout(60_000);
  const user = await createUser('viewer');
  await page.goto('/login');
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(`${user.password}-wrong`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong user name or password.');
  await expect(page).toHaveURL(/\/login/);
  await checkBothSchemes(page, 'login', async () => {
    await expect(page.getByRole('alert')).toBeVisible();
  });
});

test('the Bull Board link while signed out leads to sign-in and back to the board', async ({ page }) => {
  const user = await createUser('operator');
  await page.goto(`/board/queue/${E2E_QUEUE.ok}`);
  await expect(page).toHaveURL((url) => url.pathname === '/login' && url.searchParams.get('next') === `/board/queue/${E2E_QUEUE.ok}`);
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/board/queue/${E2E_QUEUE.ok}$`));
  // Bull Board's own UI, not the console: its queue page names the queue.
  await expect(page.getByText(E2E_QUEUE.ok).first()).toBeVisible();
});

test('a next that points off-site is ignored: sign-in lands on the overview', async ({ page }) => {
  const user = await createUser('viewer');
  await page.goto('/login?next=//evil.example/steal');
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL).origin);
  expect(new URL(page.url()).pathname).toBe('/');
});

test('sign-out ends the session: the API answers 401 afterwards', async ({ page }) => {
  const user = await loginAs(page, 'operator');
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  expect((await page.request.get(`${API}/auth/me`)).status()).toBe(200);
  await page.getByRole('button', { name: `Account: ${user.username}` }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get(`${API}/auth/me`)).status()).toBe(401);
  expect((await page.request.get(`${API}/queues`)).status()).toBe(401);
  // The console's own pages send the user to sign in again.
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=/);
});

test('a session that ends while the page is open brings the user to sign-in, then back to the same view', async ({ page, context }) => {
  const user = await loginAs(page, 'viewer');
  await page.goto(`/queues/${E2E_QUEUE.ok}?state=failed`);
  await expect(page.getByRole('heading', { name: E2E_QUEUE.ok, level: 1 })).toBeVisible();
  // The session disappears (expired, or signed out elsewhere). The next request the page makes is
  // refused with 401: here a job search; the live stream reconnecting may get there first, which is
  // as good (the page is the same either way).
  await context.clearCookies();
  await page.getByLabel('Find a job by id').fill('no-such-job', { timeout: 2_000 }).catch(() => undefined);
  await page.getByRole('button', { name: 'Find' }).click({ timeout: 2_000 }).catch(() => undefined);
  await expect(page).toHaveURL(/\/login\?next=/);
  expect(new URL(page.url()).searchParams.get('next')).toBe(`/queues/${E2E_QUEUE.ok}?state=failed`);
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/queues/${E2E_QUEUE.ok}\\?state=failed$`));
  await expect(page.getByRole('link', { name: /^Failed/ })).toHaveAttribute('aria-current', 'page');
});
