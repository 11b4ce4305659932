/**
 * The page to return to after sign-in, if it is a path on this origin; else "/". Refuses absolute URLs,
 * protocol-relative `//host`, `/\host` (browsers read it as `//host`) and anything with a scheme, so a
 * crafted link cannot send a freshly signed-in operator to another site.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Control characters (tabs, newlines) are stripped by URL parsers and can hide a scheme.
  for (const ch of next) if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return '/';
  try {
    const url = new URL(next, 'http://bullpen.invalid');
    if (url.origin !== 'http://bullpen.invalid') return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}

/** Bull Board is served by the API, not the SPA: reaching it needs a full page load. */
export function isServerPage(path: string): boolean {
  return path === '/board' || path.startsWith('/board/') || path.startsWith('/board?');
}
