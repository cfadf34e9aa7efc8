/**
 * Rule files → RuleSet. One pure function does all of it (syntax, schema, cross references,
 * derivation graph) and reports every issue at once; the service, `mapek validate` and
 * `mapek simulate` all call it, so an invalid file can never replace a valid rule set.
 */
import { createHash } from 'node:crypto';
import type { ValidationIssue } from '../types/errors.js';
import { OBSERVED_FACTS } from '../types/facts.js';
import type { ActionType, Risk } from '../types/catalog.js';
import type { Condition, Rule, RuleSet, Stage, VetoBlocks } from '../types/rules.js';
import { checkCondition, checkRule, issueAt, type CheckCtx, type FileCtx } from './check.js';
import { formatMs, parseDuration } from './duration.js';
import { collectFacts } from './facts.js';
import { verifyDataWindows } from './verify-window.js';
import { checkGraph, templateStrings, type GraphRule } from './graph.js';
import { schemaIssues } from './schema.js';
import { templateRefs } from './template.js';
import { conditionReads, isRecord } from './walk.js';
import { unquotedTemplates } from './unquoted.js';
import { parseYaml } from './yaml.js';

export interface RuleFileText {
  /** Name used in messages, e.g. `rules/policy.yaml`. */
  readonly file: string;
  readonly text: string;
}

export type LoadResult =
  | { readonly ok: true; readonly ruleSet: RuleSet; readonly warnings: ValidationIssue[] }
  | { readonly ok: false; readonly issues: ValidationIssue[]; readonly warnings?: ValidationIssue[] };

interface Loaded extends FileCtx {
  readonly value: Record<string, unknown>;
  readonly text: string;
}

interface RawRule {
  readonly fc: Loaded;
  readonly index: number;
  readonly rule: Record<string, unknown>;
  readonly id: string;
}

/** Compile rule files (any order; sorted by name for determinism). */
export function compileRuleFiles(files: readonly RuleFileText[]): LoadResult {
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const issues: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const loaded: Loaded[] = [];
  for (const f of sorted) {
    const doc = parseYaml(f.text, f.file);
    if (!doc.ok) {
      issues.push(...doc.issues);
      continue;
    }
    if (!isRecord(doc.value)) {
      issues.push({ file: f.file, line: 1, column: 1, path: '', message: 'a rule file must be a mapping with apiVersion, name, version and rules or facts' });
      continue;
    }
    // One mistake, one message: an unquoted template is reported as such, not as a type error.
    const unquoted = unquotedTemplates(doc.value, f.text, doc).map((u) => issueAt({ file: f.file, doc }, u.path, u.message));
    const hidden = unquoted.map((u) => u.path);
    issues.push(...unquoted, ...schemaIssues(f.file, doc).filter((i) => !hidden.some((h) => i.path === h || i.path.startsWith(`${h}.`) || i.path.startsWith(`${h}[`))));
    loaded.push({ file: f.file, doc, value: doc.value, text: f.text });
  }
  if (sorted.length === 0) issues.push({ file: '(none)', line: 0, column: 0, path: '', message: 'no rule files given' });

  const facts = collectFacts(loaded, issues);
  const named = collectNamed(loaded, issues);
  const { rules, duplicates } = collectRules(loaded, issues);
  const derived = new Set<string>();
  // A rule whose stage is missing or invalid still names what it derives: its readers are not also wrong.
  for (const r of rules) if (r.rule['stage'] !== 'plan' && r.rule['stage'] !== 'veto' && isRecord(r.rule['derive'])) Object.keys(r.rule['derive']).forEach((k) => derived.add(k));
  const ctx: CheckCtx = { facts: new Set([...Object.keys(OBSERVED_FACTS), ...derived]), metrics: facts.map((f) => f.name), stages: new Map(rules.map((r) => [r.id, String(r.rule['stage'])])), named: new Set(named.keys()), issues };
  for (const [name, n] of named) checkCondition(n.fc, ctx, n.cond, ['conditions', name]);
  for (const r of [...rules, ...duplicates]) checkRule(r.fc, ctx, r.rule, r.index);
  for (const r of rules) {
    const stage = r.rule['stage'];
    if (r.fc.value['mode'] === 'shadow' && (stage === 'analyze' || stage === 'veto')) {
      issues.push(issueAt(r.fc, ['rules', r.index, 'stage'], `a file with mode: shadow holds only plan rules and facts; rule "${r.id}" is ${stage === 'analyze' ? 'an' : 'a'} ${stage} rule, which would change the live plan`));
    }
  }
  checkNamedCycles(named, issues);
  graphIssues(rules, named, issues, warnings);
  unreadWarnings(rules, named, warnings);

  if (issues.length > 0) return { ok: false, issues: sortIssues(issues), warnings: sortIssues(warnings) };
  const namedConditions: Record<string, Condition> = {};
  for (const [name, n] of named) namedConditions[name] = n.cond as Condition;
  const ruleSet: RuleSet = {
    hash: hashValues(loaded.map((l) => l.value)),
    files: loaded.map((l) => l.file),
    rules: rules.map(buildRule),
    namedConditions,
    facts,
  };
  verifyWindowWarnings(ruleSet, rules, warnings);
  return { ok: true, ruleSet, warnings: sortIssues(warnings) };
}

