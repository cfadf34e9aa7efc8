/** Every action type's module. A Record over ActionType: a new catalog type is a compile error here. */
import type { ActionType } from '../../types/catalog.js';
import type { ActionModule } from './action.js';
import { enableValidationCache } from './enable-validation-cache.js';
import { notify } from './notify.js';
import { quarantineTarget } from './quarantine-target.js';
import { reloadPolicies } from './reload-policies.js';
import { rollbackPolicy } from './rollback-policy.js';
import { scaleCommittee } from './scale-committee.js';
import { setEnforcementMode } from './set-enforcement-mode.js';

export const ACTIONS: Readonly<Record<ActionType, ActionModule<never>>> = {
  rollback_policy: rollbackPolicy as ActionModule<never>,
  set_enforcement_mode: setEnforcementMode as ActionModule<never>,
  quarantine_target: quarantineTarget as ActionModule<never>,
  scale_committee: scaleCommittee as ActionModule<never>,
  enable_validation_cache: enableValidationCache as ActionModule<never>,
  reload_policies: reloadPolicies as ActionModule<never>,
  notify: notify as ActionModule<never>,
};

export function actionModule(type: ActionType): ActionModule<unknown> {
  return ACTIONS[type] as unknown as ActionModule<unknown>;
}

export type { ActionContext, ActionModule, Landed } from './action.js';
export { INCIDENT_CLEARS, isEmptyCondition } from './action.js';
export { ActionParamError, parseParams } from './params.js';
