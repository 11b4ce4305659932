/**
 * SSRF guard for every outbound request the alerts make (webhooks, Slack, SMTP hosts).
 *
 * Operators type these URLs, so a URL must never reach the instance's own network: the cloud metadata
 * service, Redis, PostgreSQL, an internal admin page. The guard decides before any connection exists:
 * 1. http or https only, and no user:password in the URL;
 * 2. the host is resolved (IP literals in any spelling, `0x7f000001`, `2130706433`, `[::ffff:127.0.0.1]`,
 *    are normalised by the WHATWG URL parser and ipaddr.js first);
 * 3. every resolved address must be public unicast; IPv4-mapped IPv6 is judged as the IPv4 it carries.
 *    Loopback and private ranges pass only when the configuration says so (tests, on-premise relays).
 * Then the request connects to the address that was checked, never re-resolving (no DNS rebinding),
 * follows no redirect, gives up after a short timeout and reads at most a bounded response.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';

/** How a host name becomes addresses. Tests inject one that returns the address under test. */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface OutboundPolicy {
  /** Allow 127.0.0.0/8 and ::1. Default false; tests with loopback receivers turn it on. */
  allowLoopback?: boolean | undefined;
  /** Allow RFC 1918, unique-local (fc00::/7) and carrier-grade NAT ranges. Default false. */
  allowPrivate?: boolean | undefined;
  /** Default: the system resolver (every A and AAAA record). */
  resolve?: Resolver | undefined;
}

export type OutboundRejection =
  | 'INVALID_URL'
  | 'PROTOCOL_NOT_ALLOWED'
  | 'CREDENTIALS_IN_URL'
  | 'UNRESOLVABLE'
  | 'ADDRESS_NOT_ALLOWED';

export class OutboundUrlError extends Error {
  override readonly name = 'OutboundUrlError';
  constructor(
    readonly code: OutboundRejection,
    message: string,
  ) {
    super(message);
  }
}

export interface CheckedTarget {
  url: URL;
  /** The host as written (name or bracket-less IP literal): Host header and TLS server name. */
  hostname: string;
  /** The address that was checked and that the connection must go to. */
  address: string;
  family: 4 | 6;
}

const systemResolver: Resolver = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Why `address` may not be contacted under `policy`, or null when it may. */
export function addressRejection(address: string, policy: OutboundPolicy = {}): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // process() turns ::ffff:a.b.c.d into the IPv4 address it carries, so the IPv4 rules apply to it.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopback) return null;
  const privateRanges = parsed.kind() === 'ipv4' ? ['private', 'carrierGradeNat'] : ['uniqueLocal'];
  if (policy.allowPrivate && privateRanges.includes(range)) return null;
  return `${range} address`;
}

/** Parses and checks `raw` without connecting anywhere. Throws OutboundUrlError with the reason. */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy = {}): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlError('INVALID_URL', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundUrlError('PROTOCOL_NOT_ALLOWED', `only http and https are allowed (got ${url.protocol.replace(':', '')})`);
  }
  if (url.username || url.password) throw new OutboundUrlError('CREDENTIALS_IN_URL', 'credentials in the URL are not allowed; use the channel secret');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const target = await checkHost(host, policy);
  return { url, ...target };
}

/**
 * The checks that need no DNS: scheme, credentials, and the address when the host is an IP literal.
 * For saving a channel (a name is resolved and checked again at every send). Throws OutboundUrlError.
 */
export function checkOutboundUrlStatic(raw: string, policy: OutboundPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlError('INVALID_URL', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundUrlError('PROTOCOL_NOT_ALLOWED', `only http and https are allowed (got ${url.protocol.replace(':', '')})`);
  }
  if (url.username || url.password) throw new OutboundUrlError('CREDENTIALS_IN_URL', 'credentials in the URL are not allowed; use the channel secret');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const why = ipaddr.isValid(host) ? addressRejection(host, policy) : host === 'localhost' || host.endsWith('.localhost') ? (policy.allowLoopback ? null : 'loopback address') : null;
  if (why) throw new OutboundUrlError('ADDRESS_NOT_ALLOWED', `host ${host} is a ${why}, which alerts may not contact`);
  return url;
}