function collectNamed(loaded: readonly Loaded[], issues: ValidationIssue[]): Map<string, { fc: Loaded; cond: unknown }> {
  const named = new Map<string, { fc: Loaded; cond: unknown }>();
  for (const fc of loaded) {
    const conds = fc.value['conditions'];
    if (!isRecord(conds)) continue;
    for (const [name, cond] of Object.entries(conds)) {
      const prev = named.get(name);
      if (prev !== undefined) {
        const p = prev.fc.doc.locateKey(['conditions', name]);
        issues.push(issueAt(fc, ['conditions', name], `duplicate condition "${name}" (first defined at ${prev.fc.file}:${p.line}:${p.column})`, true));
      } else named.set(name, { fc, cond });
    }
  }
  return named;
}

/** Rules with a usable id; later rules reusing an id are reported and kept apart. */
function collectRules(loaded: readonly Loaded[], issues: ValidationIssue[]): { rules: RawRule[]; duplicates: RawRule[] } {
  const out: RawRule[] = [];
  const duplicates: RawRule[] = [];
  const seen = new Map<string, RawRule>();
  for (const fc of loaded) {
    const list = fc.value['rules'];
    if (!Array.isArray(list)) continue;
    list.forEach((rule: unknown, index) => {
      if (!isRecord(rule) || typeof rule['id'] !== 'string') return;
      const raw: RawRule = { fc, index, rule, id: rule['id'] };
      const prev = seen.get(raw.id);
      if (prev !== undefined) {
        const p = prev.fc.doc.locate(['rules', prev.index, 'id']);
        issues.push(issueAt(fc, ['rules', index, 'id'], `duplicate rule id "${raw.id}" (first defined at ${prev.fc.file}:${p.line}:${p.column})`));
        duplicates.push(raw);
        return;
      }
      seen.set(raw.id, raw);
      out.push(raw);
    });
  }
  return { rules: out, duplicates };
}

/** Named conditions that reference each other in a loop would expand forever. */
function checkNamedCycles(named: ReadonlyMap<string, { fc: Loaded; cond: unknown }>, issues: ValidationIssue[]): void {
  const refs = (name: string): string[] => {
    const out: string[] = [];
    const walk = (c: unknown): void => {
      if (!isRecord(c)) return;
      if (typeof c['condition'] === 'string') out.push(c['condition']);
      for (const k of ['all', 'any']) if (Array.isArray(c[k])) (c[k] as unknown[]).forEach(walk);
      if ('not' in c) walk(c['not']);
    };
    walk(named.get(name)?.cond);
    return out;
  };
  for (const start of named.keys()) {
    const path = [start];
    const dfs = (name: string): boolean => {
      for (const next of refs(name)) {
        if (next === start) return true;
        if (path.includes(next) || !named.has(next)) continue;
        path.push(next);
        if (dfs(next)) return true;
        path.pop();
      }
      return false;
    };
    if (dfs(start) && [...path].sort()[0] === start) {
      const n = named.get(start);
      if (n !== undefined) issues.push(issueAt(n.fc, ['conditions', start], `condition cycle: ${[...path, start].map((s) => `"${s}"`).join(' -> ')}`, true));
    }
  }
}

