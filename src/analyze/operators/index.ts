/** Every operator a condition may use (src/types/operators.ts), by name. */
import type { OperatorName } from '../../types/operators.js';
import { between } from './between.js';
import { BUILTIN } from './builtin.js';
import { containsAny } from './contains-any.js';
import { exists, missing } from './exists.js';
import { labelMatch } from './label-match.js';
import { lengthAtLeast } from './length-at-least.js';
import { matches } from './matches.js';
import type { OperatorFn } from './missing.js';

export type { OperatorFn } from './missing.js';

export const OPERATORS: Readonly<Record<string, OperatorFn>> = {
  ...BUILTIN,
  matches,
  between,
  labelMatch,
  exists,
  missing,
  containsAny,
  lengthAtLeast,
} satisfies Partial<Record<OperatorName, OperatorFn>>;

export function operator(name: string): OperatorFn | undefined {
  return Object.prototype.hasOwnProperty.call(OPERATORS, name) ? OPERATORS[name] : undefined;
}
