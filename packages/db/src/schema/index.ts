// Every table Bullpen owns. drizzle-kit reads this module to generate migrations.
export * from './runtime.js';
export * from './world.js';
export * from './ops.js';
export * from './alerts.js';
