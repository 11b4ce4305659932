// The dense table every list uses: tabular numbers, counts right-aligned, optional row selection with a
// select-all-on-this-page box. Pages are bounded by the API (≤ 100 rows), so rows are not virtualised.
import { useEffect, useRef, type ReactNode } from 'react';

export interface Column<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right' | 'center';
  width?: string;
  /** Extra class for a cell, e.g. "zero" to grey out a 0 count. */
  cellClass?: (row: T) => string | undefined;
}

export interface Selection {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}

export interface DataTableProps<T> {
  /** Names the table for assistive technology. */
  label: string;
  columns: ReadonlyArray<Column<T>>;
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** How a row is named in its checkbox label ("Select job 42"). */
  rowLabel?: (row: T) => string;
  selection?: Selection | undefined;
  empty?: ReactNode;
  testId?: string;
}

function SelectAll({ keys, selection }: { keys: string[]; selection: Selection }) {
  const ref = useRef<HTMLInputElement>(null);
  const chosen = keys.filter((k) => selection.selected.has(k)).length;
  const all = keys.length > 0 && chosen === keys.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = chosen > 0 && !all;
  }, [chosen, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all rows on this page"
      checked={all}
      disabled={keys.length === 0}
      onChange={() => selection.onChange(all ? new Set() : new Set(keys))}
    />
  );
}

export function DataTable<T>({ label, columns, rows, rowKey, rowLabel, selection, empty, testId }: DataTableProps<T>) {
  const keys = rows.map(rowKey);
  const alignClass = (align: Column<T>['align']) => (align === 'right' ? 'align-right' : align === 'center' ? 'align-center' : undefined);
  return (
    <table className="data" aria-label={label} data-testid={testId}>
      <thead>
        <tr>
          {selection ? (
            <th className="col-select" scope="col">
              <SelectAll keys={keys} selection={selection} />
            </th>
          ) : null}
          {columns.map((c) => (
            <th key={c.id} scope="col" className={alignClass(c.align)} style={c.width ? { width: c.width } : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={columns.length + (selection ? 1 : 0)}>{empty}</td>
          </tr>
        ) : (
          rows.map((row, index) => {
            const key = keys[index]!;
            const selected = selection?.selected.has(key) ?? false;
            return (
              <tr key={key} aria-selected={selection ? selected : undefined} data-row-key={key}>
                {selection ? (
                  <td className="col-select">
                    <input
                      type="checkbox"
                      aria-label={rowLabel ? `Select ${rowLabel(row)}` : `Select row ${key}`}
                      checked={selected}
                      onChange={() => {
                        const next = new Set(selection.selected);
                        if (selected) next.delete(key);
                        else next.add(key);
                        selection.onChange(next);
                      }}
                    />
                  </td>
                ) : null}
                {columns.map((c) => (
                  <td key={c.id} className={[alignClass(c.align), c.cellClass?.(row)].filter(Boolean).join(' ') || undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })
        )}
      </tbody>
    </table>
  );
}
