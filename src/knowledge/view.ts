/**
 * A read-only view of a knowledge directory for the CLI: the files are parsed, never opened
 * as a store (opening compacts, i.e. rewrites, the file the running service appends to).
 * Every document is still checked on read; a bad one is skipped (quarantined in memory only).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MapekError } from '../types/errors.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import { MemoryCollection, type StoredDoc } from './collection.js';
import { DocumentKnowledgeStore, openCollections, type Collections } from './document-store.js';
import { readDocuments } from './file-scan.js';
import { resolveRetention } from './retention.js';

export async function openReadonlyView(dir: string): Promise<ExtendedKnowledgeStore> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new MapekError(`no knowledge store at "${dir}"`, false);
  }
  const load = async (name: keyof Collections): Promise<MemoryCollection> => {
    const c = new MemoryCollection(name);
    for (const doc of (await readDocuments(join(dir, `${name}.db`))).values()) await c.upsert(doc as StoredDoc);
    return c;
  };
  const collections = await openCollections(load);
  return new DocumentKnowledgeStore(collections, resolveRetention({ retainEvery: Number.MAX_SAFE_INTEGER }));
}
