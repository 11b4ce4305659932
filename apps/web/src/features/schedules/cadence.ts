// Cadences in words: operators read "Mondays at 03:00" faster than "0 0 3 * * 1". Covers the shapes
// schedules here use (every n seconds/minutes/hours, hourly, daily, weekly, monthly); anything else
// returns null and the page shows the pattern alone.
import { formatDuration } from '../../lib/format';

const DAYS = ['Sundays', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays'];

const isNumber = (field: string) => /^\d+$/.test(field);
const step = (field: string) => /^\*\/(\d+)$/.exec(field)?.[1];
const pad = (n: string) => n.padStart(2, '0');

function plural(n: number, unit: string): string {
  return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
}

/** "every 5 minutes", "daily at 03:00", … or null when the pattern has another shape. */
export function describeCron(pattern: string): string | null {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return null;
  const [second, minute, hour, dom, month, dow] = fields.length === 6 ? fields : ['0', ...fields];
  if (month !== '*') return null;
  const anyDay = dom === '*' && dow === '*';

  const secondStep = step(second!);
  if (secondStep && minute === '*' && hour === '*' && anyDay) return plural(Number(secondStep), 'second');
  if (second !== '0') return null;

  const minuteStep = step(minute!);
  if (minuteStep && hour === '*' && anyDay) return plural(Number(minuteStep), 'minute');
  if (minute === '*' && hour === '*' && anyDay) return 'every minute';
  if (!isNumber(minute!)) return null;

  const hourStep = step(hour!);
  if (hour === '*' && anyDay) return minute === '0' ? 'hourly' : `hourly at :${pad(minute!)}`;
  if (hourStep && anyDay) return `${plural(Number(hourStep), 'hour')} at :${pad(minute!)}`;
  if (!isNumber(hour!)) return null;

  const time = `${pad(hour!)}:${pad(minute!)}`;
  if (anyDay) return `daily at ${time}`;
  if (dom === '*' && /^[0-7](,[0-7])*$/.test(dow!)) {
    const days = dow!.split(',').map((d) => DAYS[Number(d) % 7]!);
    return `${days.join(', ')} at ${time}`;
  }
  if (dow === '*' && isNumber(dom!)) return `monthly on day ${Number(dom)} at ${time}`;
  return null;
}

/** "every 1h", "every 30 s". */
export function describeEvery(ms: number): string {
  return `every ${formatDuration(ms)}`;
}