function graphIssues(rules: readonly RawRule[], named: ReadonlyMap<string, { cond: unknown }>, issues: ValidationIssue[], warnings: ValidationIssue[]): void {
  const namedConds = Object.fromEntries([...named].map(([k, v]) => [k, v.cond]));
  const analyze = rules.filter((r) => r.rule['stage'] === 'analyze');
  const nodes: GraphRule[] = analyze.map((r) => {
    const reads = conditionReads(r.rule['conditions'], namedConds);
    for (const s of templateStrings(r.rule['derive'])) for (const f of templateRefs(s)) reads.add(f);
    const derive = r.rule['derive'];
    const subjects = Array.isArray(r.rule['subjects']) ? r.rule['subjects'].filter((s): s is string => typeof s === 'string') : [];
    return { id: r.id, priority: typeof r.rule['priority'] === 'number' ? r.rule['priority'] : 0, reads, derives: new Set(isRecord(derive) ? Object.keys(derive) : []), subjects };
  });
  // A rule with an invalid priority already has its own message; do not also compare it as 0.
  const valid = (n: GraphRule): boolean => Number.isInteger(n.priority) && n.priority >= 1;
  const full = checkGraph(nodes);
  const report = { ...full, inversions: full.inversions.filter((d) => valid(nodes[d.reader] as GraphRule) && valid(nodes[d.writer] as GraphRule)), ties: full.ties.filter((d) => valid(nodes[d.reader] as GraphRule) && valid(nodes[d.writer] as GraphRule)) };
  const rule = (i: number): RawRule => analyze[i] as RawRule;
  for (const c of report.cycles) {
    const first = rule(c.rules[0] ?? 0);
    let chain = `rule "${first.id}" derives "${c.facts[0] ?? ''}"`;
    c.rules.slice(1).forEach((ri, k) => (chain += `, read by rule "${rule(ri).id}", which derives "${c.facts[k + 1] ?? ''}"`));
    chain += c.rules.length === 1 ? ', which it reads itself' : `, read by rule "${first.id}"`;
    issues.push(issueAt(first.fc, ['rules', first.index, 'derive'], `derivation cycle: ${chain}; a cycle could oscillate`, true));
  }
  const dep = (d: { reader: number; writer: number; fact: string }): [RawRule, RawRule, GraphRule, GraphRule] => [rule(d.reader), rule(d.writer), nodes[d.reader] as GraphRule, nodes[d.writer] as GraphRule];
  for (const d of report.inversions) {
    const [r, w, rn, wn] = dep(d);
    issues.push(issueAt(r.fc, ['rules', r.index, 'priority'], `priority inversion: rule "${r.id}" (priority ${rn.priority}) reads "${d.fact}", derived by rule "${w.id}" (priority ${wn.priority}) which runs after it; give "${w.id}" a higher priority than "${r.id}"`));
  }
  for (const d of report.ties) {
    const [r, w, rn] = dep(d);
    warnings.push(issueAt(r.fc, ['rules', r.index, 'priority'], `rule "${r.id}" reads "${d.fact}", derived by rule "${w.id}" of the same priority ${rn.priority}; it takes an extra pass to see it`));
  }
}

