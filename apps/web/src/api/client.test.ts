import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, getJson, path } from './client';
import { parseReadiness } from './health';

describe('path', () => {
  it('encodes every interpolated segment so an id cannot address another resource', () => {
    expect(path`/api/v1/queues/${'war/resolution'}/jobs/${'a?b#c d'}`).toBe(
      '/api/v1/queues/war%2Fresolution/jobs/a%3Fb%23c%20d',
    );
  });

  it('leaves the literal parts alone', () => {
    expect(path`/api/v1/queues/${'auction-settlement'}/jobs?page=${2}`).toBe('/api/v1/queues/auction-settlement/jobs?page=2');
  });
});

describe('getJson', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function answer(status: number, body: unknown) {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json(body, { status })));
  }

  it("throws the API's error code and message on a refusal", async () => {
    answer(404, { error: { code: 'queue_not_found', message: 'No queue named "x".' } });
    const error: unknown = await getJson('/api/v1/queues/x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'queue_not_found', message: 'No queue named "x".' });
  });

  it('returns the body of a status the caller accepts, such as /readyz answering 503', async () => {
    answer(503, { status: 'not-ready', checks: { redis: false, postgres: true } });
    const readiness = parseReadiness(await getJson('/readyz', { acceptStatuses: [503] }));
    expect(readiness).toEqual({ status: 'not-ready', checks: { redis: false, postgres: true } });
  });
});
