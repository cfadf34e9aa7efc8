/** Names of the guard rails' state in the store's controller collection (filled in below). */
export const GUARD_STATES: readonly string[] = [];
