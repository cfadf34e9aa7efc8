/**
 * What the incidents with the same subject kind and firing alert names share, made once per
 * compiled rule set and kept across cycles (bounded like the index's memo): the alert-name
 * array itself, interned (every such incident's facts, traces and decision hold it, so the
 * traced memo can key on it), the candidate rules of each stage, and per plan rule what does
 * not depend on the incident beyond those names.
 */
import type { AnalyzeRule, PlanRule, VetoRule } from '../types/rules.js';
import type { SubjectKind } from '../types/snapshot.js';
import type { CompiledRule, CompiledRuleSet } from './compiled-rules.js';
import { namedAlerts } from './reacts-to.js';
import { shapeOf, type ProposalShape } from './proposal.js';
import { markStable } from './shared-leaves.js';

/** A plan rule in a situation. */
export interface PlanSlot {
  readonly c: CompiledRule<PlanRule>;
  /** The rule's ref, id, priority and whether it is a shadow rule, read once (one object shape for all rules). */
  readonly ref: string;
  readonly ruleId: string;
  readonly priority: number;
  readonly shadow: boolean;
  readonly shape: ProposalShape;
  /** It names (or asks for) alerts: its reactsTo depends on the alert names alone. */
  readonly named: boolean;
  /** That reactsTo, once made (`reactsKnown`). */
  reacts: readonly string[] | undefined;
  reactsKnown: boolean;
  /** Its situated weight key (types/rules.ts situatedKey), once learned weights asked for it. */
  weightKey: string | undefined;
  /** Why it lost to another rule's candidate, by that rule (settle.ts). */
  readonly losses: Map<PlanSlot, Loss>;
}

export interface Loss {
  readonly loser: number;
  readonly winner: number;
  readonly loserUtility: number;
  readonly winnerUtility: number;
  readonly reason: string;
}

export interface Situation {
  readonly subjectKind: SubjectKind;
  /** The firing alert names, sorted, frozen and shared. */
  readonly alertnames: readonly string[];
  readonly analyze: readonly CompiledRule<AnalyzeRule>[];
  readonly plan: readonly PlanSlot[];
  readonly veto: readonly CompiledRule<VetoRule>[];
  /** incidentKindOf, once learned weights asked for it. */
  kind: string | undefined;
}

const MAX_SITUATIONS = 10_000;

/** By subject kind, then by the one alert name, or by the names joined (no key string made per incident for one name). */
interface ByNames {
  readonly one: Map<string, Situation>;
  readonly many: Map<string, Situation>;
}

const memos = new WeakMap<CompiledRuleSet, { byKind: Map<SubjectKind, ByNames>; size: number }>();

/**
 * The situation of an incident whose only active alert name is `name`, without an alert-name
 * list made for it (an incident's usual case).
 */
export function situationOfOne(cr: CompiledRuleSet, subjectKind: SubjectKind, name: string): Situation {
  return memos.get(cr)?.byKind.get(subjectKind)?.one.get(name) ?? situationOf(cr, subjectKind, [name]);
}

/** `alertnames`: sorted, without duplicates (observed facts' `alertnames`). */
export function situationOf(cr: CompiledRuleSet, subjectKind: SubjectKind, alertnames: readonly string[]): Situation {
  let memo = memos.get(cr);
  if (memo === undefined) memos.set(cr, (memo = { byKind: new Map(), size: 0 }));
  let byNames = memo.byKind.get(subjectKind);
  if (byNames === undefined) memo.byKind.set(subjectKind, (byNames = { one: new Map(), many: new Map() }));
  const single = alertnames.length === 1;
  const key = single ? (alertnames[0] as string) : alertnames.join('\u0000');
  let s = (single ? byNames.one : byNames.many).get(key);
  if (s === undefined) {
    if (memo.size >= MAX_SITUATIONS) {
      for (const b of memo.byKind.values()) {
        b.one.clear();
        b.many.clear();
      }
      memo.size = 0;
    }
    memo.size++;
    s = {
      subjectKind,
      alertnames: markStable([...alertnames]),
      analyze: cr.analyze.candidates(subjectKind, alertnames),
      plan: cr.plan.candidates(subjectKind, alertnames).map((c) => ({ c, ref: c.ref, ruleId: c.rule.id, priority: c.rule.priority, shadow: c.rule.mode === 'shadow', shape: shapeOf(c), named: namedAlerts(c).size > 0, reacts: undefined, reactsKnown: false, weightKey: undefined, losses: new Map() })),
      veto: cr.veto.candidates(subjectKind, alertnames),
      kind: undefined,
    };
    (single ? byNames.one : byNames.many).set(key, s);
  }
  return s;
}
