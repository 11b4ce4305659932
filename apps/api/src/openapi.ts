// The OpenAPI 3.1 description, generated from the routes table so it cannot drift from the code. The
// SPA's types (apps/web/src/lib/api-schema.gen.ts) are generated from this document in turn.
import { z } from 'zod';
import { API_BASE } from './http/mount-routes.js';
import type { Route } from './http/route-table.js';
import { namedSchemas } from './routes/schemas.js';

const COMPONENTS = '#/components/schemas/';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s }));
}

/** `GET /queues/:queue/jobs` → `getQueuesQueueJobs`: the operation id, and (capitalised) its response's name. */
export function operationId(route: Pick<Route, 'method' | 'path'>): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return route.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
};

/**
 * Every response schema as a named component: the shared shapes under their own names, each route's
 * under `<OperationId>Response`, with references between them (one registry, one conversion).
 */
function responseComponents(routes: readonly Route[]): { schemas: Record<string, unknown>; refOf: Map<Route, string> } {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(namedSchemas)) {
    registry.add(schema, { id });
    idOf.set(schema, id);
  }
  const refOf = new Map<Route, string>();
  for (const route of routes) {
    let id = idOf.get(route.response);
    if (!id) {
      id = `${operationId(route)[0]!.toUpperCase()}${operationId(route).slice(1)}Response`;
      registry.add(route.response, { id });
      idOf.set(route.response, id);
    }
    refOf.set(route, `${COMPONENTS}${id}`);
  }
  const { schemas } = z.toJSONSchema(registry, { io: 'output', unrepresentable: 'any', uri: (id) => `${COMPONENTS}${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return { schemas, refOf };
}

export function openApiDocument(routes: readonly Route[], version: string) {
  const { schemas, refOf } = responseComponents(routes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${API_BASE}${route.path}`.replace(/:(\w+)/g, '{$1}');
    const success = String(route.successStatus ?? 200);
    const responses: Record<string, unknown> = {
      [success]: {
        description: route.stream ? 'An event stream; the schema maps each event name to the JSON of its data line' : success === '202' ? 'Accepted' : 'OK',
        content: { [route.stream ? 'text/event-stream' : 'application/json']: { schema: { $ref: refOf.get(route) } } },
      },
      '400': { description: 'Invalid input', content: { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } } },
      '503': { description: 'Redis, PostgreSQL or the audit log is unavailable', content: { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } } },
    };
    if (route.role !== 'public') {
      responses['401'] = { description: 'Not signed in', content: { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } } };
      responses['403'] = { description: `Needs the ${route.role} role${route.csrf !== 'none' ? ', or CSRF check failed' : ''}`, content: { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } } };
    }
    if (route.guard || route.params) responses['404'] = { description: 'Unknown queue, job, schedule or dead letter', content: { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } } };
    paths[path] = {
      ...paths[path],
      [route.method]: {
        operationId: operationId(route),
        summary: route.summary,
        'x-role': route.role,
        'x-csrf': route.csrf,
        ...(route.audit ? { 'x-audit-action': route.audit.action } : {}),
        parameters: [
          ...parameters(route.params, 'path'),
          ...parameters(route.query, 'query'),
          ...(route.csrf === 'token' ? [{ name: 'X-CSRF-Token', in: 'header', required: true, schema: { type: 'string' } }] : []),
        ],
        ...(route.body ? { requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
        responses,
        ...(route.role === 'public' ? { security: [] } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Bullpen operations API', version, description: 'Queues, jobs, schedules, dead letters, workers and the audit log. Errors: {error: {code, message, details}}.' },
    servers: [{ url: '/' }],
    security: [{ session: [] }],
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'bullpen_session' } },
      schemas: { Error: errorSchema, ...schemas },
    },
    paths,
  };
}
