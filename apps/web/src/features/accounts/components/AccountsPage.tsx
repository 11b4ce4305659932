// Accounts (admins only): who can sign in, with which role. Create, change a role, set a new password,
// disable (their sessions end at once) or enable. `?q=` and `?role=` filter the list in the URL.
import { useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { DataTable, type Column } from '../../../components/DataTable';
import { IconUser } from '../../../components/icons';
import { RelativeTime } from '../../../components/RelativeTime';
import { EmptyState } from '../../../components/States';
import { StateBadge } from '../../../components/StateBadge';
import { ROLES, type Role } from '../../../lib/roles';
import { useSession } from '../../../lib/session';
import { accountsQuery, useSetDisabled, useSetRole, withArticle, type Account } from '../api';
import '../accounts.css';
import { CreateAccountDialog, ResetPasswordDialog } from './AccountDialogs';

const route = getRouteApi('/_shell/accounts');

function RoleSelect({ account, self }: { account: Account; self: boolean }) {
  const setRole = useSetRole();
  const pending = setRole.isPending && setRole.variables.username === account.username;
  return (
    <select
      className="input input-sm"
      aria-label={`Role of ${account.username}`}
      value={pending ? setRole.variables.role : account.role}
      disabled={pending || account.disabled}
      onChange={(e) => {
        const role = e.target.value as Role;
        // Demoting yourself locks you out of this page: make sure it is meant.
        if (self && !window.confirm(`Make yourself ${withArticle(role)}? You will lose access to accounts and the audit log.`)) return;
        setRole.mutate({ username: account.username, role });
      }}
    >
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

function AccountActions({ account, self }: { account: Account; self: boolean }) {
  const setDisabled = useSetDisabled();
  const pending = setDisabled.isPending && setDisabled.variables.username === account.username;
  return (
    <div className="row" style={{ justifyContent: 'flex-end', flexWrap: 'nowrap' }}>
      <ResetPasswordDialog username={account.username} trigger={<Button size="sm" aria-label={`Reset password: ${account.username}`}>Reset password</Button>} />
      {self ? null : account.disabled ? (
        <Button size="sm" pending={pending} onClick={() => setDisabled.mutate({ username: account.username, disabled: false })} aria-label={`Enable: ${account.username}`}>
          Enable
        </Button>
      ) : (
        <ConfirmDialog
          trigger={
            <Button size="sm" variant="danger" pending={pending} aria-label={`Disable: ${account.username}`}>
              Disable
            </Button>
          }
          title={`Disable ${account.username}?`}
          description={<p style={{ margin: 0 }}>Their open sessions end at once and they cannot sign in until an admin enables the account again. Nothing else about it changes.</p>}
          confirmLabel="Disable"
          onConfirm={() => setDisabled.mutateAsync({ username: account.username, disabled: true })}
        />
      )}
    </div>
  );
}

export function AccountsPage() {
  const { data } = useSuspenseQuery(accountsQuery);
  const session = useSession();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const needle = (search.q ?? '').toLowerCase();
  const rows = data.users
    .filter((u) => !search.role || u.role === search.role)
    .filter((u) => !needle || u.username.toLowerCase().includes(needle))
    .sort((a, b) => Number(a.disabled) - Number(b.disabled) || ROLES.indexOf(b.role) - ROLES.indexOf(a.role) || a.username.localeCompare(b.username));
  const counts = Object.fromEntries(ROLES.map((r) => [r, data.users.filter((u) => u.role === r && !u.disabled).length])) as Record<Role, number>;
  const disabled = data.users.filter((u) => u.disabled).length;

  const columns: Array<Column<Account>> = [
    {
      id: 'user',
      header: 'User',
      cell: (u) => (
        <span className="row" style={{ flexWrap: 'nowrap' }}>
          <IconUser size={14} className="faint" />
          <span className="cell-name">{u.username}</span>
          {u.username === session?.user ? <span className="account-you">you</span> : null}
        </span>
      ),
    },
    { id: 'role', header: 'Role', cell: (u) => <RoleSelect account={u} self={u.username === session?.user} /> },
    {
      id: 'status',
      header: 'Status',
      cell: (u) =>
        u.disabled ? (
          <span className="row" style={{ flexWrap: 'nowrap', gap: '0.35rem' }}>
            <StateBadge state="paused" label="Disabled" />
            <span className="faint">
              <RelativeTime at={u.disabledAt ? Date.parse(u.disabledAt) : null} />
            </span>
          </span>
        ) : (
          <StateBadge state="completed" label="Active" />
        ),
    },
    { id: 'signed-in', header: 'Last sign-in', cell: (u) => <RelativeTime at={u.lastSignInAt ? Date.parse(u.lastSignInAt) : null} fallback="never" /> },
    { id: 'created', header: 'Created', cell: (u) => <RelativeTime at={Date.parse(u.createdAt)} /> },
    { id: 'actions', header: <span className="visually-hidden">Actions</span>, align: 'right', cell: (u) => <AccountActions account={u} self={u.username === session?.user} /> },
  ];

  return (
    <>
      <div className="page-header">
        <div className="titles">
          <h1>Accounts</h1>
          <p className="subtitle">
            {counts.admin} {counts.admin === 1 ? 'admin' : 'admins'} · {counts.operator} {counts.operator === 1 ? 'operator' : 'operators'} · {counts.viewer} {counts.viewer === 1 ? 'viewer' : 'viewers'}
            {disabled ? ` · ${disabled} disabled` : ''}
          </p>
        </div>
        <div className="actions">
          <CreateAccountDialog trigger={<Button variant="primary">New account</Button>} />
        </div>
      </div>
      <div className="table-wrap">
        <form className="table-toolbar" role="search" aria-label="Filter accounts" onSubmit={(e) => e.preventDefault()}>
          <label className="visually-hidden" htmlFor="accounts-q">
            Find a user
          </label>
          <input
            id="accounts-q"
            className="input input-sm"
            type="search"
            placeholder="Find a user"
            defaultValue={search.q ?? ''}
            onChange={(e) => void navigate({ search: (prev) => ({ ...prev, q: e.target.value.trim() || undefined }), replace: true })}
          />
          <label className="visually-hidden" htmlFor="accounts-role">
            Role
          </label>
          <select
            id="accounts-role"
            className="input input-sm"
            value={search.role ?? ''}
            onChange={(e) => void navigate({ search: (prev) => ({ ...prev, role: (e.target.value || undefined) as Role | undefined }), replace: true })}
          >
            <option value="">Every role</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </form>
        <DataTable
          label="Accounts"
          columns={columns}
          rows={rows}
          rowKey={(u) => u.username}
          testId="accounts-table"
          empty={<EmptyState title="No account matches">Clear the filter to see every account.</EmptyState>}
        />
      </div>
    </>
  );
}
