/**
 * The value each operator expects, checked at load time so a rule cannot silently never
 * fire because `between` got a number or `matches` an invalid regular expression.
 * A value that names another fact (`{fact: NAME}`) is checked at run time instead.
 */

/** An error message for a bad `value`, or undefined when it fits the operator. */
export function operatorValueProblem(operator: string, value: unknown): string | undefined {
  const got = JSON.stringify(value) ?? String(value);
  switch (operator) {
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      return typeof value === 'number' ? undefined : `operator "${operator}" needs a number value, got ${got}`;
    case 'in':
    case 'notIn':
    case 'containsAny':
      return Array.isArray(value) ? undefined : `operator "${operator}" needs a list value, got ${got}`;
    case 'between':
      return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number' && value[0] <= value[1]
        ? undefined
        : `operator "between" needs value [min, max] with min <= max, got ${got}`;
    case 'exists':
      return typeof value === 'boolean' ? undefined : `operator "exists" needs value true or false, got ${got}`;
    case 'missing':
      return value === true ? undefined : `operator "missing" needs value true, got ${got}`;
    case 'lengthAtLeast':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : `operator "lengthAtLeast" needs an integer value >= 0, got ${got}`;
    case 'matches':
      if (typeof value !== 'string') return `operator "matches" needs a regular expression string, got ${got}`;
      return regexProblem(value);
    case 'labelMatch': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return `operator "labelMatch" needs a map of label: value, got ${got}`;
      }
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') return `operator "labelMatch" needs string label values, got ${JSON.stringify(v)} for "${k}"`;
        if (v.startsWith('~')) {
          const p = regexProblem(v.slice(1));
          if (p !== undefined) return p;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return `invalid regular expression "${source}": ${(err as Error).message.replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/, '').toLowerCase()}`;
  }
}
