export * from './alert.js';
export * from './charter.js';
export * from './snapshot.js';
export * from './catalog.js';
export * from './rules.js';
export * from './decision.js';
export * from './execution.js';
export * from './errors.js';
