/** `lengthAtLeast`: the array or string fact has at least `value` elements. */
import { present } from './missing.js';

export const lengthAtLeast = present(
  (a, b) => (Array.isArray(a) || typeof a === 'string') && typeof b === 'number' && a.length >= b,
);
