/** The demo's timeline: one event per thing worth telling, printable as text or JSON. */
export type DemoEvent =
  | { readonly kind: 'start'; readonly t: number; readonly charterUrl: string; readonly seed: number; readonly faults: number; readonly mode: 'embedded' | 'stack' }
  | { readonly kind: 'fault_injected'; readonly t: number; readonly fault: string; readonly subject: string; readonly incident: string }
  | { readonly kind: 'detected'; readonly t: number; readonly incident: string; readonly alerts: readonly string[]; readonly afterMs: number }
  | { readonly kind: 'analysis'; readonly t: number; readonly incident: string; readonly derived: Readonly<Record<string, unknown>> }
  | { readonly kind: 'plan'; readonly t: number; readonly incident: string; readonly rule: string; readonly action: string; readonly target: string; readonly why: string; readonly alternatives: readonly string[] }
  | { readonly kind: 'action'; readonly t: number; readonly action: string; readonly target: string; readonly status: string; readonly detail?: string }
  /** Held by hysteresis: the incident must be seen in `needs` consecutive cycles first (`seen` so far, when known). Not an error. */
  | { readonly kind: 'waiting'; readonly t: number; readonly action: string; readonly target: string; readonly needs: number; readonly seen?: number }
  | { readonly kind: 'verification'; readonly t: number; readonly action: string; readonly target: string; readonly result: string }
  | { readonly kind: 'outcome'; readonly t: number; readonly fault: string; readonly subject: string; readonly remediated: boolean; readonly by?: string; readonly detectMs?: number; readonly remediateMs?: number }
  | { readonly kind: 'weights'; readonly t: number; readonly changes: readonly WeightLineInput[] }
  | { readonly kind: 'summary'; readonly t: number; readonly summary: DemoSummary };

export interface DemoIncidentResult {
  readonly fault: string;
  readonly subject: string;
  readonly detected: boolean;
  readonly remediated: boolean;
  readonly by?: string;
  readonly detectMs?: number;
  readonly remediateMs?: number;
  readonly actions: number;
}

export interface DemoSummary {
  readonly incidents: readonly DemoIncidentResult[];
  readonly remediated: number;
  readonly successRate: number;
  readonly meanDetectMs?: number;
  readonly meanRemediateMs?: number;
  readonly cycles: number;
  readonly durationMs: number;
}

