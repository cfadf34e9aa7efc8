/**
 * The shape of `executor:` in the config file, derived from the executor's own defaults
 * (src/execute/options.ts) so a new guard rail is accepted as soon as it has a default, and a
 * key the executor does not know is a FILE:LINE error (src/config/shape.ts). Two fields are
 * not plain values: per-type rate limits (action type → bucket) and maintenance windows
 * (a list; parseWindow checks its items).
 */
import { shapeOf, withShape, type Shape } from '../config/shape.js';
import { DEFAULT_EXECUTOR_OPTIONS } from '../execute/options.js';
import { DEFAULT_LEARNER_OPTIONS } from '../knowledge/learner.js';
import { ACTION_TYPES } from '../types/catalog.js';

export const EXECUTOR_SHAPE: Shape = withShape(
  shapeOf(DEFAULT_EXECUTOR_OPTIONS),
  ['rateLimit', 'types'],
  { kind: 'record', keys: ACTION_TYPES, value: shapeOf(DEFAULT_EXECUTOR_OPTIONS.rateLimit.perType) },
);

/** The shape of `learner:`: the learner's own settings, every one a number. */
export const LEARNER_SHAPE: Shape = shapeOf(DEFAULT_LEARNER_OPTIONS);
