/** `containsAny`: the array fact shares at least one element with the array `value`. */
import { present } from './missing.js';

export const containsAny = present((a, b) => Array.isArray(a) && Array.isArray(b) && b.some((x) => a.indexOf(x) > -1));
