/** The error body every API endpoint answers with on failure. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A response the API refused, or one the dashboard could not make sense of. The UI reads `code`, never the message text. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** Stable code from the API's error body, or one of ours (`BAD_RESPONSE`, `NETWORK`). */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    && 'message' in error && typeof error.message === 'string';
}

/** A message fit for a toast or an error panel, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
