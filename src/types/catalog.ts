/**
 * The action catalog: the one place that declares which remediations exist, their
 * parameters and their risk. Rule validation and Execute both read it; src/execute/actions/
 * holds one module per type implementing it.
 */

export type ActionType =
  | 'rollback_policy'
  | 'set_enforcement_mode'
  | 'quarantine_target'
  | 'scale_committee'
  | 'enable_validation_cache'
  | 'reload_policies'
  | 'notify';

export type Risk = 'low' | 'medium' | 'high';

export type ParamType = 'string' | 'integer' | 'number' | 'boolean';

export interface ParamSpec {
  readonly type: ParamType;
  readonly required: boolean;
  readonly description: string;
  /** Allowed values for strings. */
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface ActionSpec {
  readonly type: ActionType;
  readonly description: string;
  /** What a target id names for this action. */
  readonly targetKind: 'policy' | 'target' | 'committee' | 'service';
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Default risk; a rule may raise it, never lower it below this. */
  readonly risk: Risk;
  /** Irreversible actions are never rolled back. */
  readonly reversible: boolean;
  /** Default settle time before verification, ms. */
  readonly settleMs: number;
}

export const ACTION_CATALOG: Readonly<Record<ActionType, ActionSpec>> = {
  rollback_policy: {
    type: 'rollback_policy',
    description: 'Re-apply an earlier version of a policy (default: the previous one).',
    targetKind: 'policy',
    params: {
      toVersion: { type: 'integer', required: false, minimum: 1, description: 'Version to restore; default the one before the current.' },
    },
    risk: 'medium',
    reversible: true,
    settleMs: 5_000,
  },
  set_enforcement_mode: {
    type: 'set_enforcement_mode',
    description: "Change a policy's enforcement mode (enforce, audit, disabled).",
    targetKind: 'policy',
    params: {
      mode: { type: 'string', required: true, enum: ['enforce', 'audit', 'disabled'], description: 'The new mode.' },
    },
    risk: 'medium',
    reversible: true,
    settleMs: 5_000,
  },
  quarantine_target: {
    type: 'quarantine_target',
    description: 'Quarantine a node or service so that it stops producing violations.',
    targetKind: 'target',
    params: {
      reason: { type: 'string', required: false, description: 'Recorded with the quarantine.' },
    },
    risk: 'high',
    reversible: true,
    settleMs: 5_000,
  },
  scale_committee: {
    type: 'scale_committee',
    description: "Raise a decision committee's capacity.",
    targetKind: 'committee',
    params: {
      capacity: { type: 'integer', required: false, minimum: 1, maximum: 64, description: 'Absolute capacity.' },
      delta: { type: 'integer', required: false, minimum: 1, maximum: 16, description: 'Capacity to add (default 2).' },
    },
    risk: 'low',
    reversible: true,
    settleMs: 5_000,
  },
  enable_validation_cache: {
    type: 'enable_validation_cache',
    description: "Turn on Charter's validation cache to cut validation latency.",
    targetKind: 'service',
    params: {},
    risk: 'low',
    reversible: true,
    settleMs: 5_000,
  },
  reload_policies: {
    type: 'reload_policies',
    description: 'Ask Charter to reload its policies from their current versions.',
    targetKind: 'service',
    params: {},
    risk: 'low',
    reversible: false,
    settleMs: 5_000,
  },
  notify: {
    type: 'notify',
    description: 'Tell a human: record a notification (and post it to Alertmanager when configured).',
    targetKind: 'service',
    params: {
      message: { type: 'string', required: true, description: 'What to tell.' },
      team: { type: 'string', required: false, description: 'Team label for routing.' },
    },
    risk: 'low',
    reversible: false,
    settleMs: 0,
  },
};

export const ACTION_TYPES = Object.keys(ACTION_CATALOG) as ActionType[];

export function isActionType(s: string): s is ActionType {
  return Object.prototype.hasOwnProperty.call(ACTION_CATALOG, s);
}
