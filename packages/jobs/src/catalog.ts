// Every job type of the game, collected once so that enqueueing by name is type-checked.
// One file per type under ./jobs/<queue-name>.job.ts; add the new definition here.
import type { AnyJobDefinition } from './definition.js';

export const catalog = [] as const satisfies readonly AnyJobDefinition[];
