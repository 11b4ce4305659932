import { describe, expect, it } from 'vitest';
import { expandAll, flatten } from './JsonTree';

/** About 5 MB of JSON: 20,000 records with nested objects and a long string each. */
function bigPayload() {
  return {
    batch: Array.from({ length: 20_000 }, (_, i) => ({ id: i, owner: { name: `player-${i}`, tags: ['a', 'b'] }, note: 'x'.repeat(200) })),
    meta: { source: 'test' },
  };
}

describe('JsonTree rows', () => {
  it('walks only expanded nodes, one page of children each, whatever the payload size', () => {
    const payload = bigPayload();
    expect(JSON.stringify(payload).length).toBeGreaterThan(5_000_000);
    const started = performance.now();
    const rows = flatten(payload, new Set(['', 'batch']), new Map());
    const elapsed = performance.now() - started;
    // root, batch, its first 100 items, a "show more" row, meta
    expect(rows).toHaveLength(1 + 1 + 100 + 1 + 1);
    expect(rows[102]).toMatchObject({ kind: 'more', remaining: 19_900 });
    expect(elapsed).toBeLessThan(50);
  });

  it('grows a container by one page per "show more"', () => {
    const rows = flatten(bigPayload(), new Set(['', 'batch']), new Map([['batch', 300]]));
    expect(rows.filter((r) => r.depth === 2 && r.kind !== 'more')).toHaveLength(300);
  });

  it('caps "expand all" at the number of nodes it is given', () => {
    const payload = bigPayload();
    expect(expandAll(payload, 150).size).toBe(150);
    // Uncapped it still opens only each container's first page: 3 + 100 items × (item, owner, tags).
    const paths = expandAll(payload, 10_000);
    expect(paths.size).toBe(303);
    expect(flatten(payload, paths, new Map()).length).toBeLessThan(2_000);
  });

  it('opens a long string into fixed-width chunks instead of one huge row', () => {
    const rows = flatten({ s: 'y'.repeat(1_000) }, new Set(['', 's']), new Map());
    const chunks = rows.filter((r) => r.kind === 'chunk');
    expect(chunks).toHaveLength(9);
    expect(chunks.map((c) => c.text).join('')).toBe('y'.repeat(1_000));
  });
});
