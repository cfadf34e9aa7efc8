/** The knowledge store in memory: simulation and tests. Same queries as the nedb store. */
import { MemoryCollection } from './collection.js';
import { DocumentKnowledgeStore } from './document-store.js';
import { resolveRetention, type RetentionOptions } from './retention.js';

export class MemoryKnowledgeStore extends DocumentKnowledgeStore {
  constructor(retention: Partial<RetentionOptions> = {}) {
    super(
      {
        decisions: new MemoryCollection('decisions'),
        executions: new MemoryCollection('executions'),
        outcomes: new MemoryCollection('outcomes'),
        weights: new MemoryCollection('weights'),
        approvals: new MemoryCollection('approvals'),
        controller: new MemoryCollection('controller'),
      },
      resolveRetention(retention),
    );
  }
}
