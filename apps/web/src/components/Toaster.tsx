// Toasts for action results. `toast()` may be called from anywhere (mutation callbacks included); the
// one <Toaster/> in the shell renders them with Radix Toast (announced politely, dismissible, paused on hover).
import * as Toast from '@radix-ui/react-toast';
import { useSyncExternalStore } from 'react';
import { IconX } from './icons';

export type ToastTone = 'info' | 'success' | 'warning' | 'error';
export interface ToastMessage {
  id: number;
  title: string;
  description?: string | undefined;
  tone: ToastTone;
}

let toasts: ToastMessage[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function toast(message: Omit<ToastMessage, 'id' | 'tone'> & { tone?: ToastTone }): void {
  // Keep the newest few: a burst of results should not bury the screen.
  toasts = [...toasts.slice(-3), { id: nextId++, tone: 'info', ...message }];
  emit();
}

function dismiss(id: number) {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function Toaster() {
  const current = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => toasts,
  );
  return (
    <Toast.Provider duration={6_000} swipeDirection="right" label="Notifications">
      {current.map((t) => (
        <Toast.Root
          key={t.id}
          className="toast"
          data-tone={t.tone}
          type={t.tone === 'error' ? 'foreground' : 'background'}
          duration={t.tone === 'error' ? 12_000 : 6_000}
          onOpenChange={(open) => {
            if (!open) dismiss(t.id);
          }}
        >
          <Toast.Title className="toast-title">{t.title}</Toast.Title>
          {t.description ? <Toast.Description className="toast-description">{t.description}</Toast.Description> : null}
          <Toast.Close className="btn btn-ghost btn-sm btn-icon" aria-label="Dismiss" style={{ gridRow: '1', gridColumn: '2' }}>
            <IconX size={14} />
          </Toast.Close>
        </Toast.Root>
      ))}
      <Toast.Viewport className="toast-viewport" />
    </Toast.Provider>
  );
}
