// A confirmation for destructive or wide actions that says how many items it will touch. Radix
// AlertDialog: focus moves into it, Escape cancels, and focus returns to the trigger afterwards.
import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useState, type ReactElement, type ReactNode } from 'react';
import { formatCount } from '../lib/format';
import { Button } from './Button';

export interface ConfirmDialogProps {
  /** The button that opens it. */
  trigger: ReactElement;
  title: string;
  /** How many items the action touches; shown in the text. */
  count?: number | undefined;
  /** The count is being asked for: confirming waits until it is known. */
  counting?: boolean;
  /** Told when the dialog opens or closes (to ask for a fresh count while it is open). */
  onOpenChange?: (open: boolean) => void;
  /** "waiting jobs" — what `count` counts. */
  noun?: string;
  description: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  /** Runs on confirm; the dialog stays open (button pending) until it settles. */
  onConfirm: () => Promise<unknown>;
}

export function ConfirmDialog({ trigger, title, count, counting = false, onOpenChange, noun = 'jobs', description, confirmLabel, tone = 'danger', onConfirm }: ConfirmDialogProps) {
  const [open, setOpenState] = useState(false);
  const setOpen = (next: boolean) => {
    setOpenState(next);
    onOpenChange?.(next);
  };
  const [pending, setPending] = useState(false);
  const confirm = async () => {
    setPending(true);
    try {
      await onConfirm();
      setOpen(false);
    } catch {
      // The caller's mutation shows the error; keep the dialog so the user can retry or cancel.
    } finally {
      setPending(false);
    }
  };
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => !pending && setOpen(next)}>
      <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="overlay" />
        <AlertDialog.Content className="dialog">
          <AlertDialog.Title>{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="dialog-description">
              {counting ? (
                <p style={{ marginTop: 0 }} aria-live="polite">Counting the {noun}…</p>
              ) : count !== undefined ? (
                <p style={{ marginTop: 0 }} aria-live="polite">
                  This touches <span className="dialog-count" data-testid="confirm-count">{formatCount(count)}</span> {noun}.
                </p>
              ) : null}
              {description}
            </div>
          </AlertDialog.Description>
          <div className="dialog-actions">
            <AlertDialog.Cancel asChild>
              <Button disabled={pending}>Cancel</Button>
            </AlertDialog.Cancel>
            <Button variant={tone} pending={pending} disabled={counting} onClick={() => void confirm()}>
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
