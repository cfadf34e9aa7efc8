/**
 * Read a rule directory as it was at a git revision: `git ls-tree` lists the files, `git
 * show REV:PATH` reads each. execFile, never a shell: the ref is an argument, not code.
 */
import { execFile } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { RuleFileText } from '../rules/load.js';

const run = promisify(execFile);

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

async function git(args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new GitError(`git ${args[0] ?? ''} failed: ${stderr || (err instanceof Error ? err.message : String(err))}`);
  }
}

/**
 * The *.yaml / *.yml files under `dir` at `ref`, named `REF:path` in messages. The
 * repository is the one holding `dir` (it must exist in the working tree).
 */
export async function rulesAtRef(ref: string, dir: string): Promise<RuleFileText[]> {
  const cwd = resolve(dir);
  if (ref.startsWith('-')) throw new GitError(`invalid git ref "${ref}"`);
  const commit = (await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd).catch(() => {
    throw new GitError(`unknown git ref "${ref}"`);
  })).trim();
  const top = (await git(['rev-parse', '--show-toplevel'], cwd)).trim();
  const rel = relative(top, cwd).split('\\').join('/');
  const listing = await git(['ls-tree', '-r', '--name-only', commit, '--', rel === '' ? '.' : rel], top);
  const files = listing.split('\n').filter((f) => /\.ya?ml$/.test(f)).sort();
  const texts: RuleFileText[] = [];
  for (const f of files) texts.push({ file: `${ref}:${f}`, text: await git(['show', `${commit}:${f}`], top) });
  return texts;
}
