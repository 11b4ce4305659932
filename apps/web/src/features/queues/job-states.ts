/** The states a queue's jobs can be listed by, in tab order (as the API's JOB_STATES). */
export const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The tab a queue opens on: where an operator arriving from an alert needs to look. */
export const DEFAULT_STATE: JobState = 'failed';

export const STATE_LABELS: Record<JobState, string> = {
  waiting: 'Waiting',
  prioritized: 'Prioritized',
  active: 'Active',
  delayed: 'Delayed',
  completed: 'Completed',
  failed: 'Failed',
  'waiting-children': 'Waiting children',
};
