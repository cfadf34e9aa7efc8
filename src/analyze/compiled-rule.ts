/** One rule compiled for evaluation (see compiled-rules.ts). */
import type { Rule } from '../types/rules.js';
import type { CompiledCondition } from './compile.js';
import type { SharedLeaf } from './shared-leaves.js';
import type { TraceMemo } from './traced.js';

export interface CompiledRule<R extends Rule = Rule> {
  readonly rule: R;
  /** `id@version`. */
  readonly ref: string;
  /** `rule.stage`, read once (rule objects have many shapes). */
  readonly stage: R['stage'];
  /** Position in evaluation order within its stage. */
  readonly order: number;
  readonly condition: CompiledCondition;
  /** Every fact the rule reads: conditions and templates. */
  readonly reads: ReadonlySet<string>;
  /** Whether it reads its own `firingFor` (it names alerts and reads the fact: time.ts). */
  readonly ownFiringFor: boolean;
  /** Its condition's leaves (document order) as the rule set's shared leaves (shared-leaves.ts). */
  readonly shared: readonly SharedLeaf[];
  /** Its condition's shape (shared-leaves.ts ConditionShapes): the same number, the same outcome in an incident. */
  readonly shape: number;
  /** Its traced evaluations so far (traced.ts). */
  readonly memo: TraceMemo;
}

