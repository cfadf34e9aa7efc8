/**
 * Free TCP ports on 127.0.0.1 for the servers the stack, the tests and the benchmarks start.
 *
 * A port is chosen OUTSIDE the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range,
 * 32768-60999 by default). Binding to port 0 picks from that range, which is also where every
 * outgoing connection takes its local port: between the moment a port was found free and the
 * moment its server binds it (seconds, when Prometheus and Alertmanager start first and are
 * told the webhook's address), a keep-alive connection of another process could take it, and
 * the server failed with EADDRINUSE (seen in CI). Below the range no connection is given a
 * port by the kernel.
 *
 * A chosen port is also reserved for RESERVE_MS by an exclusively created file in the temp
 * directory, so two processes (test workers run in parallel) that pick the same port in the
 * same window do not both get it. A reservation older than RESERVE_MS is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, utimesSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The kernel's default ephemeral range, used when /proc cannot be read. */
const DEFAULT_EPHEMERAL: readonly [number, number] = [32768, 60999];
/** Never hand out a port below this (privileged and well-known services). */
const LOWEST = 10_000;
const RESERVE_MS = 120_000;
const ATTEMPTS = 200;

/** The ephemeral port range [low, high] of this machine. */
export function ephemeralRange(procFile = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] {
  try {
    const [lo, hi] = readFileSync(procFile, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo! > 0 && hi! >= lo!) return [lo!, hi!];
  } catch {
    // not Linux, or /proc not mounted: the default range
  }
  return [DEFAULT_EPHEMERAL[0], DEFAULT_EPHEMERAL[1]];
}

/** The ports freePort chooses from: below the ephemeral range, or above it when that is larger. */
export function candidateRange(ephemeral: readonly [number, number] = ephemeralRange()): [number, number] {
  const below: [number, number] = [LOWEST, ephemeral[0] - 1];
  const above: [number, number] = [ephemeral[1] + 1, 65535];
  const size = (r: [number, number]): number => r[1] - r[0] + 1;
  const best = size(below) >= size(above) ? below : above;
  if (size(best) < 1000) throw new Error(`freePort: the ephemeral range ${ephemeral[0]}-${ephemeral[1]} leaves fewer than 1000 ports for servers`);
  return best;
}

function reservationDir(): string {
  const dir = path.join(os.tmpdir(), 'mapek-port-reservations');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** True when this process now holds the reservation of `port` (created, or taken over stale). */
export function reserve(port: number, dir = reservationDir(), now = Date.now()): boolean {
  const file = path.join(dir, String(port));
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    if (now - statSync(file).mtimeMs < RESERVE_MS) return false;
    const t = new Date(now);
    utimesSync(file, t, t);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true when `port` can be bound on 127.0.0.1 right now (bound and released). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, outside the ephemeral range and reserved
 * for two minutes against other callers of freePort. The caller should bind it soon.
 */
export async function freePort(): Promise<number> {
  const [lo, hi] = candidateRange();
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (!reserve(port)) continue;
    if (await canBind(port)) return port;
  }
  throw new Error(`freePort: no free port in ${lo}-${hi} after ${ATTEMPTS} attempts`);
}
