import { queryOptions } from '@tanstack/react-query';
import { ApiError, getJson } from './client';

/** `/healthz`: the process is up. */
export interface Health {
  status: 'ok';
  instanceId: string;
  roles: string[];
  version: string;
}

/** `/readyz`: the process can do its work (answers 503 with `not-ready` when a dependency is down). */
export interface Readiness {
  status: 'ready' | 'not-ready';
  /** One entry per dependency, e.g. `{ redis: true, postgres: false }`. */
  checks: Record<string, boolean>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badShape(url: string, body: unknown): ApiError {
  return new ApiError(200, 'bad_response', `${url} answered with an unexpected body.`, body);
}

// Checked at run time: the API may be a different version from this bundle.
export function parseHealth(body: unknown): Health {
  if (
    isRecord(body) && body.status === 'ok' && typeof body.instanceId === 'string'
    && typeof body.version === 'string' && Array.isArray(body.roles)
    && body.roles.every((role) => typeof role === 'string')
  ) {
    return { status: 'ok', instanceId: body.instanceId, roles: body.roles, version: body.version };
  }
  throw badShape('/healthz', body);
}

export function parseReadiness(body: unknown): Readiness {
  if (
    isRecord(body) && (body.status === 'ready' || body.status === 'not-ready') && isRecord(body.checks)
    && Object.values(body.checks).every((check) => typeof check === 'boolean')
  ) {
    return { status: body.status, checks: body.checks as Record<string, boolean> };
  }
  throw badShape('/readyz', body);
}

const POLL_MS = 10_000;

export const healthQueryOptions = () =>
  queryOptions({
    queryKey: ['health'],
    queryFn: async ({ signal }) => parseHealth(await getJson('/healthz', { signal })),
    refetchInterval: POLL_MS,
  });

export const readinessQueryOptions = () =>
  queryOptions({
    queryKey: ['readiness'],
    queryFn: async ({ signal }) => parseReadiness(await getJson('/readyz', { signal, acceptStatuses: [503] })),
    refetchInterval: POLL_MS,
  });
