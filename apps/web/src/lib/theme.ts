// Light, dark, or whatever the system prefers (the default). The CSS follows prefers-color-scheme by
// itself; an explicit choice sets data-theme on <html>, which wins.
import { useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'bullpen.theme';
const listeners = new Set<() => void>();

function read(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

let choice: ThemeChoice = read();

export function applyTheme(): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export function setTheme(next: ThemeChoice): void {
  choice = next;
  try {
    if (next === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  applyTheme();
  for (const listener of listeners) listener();
}

/** The theme actually shown: the explicit choice, else the system's. */
export function effectiveTheme(): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    media.removeEventListener('change', listener);
  };
}

/** The user's choice (system, light or dark). */
export function useTheme(): ThemeChoice {
  return useSyncExternalStore(subscribe, () => choice);
}

/** The theme on screen: changes when the choice does, and with the system's setting under "system". */
export function useEffectiveTheme(): 'light' | 'dark' {
  return useSyncExternalStore(subscribe, effectiveTheme);
}
