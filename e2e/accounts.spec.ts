// Account management in the console, as an admin does it: create an operator in the UI, watch them
// sign in elsewhere, change what they may do, and disable them — their open session stops at once.
import { randomBytes } from 'node:crypto';
import { DESKTOP } from './console-pages.js';
import { API, ApiClient, createUser, expect, loginAs, test } from './fixtures/index.js';

test.use({ viewport: DESKTOP });
// Several pages, browser contexts and jobs per test: slack for a loaded machine.
test.describe.configure({ timeout: 60_000 });

interface AccountList {
  users: Array<{ username: string; role: string; disabled: boolean }>;
}

test('an admin creates an operator, who signs in elsewhere; disabling them ends that open session', async ({ page, browser, api }) => {
  await loginAs(page, 'admin');
  const username = `op-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('hex')}`;

  await page.goto('/accounts');
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'New account' }).click();
  const form = page.getByRole('dialog', { name: 'New account' });
  await form.getByLabel('User name').fill(username);
  await form.getByRole('radio', { name: /^Operator/ }).check();
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(form).toBeHidden();
  const row = page.getByTestId('accounts-table').getByRole('row').filter({ hasText: username });
  await expect(row.getByRole('combobox', { name: `Role of ${username}` })).toHaveValue('operator');
  await expect(row.getByText('Active')).toBeVisible();
  // What the API now holds, not only what the page shows.
  const created = (await api.getJson<AccountList>('/users')).users.find((u) => u.username === username);
  expect(created).toEqual(expect.objectContaining({ role: 'operator', disabled: false }));

  // The operator signs in with the form, in a browser context of their own.
  const operatorContext = await browser.newContext({ viewport: DESKTOP });
  try {
    const operatorPage = await operatorContext.newPage();
    await operatorPage.goto('/login');
    await operatorPage.getByLabel('User name').fill(username);
    await operatorPage.getByLabel('Password').fill(password);
    await operatorPage.getByRole('button', { name: 'Sign in' }).click();
    await expect(operatorPage.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
    await expect(operatorPage.getByRole('button', { name: `Account: ${username}` })).toBeVisible();
    // An operator manages no accounts: no entry in the navigation.
    await expect(operatorPage.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Accounts' })).toHaveCount(0);
    expect((await operatorContext.request.get(`${API}/auth/me`)).status()).toBe(200);

    // The admin disables them, confirming in the dialog.
    await row.getByRole('button', { name: `Disable: ${username}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Disable ${username}?` });
    await confirm.getByRole('button', { name: 'Disable' }).click();
    await expect(confirm).toBeHidden();
    await expect(row.getByText('Disabled')).toBeVisible();
    expect((await api.getJson<AccountList>('/users')).users.find((u) => u.username === username)?.disabled).toBe(true);

    // Their open session is gone: the API refuses it, and the page they have open sends them to sign in.
    expect((await operatorContext.request.get(`${API}/auth/me`)).status()).toBe(401);
    // Their page may get there by itself first (a live refresh meets the same 401 and leaves the
    // navigation behind), so the click only has to land while the page is still theirs.
    await operatorPage
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Schedules' })
      .click({ timeout: 10_000 })
      .catch((err: unknown) => {
        if (!/\/login\?next=/.test(operatorPage.url())) throw err;
      });
    await expect(operatorPage).toHaveURL(/\/login\?next=/);
    // And they cannot sign in again.
    await operatorPage.getByLabel('User name').fill(username);
    await operatorPage.getByLabel('Password').fill(password);
    await operatorPage.getByRole('button', { name: 'Sign in' }).click();
    await expect(operatorPage.getByRole('alert')).toBeVisible();
    await expect(operatorPage).toHaveURL(/\/login/);
  } finally {
    await operatorContext.close();
  }

  // Enabling them again lets them back in with the same password.
  await row.getByRole('button', { name: `Enable: ${username}` }).click();
  await expect(row.getByText('Active')).toBeVisible();
  await (await ApiClient.signIn(username, password)).dispose();
});

test('an admin changes a role and sets a new password; the API applies both at once', async ({ page, api }) => {
  await loginAs(page, 'admin');
  const user = await createUser('viewer');
  const session = await ApiClient.signIn(user.username, user.password);
  try {
    // As a viewer the user may not pause a queue.
    expect((await session.post('/queues/e2e-ok/pause')).status()).toBe(403);

    await page.goto(`/accounts?q=${user.username}`);
    const row = page.getByTestId('accounts-table').getByRole('row').filter({ hasText: user.username });
    await expect(page.getByTestId('accounts-table').getByRole('row')).toHaveCount(2);
    await row.getByRole('combobox', { name: `Role of ${user.username}` }).selectOption('operator');
    await expect(page.getByRole('region', { name: /^Notifications/ }).getByText(`${user.username} is now an operator`)).toBeVisible();
    expect((await api.getJson<AccountList>('/users')).users.find((u) => u.username === user.username)?.role).toBe('operator');
    // The same session now may: the role is read on every request.
    const paused = await session.post('/queues/e2e-ok/pause');
    expect(paused.status()).toBe(200);
    await api.postJson('/queues/e2e-ok/resume');

    const newPassword = `new-${randomBytes(9).toString('hex')}`;
    await row.getByRole('button', { name: `Reset password: ${user.username}` }).click();
    const dialog = page.getByRole('dialog', { name: `New password for ${user.username}` });
    await dialog.getByLabel('New password').fill('short');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    // The browser's own check (minlength) keeps a too-short password from being sent at all.
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('New password').fill(newPassword);
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await expect(dialog).toBeHidden();

    // The reset ended their session, the old password no longer works, the new one does.
    expect((await session.get('/auth/me')).status()).toBe(401);
    await expect(ApiClient.signIn(user.username, user.password)).rejects.toThrow(/401/);
    await (await ApiClient.signIn(user.username, newPassword)).dispose();
  } finally {
    await session.dispose();
  }
});
