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
  /** How many items the action touches; shown in the text and on the confirm button. */
  count?: number | undefined;
  /** "waiting jobs" — what `count` counts. */
  noun?: string;
  description: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  /** Runs on confirm; the dialog stays open (button pending) until it settles. */
  onConfirm: () => Promise<unknown>;
}

export function ConfirmDialog({ trigger, title, count, noun = 'jobs', description, confirmLabel, tone = 'danger', onConfirm }: ConfirmDialogProps) {
  const [open, setOpen] = useState(false);
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
              {count !== undefined ? (
                <p style={{ marginTop: 0 }}>
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
            <Button variant={tone} pending={pending} onClick={() => void confirm()}>
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
