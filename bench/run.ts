/**
 * `npm run bench [-- --only SECTION[,SECTION]] [-- --quick]`: runs the sections in order,
 * shows progress on stderr, writes bench/results/SECTION.json (and all.json) and prints
 * one table of every figure next to its baseline and target.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { machine, progress, table, writeResults, type Figure } from './lib/report.js';
import type { Section } from './lib/section.js';
import { analyzeSection } from './sections/analyze.js';
import { backlogSection } from './sections/backlog.js';
import { factsSection } from './sections/facts.js';
import { failoverSection } from './sections/failover.js';
import { footprintSection } from './sections/footprint.js';
import { ingestSection } from './sections/ingest.js';
import { learningSection } from './sections/learning.js';
import { memorySection } from './sections/memory.js';
import { simulateSection } from './sections/simulate.js';
import { stackSection } from './sections/stack.js';
import { storeSection } from './sections/store.js';
import { startupSection } from './sections/startup.js';
import { webhookSection } from './sections/webhook.js';

export const SECTIONS: readonly Section[] = [analyzeSection, factsSection, webhookSection, stackSection, simulateSection, footprintSection, memorySection, ingestSection, learningSection, startupSection, storeSection, backlogSection, failoverSection];

const USAGE = `usage: npm run bench -- [--only SECTION[,SECTION]] [--quick]
sections: ${SECTIONS.map((s) => s.name).join(', ')}`;

export function selectSections(only: string | undefined): Section[] {
  if (only === undefined || only === '') return [...SECTIONS];
  const names = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.map((u) => `"${u}"`).join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  return SECTIONS.filter((s) => names.includes(s.name));
}

async function main(): Promise<number> {
  let values: { only?: string; quick?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let sections: Section[];
  try {
    sections = selectSections(values.only);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const quick = values.quick === true;
  const m = machine();
  progress(`${m.cores} cores, ${m.memoryGiB} GiB, ${m.cpu}, node ${m.node}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}${quick ? ', --quick' : ''}`);
  const earlier = new Map<string, readonly Figure[]>();
  const all: Figure[] = [];
  const failed: string[] = [];
  const t0 = performance.now();
  for (const s of sections) {
    progress(`section ${s.name}: ${s.title}`);
    const start = performance.now();
    const loadBefore = loadavg()[0];
    try {
      const r = await s.run({ quick, earlier });
      earlier.set(s.name, r.figures);
      all.push(...r.figures);
      const file = writeResults(s.name, r.figures, { ...r.extra, quick, seconds: (performance.now() - start) / 1000, loadBefore, loadAfter: loadavg()[0] });
      progress(`section ${s.name} done in ${((performance.now() - start) / 1000).toFixed(1)} s → ${file}`);
    } catch (err) {
      failed.push(s.name);
      progress(`section ${s.name} FAILED: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      all.push({ section: s.name, name: 'section failed', value: NaN, unit: '', note: err instanceof Error ? err.message : String(err) });
    }
  }
  writeResults('all', all, { quick, sections: sections.map((s) => s.name), seconds: (performance.now() - t0) / 1000, load: loadavg() });
  process.stdout.write(`${table(all)}\n`);
  const missed = all.filter((f) => f.met === false);
  process.stdout.write(`\n${all.filter((f) => f.met === true).length} targets met, ${missed.length} missed${failed.length ? `, sections failed: ${failed.join(', ')}` : ''}; ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
