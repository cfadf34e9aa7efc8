import test from 'ava';
import { ManualClock, startCharter } from '../../../src/charter/index.js';
import { FaultRegistry } from '../../../src/charter/faults.js';

test('a world can replace the table\'s probabilities per (kind, action); reset keeps them', (t) => {
  const r = new FaultRegistry(1);
  t.is(r.probability('validation_slowdown', 'enable_validation_cache'), 0.85);
  r.setProbabilities({ validation_slowdown: { enable_validation_cache: 0.2 }, policy_load_failure: { set_enforcement_mode_audit: 0.85 } });
  t.is(r.probability('validation_slowdown', 'enable_validation_cache'), 0.2);
  t.is(r.probability('validation_slowdown', 'reload_policies'), 0.2);
  t.is(r.probability('policy_load_failure', 'set_enforcement_mode_audit'), 0.85);
  r.add('validation_slowdown', 'charter', 'code', 'now');
  t.is(r.attempt('validation_slowdown', 'charter', 'enable_validation_cache', 'now')?.probability, 0.2);
  r.reset();
  t.is(r.probability('validation_slowdown', 'enable_validation_cache'), 0.2);
  t.throws(() => r.setProbabilities({ bad_rollout: { rollback_policy: 1.5 } }), { message: 'probability of rollback_policy against bad_rollout: expected a number in [0, 1], got 1.5' });
});

test('startCharter({remediation}) draws against the given probability: 1 always clears, 0 never', async (t) => {
  const c = await startCharter({ tickMs: 0, clock: new ManualClock(Date.UTC(2026, 0, 1)), remediation: { validation_slowdown: { enable_validation_cache: 0, reload_policies: 1 } } });
  try {
    const f = c.faults.inject('validation_slowdown');
    c.world.setSettings({ validationCache: true });
    t.is(c.faults.get(f.id)?.state, 'active');
    t.is(c.faults.get(f.id)?.attempts[0]?.probability, 0);
    c.world.reload();
    t.like(c.faults.get(f.id), { state: 'cleared', clearedBy: 'reload_policies' });
  } finally {
    await c.close();
  }
});
