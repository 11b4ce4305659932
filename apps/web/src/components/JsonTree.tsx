// A collapsible JSON tree that stays fast on a 5 MB payload: only expanded nodes are walked, each
// container shows its first PAGE children with a "show more" row, long strings open into fixed-width
// chunks, "expand all" stops at MAX_EXPANDED nodes, and the rows are virtualised (fixed height) so the
// DOM holds a screenful whatever the size. Every value is rendered as a React text node: job data is
// never HTML, never a link.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';

const PAGE = 100;
const MAX_EXPANDED = 500;
const STRING_PREVIEW = 160;
const STRING_CHUNK = 120;
const ROW_HEIGHT = 22;

type Path = string;
const SEP = '\u0000';
const child = (path: Path, key: string | number) => (path === '' ? String(key) : `${path}${SEP}${key}`);
const label = (path: Path) => (path === '' ? '(root)' : path.split(SEP).join('.'));

interface Row {
  path: Path;
  depth: number;
  name: string | null;
  value: unknown;
  kind: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'other' | 'more' | 'chunk';
  /** For containers and long strings: how many children it has. */
  size?: number;
  /** For "more" rows: the container whose page grows. */
  parent?: Path;
  remaining?: number;
  text?: string;
}

const keysCache = new WeakMap<object, string[]>();
function keysOf(value: object): string[] {
  let keys = keysCache.get(value);
  if (!keys) {
    keys = Object.keys(value);
    keysCache.set(value, keys);
  }
  return keys;
}

function kindOf(value: unknown): Row['kind'] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object': return 'object';
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    default: return 'other';
  }
}

function sizeOf(value: unknown, kind: Row['kind']): number | undefined {
  if (kind === 'array') return (value as unknown[]).length;
  if (kind === 'object') return keysOf(value as object).length;
  if (kind === 'string') return (value as string).length;
  return undefined;
}

function expandable(row: Pick<Row, 'kind' | 'size'>): boolean {
  return ((row.kind === 'object' || row.kind === 'array') && (row.size ?? 0) > 0) || (row.kind === 'string' && (row.size ?? 0) > STRING_PREVIEW);
}

/** The visible rows: a walk of the expanded nodes only. */
export function flatten(root: unknown, expanded: ReadonlySet<Path>, shown: ReadonlyMap<Path, number>): Row[] {
  const rows: Row[] = [];
  const visit = (value: unknown, path: Path, depth: number, name: string | null) => {
    const kind = kindOf(value);
    const size = sizeOf(value, kind);
    rows.push({ path, depth, name, value, kind, ...(size !== undefined ? { size } : {}) });
    if (!expanded.has(path) || !expandable({ kind, size })) return;
    const limit = shown.get(path) ?? PAGE;
    if (kind === 'string') {
      const text = value as string;
      const chunks = Math.ceil(text.length / STRING_CHUNK);
      for (let i = 0; i < Math.min(chunks, limit); i++) {
        rows.push({ path: child(path, `#${i}`), depth: depth + 1, name: null, value: null, kind: 'chunk', text: text.slice(i * STRING_CHUNK, (i + 1) * STRING_CHUNK) });
      }
      if (chunks > limit) rows.push({ path: child(path, '#more'), depth: depth + 1, name: null, value: null, kind: 'more', parent: path, remaining: chunks - limit });
      return;
    }
    if (kind === 'array') {
      const items = value as unknown[];
      for (let i = 0; i < Math.min(items.length, limit); i++) visit(items[i], child(path, i), depth + 1, String(i));
      if (items.length > limit) rows.push({ path: child(path, '#more'), depth: depth + 1, name: null, value: null, kind: 'more', parent: path, remaining: items.length - limit });
      return;
    }
    const keys = keysOf(value as object);
    for (let i = 0; i < Math.min(keys.length, limit); i++) visit((value as Record<string, unknown>)[keys[i]!], child(path, keys[i]!), depth + 1, keys[i]!);
    if (keys.length > limit) rows.push({ path: child(path, '#more'), depth: depth + 1, name: null, value: null, kind: 'more', parent: path, remaining: keys.length - limit });
  };
  visit(root, '', 0, null);
  return rows;
}

/** Paths to expand for "expand all", breadth first, at most `cap` of them, each container's first page only. */
export function expandAll(root: unknown, cap = MAX_EXPANDED): Set<Path> {
  const out = new Set<Path>();
  const queue: Array<[unknown, Path]> = [[root, '']];
  while (queue.length > 0 && out.size < cap) {
    const [value, path] = queue.shift()!;
    const kind = kindOf(value);
    if (kind === 'array') {
      out.add(path);
      (value as unknown[]).slice(0, PAGE).forEach((v, i) => queue.push([v, child(path, i)]));
    } else if (kind === 'object') {
      out.add(path);
      for (const k of keysOf(value as object).slice(0, PAGE)) queue.push([(value as Record<string, unknown>)[k], child(path, k)]);
    }
  }
  return out;
}

