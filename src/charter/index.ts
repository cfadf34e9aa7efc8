/**
 * The reference Charter service: startCharter() runs one in-process (tests, the demo, the
 * benchmarks); `mapek charter` runs it from the command line. docs/CHARTER_API.md is the
 * contract, docs/FAULT_MODEL.md the fault model, docs/PROMETHEUS_METRICS.md the metrics.
 */
import type { FaultKind } from '../types/charter.js';
import { isManualClock, systemClock, type Clock } from './clock.js';
import type { FaultOrigin, FaultRecord, RemediationOverrides } from './faults.js';
import { ClientFaults } from './http/client-faults.js';
import { createCharterServer } from './http/server.js';
import { createCharterRegistry } from './metrics.js';
import { WriteLog, type WriteRecord } from './writes.js';
import { World, type GroundTruth } from './world.js';

export { ManualClock, systemClock, type Clock } from './clock.js';
export { FaultAlreadyActiveError, type FaultOrigin, type FaultRecord, type RemediationAttempt, type RemediationOverrides } from './faults.js';
export type { ClientFaultConfig } from './http/client-faults.js';
export { REMEDIATION_TABLE, SCALE_COMMITTEE_MIN_DELTA, successProbability, type RemediationAction } from './remediation-table.js';
export { SEED_COMMITTEES, SEED_POLICIES, SEED_TARGETS, VALIDATION_TYPES } from './seed.js';
export { CharterRequestError } from './errors.js';
export { World, type GroundTruth } from './world.js';
export { WriteLog, type WriteRecord } from './writes.js';

export const DEFAULT_TICK_MS = 250;
export const DEFAULT_SEED = 1;
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

export interface StartCharterOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Loopback only: 127.0.0.1 (default), localhost or ::1. */
  readonly host?: string;
  /** Seeds traffic, remediation draws and client faults (default 1). */
  readonly seed?: number;
  /** Serve /api/v1/test/* (default false: those routes answer 404). */
  readonly testApi?: boolean;
  /** Simulation tick period (default 250 ms); 0 = no automatic ticks, step with tick(). */
  readonly tickMs?: number;
  /** Time source (default the system clock). A ManualClock is advanced by tick(). */
  readonly clock?: Clock;
  /** Success probabilities that replace the remediation table's (docs/FAULT_MODEL.md "Other worlds"). */
  readonly remediation?: RemediationOverrides;
  /** Faults to inject at start. */
  readonly faults?: readonly { readonly kind: FaultKind; readonly subject?: string }[];
}

/** Faults from code; the same effects as the test API. */
export interface CharterFaults {
  inject(kind: FaultKind, subject?: string): FaultRecord;
  /** Stop a fault by hand (no remediation recorded); undefined when the id is unknown. */
  clear(id: string): FaultRecord | undefined;
  get(id: string): FaultRecord | undefined;
  all(): readonly FaultRecord[];
  active(): readonly FaultRecord[];
  cleared(): readonly FaultRecord[];
}

export interface CharterHandle {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly world: World;
  readonly faults: CharterFaults;
  readonly writes: WriteLog;
  readonly clientFaults: ClientFaults;
  /** Run `count` simulation ticks now (a ManualClock is first advanced by the tick period). */
  tick(count?: number): void;
  /** Drop the idempotency cache and every connection, as a restart would; state persists. */
  restart(): void;
  /** Back to the seeded state. */
  reset(): void;
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** Active and cleared faults (with attempts and what cleared them) and every write received. */
  groundTruth(): GroundTruth & { readonly writes: readonly WriteRecord[] };
  close(): Promise<void>;
}

export function makeFaults(world: World, origin: FaultOrigin): CharterFaults {
  return {
    inject: (kind, subject) => world.injectFault(kind, subject, origin),
    clear: (id) => world.clearFault(id, 'code'),
    get: (id) => world.faults.get(id),
    all: () => world.faults.all(),
    active: () => world.faults.all().filter((f) => f.state === 'active'),
    cleared: () => world.faults.all().filter((f) => f.state === 'cleared'),
  };
}

export async function startCharter(opts: StartCharterOptions = {}): Promise<CharterHandle> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.includes(host)) throw new Error(`host: "${host}" is not a loopback address; the reference Charter binds 127.0.0.1, localhost or ::1 only`);
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS;
  if (!Number.isInteger(tickMs) || tickMs < 0) throw new Error(`tickMs: expected an integer >= 0, got ${tickMs}`);
  const seed = opts.seed ?? DEFAULT_SEED;
  const clock = opts.clock ?? systemClock;
  const world = new World({ seed, clock });
  const writes = new WriteLog();
  const clientFaults = new ClientFaults(seed);
  const registry = createCharterRegistry(world);
  const srv = createCharterServer({ world, writes, registry, clientFaults, testApi: opts.testApi === true });
  if (opts.remediation) world.faults.setProbabilities(opts.remediation);
  const faults = makeFaults(world, 'code');
  for (const f of opts.faults ?? []) faults.inject(f.kind, f.subject);

  await new Promise<void>((resolve, reject) => {
    srv.server.once('error', reject);
    srv.server.listen(opts.port ?? 0, host, () => {
      srv.server.off('error', reject);
      resolve();
    });
  });
  const address = srv.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const timer = tickMs > 0 ? setInterval(() => world.tick(), tickMs) : undefined;
  timer?.unref();
  const step = tickMs > 0 ? tickMs : DEFAULT_TICK_MS;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    world,
    faults,
    writes,
    clientFaults,
    tick: (count = 1) => {
      for (let i = 0; i < count; i++) {
        if (isManualClock(clock)) clock.advance(step);
        world.tick();
      }
    },
    restart: () => srv.restart(),
    reset: () => srv.reset(),
    metrics: () => registry.metrics(),
    groundTruth: () => ({ ...world.groundTruth(), writes: writes.list() }),
    close: async () => {
      if (timer) clearInterval(timer);
      await srv.close();
    },
  };
}
