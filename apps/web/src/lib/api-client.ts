// The one place the dashboard talks HTTP to the operations API: openapi-fetch typed by the API's
// contract. It sends the session cookie, adds the CSRF token to every state change, turns error bodies
// into ApiError (with the API's stable code) and sends the user to sign in on any 401.
import createClient, { type Middleware } from 'openapi-fetch';
import type { ClientPaths } from './api-contract';
import { ApiError, isApiErrorBody } from './api-error';

let csrfToken: string | undefined;
let onUnauthenticated: () => void = () => {
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
};

/** Remembers the session's CSRF token (from sign-in or /auth/me) for later state changes. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** What to do when the API says the session is gone; the app replaces the default full-page redirect with a router navigation. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
// A wrong password is a 401 too, but it is an answer for the login form, not a lost session.
const SIGN_IN_PATH = '/api/v1/auth/login';

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (!READS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && new URL(request.url).pathname !== SIGN_IN_PATH) {
      setCsrfToken(undefined);
      onUnauthenticated();
    }
    return response;
  },
};

export const api = createClient<ClientPaths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(sessionMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer, or an ApiError carrying the API's code. */
export async function unwrap<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'Could not reach the server.', error);
  }
  const { data, error, response } = result;
  if (response.ok && data !== undefined) return data;
  if (isApiErrorBody(error)) throw new ApiError(response.status, error.error.code, error.error.message, error.error.details);
  throw new ApiError(response.status, 'BAD_RESPONSE', `The server answered ${response.status} ${response.statusText}.`.trim(), error);
}
