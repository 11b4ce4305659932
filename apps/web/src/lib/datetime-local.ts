// The URL keeps instants as ISO strings (unambiguous when shared across time zones); the
// datetime-local inputs show and take the viewer's local time.

/** "2026-11-28T21:05:00.000Z" → "2026-11-28T22:05" in the viewer's zone, or "" when absent or invalid. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The inverse: a datetime-local value (local time) → ISO, or undefined when empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
