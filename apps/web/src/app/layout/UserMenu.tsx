import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { IconLogOut, IconUser } from '../../components/icons';
import { useSignOut } from '../../features/auth/api';
import { useSession } from '../../lib/session';

export function UserMenu() {
  const session = useSession();
  const signOut = useSignOut();
  if (!session) return null;
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="btn btn-ghost" aria-label={`Account: ${session.user}`}>
        <IconUser /> {session.user}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">
            <div style={{ fontWeight: 600 }}>{session.user}</div>
            <div className="muted">Role: {session.role}</div>
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="menu-sep" />
          <DropdownMenu.Item className="menu-item" onSelect={() => signOut.mutate()} disabled={signOut.isPending}>
            <IconLogOut /> Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
