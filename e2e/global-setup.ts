import { accessSync, constants } from 'node:fs';
import { chromiumPath } from './environment.js';

// A missing browser must fail the run, never skip it: a skipped smoke test reads like a passing one.
export default function globalSetup(): void {
  try {
    accessSync(chromiumPath, constants.X_OK);
  } catch {
    throw new Error(
      `No Chromium at ${chromiumPath}. Install Debian's package "chromium" (apt-get install chromium), ` +
        'or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
}
