/**
 * Checks a plan rule's action against the catalog (src/types/catalog.ts): parameters
 * (unknown, required, type, enum, range) and risk. Templated string values are checked at
 * plan time instead, since their type is only known then.
 */
import { ACTION_CATALOG, isActionType, type ParamSpec, type Risk } from '../types/catalog.js';
import { isTemplate } from './template.js';

export interface ParamProblem {
  /** The parameter the problem is about; undefined for the params map itself. */
  readonly param?: string;
  readonly message: string;
}

const RISK_ORDER: Readonly<Record<Risk, number>> = { low: 0, medium: 1, high: 2 };

export function paramProblems(type: string, params: Readonly<Record<string, unknown>>): ParamProblem[] {
  if (!isActionType(type)) return [];
  const spec = ACTION_CATALOG[type];
  const known = Object.keys(spec.params);
  const out: ParamProblem[] = [];
  for (const [name, value] of Object.entries(params)) {
    const p = spec.params[name];
    if (p === undefined) {
      const list = known.length === 0 ? 'it takes none' : `known: ${known.join(', ')}`;
      out.push({ param: name, message: `unknown parameter "${name}" for action "${type}" (${list})` });
      continue;
    }
    const problem = valueProblem(type, name, p, value);
    if (problem !== undefined) out.push({ param: name, message: problem });
  }
  for (const [name, p] of Object.entries(spec.params)) {
    if (p.required && !Object.prototype.hasOwnProperty.call(params, name)) {
      out.push({ message: `missing required parameter "${name}" for action "${type}"` });
    }
  }
  return out;
}

function valueProblem(type: string, name: string, p: ParamSpec, value: unknown): string | undefined {
  if (typeof value === 'string' && isTemplate(value)) return undefined;
  const got = JSON.stringify(value) ?? String(value);
  const what = `parameter "${name}" of action "${type}"`;
  switch (p.type) {
    case 'string':
      if (typeof value !== 'string') return `${what} must be a string, got ${got}`;
      if (p.enum !== undefined && !p.enum.includes(value)) return `${what} must be one of ${p.enum.join(', ')}, got ${got}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${what} must be true or false, got ${got}`;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || (p.type === 'integer' && !Number.isInteger(value))) return `${what} must be ${p.type === 'integer' ? 'an integer' : 'a number'}, got ${got}`;
      if (p.minimum !== undefined && value < p.minimum) return `${what} must be >= ${p.minimum}, got ${got}`;
      if (p.maximum !== undefined && value > p.maximum) return `${what} must be <= ${p.maximum}, got ${got}`;
      return undefined;
    }
  }
}

/** A message when `risk` is below the catalog's risk for `type`. */
export function riskProblem(type: string, risk: string): string | undefined {
  if (!isActionType(type) || !(risk in RISK_ORDER)) return undefined;
  const floor = ACTION_CATALOG[type].risk;
  if (RISK_ORDER[risk as Risk] >= RISK_ORDER[floor]) return undefined;
  return `risk "${risk}" is lower than the catalog's risk "${floor}" for action "${type}"`;
}
