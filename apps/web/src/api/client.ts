// The one place the dashboard talks HTTP. Everything else goes through the query options in this folder.

/** The error body every API endpoint answers with on failure. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A response the API refused, or one the dashboard could not make sense of. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** Stable code from the API's error body, or one of ours (`bad_response`, `network`). */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Builds a URL path from a template, encoding every interpolated segment, so a queue or job id with
 * `/`, `?` or `#` in it can never address another resource: path`/api/v1/queues/${name}/jobs/${id}`.
 */
export function path(strings: TemplateStringsArray, ...segments: ReadonlyArray<string | number>): string {
  return strings.reduce(
    (url, literal, index) => url + literal + (index < segments.length ? encodeURIComponent(String(segments[index])) : ''),
    '',
  );
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /**
   * Statuses whose body is an answer rather than an error. Default: 2xx only. `/readyz`, for one,
   * answers 503 with a body that says which check failed.
   */
  acceptStatuses?: readonly number[] | undefined;
}

function isApiErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    && 'message' in error && typeof error.message === 'string';
}

/** GETs `url` and returns its JSON body, unchecked: callers parse it into their own type. */
export async function getJson(url: string, options: RequestOptions = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'network', `Could not reach the server for ${url}.`, error);
  }
  const accepted = response.ok || (options.acceptStatuses ?? []).includes(response.status);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status, 'bad_response', `${url} answered ${response.status} without a JSON body.`);
  }
  if (accepted) return body;
  if (isApiErrorBody(body)) {
    throw new ApiError(response.status, body.error.code, body.error.message, body.error.details);
  }
  throw new ApiError(response.status, 'bad_response', `${url} answered ${response.status}.`, body);
}
