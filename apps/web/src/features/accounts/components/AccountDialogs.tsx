// The two forms of the accounts page, each in a Radix dialog (focus trapped, Escape closes, focus
// returns to the button that opened it): create an account, and set a new password.
import * as Dialog from '@radix-ui/react-dialog';
import { useState, type FormEvent, type ReactElement, type ReactNode } from 'react';
import { Button } from '../../../components/Button';
import { errorMessage } from '../../../lib/api-error';
import { ROLES, type Role } from '../../../lib/roles';
import { useCreateAccount, useResetPassword } from '../api';
import { PasswordField } from './PasswordField';

const ROLE_HELP: Record<Role, string> = {
  viewer: 'Sees everything, changes nothing.',
  operator: 'Also retries, removes, pauses, drains, replays and runs schedules.',
  admin: 'Also manages accounts and reads the audit log.',
};

function FormDialog({ trigger, title, description, open, onOpenChange, children }: { trigger: ReactElement; title: string; description: ReactNode; open: boolean; onOpenChange: (open: boolean) => void; children: ReactNode }) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog">
          <Dialog.Title>{title}</Dialog.Title>
          <Dialog.Description className="dialog-description">{description}</Dialog.Description>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

export function CreateAccountDialog({ trigger }: { trigger: ReactElement }) {
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const create = useCreateAccount();
  const reset = () => {
    setUsername('');
    setPassword('');
    setRole('viewer');
    create.reset();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ username: username.trim(), password, role }, { onSuccess: () => (setOpen(false), reset()) });
  };
  return (
    <FormDialog
      trigger={trigger}
      title="New account"
      description="The user signs in with this name and password; the role decides what they can change."
      open={open}
      onOpenChange={(next) => {
        if (create.isPending) return;
        setOpen(next);
        if (!next) reset();
      }}
    >
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="account-username">User name</label>
          <input
            id="account-username"
            className="input"
            required
            maxLength={64}
            pattern="[\w.@\-]+"
            title="Letters, digits, ., _, @ and -"
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
          />
        </div>
        <fieldset className="account-roles">
          <legend>Role</legend>
          {ROLES.map((r) => (
            <label key={r} className="account-role-option">
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
              <span>
                <strong>{r[0]!.toUpperCase() + r.slice(1)}</strong>
                <span className="faint"> — {ROLE_HELP[r]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <PasswordField label="Password" value={password} onChange={setPassword} />
        {create.isError ? (
          <div className="form-error" role="alert">
            {errorMessage(create.error)}
          </div>
        ) : null}
        <div className="dialog-actions">
          <Dialog.Close asChild>
            <Button disabled={create.isPending}>Cancel</Button>
          </Dialog.Close>
          <Button type="submit" variant="primary" pending={create.isPending}>
            Create account
          </Button>
        </div>
      </form>
    </FormDialog>
  );
}

export function ResetPasswordDialog({ username, trigger }: { username: string; trigger: ReactElement }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const resetPassword = useResetPassword();
  const close = () => {
    setOpen(false);
    setPassword('');
    resetPassword.reset();
  };
  return (
    <FormDialog
      trigger={trigger}
      title={`New password for ${username}`}
      description="Their open sessions end at once; they sign in again with the new password."
      open={open}
      onOpenChange={(next) => {
        if (resetPassword.isPending) return;
        if (next) setOpen(true);
        else close();
      }}
    >
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          resetPassword.mutate({ username, password }, { onSuccess: close });
        }}
      >
        <PasswordField label="New password" value={password} onChange={setPassword} autoFocus />
        {resetPassword.isError ? (
          <div className="form-error" role="alert">
            {errorMessage(resetPassword.error)}
          </div>
        ) : null}
        <div className="dialog-actions">
          <Dialog.Close asChild>
            <Button disabled={resetPassword.isPending}>Cancel</Button>
          </Dialog.Close>
          <Button type="submit" variant="primary" pending={resetPassword.isPending}>
            Set password
          </Button>
        </div>
      </form>
    </FormDialog>
  );
}
