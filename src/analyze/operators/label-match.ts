/**
 * `labelMatch`: the label-set fact has every `name: value` of `value`. A value starting with
 * "~" is a regular expression matched against the whole label value (anchored, as in
 * PromQL's =~); A named label must exist.
 */
import { present } from './missing.js';
import { regex } from './regex.js';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export const labelMatch = present((a, b) => {
  if (!isRecord(a) || !isRecord(b)) return false;
  for (const [name, want] of Object.entries(b)) {
    const got = a[name];
    if (typeof got !== 'string' || typeof want !== 'string') return false;
    if (want.startsWith('~')) {
      const re = regex(want.slice(1), true);
      if (re === null || !re.test(got)) return false;
    } else if (got !== want) return false;
  }
  return true;
});