const secs = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)}s`);

function brief(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** What the demo shows of one weight change (src/types/execution.ts WeightChange). */
export interface WeightLineInput {
  /** The stored key: `rule|situation` for a situated weight, else the rule id. */
  readonly rule: string;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
  readonly situation?: string;
  readonly estimate?: { readonly mean: number; readonly sd: number; readonly prior: number };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/**
 * `rule in Situation: 1/1 ok, success 83% ± 15% (declared 90%); priority × 0.68 (was × 1.00)`.
 * The weight is a multiplier on the rule's priority, not a score of the rule: as evidence
 * grows the priority's say fades (docs/LEARNING.md), so the multiplier can fall after a
 * success — the line then says so instead of reading as a penalty.
 */
export function weightLine(c: WeightLineInput): string {
  const m = /^(\d+)\/(\d+) succeeded/.exec(c.reason);
  const rule = c.situation !== undefined && c.rule.endsWith(`|${c.situation}`) ? `${c.rule.slice(0, -c.situation.length - 1)} in ${c.situation}` : c.rule;
  const ok = m ? `${m[1]}/${m[2]} ok` : undefined;
  const e = c.estimate;
  const est = e ? `success ${pct(e.mean)} ± ${pct(e.sd)} (declared ${pct(e.prior)})` : undefined;
  const what = [ok, est].filter((x) => x !== undefined).join(', ');
  const fades = e !== undefined && c.to < c.from && e.mean >= e.prior ? ': the priority counts less as evidence grows' : '';
  return `${rule}${what ? `: ${what};` : ''} priority × ${c.to.toFixed(2)} (was × ${c.from.toFixed(2)})${fades}`;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** `waiting for a second sighting (hysteresis 2 cycles)`; `2 more sightings` when more than one is missing. */
export function waitingText(needs: number, seen: number | undefined): string {
  const hysteresis = `(hysteresis ${needs} cycle${needs === 1 ? '' : 's'})`;
  if (seen === undefined || seen >= needs) return `waiting for the incident to be seen again ${hysteresis}`;
  const missing = needs - seen;
  if (missing > 1) return `waiting for ${missing} more sightings ${hysteresis}`;
  return `waiting for a ${ORDINALS[needs - 1] ?? `${needs}th`} sighting ${hysteresis}`;
}

/** One readable line per event (the summary and weight changes are several). */
export function formatEvent(e: DemoEvent): string {
  const at = `[${secs(e.t).padStart(6)}]`;
  switch (e.kind) {
    case 'start':
      return `mapek demo — the real loop against a reference Charter at ${e.charterUrl} (seed ${e.seed}, ${e.faults} faults, ${e.mode === 'stack' ? 'through Prometheus + Alertmanager' : 'no Prometheus: alerts evaluated in-process'})\n`;
    case 'fault_injected':
      return `${at} ⚡ fault injected   ${e.fault} on ${e.subject}`;
    case 'detected':
      return `${at} 🔎 detected         ${e.incident}: ${e.alerts.join(', ')} (${secs(e.afterMs)} after injection)`;
    case 'analysis': {
      const facts = Object.entries(e.derived).slice(0, 4).map(([k, v]) => `${k}=${brief(v)}`);
      return `${at} 🧠 analysis         ${e.incident}: ${facts.join(', ') || 'no derived facts'}`;
    }
    case 'plan':
      return `${at} 📋 plan             ${e.action} → ${e.target} (rule ${e.rule}; ${e.why})${e.alternatives.length ? `; beat ${e.alternatives.join(', ')}` : ''}`;
    case 'action':
      return `${at} 🔧 action           ${e.action} → ${e.target}: ${e.status}${e.detail ? ` (${e.detail})` : ''}`;
    case 'waiting':
      return `${at} ⏳ confirming       ${e.action} → ${e.target}: ${waitingText(e.needs, e.seen)}`;
    case 'verification':
      return `${at} ✅ verification     ${e.action} → ${e.target}: ${e.result}`;
    case 'outcome':
      return e.remediated
        ? `${at} 🎯 outcome          ${e.fault} on ${e.subject} cleared by ${e.by ?? '?'} — detected in ${secs(e.detectMs)}, remediated in ${secs(e.remediateMs)}\n`
        : `${at} ❌ outcome          ${e.fault} on ${e.subject} NOT remediated in time\n`;
    case 'weights':
      // one short line per rule; the full reason stays in the store (`mapek knowledge weights --explain`)
      return e.changes.map((c) => `${at} ⚖️  weight           ${weightLine(c)}`).join('\n');
    case 'summary': {
      const s = e.summary;
      const rows = s.incidents.map(
        (i) => `  ${i.fault.padEnd(22)} ${i.subject.padEnd(18)} ${(i.remediated ? `fixed by ${i.by ?? '?'}` : 'not fixed').padEnd(34)} detect ${secs(i.detectMs).padStart(6)}  remediate ${secs(i.remediateMs).padStart(6)}`,
      );
      return [
        'summary',
        ...rows,
        `  incidents ${s.incidents.length}, remediated ${s.remediated} (success rate ${(s.successRate * 100).toFixed(0)}%), mean time to detect ${secs(s.meanDetectMs)}, mean time to remediate ${secs(s.meanRemediateMs)}, ${s.cycles} cycles in ${secs(s.durationMs)}`,
      ].join('\n');
    }
    default: {
      const never: never = e;
      return String(never);
    }
  }
}
