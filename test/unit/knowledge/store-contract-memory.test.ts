/** The KnowledgeStore contract (contract.ts) against the in-memory store. */
import { MemoryCollection, type StoredDoc } from '../../../src/knowledge/collection.js';
import { COLLECTION_NAMES, DocumentKnowledgeStore, type Collections } from '../../../src/knowledge/document-store.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import { resolveRetention } from '../../../src/knowledge/retention.js';
import { storeContract } from './contract.js';

storeContract('memory', {
  open: async (retention) => new MemoryKnowledgeStore(retention),
  // not durable: no reopen
  seed: async (docs) => {
    const c: Record<string, MemoryCollection> = {};
    for (const name of COLLECTION_NAMES) {
      c[name] = new MemoryCollection(name);
      for (const d of docs[name] ?? []) await c[name].upsert(d as StoredDoc);
    }
    return new DocumentKnowledgeStore(c as unknown as Collections, resolveRetention());
  },
});
