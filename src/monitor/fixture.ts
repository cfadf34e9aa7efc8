/**
 * Load and validate a fixture file (format: docs/SIMULATION.md, schema/fixture.schema.json).
 * Every problem is reported at once as FILE:LINE:COL with the field path: YAML syntax, the
 * schema (unknown keys rejected), times, duplicate alerts and — given a rule set — rule ids
 * named in expectations. Unknown alert names are warnings (a fixture may record alerts no
 * rule reacts to, which is worth a look but not an error).
 */
import { readFile } from 'node:fs/promises';
import { CHARTER_ALERTS } from '../types/alert.js';
import type { ValidationIssue } from '../types/errors.js';
import type { Monitor } from '../types/ports.js';
import type { RuleSet } from '../types/rules.js';
import { factCatalog, type MetricFact } from '../types/facts.js';
import { formatPath } from '../rules/field-path.js';
import { parseYaml, type FieldPath, type ParsedYaml } from '../rules/yaml.js';
import { Fingerprints, SnapshotBuilder, stepTime } from './fixture-build.js';
import { fixtureSchemaIssues } from './fixture-schema.js';
import type { Fixture, FixtureExpect, FixtureStep } from './fixture-types.js';

export type { Fixture, FixtureStep, FixtureExpect, ActionPattern, RejectedPattern } from './fixture-types.js';

export type LoadFixtureResult =
  | { ok: true; fixture: Fixture; warnings: ValidationIssue[] }
  | { ok: false; issues: ValidationIssue[] };

type Raw = Record<string, unknown>;

export async function loadFixtureFile(file: string, ruleSet?: RuleSet): Promise<LoadFixtureResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { ok: false, issues: [{ file, line: 0, column: 0, path: '', message: `cannot read fixture: ${code}` }] };
  }
  return parseFixture(text, file, ruleSet);
}

/** The same, from text (tests, `rules diff` reading files from git). */
export function parseFixture(text: string, file: string, ruleSet?: RuleSet): LoadFixtureResult {
  const doc = parseYaml(text, file);
  if (!doc.ok) return { ok: false, issues: doc.issues };
  return fixtureFromDocument(doc, file, ruleSet);
}

/** Validate a parsed fixture document and build its snapshots (YAML, or the JSON-lines recording form). */
export function fixtureFromDocument(doc: ParsedYaml, file: string, ruleSet?: RuleSet): LoadFixtureResult {
  const issues: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const at = (list: ValidationIssue[], path: FieldPath, message: string, key = false): void => {
    const pos = key ? doc.locateKey(path) : doc.locate(path);
    list.push({ file, line: pos.line, column: pos.column, path: formatPath(path), message });
  };
  // Fact names depend on the rule set, so they are checked here, reported with the schema's issues.
  // Without a rule set (its files failed to load) names cannot be judged: their errors are already reported.
  if (ruleSet !== undefined) checkFactNames(doc.value, factCatalog(ruleSet), (p, m, key) => at(issues, p, m, key));
  const schema = fixtureSchemaIssues(file, doc);
  if (schema.length > 0 || issues.length > 0) return { ok: false, issues: sortIssues([...schema, ...issues]) };
  const raw = doc.value as Raw;
  const startMs = Date.parse(raw['start'] as string);
  if (Number.isNaN(startMs)) {
    at(issues, ['start'], `invalid time ${JSON.stringify(raw['start'])}: use ISO-8601, e.g. 2026-11-26T12:00:00Z`);
    return { ok: false, issues };
  }
  const name = raw['name'] as string;
  const builder = new SnapshotBuilder(name);
  const steps: FixtureStep[] = [];
  const knownAlerts = new Set<string>([...CHARTER_ALERTS, ...(ruleSet?.rules.flatMap((r) => r.alerts) ?? [])]);
  let lastMs = startMs;
  (raw['steps'] as Raw[]).forEach((step, i) => {
    const t = stepTime(step['at'] as string, startMs);
    if (t === null) return at(issues, ['steps', i, 'at'], `invalid time ${JSON.stringify(step['at'])}: use an offset such as +30s or an ISO time`);
    if (t < lastMs) at(issues, ['steps', i, 'at'], `time ${JSON.stringify(step['at'])} is earlier than the previous step`);
    lastMs = Math.max(lastMs, t);
    checkAlerts(step, i, ruleSet === undefined ? undefined : knownAlerts, builder.fingerprints, (p, m, w) => at(w ? warnings : issues, p, m));
    if (ruleSet !== undefined) checkExpect(step, i, ruleSet, (p, m) => at(issues, p, m));
    const pos = doc.locate(['steps', i]);
    const snapshot = builder.next(step, i, new Date(t).toISOString());
    steps.push({
      index: i,
      offset: step['at'] as string,
      ...(typeof step['name'] === 'string' ? { name: step['name'] } : {}),
      snapshot,
      expect: (step['expect'] as FixtureExpect | undefined) ?? {},
      location: { file, line: pos.line, column: pos.column },
    });
  });
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  const fixture: Fixture = {
    file,
    name,
    description: (raw['description'] as string | undefined) ?? '',
    start: new Date(startMs).toISOString(),
    steps,
  };
  return { ok: true, fixture, warnings: sortIssues(warnings) };
}

