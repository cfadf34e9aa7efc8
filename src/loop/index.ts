export { runCycle, CycleAbortedError, type CycleDeps, type CycleReport, type CycleStatus } from './cycle.js';
export { Controller, type ControllerOptions } from './controller.js';
export { Alarm, realTimers, type Timers } from './scheduler.js';
export { cycleIdGenerator } from './ids.js';
