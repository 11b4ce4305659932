// Where the time goes: a V8 CPU profile of this process while `work` runs, summarised as the frames
// with the most self time and the share of time per package (our code, each dependency, Node itself).
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function origin(url: string): string {
  if (!url) return '(native/V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node';
  const ours = /\/(apps\/[^/]+|packages\/[^/]+|bench)\//.exec(url);
  return ours ? `bullpen ${ours[1]}` : url;
}

export interface ProfileSummary {
  totalMs: number;
  topFrames: Array<{ frame: string; selfMs: number; share: number }>;
  byOrigin: Array<{ origin: string; selfMs: number; share: number }>;
}

export async function profile<T>(work: () => Promise<T>, top = 12): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const result = await work();
    const { profile: raw } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    const byId = new Map(raw.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    raw.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (raw.timeDeltas[i] ?? 0)));
    const frames = new Map<string, number>();
    const origins = new Map<string, number>();
    let total = 0;
    for (const [id, micros] of self) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      if (functionName === '(idle)' || functionName === '(program)') continue;
      total += micros;
      const file = url.replace(/^.*\/(node_modules|apps|packages|bench)\//, '$1/');
      const frame = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
      frames.set(frame, (frames.get(frame) ?? 0) + micros);
      origins.set(origin(url), (origins.get(origin(url)) ?? 0) + micros);
    }
    const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
    return {
      result,
      summary: {
        totalMs: total / 1000,
        topFrames: rank(frames).slice(0, top).map(([frame, us]) => ({ frame, selfMs: us / 1000, share: us / total })),
        byOrigin: rank(origins).slice(0, top).map(([o, us]) => ({ origin: o, selfMs: us / 1000, share: us / total })),
      },
    };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

export function printProfile(title: string, summary: ProfileSummary): void {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
  console.log(`\nwhere the time goes: ${title} (${summary.totalMs.toFixed(0)} ms of CPU on the main thread, idle excluded)`);
  console.log('  by package:  ' + summary.byOrigin.slice(0, 8).map((o) => `${o.origin} ${(o.share * 100).toFixed(0)}%`).join(' · '));
  console.log('  top frames by self time:');
  for (const f of summary.topFrames) console.log(`    ${pct(f.share)}  ${f.frame.slice(0, 110)}`);
}
