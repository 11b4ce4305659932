// Words for the result of an action on a selection, including partial results:
// "Retried 48 of 50 jobs" + "2 were no longer failed".
export interface SelectionResult {
  id: string;
  outcome: 'done' | 'not-found' | 'refused';
  reason?: string | undefined;
}

export interface OutcomeSummary {
  title: string;
  description?: string | undefined;
  tone: 'success' | 'warning' | 'error';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/**
 * @param verb past tense, capitalised: "Retried"
 * @param refusedAs why BullMQ refuses this action for a job, in words: "no longer failed"
 */
export function summariseSelection(verb: string, results: readonly SelectionResult[], refusedAs: string): OutcomeSummary {
  const done = results.filter((r) => r.outcome === 'done').length;
  const refused = results.filter((r) => r.outcome === 'refused').length;
  const missing = results.filter((r) => r.outcome === 'not-found').length;
  const total = results.length;
  const title = done === total ? `${verb} ${plural(total, 'job')}` : `${verb} ${done.toLocaleString('en')} of ${plural(total, 'job')}`;
  const notes: string[] = [];
  if (refused) notes.push(`${refused.toLocaleString('en')} ${refused === 1 ? 'was' : 'were'} ${refusedAs}`);
  if (missing) notes.push(`${missing.toLocaleString('en')} no longer ${missing === 1 ? 'exists' : 'exist'}`);
  return { title, description: notes.length ? notes.join('; ') : undefined, tone: done === total ? 'success' : done === 0 ? 'error' : 'warning' };
}
