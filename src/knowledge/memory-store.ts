/** The knowledge store in memory: simulation and tests. Same queries as the nedb store. */
import { MemoryCollection } from './collection.js';
import { COLLECTION_NAMES, DocumentKnowledgeStore, type Collections } from './document-store.js';
import { resolveRetention, type RetentionOptions } from './retention.js';

export class MemoryKnowledgeStore extends DocumentKnowledgeStore {
  constructor(retention: Partial<RetentionOptions> = {}) {
    super(
      Object.fromEntries(COLLECTION_NAMES.map((name) => [name, new MemoryCollection(name)])) as unknown as Collections,
      resolveRetention(retention),
    );
  }
}
