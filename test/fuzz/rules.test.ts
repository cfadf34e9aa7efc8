/**
 * The rule loader fed thousands of mutated rule files (seeded, bounded): it never throws,
 * and every rejection is a list of issues, each naming the file with a message.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileRuleFiles } from '../../src/rules/load.js';
import { REPO_ROOT } from '../support/stack.js';
import { mutateText, rng } from './mutate.js';

test('rule loader: 2000 seeded mutations, never a crash, every issue with file and message', (t) => {
  t.timeout(60_000);
  const dir = path.join(REPO_ROOT, 'rules');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => ({ file: path.join('rules', f), text: readFileSync(path.join(dir, f), 'utf8') }));
  t.true(compileRuleFiles(files).ok, 'the shipped rules load');
  const r = rng(7);
  let rejected = 0;
  const deadline = Date.now() + 45_000;
  let n = 0;
  for (; n < 2000 && Date.now() < deadline; n++) {
    const victim = Math.floor(r() * files.length);
    let text = files[victim]!.text;
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) text = mutateText(text, r);
    const input = files.map((f, i) => (i === victim ? { ...f, text } : f));
    let result;
    try {
      result = compileRuleFiles(input);
    } catch (err) {
      t.fail(`threw ${(err as Error).stack} on mutation ${n}`);
      return;
    }
    if (!result.ok) {
      rejected++;
      for (const i of result.issues) {
        t.true(typeof i.file === 'string' && i.file.length > 0 && typeof i.message === 'string' && i.message.length > 0, JSON.stringify(i));
      }
    }
  }
  t.log(`${n} mutations, ${rejected} rejected with issues`);
  t.true(rejected > 0);
});
