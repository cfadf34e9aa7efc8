/**
 * Find and load every fixture under the given files and directories: YAML, or a recording in
 * the JSON-lines form (FILE.jsonl, given by path; directories are scanned for *.yaml, *.yml).
 */
import type { ValidationIssue } from '../types/errors.js';
import type { RuleSet } from '../types/rules.js';
import { findYamlFiles } from '../rules/load.js';
import { loadFixtureFile } from '../monitor/fixture.js';
import type { Fixture } from '../monitor/fixture-types.js';
import { JSONL_FILE, loadJsonlFixture } from './jsonl-fixture.js';

export interface LoadedFixtures {
  readonly fixtures: Fixture[];
  readonly issues: ValidationIssue[];
  readonly warnings: ValidationIssue[];
}

/** One fixture file in either form: FILE.jsonl as a JSON-lines recording, anything else as YAML. */
export function loadFixtureOfEitherForm(file: string, ruleSet?: RuleSet): ReturnType<typeof loadFixtureFile> {
  return JSONL_FILE.test(file) ? loadJsonlFixture(file, ruleSet) : loadFixtureFile(file, ruleSet);
}

export async function loadFixtures(paths: readonly string[], ruleSet?: RuleSet): Promise<LoadedFixtures> {
  const found = await findYamlFiles(paths);
  const issues = [...found.issues];
  const warnings: ValidationIssue[] = [];
  const fixtures: Fixture[] = [];
  const names = new Map<string, string>();
  for (const file of found.files) {
    const r = await loadFixtureOfEitherForm(file, ruleSet);
    if (!r.ok) {
      issues.push(...r.issues);
      continue;
    }
    warnings.push(...r.warnings);
    const other = names.get(r.fixture.name);
    if (other !== undefined) issues.push({ file, line: 0, column: 0, path: 'name', message: `duplicate fixture name "${r.fixture.name}" (also in ${other})` });
    names.set(r.fixture.name, file);
    fixtures.push(r.fixture);
  }
  if (found.files.length === 0 && issues.length === 0) {
    issues.push({ file: paths.join(', '), line: 0, column: 0, path: '', message: 'no fixture files (*.yaml, *.yml) found' });
  }
  return { fixtures, issues, warnings };
}
