/** Coordination between replicas sharing one PostgreSQL store: the leader lease, its fence, triggers relayed to the leader. */
export type { Coordinator, CoordinatorEvents, CoordinatorStatus, Role } from './coordinator.js';
export { PostgresCoordinator, safetyMargin, type PostgresCoordinatorOptions } from './postgres-coordinator.js';
export { LeaseStatements, type AcquireResult, type LeaseHolder, type Queryable } from './lease.js';
export { LocalLeaseView } from './local-view.js';
export { backoffMs, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { ReconnectingConnection, PostgresUnavailableError } from './connection.js';
export { TriggerRelay, TRIGGER_CHANNEL, type RelayMessage } from './trigger-relay.js';
