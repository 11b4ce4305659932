// Input schemas shared by the route files. Strict objects: an unknown body key is a 400, not ignored.
import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

/**
 * Every string input of every route: bounded, and never holding a NUL (`\u0000`), which PostgreSQL
 * text and jsonb refuse (a 500 or a failed audit write otherwise) and no name or search needs.
 */
export const text = (max: number, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain the NUL character (\\u0000)');

export const queueName = text(200);
export const queueParams = z.strictObject({ queue: queueName });
export const jobId = text(256);
export const queueJobParams = z.strictObject({ queue: queueName, id: jobId });
export const idParams = z.strictObject({ id: jobId });

export const page = z.coerce.number().int().min(1).max(1_000_000).default(1);
/** Capped, not refused: asking for more than the cap gets the cap. */
export const pageSize = (fallback = 50) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .default(fallback)
    .transform((n) => Math.min(n, MAX_PAGE_SIZE));

export const isoDate = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()) && Math.abs(d.getTime()) < 8.64e15, 'expected an ISO date');

export const emptyBody = z.strictObject({}).optional();

export const jobIdSelection = z.strictObject({ ids: z.array(jobId).min(1).max(MAX_PAGE_SIZE) });
