// Runs the benchmarks: every bench/*.bench.ts (TypeScript through tsx), one after the other, or
// only those whose file name contains an argument: `npm run bench -- tds-stream`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dir = 'bench';
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .filter((f) => !wanted.length || wanted.some((w) => f.includes(w)))
      .sort()
  : [];
if (!files.length) {
  console.error(wanted.length ? `No benchmark in ${dir}/ matches ${wanted.join(', ')}.` : `No benchmarks in ${dir}/.`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n# bench: ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, f)], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    failed++;
    console.error(`# bench ${f} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
