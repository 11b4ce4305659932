// Charts on uPlot (small, canvas, fast): a time-series chart with axes and legend, and a sparkline.
// Colours come from the CSS state tokens, read when the chart is built, so light/dark follow the theme.
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffectiveTheme } from '../lib/theme';

export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | null>;
  /** A CSS variable name, e.g. "--state-failed". */
  colorVar: string;
  /** Formats a value for the legend. */
  format?: (value: number) => string;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** "#rrggbb" → "rgba(r,g,b,a)"; canvas fills do not all understand color-mix(). */
function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return color;
  const n = Number.parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// uPlot loads after the first paint: tables and numbers are usable at once, charts draw a moment later.
let uplotModule: Promise<typeof uPlot> | undefined;
const loadUplot = () => (uplotModule ??= import('uplot').then((m) => m.default));

function useUplot(build: (width: number, lib: typeof uPlot) => uPlot.Options, data: uPlot.AlignedData, deps: unknown[]) {
  const ref = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  // Colours are read from the CSS when a chart is built: rebuild when the palette on screen changes.
  const theme = useEffectiveTheme();

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cancelled = false;
    const observer = new ResizeObserver(() => {
      if (plot.current && el.clientWidth > 0) plot.current.setSize({ width: el.clientWidth, height: plot.current.height });
    });
    void loadUplot().then((UPlot) => {
      if (cancelled) return;
      plot.current = new UPlot(build(el.clientWidth || 300, UPlot), latest.current, el);
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt when its shape or the theme changes; new data alone goes through setData.
  }, [theme, ...deps]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return ref;
}

/** Minutes back from now: the newest value first, as the API sends per-minute series. */
export function minuteTimestamps(count: number, now = Date.now()): number[] {
  const minute = Math.floor(now / 60_000) * 60;
  return Array.from({ length: count }, (_, i) => minute - (count - 1 - i) * 60);
}

export interface TimeChartProps {
  /** Unix seconds, ascending. */
  timestamps: readonly number[];
  series: readonly ChartSeries[];
  height?: number;
  /** A sentence that says what the chart shows, for screen readers. */
  summary: string;
  kind?: 'line' | 'bars';
}

export function TimeChart({ timestamps, series, height = 180, summary, kind = 'line' }: TimeChartProps) {
  const data: uPlot.AlignedData = [timestamps as number[], ...series.map((s) => s.values as Array<number | null>)];
  const shape = series.map((s) => s.label + s.colorVar).join('|') + kind;
  const ref = useUplot(
    (width, UPlot) => {
      const grid = { stroke: cssVar('--border'), width: 1 };
      const axis = { stroke: cssVar('--text-muted'), grid, ticks: { stroke: cssVar('--border'), width: 1 }, font: '11px system-ui, sans-serif' };
      const bars = kind === 'bars' ? UPlot.paths.bars?.({ size: [0.7, 24] }) : undefined;
      return {
        width,
        height,
        // Series names only: the hovered values would crowd a small card.
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(1, max * 1.1, min)] } },
        // Counts are whole numbers: no 0.5 ticks.
        axes: [axis, { ...axis, size: 48, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000, 100_000, 1e6], values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (series[0]?.format ? series[0].format(t) : t.toLocaleString('en'))) }],
        series: [
          {},
          ...series.map((s) => {
            const color = cssVar(s.colorVar);
            return {
              label: s.label,
              stroke: color,
              width: 1.5,
              fill: withAlpha(color, 0.16),
              points: { show: false },
              ...(bars ? { paths: bars } : {}),
              value: (_u: uPlot, v: number | null) => (v === null ? '–' : s.format ? s.format(v) : v.toLocaleString('en')),
            };
          }),
        ],
      };
    },
    data,
    [shape, height],
  );
  return <figure className="chart" ref={ref} role="img" aria-label={summary} style={{ margin: 0, minHeight: height }} />;
}

export interface SparklineProps {
  values: readonly number[];
  colorVar: string;
  width?: number;
  height?: number;
  summary: string;
}

/** A small trend line without axes, for table cells. */
export function Sparkline({ values, colorVar, width = 96, height = 24, summary }: SparklineProps) {
  const xs = values.map((_, i) => i);
  const data: uPlot.AlignedData = [xs, values as number[]];
  const ref = useUplot(
    () => {
      const color = cssVar(colorVar);
      return {
        width,
        height,
        pxAlign: false,
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        legend: { show: false },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: color, width: 1.25, fill: withAlpha(color, 0.14), points: { show: false } }],
      };
    },
    data,
    [colorVar, width, height, values.length],
  );
  return <div className="sparkline" ref={ref} role="img" aria-label={summary} style={{ width, height }} />;
}
