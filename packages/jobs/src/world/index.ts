export { generateWorld, isWorldEmpty, resolveWorldSize, WORLD_SIZES, ITEMS, type GenerateWorldOptions, type WorldSize, type WorldSizeName } from './generator.js';
export { checkGoldLedger, type GoldLedger } from './gold-ledger.js';
export { isoWeek, utcDay, slotOf } from './periods.js';
