/**
 * freePort (src/app/stack/free-port.ts): ports outside the kernel's ephemeral range (where
 * outgoing connections take theirs: CI once saw mapek run fail with EADDRINUSE on a port found
 * free seconds earlier), reserved against other processes for the time until they are bound.
 */
import test from 'ava';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { canBind, candidateRange, ephemeralRange, freePort, reserve } from '../../../src/app/stack/free-port.js';

test('ports are never in the ephemeral range, and can be bound', async (t) => {
  const [lo, hi] = ephemeralRange();
  const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
  for (const p of ports) t.false(p >= lo && p <= hi, `port ${p} is in the ephemeral range ${lo}-${hi}`);
  t.is(new Set(ports).size, ports.length, 'no port handed out twice');
  const first = ports[0]!;
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(first, '127.0.0.1', r));
  t.is((server.address() as net.AddressInfo).port, first);
  t.false(await canBind(first), 'a bound port is not free');
  await new Promise<void>((r) => server.close(() => r()));
  t.true(await canBind(first));
});

test('the ephemeral range is read from the kernel file; the candidates are the larger side of it', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-port-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'range');
  await writeFile(f, '40000\t60999\n');
  t.deepEqual(ephemeralRange(f), [40000, 60999]);
  t.deepEqual(ephemeralRange(path.join(dir, 'absent')), [32768, 60999]);
  await writeFile(f, 'garbage');
  t.deepEqual(ephemeralRange(f), [32768, 60999]);
  t.deepEqual(candidateRange([32768, 60999]), [10000, 32767]);
  t.deepEqual(candidateRange([10500, 40000]), [40001, 65535]);
  t.throws(() => candidateRange([10000, 65000]), { message: 'freePort: the ephemeral range 10000-65000 leaves fewer than 1000 ports for servers' });
});

test('a reservation holds against a second caller for two minutes, then is taken over', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-port-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const now = Date.now();
  t.true(reserve(20001, dir, now));
  t.false(reserve(20001, dir, now + 1000), 'held by the first caller');
  t.true(reserve(20002, dir, now), 'another port is free');
  const old = new Date(now - 121_000);
  await utimes(path.join(dir, '20001'), old, old);
  t.true(reserve(20001, dir, now), 'stale after two minutes');
  t.false(reserve(20001, dir, now + 1000), 'and held again by the one that took it over');
});
