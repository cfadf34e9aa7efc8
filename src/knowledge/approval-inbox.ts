/**
 * `mapek approve/reject` must not write the service's nedb files (two writers on one
 * append-only file lose records), so it leaves one small file per verdict in
 * `<dir>/approvals-inbox/`; the service takes them in on its next cycle (syncApprovals).
 */
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Verdict {
  readonly id: string;
  readonly state: 'approved' | 'rejected';
  readonly by: string;
  readonly reason?: string;
  readonly at: string;
}

export const INBOX = 'approvals-inbox';

export async function writeVerdict(dir: string, v: Verdict): Promise<string> {
  const inbox = join(dir, INBOX);
  await mkdir(inbox, { recursive: true });
  const file = join(inbox, `${v.id}.json`);
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(v)}\n`);
  await rename(tmp, file); // atomic: the service never reads half a verdict
  return file;
}

/** Reads and removes every verdict in the inbox; unreadable files are left for a human. */
export async function takeVerdicts(dir: string): Promise<Verdict[]> {
  const inbox = join(dir, INBOX);
  let names: string[];
  try {
    names = await readdir(inbox);
  } catch {
    return [];
  }
  const out: Verdict[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(inbox, name);
    try {
      out.push(JSON.parse(await readFile(file, 'utf8')) as Verdict);
      await unlink(file);
    } catch {
      // leave it: a later cycle or a human can look at it
    }
  }
  return out;
}
