// The sidebar's entries, in order. A feature that adds a page adds its entry here; `role` hides the
// entry from users who could not use the page.
import type { ComponentType, SVGProps } from 'react';
import { IconClock, IconInbox, IconList, IconOverview, IconServer, IconUsers, IconAlert } from '../components/icons';
import type { Role } from '../lib/roles';

export interface NavEntry {
  to: '/' | '/schedules' | '/dead-letters' | '/alerts' | '/workers' | '/audit' | '/accounts';
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement> & { size?: number }>;
  role: Role;
}

export const navEntries: NavEntry[] = [
  { to: '/', label: 'Overview', icon: IconOverview, role: 'viewer' },
  { to: '/schedules', label: 'Schedules', icon: IconClock, role: 'viewer' },
  { to: '/dead-letters', label: 'Dead letters', icon: IconInbox, role: 'viewer' },
  { to: '/alerts', label: 'Alerts', icon: IconAlert, role: 'viewer' },
  { to: '/workers', label: 'Workers', icon: IconServer, role: 'viewer' },
  { to: '/audit', label: 'Audit log', icon: IconList, role: 'admin' },
  { to: '/accounts', label: 'Accounts', icon: IconUsers, role: 'admin' },
];
