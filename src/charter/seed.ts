/**
 * The seeded world: what a freshly started (or reset) reference Charter holds. Other
 * helpers' tests, the demo and the benchmarks refer to these ids; docs/FAULT_MODEL.md lists them.
 */
import type { PolicySpec } from '../types/charter.js';

export interface SeedPolicy {
  readonly id: string;
  readonly spec: PolicySpec;
}

export const SEED_POLICIES: readonly SeedPolicy[] = [
  { id: 'pol-access', spec: { name: 'Access control', revision: '2026-01-01.1', enforcementMode: 'enforce', rules: ['require-mfa', 'deny-shared-accounts'] } },
  { id: 'pol-data-retention', spec: { name: 'Data retention', revision: '2026-01-01.1', enforcementMode: 'enforce', rules: ['max-retention-90d', 'purge-on-request'] } },
  { id: 'pol-network', spec: { name: 'Network segmentation', revision: '2026-01-01.1', enforcementMode: 'enforce', rules: ['deny-east-west-by-default', 'allow-listed-egress'] } },
  { id: 'pol-pii', spec: { name: 'PII handling', revision: '2026-01-01.1', enforcementMode: 'enforce', rules: ['encrypt-pii-at-rest', 'mask-pii-in-logs'] } },
  { id: 'pol-audit', spec: { name: 'Audit logging', revision: '2026-01-01.1', enforcementMode: 'audit', rules: ['log-admin-actions', 'retain-audit-1y'] } },
];

export const SEED_TARGETS: readonly string[] = [
  'node-a', 'node-b', 'node-c', 'node-d', 'node-e', 'node-f', 'svc-billing', 'svc-auth',
];

export const SEED_COMMITTEES: readonly { readonly id: string; readonly capacity: number }[] = [
  { id: 'committee-safety', capacity: 4 },
  { id: 'committee-ops', capacity: 4 },
];

export const VALIDATION_TYPES = ['admission', 'policy_check'] as const;
export type ValidationType = (typeof VALIDATION_TYPES)[number];

/** Who the seed versions were applied by. */
export const SEED_APPLIED_BY = 'seed';

/** The build version label of westworld_charter_build_info. */
export const CHARTER_BUILD_VERSION = '0.1.0';
