import * as Tooltip from '@radix-ui/react-tooltip';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet } from '@tanstack/react-router';
import { useEffect } from 'react';
import { IconExternal } from '../../components/icons';
import { Toaster } from '../../components/Toaster';
import { AlertBell } from '../../features/alerts/components/AlertBell';
import { connectLiveEvents } from '../../lib/live-events';
import { allows } from '../../lib/roles';
import { useSession } from '../../lib/session';
import { navEntries } from '../nav';
import { LiveIndicator } from './LiveIndicator';
import { ThemeMenu } from './ThemeMenu';
import { UserMenu } from './UserMenu';

export function AppLayout() {
  const queryClient = useQueryClient();
  const session = useSession();
  // One event stream for the whole signed-in app; it invalidates the queries whose data changed.
  useEffect(() => connectLiveEvents(queryClient), [queryClient]);

  return (
    <Tooltip.Provider delayDuration={300}>
      <div className="shell">
        <aside className="sidebar" aria-label="Main">
          <div className="sidebar-inner">
            <Link to="/" className="brand">
              <span className="brand-mark" aria-hidden="true">B</span>
              Bullpen
            </Link>
            <nav className="nav" aria-label="Pages">
              {navEntries
                .filter((entry) => allows(session?.role, entry.role))
                .map(({ to, label, icon: Icon }) => (
                  <Link key={to} to={to} activeOptions={{ exact: to === '/' }}>
                    <Icon /> {label}
                  </Link>
                ))}
              <div className="nav-section">Tools</div>
              <a href="/board">
                <IconExternal /> Bull Board
              </a>
            </nav>
            <div className="sidebar-footer faint">Operations console</div>
          </div>
        </aside>
        <div className="main">
          <header className="topbar">
            <div className="topbar-spacer" />
            <AlertBell />
            <LiveIndicator />
            <ThemeMenu />
            <UserMenu />
          </header>
          <main className="content" id="main">
            <Outlet />
          </main>
        </div>
      </div>
      <Toaster />
    </Tooltip.Provider>
  );
}
