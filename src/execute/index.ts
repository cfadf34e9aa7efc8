/** Execute: the composition API the service wires. */
export { createExecutor } from './executor.js';
export type { ExecutorDeps, ExecLog, ExecutorHooks, VerifyFn, VerifyOutcome } from './deps.js';
export { DEFAULT_EXECUTOR_OPTIONS, resolveExecutorOptions, type BucketOptions, type ExecutorOptions, type ExecutorOptionsInput } from './options.js';
export { ACTIONS, actionModule, type ActionModule } from './actions/index.js';
export { BREAKER_ALERT } from './breaker-alert.js';
export { NOTIFICATION_ALERT } from './actions/notify.js';
export type { MaintenanceWindow } from './guards/maintenance.js';
