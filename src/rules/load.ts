/**
 * Reads rule files from disk and compiles them with compileRuleFiles (the one code path).
 * Paths are files or directories; directories are searched recursively for *.yaml and
 * *.yml, sorted so the result (and its hash) does not depend on directory order.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidationIssue } from '../types/errors.js';
import { compileRuleFiles, type LoadResult, type RuleFileText } from './compile.js';

export type { LoadResult, RuleFileText } from './compile.js';
export { compileRuleFiles } from './compile.js';

const YAML_FILE = /\.ya?ml$/;

/** Every *.yaml|*.yml below the given paths (files given explicitly are kept as they are). */
export async function findYamlFiles(paths: readonly string[]): Promise<{ files: string[]; issues: ValidationIssue[] }> {
  const files = new Set<string>();
  const issues: ValidationIssue[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && YAML_FILE.test(e.name)) files.add(p);
    }
  };
  for (const p of paths) {
    try {
      if ((await stat(p)).isDirectory()) await walk(p);
      else files.add(p);
    } catch (err) {
      issues.push({ file: p, line: 0, column: 0, path: '', message: fsMessage(err) });
    }
  }
  return { files: [...files].sort(), issues };
}

/** Read the texts of `files`; unreadable ones become issues. */
export async function readTexts(files: readonly string[]): Promise<{ texts: RuleFileText[]; issues: ValidationIssue[] }> {
  const texts: RuleFileText[] = [];
  const issues: ValidationIssue[] = [];
  for (const file of files) {
    try {
      texts.push({ file, text: await readFile(file, 'utf8') });
    } catch (err) {
      issues.push({ file, line: 0, column: 0, path: '', message: fsMessage(err) });
    }
  }
  return { texts, issues };
}

/** Load and compile a rule set; never throws for bad input. */
export async function loadRuleSet(paths: readonly string[]): Promise<LoadResult> {
  const found = await findYamlFiles(paths);
  const read = await readTexts(found.files);
  const problems = [...found.issues, ...read.issues];
  if (read.texts.length === 0 && problems.length === 0) {
    problems.push({ file: paths.join(', ') || '(none)', line: 0, column: 0, path: '', message: 'no rule files (*.yaml, *.yml) found' });
  }
  const result = compileRuleFiles(read.texts);
  if (problems.length === 0) return result;
  const issues = result.ok ? problems : [...problems, ...result.issues.filter((i) => i.message !== 'no rule files given')];
  return { ok: false, issues, warnings: result.warnings };
}

function fsMessage(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return `cannot read: ${err instanceof Error ? err.message : String(err)}`.toLowerCase();
}
