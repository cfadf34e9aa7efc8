/** `mapek rules diff --base REF|DIR`: what-if for a rule change, replayed over the fixtures. */
import { stat } from 'node:fs/promises';
import { formatIssue } from '../types/errors.js';
import type { RuleSet } from '../types/rules.js';
import { compileRuleFiles, loadRuleSet } from '../rules/load.js';
import { diffPlans, renderDiff } from '../simulate/diff.js';
import { loadFixtures } from '../simulate/fixtures.js';
import { GitError, rulesAtRef } from '../simulate/git-rules.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';

const HELP = `usage: mapek rules diff --base REF|DIR [--rules DIR] [--fixtures DIR] [--json]

Replays the fixtures under the base rule set and under the current one and lists every
step whose plan (chosen actions) differs.

  --base REF|DIR   a directory of rule files, or a git revision (its copy of --rules)
  --rules DIR      the current rules (default: rules/)
  --fixtures DIR   fixtures to replay (default: fixtures/)
  --json           machine-readable list of differing steps

exit codes: 0 no differences, 1 differences (or invalid files), 2 usage`;

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function baseRuleSet(base: string, rulesDir: string, io: Io): Promise<RuleSet | undefined> {
  let loaded;
  if (await isDirectory(base)) loaded = await loadRuleSet([base]);
  else {
    try {
      loaded = compileRuleFiles(await rulesAtRef(base, rulesDir));
    } catch (err) {
      if (err instanceof GitError) throw new UsageError(`--base "${base}" is neither a directory nor a usable git revision: ${err.message}`);
      throw err;
    }
  }
  if (loaded.ok) return loaded.ruleSet;
  io.err(`mapek rules diff: the base rule set "${base}" is invalid:`);
  for (const i of loaded.issues) io.err(formatIssue(i));
  return undefined;
}

export const command: Command = {
  name: 'rules',
  summary: 'rule-set tools: `rules diff --base REF|DIR` (what-if for a rule change)',
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      base: { type: 'string' },
      rules: { type: 'string' },
      fixtures: { type: 'string' },
      json: { type: 'boolean' },
    }, HELP, io);
    if (args === null) return EXIT.ok;
    const [sub, ...extra] = args.positionals;
    if (sub !== 'diff') throw new UsageError(sub === undefined ? 'missing subcommand (try: mapek rules diff --base REF|DIR)' : `unknown subcommand "${sub}" (known: diff)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] ?? ''}"`);
    const base = args.values['base'];
    if (typeof base !== 'string' || base === '') throw new UsageError('missing --base REF|DIR');
    const rulesDir = (args.values['rules'] as string | undefined) ?? 'rules';
    const current = await loadRuleSet([rulesDir]);
    if (!current.ok) {
      io.err('mapek rules diff: the current rule set is invalid:');
      for (const i of current.issues) io.err(formatIssue(i));
      return EXIT.failed;
    }
    const baseSet = await baseRuleSet(base, rulesDir, io);
    if (baseSet === undefined) return EXIT.failed;
    // Fixtures are checked without a rule set: their rule ids may name rules only one side has.
    const fx = await loadFixtures([(args.values['fixtures'] as string | undefined) ?? 'fixtures']);
    if (fx.issues.length > 0) {
      for (const i of fx.issues) io.err(formatIssue(i));
      return EXIT.failed;
    }
    const diffs = await diffPlans(fx.fixtures, baseSet, current.ruleSet);
    if (args.values['json'] === true) {
      io.out(JSON.stringify({ base, baseHash: baseSet.hash, currentHash: current.ruleSet.hash, fixtures: fx.fixtures.length, differences: diffs }, null, 2));
    } else io.out(renderDiff(diffs, fx.fixtures.length, base));
    return diffs.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