function unreadWarnings(rules: readonly RawRule[], named: ReadonlyMap<string, { cond: unknown }>, warnings: ValidationIssue[]): void {
  const namedConds = Object.fromEntries([...named].map(([k, v]) => [k, v.cond]));
  const read = new Set<string>();
  for (const { rule } of rules) {
    conditionReads(rule['conditions'], namedConds, read);
    const action = rule['action'];
    if (isRecord(action) && isRecord(action['verify'])) conditionReads(action['verify']['conditions'], namedConds, read);
    for (const s of templateStrings([rule['derive'], action])) for (const f of templateRefs(s)) read.add(f);
  }
  const warned = new Set<string>();
  for (const r of rules) {
    const derive = r.rule['derive'];
    if (r.rule['stage'] !== 'analyze' || !isRecord(derive)) continue;
    for (const fact of Object.keys(derive)) {
      if (read.has(fact) || warned.has(fact)) continue;
      warned.add(fact);
      warnings.push(issueAt(r.fc, ['rules', r.index, 'derive', fact], `fact "${fact}" is derived but no rule reads it (it still appears in explanations)`, true));
    }
  }
}

/** A verify that looks sooner than its facts' data window judges data from before the action. */
function verifyWindowWarnings(rs: RuleSet, raw: readonly RawRule[], warnings: ValidationIssue[]): void {
  rs.rules.forEach((rule, i) => {
    if (rule.stage !== 'plan') return;
    const r = raw[i] as RawRule;
    const windows = [...verifyDataWindows(rs, rule), ...verifyDataWindows(rs, rule, { source: 'deriver' })];
    const longest = Math.max(0, ...windows.map((w) => w.windowMs));
    if (rule.action.verify.afterMs >= longest) return;
    const names = [...new Set(windows.filter((w) => w.windowMs > rule.action.verify.afterMs).map((w) => `metrics.${w.fact}`))].sort();
    warnings.push(issueAt(r.fc, ['rules', r.index, 'action', 'verify', 'after'], `verify after ${formatMs(rule.action.verify.afterMs)} is shorter than the ${formatMs(longest)} data window of the facts its conditions read (${names.join(', ')}): the verdict would still see data from before the action`));
  });
}

function buildRule(r: RawRule): Rule {
  const x = r.rule;
  const loc = r.fc.doc.locate(['rules', r.index]);
  const base = {
    id: r.id,
    version: x['version'] as number,
    description: x['description'] as string,
    priority: x['priority'] as number,
    alerts: (x['alerts'] as string[] | undefined) ?? [],
    subjects: (x['subjects'] as string[] | undefined) ?? [],
    conditions: x['conditions'] as Condition,
    location: { file: r.fc.file, line: loc.line, column: loc.column },
    ruleSet: `${String(r.fc.value['name'])}@${String(r.fc.value['version'])}`,
  };
  if ((x['stage'] as Stage) === 'analyze') return { ...base, stage: 'analyze', derive: x['derive'] as Record<string, unknown> };
  if ((x['stage'] as Stage) === 'veto') {
    const b = x['blocks'];
    return { ...base, stage: 'veto', blocks: b === 'all' ? { all: true } : (b as VetoBlocks) };
  }
  const a = x['action'] as Record<string, unknown>;
  const verify = a['verify'] as Record<string, unknown>;
  const mode = x['mode'] ?? r.fc.value['mode'];
  return {
    ...base,
    stage: 'plan',
    ...(mode === 'shadow' ? { mode: 'shadow' as const } : {}),
    action: {
      type: a['type'] as ActionType,
      target: a['target'] as string,
      params: (a['params'] as Record<string, unknown> | undefined) ?? {},
      cost: a['cost'] as number,
      benefit: a['benefit'] as number,
      risk: a['risk'] as Risk,
      successProbability: (a['successProbability'] as number | undefined) ?? 0.5,
      verify: { afterMs: parseDuration(verify['after'] as string) ?? 0, conditions: verify['conditions'] as Condition },
      cooldownMs: parseDuration(a['cooldown'] as string) ?? 0,
    },
  };
}

/** JSON with object keys sorted, so equal content hashes equal whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (v !== null && typeof v === 'object') {
    const entries = Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function hashValues(values: readonly unknown[]): string {
  return createHash('sha256').update(canonicalJson(values)).digest('hex');
}

function sortIssues(list: readonly ValidationIssue[]): ValidationIssue[] {
  return [...list].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || a.message.localeCompare(b.message)));
}

