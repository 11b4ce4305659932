// Input schemas shared by the route files. Strict objects: an unknown body key is a 400, not ignored.
import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

export const queueParams = z.strictObject({ queue: z.string().min(1).max(200) });
export const jobId = z.string().min(1).max(256);
export const queueJobParams = z.strictObject({ queue: z.string().min(1).max(200), id: jobId });
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
