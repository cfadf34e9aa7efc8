/** `between`: the number fact lies in [value[0], value[1]], both ends inclusive. */
import { present } from './missing.js';

export const between = present((a, b) => {
  if (typeof a !== 'number' || !Array.isArray(b) || b.length !== 2) return false;
  const [lo, hi] = b as unknown[];
  return typeof lo === 'number' && typeof hi === 'number' && lo <= a && a <= hi;
});
