import { createExecutor } from '../../../src/execute/index.js';
import type { ExecutorOptionsInput } from '../../../src/execute/options.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { ExtendedKnowledgeStore } from '../../../src/types/knowledge.js';
import type { Snapshot } from '../../../src/types/snapshot.js';
import type { ExecutorHooks } from '../../../src/execute/deps.js';
import { FakeAlertmanager, FakeCharter, FakeMonitor, asAlertmanager, ids, manualTime, scriptedVerify, snapshot } from '../../support/execute-fakes.js';
import type { VerifyResult } from '../../../src/types/execution.js';

export function harness(opts: ExecutorOptionsInput = {}, more: { store?: ExtendedKnowledgeStore; verify?: Record<string, VerifyResult[]>; snap?: Snapshot; hooks?: ExecutorHooks; alertmanager?: boolean } = {}) {
  const charter = new FakeCharter();
  const store = more.store ?? new MemoryKnowledgeStore();
  const time = manualTime();
  const monitor = new FakeMonitor(more.snap ?? snapshot([]));
  const verify = scriptedVerify(more.verify ?? {});
  const am = new FakeAlertmanager();
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const executor = createExecutor({
    charter,
    store,
    monitor,
    verify: verify.fn,
    clock: time.now,
    sleep: time.sleep,
    ids: ids(),
    options: { hysteresis: { minCycles: 1 }, cooldownMs: 0, ...opts },
    ...(more.alertmanager ? { alertmanager: asAlertmanager(am) } : {}),
    log,
    ...(more.hooks ? { hooks: more.hooks } : {}),
  });
  return { charter, store, time, monitor, verify, am, logs, executor };
}