function preview(row: Row): { text: string; className: string } {
  switch (row.kind) {
    case 'object': return { text: row.size ? `{…} ${row.size.toLocaleString('en')} ${row.size === 1 ? 'key' : 'keys'}` : '{}', className: 'json-meta' };
    case 'array': return { text: row.size ? `[…] ${row.size.toLocaleString('en')} ${row.size === 1 ? 'item' : 'items'}` : '[]', className: 'json-meta' };
    case 'string': {
      const s = row.value as string;
      return s.length > STRING_PREVIEW
        ? { text: `${JSON.stringify(s.slice(0, STRING_PREVIEW))}… (${s.length.toLocaleString('en')} chars)`, className: 'json-string' }
        : { text: JSON.stringify(s), className: 'json-string' };
    }
    case 'number': return { text: String(row.value), className: 'json-number' };
    case 'boolean': return { text: String(row.value), className: 'json-boolean' };
    case 'null': return { text: 'null', className: 'json-null' };
    default: return { text: String(row.value), className: 'json-meta' };
  }
}

export interface JsonTreeProps {
  value: unknown;
  /** Names the tree for assistive technology: "Job data". */
  label: string;
  /** Height of the scrolling area in px. */
  height?: number;
}

export function JsonTree({ value, label: treeLabel, height = 420 }: JsonTreeProps) {
  const [expanded, setExpanded] = useState<Set<Path>>(() => {
    const initial = new Set<Path>(['']);
    // Open the first level too when it is small, so a typical payload reads at once.
    const kind = kindOf(value);
    if (kind === 'object') for (const k of keysOf(value as object).slice(0, 20)) {
      const v = (value as Record<string, unknown>)[k];
      const s = sizeOf(v, kindOf(v));
      if (s !== undefined && s <= 20 && kindOf(v) !== 'string') initial.add(k);
    }
    return initial;
  });
  const [shown, setShown] = useState<Map<Path, number>>(() => new Map());
  const rows = useMemo(() => flatten(value, expanded, shown), [value, expanded, shown]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const toggle = (path: Path) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  return (
    <div>
      <div className="json-toolbar">
        <button type="button" className="btn btn-sm" onClick={() => setExpanded(expandAll(value))}>
          Expand all
        </button>
        <button type="button" className="btn btn-sm" onClick={() => setExpanded(new Set())}>
          Collapse
        </button>
        <span className="num">{rows.length.toLocaleString('en')} {rows.length === 1 ? 'row' : 'rows'} shown</span>
      </div>
      <div ref={scrollRef} className="json-tree" style={{ height: Math.min(height, rows.length * ROW_HEIGHT + 8) }} role="group" aria-label={treeLabel} tabIndex={0}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: 'max-content' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const style = { position: 'absolute' as const, top: 0, left: 0, transform: `translateY(${item.start}px)`, paddingLeft: `${0.5 + row.depth * 1.1}rem` };
            if (row.kind === 'more') {
              return (
                <div key={row.path} className="json-row" style={style}>
                  <span className="json-spacer" />
                  <button type="button" className="json-more" onClick={() => setShown((prev) => new Map(prev).set(row.parent!, (prev.get(row.parent!) ?? PAGE) + PAGE))}>
                    show {Math.min(PAGE, row.remaining!).toLocaleString('en')} more of {row.remaining!.toLocaleString('en')}
                  </button>
                </div>
              );
            }
            if (row.kind === 'chunk') {
              return (
                <div key={row.path} className="json-row" style={style}>
                  <span className="json-spacer" />
                  <span className="json-string">{row.text}</span>
                </div>
              );
            }
            const open = expanded.has(row.path);
            const canOpen = expandable(row);
            const { text, className } = preview(row);
            return (
              <div key={row.path} className="json-row" style={style}>
                {canOpen ? (
                  <button type="button" className="json-toggle" aria-expanded={open} aria-label={`${open ? 'Collapse' : 'Expand'} ${label(row.path)}`} onClick={() => toggle(row.path)}>
                    {open ? '▾' : '▸'}
                  </button>
                ) : (
                  <span className="json-spacer" />
                )}
                {row.name !== null ? <span className="json-key">{row.name}:</span> : null}
                <span className={className}>{open && canOpen && row.kind !== 'string' ? (row.kind === 'array' ? `[ ${row.size!.toLocaleString('en')} items ]` : `{ ${row.size!.toLocaleString('en')} keys }`) : text}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
