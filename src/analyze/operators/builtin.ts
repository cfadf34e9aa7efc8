/** json-rules-engine's ten built-in operators, with the project's missing-fact semantics. */
import { present, type OperatorFn } from './missing.js';

const num = (f: (a: number, b: number) => boolean): OperatorFn =>
  present((a, b) => typeof a === 'number' && typeof b === 'number' && f(a, b));

function contains(a: unknown, b: unknown): boolean | undefined {
  if (Array.isArray(a)) return a.indexOf(b) > -1;
  if (typeof a === 'string' && typeof b === 'string') return a.includes(b);
  return undefined;
}

export const BUILTIN: Readonly<Record<string, OperatorFn>> = {
  equal: present((a, b) => a === b),
  notEqual: present((a, b) => a !== b),
  lessThan: num((a, b) => a < b),
  lessThanInclusive: num((a, b) => a <= b),
  greaterThan: num((a, b) => a > b),
  greaterThanInclusive: num((a, b) => a >= b),
  in: present((a, b) => Array.isArray(b) && b.indexOf(a) > -1),
  notIn: present((a, b) => Array.isArray(b) && b.indexOf(a) === -1),
  contains: present((a, b) => contains(a, b) === true),
  doesNotContain: present((a, b) => contains(a, b) === false),
};
