/** Load and validate a fixture file. (Being filled in; the signature is final.) */
import type { ValidationIssue } from '../types/errors.js';
import type { RuleSet } from '../types/rules.js';
import type { Fixture } from './fixture-types.js';

export type { Fixture, FixtureStep, FixtureExpect, ActionPattern, RejectedPattern } from './fixture-types.js';

export type LoadFixtureResult = { ok: true; fixture: Fixture } | { ok: false; issues: ValidationIssue[] };

export async function loadFixtureFile(file: string, ruleSet?: RuleSet): Promise<LoadFixtureResult> {
  void ruleSet;
  return { ok: false, issues: [{ file, line: 0, column: 0, path: '', message: 'fixture loading not implemented yet' }] };
}
