import { describe, expect, it } from 'vitest';
import { isServerPage, safeNext } from './safe-next';

describe('safeNext', () => {
  it('keeps a same-origin path with its query and hash', () => {
    expect(safeNext('/queues/war-resolution?state=failed&page=2#jobs')).toBe('/queues/war-resolution?state=failed&page=2#jobs');
    expect(safeNext('/board/queue/war-resolution')).toBe('/board/queue/war-resolution');
  });

  it.each([
    ['absolute URL', 'https://evil.example/'],
    ['protocol-relative', '//evil.example/path'],
    ['backslash that browsers read as //', '/\\evil.example'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['tab hiding a scheme', '/\t/evil.example'],
    ['relative without a slash', 'queues'],
    ['nothing', undefined],
  ])('refuses %s and falls back to /', (_label, next) => {
    expect(safeNext(next)).toBe('/');
  });

  it('sends Bull Board paths to a full page load, the console paths to the router', () => {
    expect(isServerPage('/board')).toBe(true);
    expect(isServerPage('/board/queue/x')).toBe(true);
    expect(isServerPage('/boardroom')).toBe(false);
    expect(isServerPage('/queues/board')).toBe(false);
  });
});
