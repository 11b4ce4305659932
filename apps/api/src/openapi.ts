// The OpenAPI 3.1 description, generated from the routes table so it cannot drift from the code.
import { z } from 'zod';
import { API_BASE } from './http/mount-routes.js';
import type { Route } from './http/route-table.js';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s }));
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
};

export function openApiDocument(routes: readonly Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${API_BASE}${route.path}`.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      '200': { description: 'OK', content: { [route.stream ? 'text/event-stream' : 'application/json']: {} } },
      '400': { description: 'Invalid input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      '503': { description: 'Redis, PostgreSQL or the audit log is unavailable', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    };
    if (route.role !== 'public') {
      responses['401'] = { description: 'Not signed in', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      responses['403'] = { description: `Needs the ${route.role} role${route.csrf !== 'none' ? ', or CSRF check failed' : ''}`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    if (route.guard || route.params) responses['404'] = { description: 'Unknown queue, job, schedule or dead letter' };
    paths[path] = {
      ...paths[path],
      [route.method]: {
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
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
