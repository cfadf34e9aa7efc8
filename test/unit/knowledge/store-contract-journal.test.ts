/** The KnowledgeStore contract (contract.ts) against the durable store (journal files in nedb's format). */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NedbKnowledgeStore, openKnowledgeStore } from '../../../src/knowledge/index.js';
import { storeContract } from './contract.js';

const tmp = () => mkdtemp(join(tmpdir(), 'mapek-contract-'));

storeContract<NedbKnowledgeStore>('journal', {
  open: async (retention) => openKnowledgeStore(await tmp(), retention ? { retention } : {}),
  reopen: (s) => openKnowledgeStore(s.dir),
  seed: async (docs) => {
    const dir = await tmp();
    for (const [name, list] of Object.entries(docs)) await writeFile(join(dir, `${name}.db`), list.map((d) => `${JSON.stringify(d)}\n`).join(''));
    return openKnowledgeStore(dir);
  },
});
