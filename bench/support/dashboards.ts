// N concurrent dashboards hitting one URL for a while, run as its own process (so the load generator
// does not share the server's event loop): autocannon drives the requests and every response time is
// kept, so the p95 is exact. Prints one JSON line: {requests, rps, p50, p95, errors, non2xx}.
// Usage: node --import tsx bench/support/dashboards.ts <url> <cookie> <connections> <seconds>
import autocannon from 'autocannon';
import { percentile } from './latency.js';

const [url, cookie, connections, seconds] = process.argv.slice(2);
if (!url || !cookie) throw new Error('usage: dashboards.ts <url> <cookie> <connections> <seconds>');

const times: number[] = [];
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon({ url, headers: { cookie }, connections: Number(connections ?? 20), duration: Number(seconds ?? 5) }, (err, done) =>
    err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(done),
  );
  instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.total / (result.duration || Number(seconds ?? 5)),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    errors: result.errors,
    non2xx: result.non2xx,
  }) + '\n',
);
