// `npm run generate:api`: rewrites apps/web/src/lib/api-schema.gen.ts from the routes table.
import { writeGeneratedTypes } from './contract.js';

const path = await writeGeneratedTypes();
process.stdout.write(`wrote ${path}\n`);
