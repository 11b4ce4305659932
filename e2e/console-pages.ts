// What the console specs share: each page checked with axe and saved as a screenshot in light and in
// dark mode, at a desktop size operators use.
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations, saveScreenshot } from './fixtures/index.js';

export const DESKTOP = { width: 1440, height: 900 } as const;

/**
 * Runs axe and saves `<name>-light.png` and `<name>-dark.png`. `ready` waits for what must be on
 * screen (it runs again after the switch, since charts redraw in the other palette).
 */
export async function checkBothSchemes(page: Page, name: string, ready: () => Promise<void>): Promise<string[]> {
  const files: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await ready();
    await expectNoSeriousA11yViolations(page, `${name} (${colorScheme})`);
    files.push(await saveScreenshot(page, `${name}-${colorScheme}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}

/** The toasts on screen (Radix renders each as a list item of the "Notifications" region). */
export function toasts(page: Page) {
  return page.getByRole('region', { name: /^Notifications/ }).getByRole('listitem');
}
