/**
 * Cross-reference checks of one rule file against everything loaded: facts, fact paths,
 * operator values, named conditions, templates, stage-specific keys, action parameters and
 * risk. They run on raw (possibly schema-invalid) YAML, so every access checks its shape.
 */
import { OBSERVED_FACTS } from '../types/facts.js';
import type { ValidationIssue } from '../types/errors.js';
import { OPERATOR_NAMES } from '../types/operators.js';
import { paramProblems, riskProblem } from './action-params.js';
import { parseFactPath } from './fact-path.js';
import { unknownFieldMessage } from './fact-fields.js';
import { formatPath } from './field-path.js';
import { operatorValueProblem } from './operator-values.js';
import { isTemplate, parseTemplate } from './template.js';
import { factRefValue, isRecord, walkCondition } from './walk.js';
import type { FieldPath, ParsedYaml } from './yaml.js';

export interface FileCtx {
  readonly file: string;
  readonly doc: ParsedYaml;
}

export interface CheckCtx {
  /** Observed plus derived fact names. */
  readonly facts: ReadonlySet<string>;
  /** Metric fact names (built-in and declared): the fields of `metrics`. */
  readonly metrics: readonly string[];
  /** Rule id → stage, of every loaded rule. */
  readonly stages: ReadonlyMap<string, string>;
  /** Named conditions declared in any loaded file. */
  readonly named: ReadonlySet<string>;
  readonly issues: ValidationIssue[];
}

export function issueAt(fc: FileCtx, path: FieldPath, message: string, key = false): ValidationIssue {
  const pos = key ? fc.doc.locateKey(path) : fc.doc.locate(path);
  return { file: fc.file, line: pos.line, column: pos.column, path: formatPath(path), message };
}

const UNKNOWN_FACT = (fact: string): string =>
  `unknown fact "${fact}": neither observed (${Object.keys(OBSERVED_FACTS).join(', ')}) nor derived by any analyze rule`;

function checkFactRef(fc: FileCtx, ctx: CheckCtx, fact: string, factPath: FieldPath, pathValue: unknown, pathPath: FieldPath): void {
  if (!ctx.facts.has(fact)) ctx.issues.push(issueAt(fc, factPath, ctx.metrics.includes(fact) ? `"${fact}" is a metric fact: read it as { fact: metrics, path: $.${fact} }` : UNKNOWN_FACT(fact)));
  if (pathValue === undefined || typeof pathValue !== 'string') return;
  const parsed = parseFactPath(pathValue);
  if (!parsed.ok) {
    ctx.issues.push(issueAt(fc, pathPath, parsed.error));
    return;
  }
  const msg = unknownFieldMessage(fact, parsed.segments[0], pathValue, ctx.metrics);
  if (msg !== undefined) ctx.issues.push(issueAt(fc, pathPath, msg));
}

/** Facts, paths, operator values and named references of one condition tree. */
export function checkCondition(fc: FileCtx, ctx: CheckCtx, cond: unknown, path: FieldPath): void {
  walkCondition(
    cond,
    path,
    ({ leaf, path: p }) => {
      const fact = leaf['fact'];
      if (typeof fact === 'string') checkFactRef(fc, ctx, fact, [...p, 'fact'], leaf['path'], [...p, 'path']);
      const ref = factRefValue(leaf['value']);
      if (ref !== undefined) {
        checkFactRef(fc, ctx, ref.fact, [...p, 'value', 'fact'], ref.path, [...p, 'value', 'path']);
      } else if (typeof leaf['operator'] === 'string' && OPERATOR_NAMES.includes(leaf['operator']) && 'value' in leaf) {
        const problem = operatorValueProblem(leaf['operator'], leaf['value']);
        if (problem !== undefined) ctx.issues.push(issueAt(fc, [...p, 'value'], problem));
      }
    },
    ({ name, path: p }) => {
      if (!ctx.named.has(name)) {
        const known = ctx.named.size === 0 ? 'none declared' : `known: ${[...ctx.named].sort().join(', ')}`;
        ctx.issues.push(issueAt(fc, p, `unknown condition "${name}" (${known})`));
      }
    },
  );
}

/** Syntax and fact names of every template string inside `value`. */
export function checkTemplates(fc: FileCtx, ctx: CheckCtx, value: unknown, path: FieldPath): void {
  if (typeof value === 'string') {
    if (!isTemplate(value)) return;
    const t = parseTemplate(value);
    if (!t.ok) {
      ctx.issues.push(issueAt(fc, path, t.error));
      return;
    }
    for (const part of t.parts) {
      if (!('ref' in part)) continue;
      const { fact, path: segs, source } = part.ref;
      if (!ctx.facts.has(fact)) ctx.issues.push(issueAt(fc, path, `template "${source}" names ${UNKNOWN_FACT(fact)}`));
      else {
        const msg = unknownFieldMessage(fact, segs[0], source, ctx.metrics);
        if (msg !== undefined) ctx.issues.push(issueAt(fc, path, msg));
      }
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => checkTemplates(fc, ctx, v, [...path, i]));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) checkTemplates(fc, ctx, v, [...path, k]);
}

