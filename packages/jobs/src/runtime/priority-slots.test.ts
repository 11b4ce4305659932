import { describe, expect, it } from 'vitest';
import { PrioritySlots } from './priority-slots.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('PrioritySlots', () => {
  it('runs at once below the limit and never more than the limit at a time', async () => {
    const slots = new PrioritySlots(2);
    let running = 0;
    let peak = 0;
    const work = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
    };
    await Promise.all(Array.from({ length: 10 }, () => slots.run(0, work)));
    expect(peak).toBe(2);
    expect(slots.pending).toBe(0);
  });

  it('gives freed slots to the highest priority first, in arrival order within a priority', async () => {
    const slots = new PrioritySlots(1);
    const order: string[] = [];
    const first = gate();
    const held = slots.run(0, async () => {
      order.push('held');
      await first.opened;
    });
    const queued = [
      slots.run(0, async () => void order.push('low-1')),
      slots.run(5, async () => void order.push('high-1')),
      slots.run(0, async () => void order.push('low-2')),
      slots.run(5, async () => void order.push('high-2')),
      slots.run(9, async () => void order.push('top')),
    ];
    expect(slots.pending).toBe(5);
    first.open();
    await Promise.all([held, ...queued]);
    expect(order).toEqual(['held', 'top', 'high-1', 'high-2', 'low-1', 'low-2']);
  });

  it('frees the slot when the work fails', async () => {
    const slots = new PrioritySlots(1);
    await expect(slots.run(0, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(0, async () => 'next')).toBe('next');
  });
});
