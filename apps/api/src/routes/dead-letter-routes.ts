// Dead letters: filter, group by fingerprint, replay, discard, export. Data passes the secret masker.
import { deadLetters } from '@bullpen/db';
import { MAX_BULK, type DeadLetter, type DeadLetterFilter } from '@bullpen/jobs';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { notFound } from '../http/api-error.js';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { maskSecrets } from '../ops/mask-secrets.js';
import { deadLetterResponse, isoDate, isoTimestamp, page, pageSize, pageOf } from './schemas.js';

/** Most rows one export returns; narrow the filter for more. */
export const EXPORT_LIMIT = 10_000;
const EXPORT_PAGE = 200;

const filterFields = {
  queue: z.string().min(1).max(200).optional(),
  q: z.string().min(1).max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: z.enum(['dead', 'replayed', 'discarded']).optional(),
  fingerprint: z.string().min(1).max(300).optional(),
};
const filterQuery = z.strictObject(filterFields);
const filterBody = z.strictObject({
  ...filterFields,
  from: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
  to: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
});
const selection = z.union([
  z.strictObject({ ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(1_000) }),
  // A filter must say something: an empty one would select every dead letter by accident.
  z.strictObject({ filter: filterBody.refine((f) => Object.values(f).some((v) => v !== undefined), 'an empty filter would select everything; name at least one field') }),
]);

export function deadLetterView(letter: DeadLetter) {
  return { ...letter, data: maskSecrets(letter.data), opts: maskSecrets(letter.opts) };
}

function toFilter(f: z.output<typeof filterQuery>): DeadLetterFilter {
  return { queue: f.queue, q: f.q, from: f.from, to: f.to, status: f.status, fingerprint: f.fingerprint };
}

export function deadLetterRoutes(deps: OpsDeps): Route[] {
  const store = deps.runtime.deadLetters;
  const target = ({ body }: { body: z.output<typeof selection> }) => ('ids' in body ? `dead-letters:${body.ids.length} ids` : `dead-letters:filter`);
  return [
    defineRoute({
      method: 'get',
      path: '/dead-letters',
      summary: 'Dead letters, newest first, filtered by queue, error text, time, status or fingerprint',
      role: 'viewer',
      csrf: 'none',
      response: pageOf(deadLetterResponse),
      query: z.strictObject({ ...filterFields, page, pageSize: pageSize() }),
      handler: async ({ query }) => {
        const result = await store.list({ ...toFilter(query), status: query.status ?? 'dead' }, query.page, query.pageSize);
        return ok({ ...result, items: result.items.map(deadLetterView) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/dead-letters/groups',
      summary: 'Dead letters grouped by error fingerprint and queue, largest group first',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({
        groups: z.array(z.strictObject({ fingerprint: z.string(), queue: z.string(), count: z.number().int().nonnegative(), firstFailedAt: isoTimestamp, lastFailedAt: isoTimestamp })),
      }),
      query: filterQuery,
      handler: async ({ query }) => ok({ groups: await store.groups({ ...toFilter(query), status: query.status ?? 'dead' }) }),
    }),
    defineRoute({
      method: 'get',
      path: '/dead-letters/count',
      summary: `How many dead letters replay or discard by this filter would touch now (a dry run; one call acts on at most ${MAX_BULK})`,
      role: 'viewer',
      csrf: 'none',
      query: z.strictObject({ ...filterFields, status: z.literal('dead').optional() }),
      response: z.strictObject({ count: z.number().int().nonnegative(), perCall: z.number().int().positive() }),
      // Replay and discard by filter act on dead letters only, whatever status the filter names.
      handler: async ({ query }) => ok({ count: (await store.list({ ...toFilter(query), status: 'dead' }, 1, 1)).total, perCall: MAX_BULK }),
    }),
    defineRoute({
      method: 'get',
      path: '/dead-letters/export',
      summary: `Every dead letter matching the filter as a JSON download (at most ${EXPORT_LIMIT})`,
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({
        exportedAt: isoTimestamp,
        filter: z.record(z.string(), z.unknown()).describe('The filter as given'),
        total: z.number().int().nonnegative(),
        truncated: z.boolean(),
        items: z.array(deadLetterResponse),
      }),
      query: filterQuery,
      handler: async ({ query }) => {
        const filter = { ...toFilter(query), status: query.status ?? 'dead' };
        const items: ReturnType<typeof deadLetterView>[] = [];
        let total = 0;
        for (let p = 1; items.length < EXPORT_LIMIT; p++) {
          const batch = await store.list(filter, p, EXPORT_PAGE);
          total = batch.total;
          items.push(...batch.items.map(deadLetterView));
          if (batch.items.length < EXPORT_PAGE) break;
        }
        return {
          status: 200,
          body: { exportedAt: new Date().toISOString(), filter: query, total, truncated: total > items.length, items },
          headers: { 'Content-Disposition': `attachment; filename="dead-letters-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json"` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/dead-letters/:id',
      summary: 'One dead letter',
      role: 'viewer',
      csrf: 'none',
      response: deadLetterResponse,
      params: z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
      handler: async ({ params }) => {
        const letter = await store.get(params.id);
        if (!letter) throw notFound('DEAD_LETTER_NOT_FOUND', `No dead letter ${params.id}.`);
        return ok(deadLetterView(letter));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/dead-letters/replay',
      summary: 'Replays dead letters, by ids or by filter (at most 1 000 a call), as new jobs on their queues',
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({
        replayed: z.array(z.strictObject({ id: z.number().int(), queue: z.string(), jobId: z.string() })),
        skipped: z.array(z.number().int()).describe('Selected ids that were not replayable (unknown, already replayed or discarded, or queue unknown)'),
      }),
      body: selection,
      audit: { action: 'dead-letters.replay', target },
      handler: async ({ body }) => {
        const outcome = await store.replay('ids' in body ? { ids: body.ids } : { filter: { ...body.filter, status: undefined } }, (name) => deps.runtime.queue(name));
        if ('ids' in body && outcome.replayed.length === 0 && outcome.skipped.length > 0 && !(await anyExists(deps, body.ids))) {
          throw notFound('DEAD_LETTER_NOT_FOUND', 'None of the selected dead letters exist.');
        }
        return ok(outcome);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/dead-letters/discard',
      summary: 'Marks dead letters discarded, by ids or by filter (at most 1 000 a call)',
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ discarded: z.array(z.number().int()) }),
      body: selection,
      audit: { action: 'dead-letters.discard', target },
      handler: async ({ body }) => {
        const discarded = await store.discard('ids' in body ? { ids: body.ids } : { filter: { ...body.filter, status: undefined } });
        if ('ids' in body && discarded.length === 0 && !(await anyExists(deps, body.ids))) throw notFound('DEAD_LETTER_NOT_FOUND', 'None of the selected dead letters exist.');
        return ok({ discarded });
      },
    }),
  ];
}

async function anyExists(deps: OpsDeps, ids: readonly number[]): Promise<boolean> {
  const rows = await deps.database.db.select({ id: deadLetters.id }).from(deadLetters).where(inArray(deadLetters.id, [...ids])).limit(1);
  return rows.length > 0;
}
