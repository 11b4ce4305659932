export { openDatabase, rowsOf, type Executor, type Database, type DatabaseHandle, type DatabaseOptions, type Schema } from './client.js';
export { migrate, migrationsFolder } from './migrate.js';
export * as schema from './schema/index.js';
export * from './schema/index.js';
