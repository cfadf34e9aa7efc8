/**
 * The commands: name, one-line summary, and the compiled module (dist/src/cli/) with the
 * export that holds it. Data only — importing this loads no command. src/cli/main.ts imports
 * every command statically (tests, in-process use); bin/mapek.js loads only the one it runs
 * from this fixed table (a name not in it never reaches an import).
 */
export interface CommandEntry {
  readonly summary: string;
  /** File in src/cli/ (compiled name). */
  readonly module: string;
  /** Its export holding the Command. */
  readonly export: string;
}

export const COMMAND_TABLE: Readonly<Record<string, CommandEntry>> = Object.freeze({
  validate: { summary: 'check rule files and fixtures; FILE:LINE:COL for every issue', module: 'validate.js', export: 'command' },
  simulate: { summary: 'replay fixtures through the planner and check their expectations', module: 'simulate.js', export: 'command' },
  rules: { summary: 'rule-set tools: `rules diff --base REF|DIR` (what-if for a rule change)', module: 'rules.js', export: 'command' },
  run: { summary: 'run the controller as a service', module: 'run.js', export: 'command' },
  demo: { summary: 'run the loop against an in-process reference Charter with injected faults', module: 'demo.js', export: 'command' },
  record: { summary: 'record live snapshots into a simulation fixture', module: 'record.js', export: 'command' },
  charter: { summary: 'start the reference Charter service', module: 'charter.js', export: 'command' },
  approve: { summary: 'approve a high-risk action waiting in the queue (locally or --url)', module: 'approve.js', export: 'approve' },
  reject: { summary: 'reject a high-risk action waiting in the queue (locally or --url)', module: 'approve.js', export: 'reject' },
  knowledge: { summary: 'inspect the knowledge store: `weights [--explain]`, `history`, `shadow`, `audit` (against Charter)', module: 'knowledge.js', export: 'command' },
  explain: { summary: 'print one decision in full', module: 'explain.js', export: 'command' },
});
