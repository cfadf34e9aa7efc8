/** The PostgreSQL knowledge store and what the service and the CLI need around it. */
export { PostgresKnowledgeStore, type PostgresStoreOptions } from './store.js';
export { StoreUnavailableError, describeUrl, isPostgresUrl, type ConnectionOptions } from './connection.js';
export { SchemaVersionError } from './migrate.js';
