// The SPA's API types are generated from the routes table; this fails (and so CI fails) when the
// committed file is not what the routes produce, or when a route declares no response body.
import { describe, expect, it } from 'vitest';
import { committedTypes, contractDocument, contractRoutes, generatedTypes, generatedTypesPath } from './contract.js';

describe('typed contract', () => {
  it('the committed apps/web/src/lib/api-schema.gen.ts is what the routes table generates (run `npm run generate:api`)', async () => {
    const [committed, generated] = await Promise.all([committedTypes(), generatedTypes()]);
    expect(committed, `${generatedTypesPath} is missing or stale: run \`npm run generate:api\` and commit it`).toBe(generated);
  });

  it('every operation declares the schema of its success body, by reference to a component that exists', () => {
    const document = contractDocument();
    const schemas = document.components.schemas as Record<string, unknown>;
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op: op as { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> } })));
    expect(operations).toHaveLength(contractRoutes().length);
    for (const { path, method, op } of operations) {
      const [status, success] = Object.entries(op.responses).find(([code]) => code.startsWith('2'))!;
      const content = Object.values(success.content ?? {})[0];
      const ref = content?.schema?.$ref;
      expect(ref, `${method.toUpperCase()} ${path} ${status}`).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref!.split('/').pop()!], `${method.toUpperCase()} ${path}: ${ref}`).toBeTypeOf('object');
    }
  });
});
