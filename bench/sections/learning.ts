/**
 * 7. Learning: 50 incidents on the reference Charter's fault model (its seeded remediation
 * draws, over its real HTTP API), alternating bad_rollout (rollback 95 % vs audit mode 50 %)
 * and validation_slowdown (cache 85 % vs reload 20 %), with a deliberately wrong initial
 * preference (weights that make the worse action win). Three runs, each on a fresh Charter
 * with the same seed, so every (fault, subject, action, n-th attempt) sees the same draw:
 *  - learner on: the shipped planner ranks candidates with the current weights; after each
 *    outcome the learner (src/knowledge/learner.ts) updates them;
 *  - learner off: the wrong weights stay;
 *  - oracle: always the action with the highest success probability in Charter's table.
 * An attempt is the action module's read → desired → write (as the executor applies it); a
 * failed attempt is undone (prior state written back) and the next-best candidate tried,
 * up to four attempts, then the fault is escalated (cleared by hand).
 * Time to remediate is modelled: detection (the stack floor measured in section 3, else
 * 2 s) plus, for each failed attempt, the rule's verification delay (verify.after).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPlanner } from '../../src/analyze/index.js';
import { successProbability, startCharter, SEED_POLICIES, type RemediationAction } from '../../src/charter/index.js';
import { actionModule } from '../../src/execute/actions/index.js';
import { parseParams } from '../../src/execute/actions/params.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { learn } from '../../src/knowledge/learner.js';
import { loadFixtureFile } from '../../src/monitor/fixture.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { FaultKind } from '../../src/types/charter.js';
import type { Candidate } from '../../src/types/decision.js';
import type { Outcome } from '../../src/types/knowledge.js';
import type { PlanRule, RuleSet, Weights } from '../../src/types/rules.js';
import type { Snapshot } from '../../src/types/snapshot.js';
import { median, progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { learningCurveSvg } from '../lib/svg.js';

const S = '7 learning';
export const WRONG_WEIGHTS: Weights = { 'audit-mode-bad-rollout': 1.5, 'reload-policies-for-slow-validation': 2.5 };
const MAX_ATTEMPTS = 4;
const SEED = 7;

type Mode = 'learner on' | 'learner off' | 'oracle';

interface IncidentResult {
  readonly n: number;
  readonly kind: FaultKind;
  readonly firstAction: string;
  readonly firstSuccess: boolean;
  readonly attempts: number;
  readonly remediated: boolean;
  readonly ttrMs: number;
}

function remediationName(c: Candidate): RemediationAction | undefined {
  if (c.action.type === 'set_enforcement_mode') return c.action.params['mode'] === 'audit' ? 'set_enforcement_mode_audit' : undefined;
  if (c.action.type === 'notify') return undefined;
  return c.action.type as RemediationAction;
}

async function snapshots(rs: RuleSet): Promise<(kind: FaultKind, subject: string) => Snapshot> {
  const load = async (f: string): Promise<Snapshot> => {
    const r = await loadFixtureFile(path.join('fixtures', f), rs);
    const s = r.ok ? r.fixture.steps[0]?.snapshot : undefined;
    if (!s) throw new Error(`fixtures/${f}: cannot load its first step`);
    return s;
  };
  const rollout = JSON.stringify(await load('bad-rollout.yaml'));
  const slow = await load('validation-slowdown.yaml');
  return (kind, subject) => (kind === 'bad_rollout' ? (JSON.parse(rollout.replaceAll('"p-7"', JSON.stringify(subject))) as Snapshot) : slow);
}

async function runMode(mode: Mode, rs: RuleSet, snap: (k: FaultKind, s: string) => Snapshot, incidents: number, detectMs: number): Promise<IncidentResult[]> {
  const charter = await startCharter({ port: 0, tickMs: 0, seed: SEED });
  const client = new CharterClient({ baseUrl: charter.url, timeoutMs: 5_000, retries: 0 });
  const planner = createPlanner(rs);
  const planRules = rs.rules.filter((r): r is PlanRule => r.stage === 'plan');
  const verifyAfter = new Map(planRules.map((r) => [r.id, r.action.verify.afterMs]));
  let weights: Weights = { ...WRONG_WEIGHTS };
  const outcomes: Outcome[] = [];
  const results: IncidentResult[] = [];
  const policies = SEED_POLICIES.filter((p) => p.spec.enforcementMode === 'enforce');
  try {
    for (let n = 0; n < incidents; n++) {
      const kind: FaultKind = n % 2 === 0 ? 'bad_rollout' : 'validation_slowdown';
      const seed = policies[Math.floor(n / 2) % policies.length];
      const subject = kind === 'bad_rollout' ? seed?.id ?? 'pol-access' : 'charter';
      // A clean start: the seeded policy spec, the validation cache off (no fault is active, so no draw).
      if (kind === 'bad_rollout' && seed) await client.applyPolicy({ policyId: seed.id, spec: seed.spec, appliedBy: 'bench', reason: 'reset' });
      else await client.putSettings({ validationCache: false });
      const fault = charter.faults.inject(kind, kind === 'bad_rollout' ? subject : undefined);
      const decision = planner.plan(snap(kind, subject), weights, `learn-${n}`).find((d) => d.chosen.some((c) => remediationName(c) !== undefined));
      if (!decision) throw new Error(`no remediation planned for ${kind}`);
      let ranked = decision.candidates.filter((c) => remediationName(c) !== undefined && (c.rejected === undefined || c.rejected.startsWith('lower') || c.rejected.startsWith('equal') || c.rejected.startsWith('tie')));
      ranked = [...decision.chosen.filter((c) => remediationName(c) !== undefined), ...ranked.filter((c) => !decision.chosen.includes(c))];
      if (mode === 'oracle') ranked.sort((a, b) => successProbability(kind, remediationName(b)!) - successProbability(kind, remediationName(a)!));
      let ttr = detectMs;
      let attempts = 0;
      let first: { action: string; success: boolean } | undefined;
      while (attempts < MAX_ATTEMPTS && charter.faults.get(fault.id)?.state === 'active') {
        const c = ranked[attempts % ranked.length];
        if (!c) break;
        attempts++;
        const m = actionModule(c.action.type);
        const ctx = { charter: client, reason: `bench ${c.ruleId}` };
        const params = parseParams(c.action.type, c.action.params);
        const cur = await m.read(ctx, c.action.target);
        const desired = m.desired(cur.value, params, c.action.target);
        if (!m.same(cur.value, desired)) await m.write(ctx, c.action.target, desired, { ifMatch: cur.etag, idempotencyKey: `bench-${mode}-${n}-${attempts}` });
        const ok = charter.faults.get(fault.id)?.state === 'cleared';
        first ??= { action: c.ruleId, success: ok };
        outcomes.push({ key: `${n}-${attempts}`, ruleId: c.ruleId, incidentKind: decision.alerts.join(','), actionType: c.action.type, result: ok ? 'succeeded' : 'failed', at: new Date(Date.UTC(2026, 10, 26, 0, n, attempts)).toISOString() });
        if (mode === 'learner on') weights = learn({ outcomes, current: weights, planRules: planRules.map((r) => r.id), at: new Date().toISOString() }).weights;
        if (!ok) {
          ttr += verifyAfter.get(c.ruleId) ?? 30_000;
          // Undo a write that did not help, as the executor's rollback does (no draw: the fault's own spec).
          const now = await m.read(ctx, c.action.target);
          if (!m.same(now.value, cur.value) && c.action.type !== 'reload_policies') await m.write(ctx, c.action.target, cur.value, { ifMatch: now.etag, idempotencyKey: `bench-undo-${mode}-${n}-${attempts}` });
        }
      }
      const remediated = charter.faults.get(fault.id)?.state === 'cleared';
      if (!remediated) charter.faults.clear(fault.id);
      results.push({ n: n + 1, kind, firstAction: first?.action ?? '', firstSuccess: first?.success === true, attempts, remediated, ttrMs: ttr });
    }
  } finally {
    await charter.close();
  }
  return results;
}

/** Share of first-attempt successes over the last `window` incidents, per incident. */
export function rolling(xs: readonly boolean[], window: number): number[] {
  return xs.map((_, i) => {
    const part = xs.slice(Math.max(0, i - window + 1), i + 1);
    return part.filter(Boolean).length / part.length;
  });
}

