export * from './queue-names.js';
export * from './definition.js';
export * from './errors.js';
export { catalog } from './catalog.js';
export { writeOutbox, relayOutbox, type OutboxEntry } from './runtime/outbox.js';
export { executeAttempt, type Attempt } from './runtime/executor.js';
