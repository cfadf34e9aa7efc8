/**
 * Operators a condition may use: json-rules-engine's built-ins plus the project's custom
 * ones (each implemented in src/analyze/operators/). Validation rejects any other name.
 */
export const BUILTIN_OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
] as const;

export const CUSTOM_OPERATORS = {
  matches: 'string fact matches the regular expression in `value` (anchored by the author).',
  between: 'number fact lies in [value[0], value[1]] inclusive.',
  labelMatch: 'object fact (a label set) matches every `name: value` in `value`; a value starting with "~" is a regex.',
  exists: 'fact is present and not null when `value` is true; absent or null when false.',
  missing: 'fact is absent or null (value: true) — e.g. a verify that the root cause is no longer derived.',
  containsAny: 'array fact shares at least one element with the array `value`.',
  lengthAtLeast: 'array or string fact has at least `value` elements.',
} as const;

export type OperatorName = (typeof BUILTIN_OPERATORS)[number] | keyof typeof CUSTOM_OPERATORS;

export const OPERATOR_NAMES: readonly string[] = [...BUILTIN_OPERATORS, ...Object.keys(CUSTOM_OPERATORS)];
