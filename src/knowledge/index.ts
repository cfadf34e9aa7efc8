/** Knowledge: the stores, the learner and its driver. */
export { MemoryKnowledgeStore } from './memory-store.js';
export { NedbKnowledgeStore, openKnowledgeStore, SCHEMA_VERSION, type NedbStoreOptions } from './nedb-store.js';
export { StoreSpaceError, StoreWriteError } from './journal-file.js';
export { StoreClosedError } from './fence.js';
export { DEFAULT_RETENTION, type RetentionOptions } from './retention.js';
export { writeVerdict, takeVerdicts, type Verdict } from './approval-inbox.js';
export { learn, situationStats, changeSince, trendOf, markOf, isNewOutcome, ruleInfo, weightFor, exponentOf, DEFAULT_LEARNER_OPTIONS, type LearnerOptions, type LearnInput, type LearnResult, type SituationStats, type PlanRuleInfo } from './learner.js';
export { credit, uncredited, type Credit } from './credit.js';
export { relearn, planRuleIds, planRulesOf, LEARN_WINDOW } from './relearn.js';
export { openReadonlyView } from './view.js';
export { PostgresKnowledgeStore, StoreUnavailableError, SchemaVersionError, describeUrl, isPostgresUrl, type PostgresStoreOptions, type ConnectionOptions } from './postgres/index.js';
export { openStore, openStoreView, describeStore, type StoreLocation, type OpenStoreOptions } from './open-store.js';
export { exportRecords, importRecords, parseTransfer, TRANSFER_ORDER, type ImportSummary, type TransferLine } from './transfer.js';
