// Dead letters: filter, group by fingerprint, replay, discard, export. Data passes the secret masker.
import { deadLetters } from '@bullpen/db';
import { MAX_BULK, type DeadLetter, type DeadLetterFilter, type SecretMasker } from '@bullpen/jobs';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { notFound } from '../http/api-error.js';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { deadLetterResponse, isoDate, isoTimestamp, page, pageSize, pageOf, queueName, text } from './schemas.js';

/** Most rows one export returns; narrow the filter for more. */
export const EXPORT_LIMIT = 10_000;
const EXPORT_PAGE = 200;

const filterFields = {
  queue: queueName.optional(),
  q: text(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: z.enum(['dead', 'replayed', 'retried', 'discarded']).optional(),
  fingerprint: text(300).optional(),
};
const filterQuery = z.strictObject(filterFields);
const filterBody = z.strictObject({
  ...filterFields,
  // Bulk actions only ever touch dead letters: `status` may say so, and narrows nothing.
  status: z.literal('dead').optional(),
  from: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
  to: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
});
/** The filter fields that narrow a bulk action; a filter naming none of them would select every dead letter. */
const NARROWING = ['queue', 'q', 'from', 'to', 'fingerprint'] as const;
const dryRun = z.boolean().default(false);
const selection = z.union([
  z.strictObject({ ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(MAX_BULK), dryRun }),
  z.strictObject({
    filter: filterBody.refine((f) => NARROWING.some((k) => f[k] !== undefined), `a bulk action by filter must name something that narrows it (${NARROWING.join(', ')}); status alone selects every dead letter`),
    dryRun,
  }),
]);
type Selection = z.output<typeof selection>;
/** What a bulk action with `dryRun: true` answers instead of acting. */
const dryRunResponse = z.strictObject({
  dryRun: z.literal(true),
  matching: z.number().int().nonnegative().describe('Dead letters the selection matches now'),
  willTouch: z.number().int().nonnegative().describe(`How many one call would act on (at most ${MAX_BULK})`),
});
const storeSelection = (body: Selection) => ('ids' in body ? { ids: body.ids } : { filter: { ...body.filter, status: undefined } });

export function deadLetterView(letter: DeadLetter, masker: SecretMasker) {
  return { ...letter, jobName: masker.text(letter.jobName), data: masker.value(letter.data), opts: masker.value(letter.opts), error: masker.value(letter.error) as DeadLetter['error'], fingerprint: masker.text(letter.fingerprint) };
}

function toFilter(f: z.output<typeof filterQuery>): DeadLetterFilter {
  return { queue: f.queue, q: f.q, from: f.from, to: f.to, status: f.status, fingerprint: f.fingerprint };
}

export function deadLetterRoutes(deps: OpsDeps): Route[] {
  const store = deps.runtime.deadLetters;
  const masker = deps.runtime.masker;
  const target = ({ body }: { body: Selection }) => ('ids' in body ? `dead-letters:${body.ids.length} ids` : `dead-letters:filter`);
  /** `dryRun: true`: the count a bulk action would touch, so the console can confirm it; nothing changes. */
  const preview = async (body: Selection) => {
    const matching = await store.count(storeSelection(body));
    return ok({ dryRun: true as const, matching, willTouch: Math.min(matching, MAX_BULK) });
  };
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
        return ok({ ...result, items: result.items.map((l) => deadLetterView(l, masker)) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/dead-letters/groups',
      summary: 'Dead letters grouped by error fingerprint and queue, largest group first',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({
        groups: z.array(z.strictObject({ fingerprint: z.string(), queue: z.string(), sample: z.string(), count: z.number().int().nonnegative(), firstFailedAt: isoTimestamp, lastFailedAt: isoTimestamp })),
      }),
      query: filterQuery,
      handler: async ({ query }) => ok({ groups: (await store.groups({ ...toFilter(query), status: query.status ?? 'dead' })).map((g) => ({ ...g, fingerprint: masker.text(g.fingerprint) })) }),
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
          items.push(...batch.items.map((l) => deadLetterView(l, masker)));
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
        return ok(deadLetterView(letter, masker));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/dead-letters/replay',
      summary: 'Replays dead letters, by ids or by a narrowing filter (at most 1 000 a call), as new jobs on their queues; dryRun: true reports how many it would touch',
      role: 'operator',
      csrf: 'token',
      response: z.union([
        z.strictObject({
          replayed: z.array(z.strictObject({ id: z.number().int(), queue: z.string(), jobId: z.string() })),
          skipped: z.array(z.number().int()).describe('Selected ids that were not replayable (unknown, already replayed or discarded, or queue unknown)'),
        }),
        dryRunResponse,
      ]),
      body: selection,
      audit: { action: 'dead-letters.replay', target },
      handler: async ({ body }) => {
        if (body.dryRun) return preview(body);
        const outcome = await store.replay(storeSelection(body), (name) => deps.runtime.queue(name));
        if ('ids' in body && outcome.replayed.length === 0 && outcome.skipped.length > 0 && !(await anyExists(deps, body.ids))) {
          throw notFound('DEAD_LETTER_NOT_FOUND', 'None of the selected dead letters exist.');
        }
        return ok(outcome);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/dead-letters/discard',
      summary: 'Marks dead letters discarded, by ids or by a narrowing filter (at most 1 000 a call); dryRun: true reports how many it would touch',
      role: 'operator',
      csrf: 'token',
      response: z.union([z.strictObject({ discarded: z.array(z.number().int()) }), dryRunResponse]),
      body: selection,
      audit: { action: 'dead-letters.discard', target },
      handler: async ({ body }) => {
        if (body.dryRun) return preview(body);
        const discarded = await store.discard(storeSelection(body));
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
