/**
 * The coordinator of a replica on a shared PostgreSQL store, from the config: the replica's
 * id (default hostname-pid), the lease TTL and its renewal (default a third of the TTL).
 */
import os from 'node:os';
import type { Config } from '../config/options.js';
import { PostgresCoordinator } from '../coordination/postgres-coordinator.js';
import type { Logger } from '../observability/logger.js';

export function defaultReplicaId(): string {
  return `${os.hostname()}-${process.pid}`;
}

export function replicaCoordinator(config: Config, storeUrl: string, log: Logger): PostgresCoordinator {
  const replicaId = config.replicaId ?? defaultReplicaId();
  return new PostgresCoordinator({
    url: storeUrl,
    replicaId,
    ttlMs: config.leaseTtlMs,
    renewEveryMs: config.leaseRenewMs ?? Math.round(config.leaseTtlMs / 3),
    log: (level, msg, fields) => log[level](msg, fields),
  });
}
