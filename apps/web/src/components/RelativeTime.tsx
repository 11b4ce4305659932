import { useSyncExternalStore } from 'react';
import { formatAbsolute, formatRelative } from '../lib/format';

// One shared clock for every relative time on the page, ticking every 15 s, instead of a timer per cell.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: number | undefined;
function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= window.setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 15_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** "3 min. ago", with the absolute time on hover and in the machine-readable attribute. */
export function RelativeTime({ at, fallback = '–' }: { at: number | null | undefined; fallback?: string }) {
  const current = useNow();
  if (at === null || at === undefined || !Number.isFinite(at) || at <= 0) return <span className="faint">{fallback}</span>;
  const absolute = formatAbsolute(at);
  return (
    <time dateTime={new Date(at).toISOString()} title={absolute}>
      {formatRelative(at, Math.max(current, Date.now() - 60_000))}
    </time>
  );
}
