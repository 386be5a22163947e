// `npm run bench`: every benchmark (each `bench/<area>/*.bench.ts`), one after the other, each in its
// own process: each brings up and stops its own infrastructure and writes
// bench/results/<area>-<date>.md. `node dist/bench/run-all.js prescribing` runs only the named areas.
// Exits non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Bench {
  area: string;
  script: string;
}

/** The compiled benchmarks beside this file, prescribing first (the others reuse its helpers). */
function discover(): Bench[] {
  const benches: Bench[] = [];
  for (const entry of readdirSync(__dirname, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'support' || entry.name === 'results') continue;
    for (const file of readdirSync(join(__dirname, entry.name)).sort()) {
      if (file.endsWith('.bench.js')) benches.push({ area: entry.name, script: join(__dirname, entry.name, file) });
    }
  }
  return benches.sort((a, b) => (a.area === 'prescribing' ? -1 : b.area === 'prescribing' ? 1 : a.area.localeCompare(b.area)));
}

function main(): number {
  const only = process.argv.slice(2);
  const benches = discover().filter((bench) => only.length === 0 || only.includes(bench.area));
  if (benches.length === 0) {
    console.error(`no benchmark${only.length ? ` named ${only.join(', ')}` : ''} under ${__dirname}`);
    return 1;
  }
  console.log(`benchmarks: ${benches.map((b) => `${b.area}/${b.script.split('/').pop()}`).join(', ')}`);
  const outcomes: string[] = [];
  for (const bench of benches) {
    if (!existsSync(bench.script)) continue;
    console.log(`\n=== bench: ${bench.area} (${bench.script.split('/').pop()}) ===\n`);
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--enable-source-maps', bench.script], { stdio: 'inherit', env: process.env });
    const seconds = Math.round((Date.now() - started) / 1000);
    const ok = result.status === 0;
    outcomes.push(`${bench.area}: ${ok ? 'done' : `FAILED (${result.signal ?? `exit ${result.status}`})`} in ${seconds} s`);
    console.log(`=== ${outcomes[outcomes.length - 1]} ===`);
  }
  console.log(`\n${outcomes.join('\n')}`);
  return outcomes.some((o) => o.includes('FAILED')) ? 1 : 0;
}

process.exitCode = main();