/** Everything about `rules[i]` that the schema cannot express. */
export function checkRule(fc: FileCtx, ctx: CheckCtx, rule: Record<string, unknown>, i: number): void {
  const at = (p: FieldPath, m: string, key = false): void => void ctx.issues.push(issueAt(fc, ['rules', i, ...p], m, key));
  const id = typeof rule['id'] === 'string' ? rule['id'] : `rules[${i}]`;
  checkCondition(fc, ctx, rule['conditions'], ['rules', i, 'conditions']);
  const stage = rule['stage'];
  if (stage === 'plan' && 'derive' in rule) at(['derive'], `"derive" is only allowed on analyze rules; rule "${id}" has stage "plan"`, true);
  if (stage === 'analyze' && 'action' in rule) at(['action'], `"action" is only allowed on plan rules; rule "${id}" has stage "analyze"`, true);
  if (stage === 'analyze' && !('derive' in rule)) at([], `analyze rule "${id}" needs "derive": the facts it concludes`);
  if (stage === 'plan' && !('action' in rule)) at([], `plan rule "${id}" needs "action": what it proposes`);
  if (stage === 'veto' && !('blocks' in rule)) at([], `veto rule "${id}" needs "blocks": the candidates it keeps from being chosen`);
  if (stage === 'veto' && 'action' in rule) at(['action'], `"action" is only allowed on plan rules; rule "${id}" has stage "veto" (a veto never adds an action)`, true);
  if (stage === 'veto' && 'derive' in rule) at(['derive'], `"derive" is only allowed on analyze rules; rule "${id}" has stage "veto"`, true);
  if (stage !== 'veto' && typeof stage === 'string' && 'blocks' in rule) at(['blocks'], `"blocks" is only allowed on veto rules; rule "${id}" has stage "${stage}"`, true);
  if (stage !== 'plan' && typeof stage === 'string' && 'mode' in rule) at(['mode'], `"mode" is only allowed on plan rules; rule "${id}" has stage "${stage}"`, true);
  const blocks = rule['blocks'];
  if (stage === 'veto' && isRecord(blocks) && Array.isArray(blocks['rules'])) {
    (blocks['rules'] as unknown[]).forEach((r, j) => {
      if (typeof r !== 'string') return;
      const s = ctx.stages.get(r);
      if (s === undefined) at(['blocks', 'rules', j], `unknown rule "${r}" (no loaded rule has that id)`);
      else if (s !== 'plan') at(['blocks', 'rules', j], `rule "${r}" is ${s === 'analyze' ? 'an' : 'a'} ${s} rule; a veto blocks plan rules`);
    });
  }
  const derive = rule['derive'];
  if (isRecord(derive)) {
    for (const [name, v] of Object.entries(derive)) {
      if (Object.prototype.hasOwnProperty.call(OBSERVED_FACTS, name)) {
        at(['derive', name], `fact "${name}" is observed and cannot be derived`, true);
      }
      checkTemplates(fc, ctx, v, ['rules', i, 'derive', name]);
    }
  }
  const action = rule['action'];
  if (isRecord(action)) checkAction(fc, ctx, action, ['rules', i, 'action']);
}

function checkAction(fc: FileCtx, ctx: CheckCtx, action: Record<string, unknown>, path: FieldPath): void {
  const type = action['type'];
  checkTemplates(fc, ctx, action['target'], [...path, 'target']);
  const params = action['params'] ?? {};
  if (isRecord(params)) {
    checkTemplates(fc, ctx, params, [...path, 'params']);
    if (typeof type === 'string') {
      for (const p of paramProblems(type, params)) {
        if (p.param === undefined) ctx.issues.push(issueAt(fc, [...path, 'params' in action ? 'params' : 'type'], p.message));
        else ctx.issues.push(issueAt(fc, [...path, 'params', p.param], p.message, p.message.startsWith('unknown')));
      }
    }
  }
  if (typeof type === 'string' && typeof action['risk'] === 'string') {
    const msg = riskProblem(type, action['risk']);
    if (msg !== undefined) ctx.issues.push(issueAt(fc, [...path, 'risk'], msg));
  }
  const verify = action['verify'];
  if (isRecord(verify)) checkCondition(fc, ctx, verify['conditions'], [...path, 'verify', 'conditions']);
}
