// The client against a stubbed fetch: what goes on the wire (encoded path segments, the CSRF header on
// state changes only) and what comes back (ApiError with the API's code; 401 → the sign-in handler).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const sent: Request[] = [];
let reply: Response = new Response(null);
// openapi-fetch takes globalThis.fetch when the client is created, so the stub goes in first.
vi.stubGlobal('window', { location: { origin: 'http://console.test', pathname: '/', search: '' } });
vi.stubGlobal('fetch', async (request: Request) => {
  sent.push(request);
  return reply.clone();
});
const { api, setCsrfToken, setUnauthenticatedHandler, unwrap } = await import('./api-client');
const { ApiError } = await import('./api-error');

function answer(status: number, body: unknown) {
  reply = Response.json(body, { status });
}

beforeAll(() => setCsrfToken('token-123'));
afterEach(() => {
  sent.length = 0;
});

describe('api client', () => {
  it('encodes every path segment, so an id cannot address another resource', async () => {
    answer(200, {});
    await api.GET('/api/v1/queues/{queue}/jobs/{id}', { params: { path: { queue: 'war/resolution', id: 'a?b#c d' } } });
    expect(new URL(sent[0]!.url).pathname).toBe('/api/v1/queues/war%2Fresolution/jobs/a%3Fb%23c%20d');
  });

  it('sends the CSRF token on state changes and not on reads', async () => {
    answer(200, { queue: 'q', paused: true });
    await api.POST('/api/v1/queues/{queue}/pause', { params: { path: { queue: 'q' } } });
    await api.GET('/api/v1/queues');
    expect(sent[0]!.headers.get('X-CSRF-Token')).toBe('token-123');
    expect(sent[1]!.headers.get('X-CSRF-Token')).toBeNull();
  });

  it("throws the API's error code and message on a refusal", async () => {
    answer(404, { error: { code: 'QUEUE_NOT_FOUND', message: 'No queue named "x".' } });
    const error: unknown = await unwrap(api.GET('/api/v1/queues/{queue}', { params: { path: { queue: 'x' } } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'QUEUE_NOT_FOUND', message: 'No queue named "x".' });
  });

  it('sends the user to sign in on a 401, but not for a wrong password', async () => {
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    answer(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in first.' } });
    await api.GET('/api/v1/queues');
    expect(handler).toHaveBeenCalledTimes(1);
    answer(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong user name or password.' } });
    const error = await unwrap(api.POST('/api/v1/auth/login', { body: { username: 'a', password: 'b' } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
