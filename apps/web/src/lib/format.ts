// Numbers, durations and times for humans. Tables use tabular figures (CSS), so only the text lives here.
const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const absolute = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });

/** 1234 → "1,234"; 1234567 → "1.2M" when `short`. */
export function formatCount(n: number, short = false): string {
  return short && Math.abs(n) >= 100_000 ? compact.format(n) : integer.format(n);
}

/** 1 → "1 rule", 3 → "3 rules": a count with its noun (plural with an s unless given). */
export function formatCountOf(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : pluralNoun}`;
}

export function formatPercent(ratio: number): string {
  return percent.format(ratio);
}

/** 950 → "950 ms", 61_000 → "1m 1s", 90_000_000 → "1d 1h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    if (rest >= size || (parts.length === 0 && unit === 's')) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function formatAbsolute(at: number): string {
  return absolute.format(at);
}

/** "3 min. ago", "in 20 sec." relative to `now`. */
export function formatRelative(at: number, now = Date.now()): string {
  const diff = (at - now) / 1_000;
  const abs = Math.abs(diff);
  if (abs < 5) return 'just now';
  if (abs < 60) return relative.format(Math.round(diff), 'second');
  if (abs < 3_600) return relative.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(diff / 3_600), 'hour');
  return relative.format(Math.round(diff / 86_400), 'day');
}
