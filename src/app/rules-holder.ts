import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { formatIssue, type ValidationIssue } from '../types/errors.js';
import type { Planner } from '../types/ports.js';
import type { RuleSet } from '../types/rules.js';

export type RuleLoader = (paths: readonly string[]) => Promise<
  { readonly ok: true; readonly ruleSet: RuleSet; readonly warnings: readonly ValidationIssue[] } | { readonly ok: false; readonly issues: readonly ValidationIssue[] }
>;

export type ReloadOutcome =
  | { readonly ok: true; readonly hash: string; readonly changed: boolean }
  | { readonly ok: false; readonly issues: readonly string[] };

/**
 * Holds the rule set in force and its planner. A reload goes through the same loader as
 * `mapek validate`; an invalid edit is logged with file and line and the previous rule set
 * stays (metrics: mapek_ruleset_last_reload_successful, mapek_ruleset_info{hash}).
 */
export class RuleSetHolder {
  private state: { ruleSet: RuleSet; planner: Planner } | undefined;
  private reloading: Promise<ReloadOutcome> | undefined;
  private again = false;

  constructor(
    private readonly paths: readonly string[],
    private readonly load: RuleLoader,
    private readonly makePlanner: (rs: RuleSet) => Planner,
    private readonly log: Logger,
    private readonly metrics?: ServiceMetrics,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {}

  loaded(): boolean {
    return this.state !== undefined;
  }

  ruleSet(): RuleSet | undefined {
    return this.state?.ruleSet;
  }

  /** The planner in force; throws before the first successful load. */
  planner(): Planner {
    if (this.state === undefined) throw new Error('no rule set loaded');
    return this.state.planner;
  }

  /** Loads the rule files; overlapping calls are serialised and coalesced into one more load. */
  reload(): Promise<ReloadOutcome> {
    if (this.reloading !== undefined) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = this.loadOnce().finally(() => {
      this.reloading = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.reloading;
  }

  private async loadOnce(): Promise<ReloadOutcome> {
    let result: Awaited<ReturnType<RuleLoader>>;
    try {
      result = await this.load(this.paths);
    } catch (err) {
      result = { ok: false, issues: [{ file: this.paths.join(', '), line: 0, column: 0, path: '', message: err instanceof Error ? err.message : String(err) }] };
    }
    if (!result.ok) {
      const issues = result.issues.map(formatIssue);
      this.metrics?.lastReloadSuccess.set(0);
      this.log.error(this.state === undefined ? 'rule files invalid; no rule set loaded' : 'rule reload rejected; previous rule set stays in force', {
        issues,
        keptHash: this.state?.ruleSet.hash,
      });
      return { ok: false, issues };
    }
    for (const w of result.warnings) this.log.warn('rule warning', { issue: formatIssue(w) });
    const changed = this.state?.ruleSet.hash !== result.ruleSet.hash;
    let planner: Planner;
    try {
      planner = changed || this.state === undefined ? this.makePlanner(result.ruleSet) : this.state.planner;
    } catch (err) {
      const issues = [`${this.paths.join(', ')}: ${err instanceof Error ? err.message : String(err)}`];
      this.metrics?.lastReloadSuccess.set(0);
      this.log.error('rule set rejected by the planner; previous rule set stays in force', { issues });
      return { ok: false, issues };
    }
    this.state = { ruleSet: result.ruleSet, planner };
    this.metrics?.lastReloadSuccess.set(1);
    this.metrics?.lastReloadTime.set(this.nowSeconds());
    this.metrics?.setRuleSet(result.ruleSet.hash);
    if (changed) this.log.info('rule set loaded', { hash: result.ruleSet.hash, rules: result.ruleSet.rules.length, files: result.ruleSet.files.length });
    return { ok: true, hash: result.ruleSet.hash, changed };
  }
}
