// CSRF: every state change must come from our own origin (Sec-Fetch-Site, else Origin) and, for the
// JSON API, carry the session's token in X-CSRF-Token. Bull Board's UI cannot send our token, so its
// writes need either the token or a positive same-origin header: a request with neither is refused
// (`token-or-same-origin`), unlike the API's origin check, which the token backs up.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

export type CsrfMode = 'none' | 'origin' | 'token' | 'token-or-same-origin';

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

/** A browser's positive statement that the request comes from our own pages; absence is not proof. */
export function sameOriginProof(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/** Why a request fails its route's CSRF mode, or undefined when it passes. */
export function csrfFailure(mode: CsrfMode, req: Request, sessionToken: string | undefined): string | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'token-or-same-origin') {
    if (tokenMatches(req.get('x-csrf-token'), sessionToken) ? fromOwnOrigin(req) : sameOriginProof(req)) return undefined;
    return 'Send the X-CSRF-Token header, or make the request from this site (Sec-Fetch-Site or Origin).';
  }
  if (!fromOwnOrigin(req)) return 'Cross-site request refused.';
  if (mode === 'token' && !tokenMatches(req.get('x-csrf-token'), sessionToken)) return 'Missing or wrong X-CSRF-Token header.';
  return undefined;
}
