// Every place where job content (or anything a person typed) is shown or kept for reading, the fields
// it carries, and what masks them. All of them use the one masker (`SecretMasker` in @bullpen/jobs,
// `runtime.masker`); the canary test (`security-hardening.int.test.ts`, "3. secrets masked") reads
// this table and scans each surface, so a new surface belongs here first.
export interface MaskedSurface {
  surface: string;
  fields: readonly string[];
  maskedBy: string;
}

const JOB_FIELDS = ['data', 'name', 'failedReason', 'progress'] as const;
const JOB_DETAIL_FIELDS = [...JOB_FIELDS, 'stacktrace', 'logs', 'returnvalue', 'opts'] as const;
const DEAD_LETTER_FIELDS = ['jobName', 'data', 'opts', 'error.message', 'error.stack', 'fingerprint'] as const;

export const MASKED_SURFACES: readonly MaskedSurface[] = [
  { surface: 'GET /api/v1/queues/:queue/jobs', fields: JOB_FIELDS, maskedBy: 'jobSummary (ops/job-view.ts)' },
  { surface: 'GET /api/v1/queues/:queue/jobs/:id', fields: JOB_DETAIL_FIELDS, maskedBy: 'jobDetail (ops/job-view.ts)' },
  { surface: 'GET /api/v1/jobs/:id', fields: JOB_DETAIL_FIELDS, maskedBy: 'jobDetail (ops/job-view.ts)' },
  { surface: 'GET /board/api/queues', fields: [...JOB_DETAIL_FIELDS.filter((f) => f !== 'logs')], maskedBy: 'MaskedBullMQAdapter.getJobs (board.ts)' },
  { surface: 'GET /board/api/queues/:queue/:id', fields: [...JOB_DETAIL_FIELDS.filter((f) => f !== 'logs')], maskedBy: 'MaskedBullMQAdapter.getJob (board.ts)' },
  { surface: 'GET /board/api/queues/:queue/:id/logs', fields: ['logs'], maskedBy: 'MaskedBullMQAdapter.getJobLogs (board.ts)' },
  { surface: 'GET /api/v1/dead-letters', fields: DEAD_LETTER_FIELDS, maskedBy: 'deadLetterView (routes/dead-letter-routes.ts)' },
  { surface: 'GET /api/v1/dead-letters/:id', fields: DEAD_LETTER_FIELDS, maskedBy: 'deadLetterView' },
  { surface: 'GET /api/v1/dead-letters/groups', fields: ['fingerprint'], maskedBy: 'the store (fingerprint of the masked error) and the groups route' },
  { surface: 'GET /api/v1/dead-letters/export', fields: DEAD_LETTER_FIELDS, maskedBy: 'deadLetterView' },
  { surface: 'dead_letters table', fields: ['error', 'fingerprint'], maskedBy: 'DeadLetterStore.record (data stays raw: replay needs it; every view masks it)' },
  { surface: 'GET /api/v1/events (SSE)', fields: ['queue statistics'], maskedBy: 'QueueEventStream (events.ts)' },
  { surface: 'logs', fields: ['every field', 'message', 'err'], maskedBy: 'createLogger (logger.ts): formatter, err serializer, message hook' },
  { surface: 'audit_log.params', fields: ['params', 'query', 'body'], maskedBy: 'AuditLog.insert (audit/audit-log.ts)' },
];
