/**
 * Rules indexed by the alert names and subject kinds they declare, so that a cycle costs in
 * proportion to the rules that can match each incident. A rule with no `alerts` applies to
 * every incident; one with no `subjects` to every subject kind. An indexed rule is only a
 * candidate when one of its alerts is active (firing, not silenced) in the incident, which is
 * also what keeps resolved and silenced alerts from triggering actions.
 */
import type { Rule } from '../types/rules.js';
import type { SubjectKind } from '../types/snapshot.js';
import type { CompiledRule } from './compiled-rule.js';

export class RuleIndex<R extends Rule> {
  readonly all: readonly CompiledRule<R>[];
  private readonly byAlert = new Map<string, CompiledRule<R>[]>();
  private readonly unindexed: CompiledRule<R>[] = [];
  private readonly memo = new Map<string, readonly CompiledRule<R>[]>();

  /** `rules` must already be in evaluation order (their `order` field). */
  constructor(rules: readonly CompiledRule<R>[]) {
    this.all = rules;
    for (const c of rules) {
      if (c.rule.alerts.length === 0) this.unindexed.push(c);
      for (const a of new Set(c.rule.alerts)) {
        const list = this.byAlert.get(a);
        if (list === undefined) this.byAlert.set(a, [c]);
        else list.push(c);
      }
    }
  }

  /** Rules that can match an incident of `kind` whose active alert names are `alertnames`, in evaluation order. */
  candidates(kind: SubjectKind, alertnames: readonly string[]): readonly CompiledRule<R>[] {
    const key = `${kind}\u0000${alertnames.join('\u0000')}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    const seen = new Set<CompiledRule<R>>();
    const fits = (c: CompiledRule<R>): boolean => c.rule.subjects.length === 0 || c.rule.subjects.includes(kind);
    for (const c of this.unindexed) if (fits(c)) seen.add(c);
    for (const a of alertnames) for (const c of this.byAlert.get(a) ?? []) if (fits(c)) seen.add(c);
    const out = [...seen].sort((x, y) => x.order - y.order);
    if (this.memo.size > 10_000) this.memo.clear(); // bound memory under unusual alert mixes
    this.memo.set(key, out);
    return out;
  }
}
