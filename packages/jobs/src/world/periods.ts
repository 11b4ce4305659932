// Periods are derived from when a run was due (ctx.job.scheduledAt), never from the worker's clock,
// so a run retried an hour later still bills, pays or ticks the period it was scheduled for. All UTC.

const DAY_MS = 86_400_000;

/** ISO week of `at`, e.g. `2026-W48`, and the Monday 00:00 UTC it starts on. */
export function isoWeek(at: Date): { period: string; start: Date; end: Date } {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const start = day - weekday * DAY_MS;
  const thursday = new Date(start + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { period: `${year}-W${String(week).padStart(2, '0')}`, start: new Date(start), end: new Date(start + 7 * DAY_MS) };
}

/** The UTC day of `at`, e.g. `2026-11-28`, and its start. */
export function utcDay(at: Date): { period: string; start: Date } {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return { period: start.toISOString().slice(0, 10), start };
}

/** The slot of `minutes` minutes that `at` falls in: its start, a name, and its ordinal since the epoch. */
export function slotOf(at: Date, minutes: number): { period: string; start: Date; index: number } {
  const size = minutes * 60_000;
  const index = Math.floor(at.getTime() / size);
  const start = new Date(index * size);
  return { period: start.toISOString(), start, index };
}
