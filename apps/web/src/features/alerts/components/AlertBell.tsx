// The bell in the top bar: the in-app feed. The latest messages come from the history (refetched on
// every `alert` event of the live stream); unread are those newer than when this browser last opened it.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { useState, type SVGProps } from 'react';
import { RelativeTime } from '../../../components/RelativeTime';
import { feedQuery } from '../api';
import { consolePath } from './alert-link';
import '../alerts.css';

const SEEN_KEY = 'bullpen.alerts.seenAt';

function IconBell(props: SVGProps<SVGSVGElement>) {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" {...props}>
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}

function readSeen(): number {
  const value = Number(globalThis.localStorage?.getItem(SEEN_KEY) ?? 0);
  return Number.isFinite(value) ? value : 0;
}

export function AlertBell() {
  const { data } = useQuery(feedQuery);
  const router = useRouter();
  const [seenAt, setSeenAt] = useState(readSeen);
  const items = data?.items ?? [];
  const unread = items.filter((n) => Date.parse(n.createdAt) > seenAt).length;
  const markSeen = () => {
    const now = Date.now();
    globalThis.localStorage?.setItem(SEEN_KEY, String(now));
    setSeenAt(now);
  };
  return (
    <DropdownMenu.Root onOpenChange={(open) => (open ? undefined : markSeen())}>
      <DropdownMenu.Trigger className="btn btn-ghost alert-bell" aria-label={unread > 0 ? `Alerts: ${unread} unread` : 'Alerts: none unread'} data-testid="alert-bell">
        <IconBell />
        {unread > 0 ? (
          <span className="alert-bell-count" data-testid="alert-bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu alert-feed" align="end" sideOffset={6} aria-label="Alert feed">
          <DropdownMenu.Label className="menu-label">
            <strong>Alerts</strong> {unread > 0 ? <span className="muted">· {unread} new</span> : null}
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="menu-sep" />
          {items.length === 0 ? <div className="menu-label muted">No alerts yet.</div> : null}
          {items.map((n) => (
            <DropdownMenu.Item key={n.id} className="menu-item alert-feed-item" data-unread={Date.parse(n.createdAt) > seenAt ? 'true' : undefined} onSelect={() => router.history.push(consolePath(n.link))}>
              <span className="badge" data-state={n.kind === 'resolved' ? 'completed' : n.kind === 'firing' ? 'failed' : 'delayed'}>
                {n.kind}
              </span>
              <span className="alert-feed-text">
                <span className="alert-feed-title">{n.title}</span>
                <span className="muted">
                  <RelativeTime at={Date.parse(n.createdAt)} />
                </span>
              </span>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="menu-sep" />
          <DropdownMenu.Item className="menu-item" onSelect={() => router.history.push('/alerts')}>
            All alerts, rules and channels
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
