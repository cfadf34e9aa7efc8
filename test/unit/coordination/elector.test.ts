/**
 * LeaseElector against a hand-written lease (unit): a deposition is final for its tenure. A
 * renewal that was in flight when the local deadline passed, and that the database still
 * accepted (its TTL is longer than the local one by the safety margin), must not make the
 * replica a leader again without an election: the service resumes cycles only on `elected`,
 * so a silent revival is a leader that holds the lease and never acts (seen in CI after a
 * PostgreSQL restart).
 */
import test from 'ava';
import { LeaseElector } from '../../../src/coordination/elector.js';
import type { AcquireResult } from '../../../src/coordination/lease.js';
import { LocalLeaseView } from '../../../src/coordination/local-view.js';
import type { LeaseToken } from '../../../src/types/coordination.js';
import { waitUntil } from '../../support/stack.js';

class FakeLease {
  epoch = 0;
  holder: string | undefined;
  released: LeaseToken[] = [];
  /** When set, the next renewal waits for this promise before it answers. */
  hold: Promise<void> | undefined;
  async acquire(_db: unknown, holder: string): Promise<AcquireResult> {
    if (this.holder !== undefined) return { acquired: false, current: { holder: this.holder, epoch: this.epoch, remainingMs: 50 } };
    this.holder = holder;
    this.epoch += 1;
    return { acquired: true, token: { holder, epoch: this.epoch } };
  }
  async renew(_db: unknown, token: LeaseToken): Promise<boolean> {
    const wait = this.hold;
    this.hold = undefined;
    if (wait !== undefined) await wait;
    return this.holder === token.holder && this.epoch === token.epoch;
  }
  async release(_db: unknown, token: LeaseToken): Promise<boolean> {
    this.released.push(token);
    if (this.holder !== token.holder || this.epoch !== token.epoch) return false;
    this.holder = undefined;
    return true;
  }
}

function elector(lease: FakeLease, view: LocalLeaseView, mono: () => number, events: string[]): LeaseElector {
  return new LeaseElector({
    replicaId: 'r0',
    renewEveryMs: 40,
    lease,
    view,
    db: { use: (_what, f) => f(undefined as never) },
    mono,
    onElected: (tok) => events.push(`elected ${tok.epoch}`),
    onDeposed: (why) => events.push(`deposed: ${why}`),
    onError: () => undefined,
    onSeen: () => undefined,
  });
}

test('a deadline timer that fires before the monotonic clock reached the deadline looks again: a hung renewal still deposes', async (t) => {
  const lease = new FakeLease();
  let now = 0;
  const view = new LocalLeaseView(120, () => now);
  const events: string[] = [];
  lease.hold = new Promise<void>(() => undefined); // the first renewal never answers
  const e = elector(lease, view, () => now, events);
  e.start();
  await waitUntil(() => (events.includes('elected 1') ? true : undefined), 2_000, 'the election');
  now = 100; // the timer (armed for 121 ms) fires while the clock says 100: not yet
  await new Promise((r) => setTimeout(r, 200));
  t.deepEqual(events, ['elected 1']);
  now = 130;
  await waitUntil(() => (events.length > 1 ? true : undefined), 2_000, 'the re-armed deadline to depose');
  t.deepEqual(events, ['elected 1', 'deposed: the lease deadline passed before a renewal succeeded']);
  t.is(view.token(), undefined);
});

test('a renewal accepted after the local deadline deposed the replica does not revive the tenure: it is released and a new one elected', async (t) => {
  const lease = new FakeLease();
  const view = new LocalLeaseView(120, () => performance.now());
  const events: string[] = [];
  let electedToken: LeaseToken | undefined;
  const revivals: string[] = [];
  const elector = new LeaseElector({
    replicaId: 'r0',
    renewEveryMs: 40,
    lease,
    view,
    db: { use: (_what, f) => f(undefined as never) },
    mono: () => performance.now(),
    onElected: (tok) => {
      electedToken = tok;
      events.push(`elected ${tok.epoch}`);
    },
    onDeposed: (why) => {
      electedToken = undefined;
      events.push(`deposed: ${why}`);
    },
    onError: () => undefined,
    onSeen: () => undefined,
  });
  // Leader or not, the view and the events agree at every moment.
  const watch = setInterval(() => {
    const tok = view.token();
    if (tok !== undefined && (electedToken === undefined || tok.epoch !== electedToken.epoch)) revivals.push(`view holds epoch ${tok.epoch} without an election`);
  }, 2);
  t.teardown(() => clearInterval(watch));
  elector.start();
  await waitUntil(() => (electedToken !== undefined ? true : undefined), 2_000, 'the first election');
  let answer!: () => void;
  lease.hold = new Promise<void>((r) => (answer = r));
  await waitUntil(() => (events.some((e) => e.startsWith('deposed')) ? true : undefined), 2_000, 'the deadline to depose');
  answer(); // the database accepts the late renewal: epoch 1 is still its holder's there
  await waitUntil(() => (electedToken?.epoch === 2 ? true : undefined), 2_000, 'a new election after the release');
  await elector.stop();
  t.deepEqual(revivals, []);
  t.deepEqual(events.slice(0, 3), ['elected 1', 'deposed: the lease deadline passed before a renewal succeeded', 'elected 2']);
  t.deepEqual(lease.released[0], { holder: 'r0', epoch: 1 }, 'the late-renewed tenure is ended in the database');
});
