/** `exists`: with value true, the fact is present and not null; with false, absent or null. */
import { isMissing, type OperatorFn } from './missing.js';

export const exists: OperatorFn = (a, b) => (b === true ? !isMissing(a) : b === false ? isMissing(a) : false);

/** `missing`: with value true, the fact is absent or null (what `exists: false` says, by its name). */
export const missing: OperatorFn = (a, b) => b === true && isMissing(a);
