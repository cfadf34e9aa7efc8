/**
 * One module per action type. The apply stage drives every module the same way:
 * read → desired → same? → write(desired); rollback is write(prior) after checking that the
 * target still holds what we wrote; after a crash `landed` tells whether the write took.
 */
import type { AlertmanagerApi, CharterApi, Versioned, WriteOptions } from '../../types/ports.js';
import type { ActionType } from '../../types/catalog.js';
import type { Condition } from '../../types/rules.js';

export interface ActionContext {
  readonly charter: CharterApi;
  readonly alertmanager?: AlertmanagerApi;
  /** Recorded with writes (Charter's appliedBy / reason). */
  readonly reason: string;
}

export type Landed = 'yes' | 'no' | 'unknown';

export interface ActionModule<S = unknown> {
  readonly type: ActionType;
  /** Current state of the target, with the ETag to write back with. */
  read(ctx: ActionContext, target: string): Promise<Versioned<S>>;
  /** The state the action wants, from the current one (pure; params already parsed). */
  desired(current: S, params: Readonly<Record<string, unknown>>, target: string): S;
  /** True when `current` already holds what `desired` asks for: nothing to write. */
  same(current: S, desired: S): boolean;
  write(ctx: ActionContext, target: string, state: S, opts: WriteOptions): Promise<void>;
  /** After a crash between write and record: did the write land? 'unknown' replays it under its idempotency key. */
  landed(current: S, prior: S, desired: S): Landed;
  /** Checked after the settle time when the rule's verify conditions are empty. */
  readonly defaultVerify: Condition;
}

/** Default verification: the incident has no firing alert any more. */
export const INCIDENT_CLEARS: Condition = { all: [{ fact: 'severity', operator: 'equal', value: 'none' }] };

export function isEmptyCondition(c: Condition): boolean {
  return ('all' in c && c.all.length === 0) || ('any' in c && c.any.length === 0);
}
