import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import ipaddr from 'ipaddr.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkOutboundUrl, outboundRequest, OutboundRequestError, OutboundUrlError, type OutboundPolicy } from './outbound-url.js';

// Every socket this file opens is recorded; a connection to anything but loopback fails the test at once.
const attempts: string[] = [];
const originalConnect = net.Socket.prototype.connect;

beforeAll(() => {
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // net.connect passes its normalised [options, callback] pair as the first argument.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const options = (typeof first === 'object' && first !== null ? first : { host: args[1] }) as { host?: string; path?: string };
    const host = options.path ? 'ipc' : (options.host ?? 'localhost');
    attempts.push(host);
    const loopback = host === 'ipc' || host === 'localhost' || (ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback');
    if (!loopback) throw new Error(`connection to non-loopback address ${host} attempted`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
});
afterAll(() => vi.restoreAllMocks());
beforeEach(() => {
  attempts.length = 0;
});

/** A resolver that answers every name with the address under test, and never touches DNS. */
const resolvingTo = (address: string): OutboundPolicy['resolve'] => async () => [address];

describe('outbound URL guard: decisions', () => {
  it('has a live tripwire: connecting to a non-loopback address throws here', () => {
    expect(() => net.connect({ host: '10.0.0.1', port: 9 })).toThrow(/non-loopback address 10.0.0.1/);
    attempts.length = 0;
  });

  const rejected: Array<[string, OutboundPolicy]> = [
    ['http://169.254.169.254/latest/meta-data/', {}],
    ['http://10.0.0.1/', {}],
    ['http://192.168.1.20/', {}],
    ['http://[::1]/', {}],
    ['http://[::ffff:127.0.0.1]/', {}],
    ['http://[::ffff:169.254.169.254]/', {}],
    ['http://0x7f000001/', {}],
    ['http://2130706433/', {}],
    ['http://127.1/', {}],
    ['http://[fd00::1]/', {}],
    ['http://[fe80::1]/', {}],
    ['http://0.0.0.0/', {}],
    ['http://hooks.example.test/', { resolve: resolvingTo('127.0.0.1') }],
    ['http://hooks.example.test/', { resolve: resolvingTo('::ffff:10.1.2.3') }],
    ['http://hooks.example.test/', { resolve: async () => ['93.184.215.14', '10.0.0.7'] }],
  ];
  for (const [url, policy] of rejected) {
    it(`rejects ${url}${policy.resolve ? ' (resolving to a blocked address)' : ''} before any connection`, async () => {
      await expect(checkOutboundUrl(url, policy)).rejects.toMatchObject({ name: 'OutboundUrlError', code: 'ADDRESS_NOT_ALLOWED' });
      await expect(outboundRequest(url, policy, { body: '{}' })).rejects.toBeInstanceOf(OutboundUrlError);
      expect(attempts).toEqual([]);
    });
  }

  it('rejects other schemes and credentials in the URL', async () => {
    await expect(checkOutboundUrl('file:///etc/passwd')).rejects.toMatchObject({ code: 'PROTOCOL_NOT_ALLOWED' });
    await expect(checkOutboundUrl('gopher://example.test/')).rejects.toMatchObject({ code: 'PROTOCOL_NOT_ALLOWED' });
    await expect(checkOutboundUrl('https://user:pw@example.test/', { resolve: resolvingTo('93.184.215.14') })).rejects.toMatchObject({ code: 'CREDENTIALS_IN_URL' });
    await expect(checkOutboundUrl('not a url')).rejects.toMatchObject({ code: 'INVALID_URL' });
    expect(attempts).toEqual([]);
  });

  it('accepts a public address and names the address to connect to; loopback only when allowed', async () => {
    const target = await checkOutboundUrl('https://hooks.example.test/services/x', { resolve: resolvingTo('93.184.215.14') });
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4, hostname: 'hooks.example.test' });
    await expect(checkOutboundUrl('http://127.0.0.1:9/')).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    expect((await checkOutboundUrl('http://127.0.0.1:9/', { allowLoopback: true })).address).toBe('127.0.0.1');
    // Allowing loopback does not open the metadata service or private ranges.
    await expect(checkOutboundUrl('http://169.254.169.254/', { allowLoopback: true })).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    await expect(checkOutboundUrl('http://10.0.0.1/', { allowLoopback: true })).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    expect((await checkOutboundUrl('http://10.0.0.1/', { allowPrivate: true })).address).toBe('10.0.0.1');
    expect(attempts).toEqual([]);
  });
});

describe('outbound URL guard: requests on loopback', () => {
  let receiver: http.Server;
  let inner: http.Server;
  let innerHits = 0;
  let port = 0;
  let innerPort = 0;
  const hostsSeen: string[] = [];

  beforeAll(async () => {
    inner = http.createServer((_req, res) => {
      innerHits += 1;
      res.end('internal');
    });
    inner.listen(0, '127.0.0.1');
    await once(inner, 'listening');
    innerPort = (inner.address() as AddressInfo).port;
    receiver = http.createServer((req, res) => {
      hostsSeen.push(req.headers.host ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${innerPort}/admin` }).end();
      } else if (req.url === '/huge') {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (res.write(chunk)) if (res.destroyed) return;
          res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
      } else if (req.url === '/slow') {
        // Never answers: the client's deadline must end it.
      } else {
        req.resume();
        req.on('end', () => res.end('ok'));
      }
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    port = (receiver.address() as AddressInfo).port;
  });
  afterEach(() => receiver.closeAllConnections());
  afterAll(async () => {
    receiver.closeAllConnections();
    await Promise.all([new Promise((r) => receiver.close(r)), new Promise((r) => inner.close(r))]);
  });

  const loopback: OutboundPolicy = { allowLoopback: true, resolve: resolvingTo('127.0.0.1') };

  it('connects to the checked address and keeps the host name in the Host header', async () => {
    const res = await outboundRequest(`http://receiver.example.test:${port}/hook`, loopback, { body: '{"a":1}' });
    expect(res).toMatchObject({ status: 200, body: 'ok' });
    expect(hostsSeen.at(-1)).toBe(`receiver.example.test:${port}`);
    expect(attempts).toEqual(['127.0.0.1']);
  });

  it('does not follow a redirect to loopback', async () => {
    const failure = await outboundRequest(`http://127.0.0.1:${port}/redirect`, loopback, { body: '{}' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(OutboundRequestError);
    expect(failure).toMatchObject({ code: 'REDIRECT_REFUSED', status: 302 });
    expect(innerHits).toBe(0);
    expect(attempts).toEqual(['127.0.0.1']);
  });

  it('rejects a loopback receiver when loopback is not allowed, without connecting', async () => {
    await expect(outboundRequest(`http://127.0.0.1:${port}/hook`, {}, { body: '{}' })).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    await expect(outboundRequest(`http://localhost:${port}/hook`, {}, { body: '{}' })).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    expect(attempts).toEqual([]);
  });

  it('reads a bounded response and gives up on a receiver that never answers', async () => {
    const big = await outboundRequest(`http://127.0.0.1:${port}/huge`, loopback, { method: 'GET', maxResponseBytes: 1_000 });
    expect(big.body.length).toBe(1_000);
    expect(big.truncated).toBe(true);
    const started = Date.now();
    await expect(outboundRequest(`http://127.0.0.1:${port}/slow`, loopback, { body: '{}', timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
