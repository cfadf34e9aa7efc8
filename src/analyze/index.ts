/** Analyze + Plan: the planner the service and `mapek simulate` share. */
export { createPlanner, analyzeIncident, planIncident, decisionId, type PlannerOptions, type AnalyzedIncident } from './planner.js';
export { verifyCondition, type VerifyOutcome } from './verify.js';
export { compileRuleSet, type CompiledRule, type CompiledRuleSet } from './compiled-rules.js';
export { FixpointError } from './errors.js';
export { DEFAULT_MAX_PASSES } from './chain.js';
export { globalFacts, observedFacts, metricValue } from './facts.js';
