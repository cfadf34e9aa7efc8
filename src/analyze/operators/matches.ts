/** `matches`: the string fact matches the regular expression `value` (not anchored: write ^…$). */
import { present } from './missing.js';
import { regex } from './regex.js';

export const matches = present((a, b) => {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const re = regex(b);
  return re !== null && re.test(a);
});