/** Every metric and range name of every step is a fact of the rule set, of the right kind. */
function checkFactNames(value: unknown, facts: readonly MetricFact[], report: (p: FieldPath, m: string, key: boolean) => void): void {
  const steps = (value as Raw | null)?.['steps'];
  if (!Array.isArray(steps)) return;
  const instant = facts.filter((f) => f.range === undefined).map((f) => f.name);
  const ranged = facts.filter((f) => f.range !== undefined).map((f) => f.name);
  const known = (list: readonly string[]): string => (list.length === 0 ? 'none declared' : `known: ${list.join(', ')}`);
  steps.forEach((step: unknown, i) => {
    if (step === null || typeof step !== 'object') return;
    const metrics = (step as Raw)['metrics'];
    const ranges = (step as Raw)['ranges'];
    if (metrics !== null && typeof metrics === 'object') {
      for (const k of Object.keys(metrics)) {
        if (instant.includes(k)) continue;
        report(['steps', i, 'metrics', k], ranged.includes(k) ? `metric fact "${k}" is a range fact: give its points under "ranges"` : `unknown metric query "${k}" (${known(instant)})`, true);
      }
    }
    if (ranges !== null && typeof ranges === 'object') {
      for (const [k, v] of Object.entries(ranges)) {
        if (!ranged.includes(k)) report(['steps', i, 'ranges', k], instant.includes(k) ? `metric fact "${k}" is an instant fact: give its samples under "metrics"` : `unknown range fact "${k}" (${known(ranged)})`, true);
        if (!Array.isArray(v)) continue;
        v.forEach((series: unknown, j) => {
          if (series === null || typeof series !== 'object') return;
          const s = series as Raw;
          const points = 'points' in s;
          const values = 'values' in s || 'every' in s;
          if (points === values || ('values' in s) !== ('every' in s)) report(['steps', i, 'ranges', k, j], 'a series needs either "points" or both "every" and "values"', false);
          if (Array.isArray(s['points']) && (s['points'] as unknown[][]).some((p) => typeof p[0] === 'number' && p[0] > 0)) {
            report(['steps', i, 'ranges', k, j, 'points'], 'point times are seconds relative to the step and must be <= 0', false);
          }
        });
      }
    }
  });
}

function checkAlerts(step: Raw, i: number, known: ReadonlySet<string> | undefined, fps: Fingerprints, report: (p: FieldPath, m: string, warning: boolean) => void): void {
  const alerts = step['alerts'];
  if (!Array.isArray(alerts)) return;
  const seen = new Map<string, number>();
  (alerts as Raw[]).forEach((a, j) => {
    const name = a['name'] as string;
    if (known !== undefined && !known.has(name)) report(['steps', i, 'alerts', j, 'name'], `unknown alert "${name}": not a Charter alert and no rule names it`, true);
    if (a['count'] !== undefined) return;
    const labels = { alertname: name, severity: (a['severity'] as string | undefined) ?? 'warning', ...((a['labels'] as Record<string, string> | undefined) ?? {}) };
    const fp = fps.of(labels).fingerprint;
    const first = seen.get(fp);
    if (first !== undefined) report(['steps', i, 'alerts', j], `duplicate alert "${name}": same labels as alerts[${first}]`, false);
    else seen.set(fp, j);
  });
}

function checkExpect(step: Raw, i: number, rs: RuleSet, report: (p: FieldPath, m: string) => void): void {
  const expect = step['expect'] as Raw | undefined;
  if (expect === undefined) return;
  const ids = new Map(rs.rules.map((r) => [r.id, r.stage]));
  for (const key of ['rulesFired', 'rulesNotFired'] as const) {
    ((expect[key] as string[] | undefined) ?? []).forEach((id, j) => {
      if (!ids.has(id)) report(['steps', i, 'expect', key, j], `unknown rule "${id}" (not in the loaded rule set)`);
    });
  }
  ((expect['verified'] as Raw[] | undefined) ?? []).forEach((v, j) => {
    const id = v['rule'] as string;
    const stage = ids.get(id);
    if (stage === undefined) report(['steps', i, 'expect', 'verified', j, 'rule'], `unknown rule "${id}" (not in the loaded rule set)`);
    else if (stage !== 'plan') report(['steps', i, 'expect', 'verified', j, 'rule'], `rule "${id}" is ${stage === 'analyze' ? 'an' : 'a'} ${stage} rule; only plan rules' actions are verified`);
    if (typeof v['step'] === 'number' && v['step'] > i) report(['steps', i, 'expect', 'verified', j, 'step'], `step ${v['step']} is not before this step (${i + 1}): verify an action planned earlier`);
  });
  ((expect['vetoed'] as string[] | undefined) ?? []).forEach((id, j) => {
    const stage = ids.get(id);
    if (stage === undefined) report(['steps', i, 'expect', 'vetoed', j], `unknown rule "${id}" (not in the loaded rule set)`);
    else if (stage !== 'veto') report(['steps', i, 'expect', 'vetoed', j], `rule "${id}" is ${stage === 'analyze' ? 'an' : 'a'} ${stage} rule, not a veto`);
  });
  ((expect['rejected'] as Raw[] | undefined) ?? []).forEach((r, j) => {
    const id = r['rule'] as string;
    const stage = ids.get(id);
    if (stage === undefined) report(['steps', i, 'expect', 'rejected', j, 'rule'], `unknown rule "${id}" (not in the loaded rule set)`);
    else if (stage !== 'plan') report(['steps', i, 'expect', 'rejected', j, 'rule'], `rule "${id}" is ${stage === 'analyze' ? 'an' : 'a'} ${stage} rule; only plan rules propose actions`);
  });
}

function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Replays a fixture's snapshots as a Monitor would observe them, one per call. */
export class FixtureSource implements Monitor {
  private next = 0;
  constructor(private readonly fixture: Fixture) {}
  get done(): boolean {
    return this.next >= this.fixture.steps.length;
  }
  async observe(): Promise<FixtureStep['snapshot']> {
    const step = this.fixture.steps[this.next];
    if (step === undefined) throw new Error(`fixture "${this.fixture.name}" has no step ${this.next + 1}`);
    this.next++;
    return step.snapshot;
  }
}