/** Resolves and checks a bare host (an SMTP server, say). Throws OutboundUrlError with the reason. */
export async function checkHost(host: string, policy: OutboundPolicy = {}): Promise<Omit<CheckedTarget, 'url'>> {
  let addresses: string[];
  if (ipaddr.isValid(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await (policy.resolve ?? systemResolver)(host);
    } catch {
      throw new OutboundUrlError('UNRESOLVABLE', `host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new OutboundUrlError('UNRESOLVABLE', `host ${host} does not resolve`);
  }
  // Every record must pass: a name with one public and one private record could be steered to either.
  for (const address of addresses) {
    const why = addressRejection(address, policy);
    if (why) throw new OutboundUrlError('ADDRESS_NOT_ALLOWED', `host ${host} resolves to a ${why}, which alerts may not contact`);
  }
  const address = ipaddr.process(addresses[0]!).toString();
  return { hostname: host, address, family: ipaddr.parse(address).kind() === 'ipv4' ? 4 : 6 };
}

export interface OutboundRequest {
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  body?: string;
  /** Whole request deadline (connect, send, response). Default 5 000 ms. */
  timeoutMs?: number;
  /** Response bytes read at most; the rest is discarded. Default 16 KiB. */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  /** At most maxResponseBytes of the body, as text. */
  body: string;
  truncated: boolean;
}

export class OutboundRequestError extends Error {
  override readonly name = 'OutboundRequestError';
  constructor(
    readonly code: 'REDIRECT_REFUSED' | 'TIMEOUT' | 'CONNECTION_FAILED' | 'HTTP_ERROR',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Sends one request to a checked URL: connects to the checked address (Host header and TLS server
 * name keep the host name), never follows redirects, and bounds time and response size. A 3xx is an
 * error (REDIRECT_REFUSED); 4xx and 5xx are HTTP_ERROR with the status.
 */
export async function outboundRequest(raw: string, policy: OutboundPolicy, request: OutboundRequest = {}): Promise<OutboundResponse> {
  const target = await checkOutboundUrl(raw, policy);
  const { url } = target;
  const timeoutMs = request.timeoutMs ?? 5_000;
  const maxBytes = request.maxResponseBytes ?? 16 * 1024;
  const tls = url.protocol === 'https:';
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise<OutboundResponse>((resolve, reject) => {
    const req = (tls ? https : http).request({
      host: target.address,
      family: target.family,
      port: url.port ? Number(url.port) : tls ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      method: request.method ?? 'POST',
      headers: {
        ...request.headers,
        host: url.host,
        ...(body ? { 'content-length': String(body.length) } : {}),
      },
      // No connection reuse: each alert is rare, and a pooled socket could outlive the check.
      agent: false,
      ...(tls ? { servername: ipaddr.isValid(target.hostname) ? undefined : target.hostname } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError' || err.name === 'TimeoutError') reject(new OutboundRequestError('TIMEOUT', `no answer within ${timeoutMs} ms`));
      else reject(new OutboundRequestError('CONNECTION_FAILED', `connection failed: ${err.code ?? err.message}`));
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (size >= maxBytes) return;
        const room = maxBytes - size;
        if (chunk.length > room) truncated = true;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(chunk.length, room);
        if (truncated) {
          // Enough read: stop the download instead of draining an endless body.
          res.destroy();
          finish();
        }
      });
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status >= 300 && status < 400) reject(new OutboundRequestError('REDIRECT_REFUSED', `the receiver answered ${status} (a redirect); redirects are not followed`, status));
        else if (status >= 400) reject(new OutboundRequestError('HTTP_ERROR', `the receiver answered ${status}`, status));
        else resolve({ status, body: text, truncated });
      };
      res.on('end', finish);
      res.on('error', (err) => {
        if (!done) reject(new OutboundRequestError('CONNECTION_FAILED', `response failed: ${err.message}`));
      });
    });
    req.end(body);
  });
}
