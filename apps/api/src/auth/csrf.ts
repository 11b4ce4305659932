// CSRF: every state change must come from our own origin (Sec-Fetch-Site, else Origin) and, for the
// JSON API, carry the session's token in X-CSRF-Token. Bull Board's UI cannot send our token, so its
// writes rely on the origin check (plus the SameSite=Strict cookie).
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

export type CsrfMode = 'none' | 'origin' | 'token';

export function fromOwnOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = req.get('origin');
  if (origin !== undefined) {
    try {
      return new URL(origin).host === req.get('host');
    } catch {
      return false;
    }
  }
  // Browsers send Origin or Sec-Fetch-Site with every cross-site POST; without either this is not a
  // browser acting on another site's behalf.
  return true;
}

export function tokenMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
