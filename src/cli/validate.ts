/**
 * `mapek validate [PATH ...]`: check rule files and fixtures with the same loaders the
 * service and `simulate` use, and report every issue as FILE:LINE:COL: FIELD: message.
 */
import { stat } from 'node:fs/promises';
import type { ValidationIssue } from '../types/errors.js';
import { formatIssue } from '../types/errors.js';
import type { RuleSet } from '../types/rules.js';
import { JSONL_FILE } from '../simulate/jsonl-fixture.js';
import { loadFixtureOfEitherForm } from '../simulate/fixtures.js';
import { compileRuleFiles, findYamlFiles, loadRuleSet, readTexts } from '../rules/load.js';
import { EXIT, parseCommandArgs, type Command, type Io } from './command.js';

const HELP = `usage: mapek validate [PATH ...] [--json]

Check rule files and simulation fixtures: YAML syntax, the JSON Schema (unknown keys are
rejected) and cross references (operators, facts, action types and parameters, duplicate
ids, derivation cycles, priority inversions, templates). Every issue is printed as
FILE:LINE:COL: FIELD.PATH: message.

PATH is a file or a directory (searched recursively for *.yaml and *.yml); default:
rules/ and fixtures/. A file with "kind: Fixture" is a fixture, any other a rule file;
a recording in the JSON-lines form (FILE.jsonl, given by path) is a fixture too, read by
the same loader as \`mapek simulate\`.
Fixtures are checked against the rule files given (or rules/ when none is given).

options:
  --json      print a machine-readable report
  -h, --help  show this help

exit codes: 0 no issues (warnings allowed), 1 issues found, 2 usage error`;

const DEFAULT_PATHS = ['rules', 'fixtures'];
const FIXTURE_KIND = /^kind:[ \t]*["']?Fixture["']?[ \t]*(#.*)?$/m;

/** How fixture files are loaded: src/monitor/fixture.ts, behind a seam for tests. */
export type FixtureLoader = (file: string, ruleSet?: RuleSet) => Promise<{ ok: true; warnings?: ValidationIssue[] } | { ok: false; issues: ValidationIssue[] }>;

const defaultFixtureLoader: FixtureLoader = (file, ruleSet) => loadFixtureOfEitherForm(file, ruleSet);

/** A fixture: a JSON-lines recording (FILE.jsonl), or a YAML file with "kind: Fixture". */
const isFixture = (t: { file: string; text: string }): boolean => JSONL_FILE.test(t.file) || FIXTURE_KIND.test(t.text);

export interface ValidateReport {
  readonly ok: boolean;
  readonly ruleFiles: readonly string[];
  readonly fixtures: readonly string[];
  readonly rules: number;
  /** Hash of the rule set when the rule files are valid. */
  readonly hash: string | null;
  readonly issues: readonly (ValidationIssue & { text: string })[];
  readonly warnings: readonly (ValidationIssue & { text: string })[];
}

/** Validate `paths` (default rules/ and fixtures/); never throws for bad input. */
export async function validatePaths(paths: readonly string[], loadFixture: FixtureLoader = defaultFixtureLoader): Promise<ValidateReport> {
  const explicit = paths.length > 0;
  const roots = explicit ? paths : await existing(DEFAULT_PATHS);
  const found = await findYamlFiles(roots);
  const read = await readTexts(found.files);
  const issues: ValidationIssue[] = [...found.issues, ...read.issues];
  const warnings: ValidationIssue[] = [];
  const ruleTexts = read.texts.filter((t) => !isFixture(t));
  const fixtures = read.texts.filter(isFixture).map((t) => t.file);
  let ruleSet: RuleSet | undefined;
  if (ruleTexts.length > 0) {
    const result = compileRuleFiles(ruleTexts);
    if (result.ok) ruleSet = result.ruleSet;
    else issues.push(...result.issues);
    warnings.push(...(result.warnings ?? []));
  } else if (fixtures.length > 0) {
    const reference = await loadRuleSet(['rules']).catch(() => undefined);
    if (reference?.ok === true) ruleSet = reference.ruleSet;
  }
  for (const file of fixtures) {
    const r = await loadFixture(file, ruleSet);
    if (r.ok) warnings.push(...(r.warnings ?? []));
    else issues.push(...r.issues);
  }
  if (read.texts.length === 0 && issues.length === 0) {
    issues.push({ file: roots.join(', ') || DEFAULT_PATHS.join(', '), line: 0, column: 0, path: '', message: 'no rule files or fixtures (*.yaml, *.yml) found' });
  }
  const withText = (i: ValidationIssue): ValidationIssue & { text: string } => ({ ...i, text: formatIssue(i) });
  return {
    ok: issues.length === 0,
    ruleFiles: ruleTexts.map((t) => t.file),
    fixtures,
    rules: ruleSet?.rules.length ?? 0,
    hash: ruleSet?.hash ?? null,
    issues: issues.map(withText),
    warnings: warnings.map(withText),
  };
}

async function existing(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    try {
      await stat(p);
      out.push(p);
    } catch {
      // a default directory that does not exist is simply not checked
    }
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(r: ValidateReport): string {
  const what = `${plural(r.ruleFiles.length, 'rule file')} (${plural(r.rules, 'rule')}), ${plural(r.fixtures.length, 'fixture')}`;
  const tail = `${plural(r.issues.length, 'issue')}, ${plural(r.warnings.length, 'warning')}`;
  return r.ok ? `ok: ${what}; ${tail}` : `failed: ${what}; ${tail}`;
}

export function makeValidateCommand(loadFixture: FixtureLoader = defaultFixtureLoader): Command {
  return {
    name: 'validate',
    summary: 'check rule files and fixtures; FILE:LINE:COL for every issue',
    async run(argv: readonly string[], io: Io): Promise<number> {
      const args = parseCommandArgs(argv, { json: { type: 'boolean' } }, HELP, io);
      if (args === null) return EXIT.ok;
      const report = await validatePaths(args.positionals, loadFixture);
      if (args.values['json'] === true) {
        io.out(JSON.stringify(report, null, 2));
      } else {
        for (const i of report.issues) io.out(i.text);
        for (const w of report.warnings) io.out(`warning: ${w.text}`);
        io.out(summaryLine(report));
      }
      return report.ok ? EXIT.ok : EXIT.failed;
    },
  };
}

export const command: Command = makeValidateCommand();

