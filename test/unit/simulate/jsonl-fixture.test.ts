import test from 'ava';
import yaml from 'js-yaml';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleSet } from '../../../src/rules/load.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { parseJsonlFixture } from '../../../src/simulate/jsonl-fixture.js';
import { simulate } from '../../../src/simulate/simulate.js';
import type { RuleSet } from '../../../src/types/rules.js';

const RULES = 'test/data/verify/rules';
const HEAD = '{"apiVersion":"mapek/v1","kind":"Fixture","name":"j","start":"2026-11-26T12:00:00Z"}';

async function rules(): Promise<RuleSet> {
  const r = await loadRuleSet([RULES]);
  if (!r.ok) throw new Error('rules invalid');
  return r.ruleSet;
}

/** The YAML fixture rewritten in the JSON-lines form: head, then one step per line. */
async function asJsonl(file: string, dir: string): Promise<string> {
  const { steps, ...head } = yaml.load(await readFile(file, 'utf8')) as { steps: unknown[] };
  const out = join(dir, file.replace(/.*\//, '').replace(/\.yaml$/, '.jsonl'));
  await writeFile(out, `${[head, ...steps].map((v) => JSON.stringify(v)).join('\n')}\n`);
  return out;
}

function issues(text: string, rs?: RuleSet): string[] {
  const r = parseJsonlFixture(text, 'r.jsonl', rs);
  return r.ok ? [] : r.issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.path}: ${i.message}`);
}

test('a YAML fixture and its JSON-lines form replay to the same reports', async (t) => {
  const rs = await rules();
  const dir = await mkdtemp(join(tmpdir(), 'mapek-jsonl-'));
  for (const name of ['rollback-verified', 'failing']) {
    const file = `test/data/simulate-stream/${name}.yaml`;
    const fromYaml = await loadFixtures([file], rs);
    const fromJsonl = await loadFixtures([await asJsonl(file, dir)], rs);
    t.deepEqual(fromJsonl.issues, []);
    const a = await simulate(fromYaml.fixtures, rs);
    const b = await simulate(fromJsonl.fixtures, rs);
    t.is(a.fixtures[0]?.report.steps.length, fromYaml.fixtures[0]?.steps.length);
    t.deepEqual(b.fixtures[0]?.runs.map((r) => r.step.snapshot), a.fixtures[0]?.runs.map((r) => r.step.snapshot));
    // Identical but for the file and the step lines (line k + 1 of the recording is step k).
    const strip = (r: typeof a): unknown => r.fixtures.map((f) => ({ ...f.report, file: '', steps: f.report.steps.map((s) => ({ ...s, line: 0 })) }));
    t.deepEqual(strip(b), strip(a));
    t.deepEqual(b.fixtures[0]?.report.steps.map((s) => s.line), b.fixtures[0]?.report.steps.map((s) => s.step + 1));
    t.is(b.ok, name !== 'failing');
  }
});

test('invalid JSON names the line and column of every bad line, all at once (V8\'s own message)', (t) => {
  t.deepEqual(issues(`${HEAD}\n{"at":"+0s"}\n{"at": "+30s",}\n\n{"at" "+1m"}\n`), [
    'r.jsonl:3:15: steps[1]: invalid JSON: Expected double-quoted property name in JSON at position 14',
    'r.jsonl:5:7: steps[2]: invalid JSON: Expected \':\' after property name in JSON at position 6',
  ]);
  t.deepEqual(issues('{"apiVersion": \n'), ['r.jsonl:1:16: : invalid JSON: Unexpected end of JSON input']);
});

test('the head line: present, an object, without steps', (t) => {
  t.deepEqual(issues('\n\n'), ['r.jsonl:1:1: : empty recording: line 1 must be the fixture head {"apiVersion": "mapek/v1", "kind": "Fixture", …}']);
  t.deepEqual(issues('[1]\n'), ['r.jsonl:1:1: : line 1 must be the fixture head, a JSON object (apiVersion, kind, name, description, start)']);
  t.deepEqual(issues('{"name":"j","steps":[]}\n'), ['r.jsonl:1:13: steps: the head line has no "steps": each following line is one step']);
});

test('schema and rule-set errors point at the step line and the key', async (t) => {
  const rs = await rules();
  t.deepEqual(issues(`${HEAD}\n{"at":"+0s"}\n{"at":"+30s","bogus":1}\n`, rs), [
    'r.jsonl:3:14: steps[1].bogus: unknown key "bogus" (allowed: at, name, alerts, metrics, ranges, violations, sources, expect)',
  ]);
  t.deepEqual(issues(`${HEAD}\n{"at":"+0s","expect":{"rulesFired":["nope"]}}\n`, rs), [
    'r.jsonl:2:36: steps[0].expect.rulesFired[0]: unknown rule "nope" (not in the loaded rule set)',
  ]);
  t.deepEqual(issues(`${HEAD}\n{"at":"+1m"}\n{"at":"+30s"}\n`, rs), ['r.jsonl:3:7: steps[1].at: time "+30s" is earlier than the previous step']);
  t.deepEqual(issues('{"apiVersion":"mapek/v1","kind":"Fixture","start":"2026-11-26T12:00:00Z"}\n{"at":"+0s"}\n', rs), ['r.jsonl:1:1: : missing required key "name"']);
});
