import type { ReactNode } from 'react';
import type { Role } from '../lib/roles';
import { useCan } from '../lib/session';

/** Renders its children only for users whose role allows `role`: a viewer never sees a control they cannot use. */
export function Can({ role, children }: { role: Role; children: ReactNode }) {
  return useCan(role) ? children : null;
}
