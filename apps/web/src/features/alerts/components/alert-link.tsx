// Alert links carry PUBLIC_URL (they are also sent to Slack and mail); inside the console they open
// in place, through the router, keeping the operator's session and history.
import { useRouter } from '@tanstack/react-router';
import type { ReactNode } from 'react';

export function consolePath(link: string): string {
  try {
    const url = new URL(link);
    return `${url.pathname}${url.search}`;
  } catch {
    return '/';
  }
}

export function AlertLink({ link, children, onNavigate }: { link: string; children: ReactNode; onNavigate?: () => void }) {
  const router = useRouter();
  const path = consolePath(link);
  return (
    <a
      href={path}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        onNavigate?.();
        router.history.push(path);
      }}
    >
      {children}
    </a>
  );
}
