// `npm run bench [name…]`: runs every bench/*.bench.ts (or those whose file name contains a given
// name) one after another and prints their figures. Benchmarks measure side by side in one run and
// print ratios; they are not timed tests and assert nothing.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}; available: ${readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(1);
}

for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = performance.now();
  const bench = (await import(`./${file}`)) as { run: () => Promise<void> };
  await bench.run();
  console.log(`(${file} took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
