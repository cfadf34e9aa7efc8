/**
 * Knowledge-store retention runs after a cycle, in the cycle's slot: never inside one of the
 * cycle's writes, never at the same time as one; the store stays bounded.
 */
import test from 'ava';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { Decision } from '../../../src/types/decision.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import type { RetentionResult } from '../../../src/types/knowledge.js';
import { firingAlert, settableAlertmanager, uncooledRules } from '../../support/loop-fix.js';
import { serviceWorld } from '../../support/service-harness.js';

class TracingStore extends MemoryKnowledgeStore {
  readonly events: string[] = [];
  override async saveDecisions(ds: readonly Decision[]): Promise<void> {
    this.events.push(`write decisions ${ds.length}`);
    await super.saveDecisions(ds);
  }
  override async saveDecision(d: Decision): Promise<void> {
    this.events.push('write decision 1');
    await super.saveDecision(d);
  }
  override async recordIntent(r: ExecutionRecord): Promise<boolean> {
    this.events.push(`write execution ${r.status}`);
    return super.recordIntent(r);
  }
  override async retain(): Promise<RetentionResult> {
    this.events.push('retain start');
    try {
      return await super.retain();
    } finally {
      this.events.push('retain end');
    }
  }
}

test('retention runs after the cycle (never within its writes) and keeps the store bounded', async (t) => {
  const am = settableAlertmanager();
  const startsAt = new Date(Date.now() - 1_000).toISOString();
  am.current = ['committee-safety', 'committee-ops'].map((c, i) => firingAlert('CommitteeOverloaded', { committee_id: c, severity: 'warning' }, `c00000000000000${i}`, startsAt));
  const store = new TracingStore({ maxDecisions: 3, retainEvery: 3 });
  const w = await serviceWorld(t, { start: false, parts: { alertmanager: am, store, loadRules: uncooledRules(), onCycle: (r) => store.events.push(`cycle done ${r.cycleId}`) } });
  await w.service.start();
  await w.service.controller.idle();
  for (let i = 0; i < 4; i++) {
    w.service.controller.trigger('timer');
    await w.service.controller.idle();
  }
  // Per cycle: its writes, then "cycle done", then (when due) one retention pass — never a pass between writes.
  let open = false;
  for (const e of store.events) {
    if (e.startsWith('write')) open = true;
    if (e.startsWith('cycle done')) open = false;
    if (e === 'retain start') t.false(open, `retention inside a cycle's writes: ${store.events.join(' | ')}`);
  }
  t.true(store.events.filter((e) => e === 'retain start').length >= 2, store.events.join(' | '));
  t.true(store.events.some((e) => e === 'write decisions 2'), 'the cycle’s two decisions are written at once');
  const lines = w.log.lines.filter((l) => l['msg'] === 'knowledge store retention');
  t.true(lines.length >= 2);
  t.true(lines.every((l) => typeof l['afterCycle'] === 'string' && (l['afterCycle'] as string).startsWith('c-')));
  t.true((await store.recentDecisions(100)).length <= 3 + 2, 'bounded: at most the limit plus one cycle’s decisions');
});
