// One look for a job or queue state everywhere: colour from the state's token, and always an icon and
// text too, so the colour is never the only signal.
import type { ReactNode } from 'react';
import { IconAlert, IconCheck, IconCircle, IconClock, IconHourglass, IconLoader, IconPause, IconZap } from './icons';

export type BadgeState =
  | 'failed' | 'completed' | 'active' | 'delayed' | 'waiting' | 'prioritized' | 'waiting-children' | 'paused'
  | 'open' | 'half-open' | 'closed';

const look: Record<BadgeState, { label: string; icon: ReactNode }> = {
  failed: { label: 'Failed', icon: <IconAlert size={12} /> },
  completed: { label: 'Completed', icon: <IconCheck size={12} /> },
  active: { label: 'Active', icon: <IconLoader size={12} /> },
  delayed: { label: 'Delayed', icon: <IconClock size={12} /> },
  waiting: { label: 'Waiting', icon: <IconHourglass size={12} /> },
  prioritized: { label: 'Prioritized', icon: <IconHourglass size={12} /> },
  'waiting-children': { label: 'Waiting children', icon: <IconHourglass size={12} /> },
  paused: { label: 'Paused', icon: <IconPause size={12} /> },
  open: { label: 'Breaker open', icon: <IconZap size={12} /> },
  'half-open': { label: 'Breaker half-open', icon: <IconZap size={12} /> },
  closed: { label: 'Breaker closed', icon: <IconCircle size={12} /> },
};

export function isBadgeState(state: string): state is BadgeState {
  return state in look;
}

export function StateBadge({ state, label }: { state: string; label?: string }) {
  const known = isBadgeState(state) ? look[state] : { label: state, icon: <IconCircle size={12} /> };
  return (
    <span className="badge" data-state={state}>
      {known.icon}
      {label ?? known.label}
    </span>
  );
}