export const learningSection: Section = {
  name: 'learning',
  title: 'Learning: first-attempt success and time to remediate, learner on / off / oracle',
  async run(ctx): Promise<SectionResult> {
    const incidents = ctx.quick ? 20 : 50;
    const rules = await loadRuleSet(['rules']);
    if (!rules.ok) throw new Error('rules/ invalid');
    const snap = await snapshots(rules.ruleSet);
    const floor = ctx.earlier.get('stack')?.find((f) => f.name.startsWith('floor'))?.value;
    const detectMs = floor !== undefined && Number.isFinite(floor) ? floor : 2_000;
    const runs = new Map<Mode, IncidentResult[]>();
    for (const mode of ['learner off', 'learner on', 'oracle'] as const) {
      const r = await runMode(mode, rules.ruleSet, snap, incidents, detectMs);
      runs.set(mode, r);
      progress(`${S}: ${mode}: first-attempt success ${r.filter((x) => x.firstSuccess).length}/${r.length}, mean TTR ${(r.reduce((s, x) => s + x.ttrMs, 0) / r.length / 1000).toFixed(1)} s`);
    }
    const figures: Figure[] = [];
    const off = runs.get('learner off') ?? [];
    const on = runs.get('learner on') ?? [];
    const oracle = runs.get('oracle') ?? [];
    const rate = (r: IncidentResult[]): number => r.filter((x) => x.firstSuccess).length / Math.max(1, r.length);
    const mttr = (r: IncidentResult[]): number => r.reduce((s, x) => s + x.ttrMs, 0) / Math.max(1, r.length) / 1000;
    const lastHalf = (r: IncidentResult[]): IncidentResult[] => r.slice(Math.floor(r.length / 2));
    figures.push(
      { section: S, name: `first-attempt success, learner on (${incidents} incidents)`, value: rate(on) * 100, unit: '%', baseline: rate(off) * 100, note: `baseline = learner off; oracle ${(rate(oracle) * 100).toFixed(0)}%; last half: on ${(rate(lastHalf(on)) * 100).toFixed(0)}%, oracle ${(rate(lastHalf(oracle)) * 100).toFixed(0)}%` },
      { section: S, name: 'first-attempt success, oracle', value: rate(oracle) * 100, unit: '%' },
      { section: S, name: 'mean time to remediate, learner on', value: mttr(on), unit: 's', baseline: mttr(off), note: `oracle ${mttr(oracle).toFixed(1)} s; median on ${(median(on.map((x) => x.ttrMs)) / 1000).toFixed(1)} s; detection ${(detectMs / 1000).toFixed(2)} s + verify delays of failed attempts` },
      { section: S, name: 'mean time to remediate, oracle', value: mttr(oracle), unit: 's' },
      { section: S, name: 'incidents until the learner prefers the better action (both kinds)', value: Math.max(...(['bad_rollout', 'validation_slowdown'] as const).map((k) => {
        const xs = on.filter((x) => x.kind === k);
        const best = oracle.find((x) => x.kind === k)?.firstAction;
        const i = xs.findIndex((x, j) => xs.slice(j).every((y) => y.firstAction === best));
        return i < 0 ? NaN : xs[i]?.n ?? NaN;
      })), unit: '' },
    );
    const window = 10;
    const svg = learningCurveSvg({
      title: `First-attempt success, rolling over ${window} incidents (wrong initial preference)`,
      xLabel: 'incident',
      yLabel: 'first-attempt success',
      series: [
        // Drawn last and dashed: where the learner has caught up, the oracle lies on top of it.
        { name: 'learner off', color: '#6c757d', values: rolling(off.map((x) => x.firstSuccess), window) },
        { name: 'learner on', color: '#e76f51', values: rolling(on.map((x) => x.firstSuccess), window) },
        { name: 'oracle', color: '#2a9d8f', dash: '6 4', values: rolling(oracle.map((x) => x.firstSuccess), window) },
      ],
    });
    if (!ctx.quick) await writeFile(path.join('docs', 'learning-curve.svg'), svg);
    return { figures, extra: { detectMs, wrongWeights: WRONG_WEIGHTS, runs: Object.fromEntries(runs), svg: ctx.quick ? svg : 'docs/learning-curve.svg' } };
  },
};
