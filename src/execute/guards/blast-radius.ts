/**
 * Blast radius: never quarantine more than a share of all targets. Counts from Charter's
 * target list (authoritative); when Charter cannot answer, from the snapshot's
 * metrics.quarantinedShare; with neither, refuses (unknown radius is not a small one).
 */
import type { Snapshot } from '../../types/snapshot.js';
import type { ExecState } from '../state.js';

export function shareAfter(quarantined: number, total: number): number {
  return total > 0 ? (quarantined + 1) / total : 1;
}

export async function blastRadiusBlock(st: ExecState, s: Snapshot, maxShare: number): Promise<string | undefined> {
  let share: number | undefined;
  let basis: string;
  try {
    const targets = await st.charter.listTargets();
    const q = targets.filter((t) => t.quarantined).length;
    share = shareAfter(q, targets.length);
    basis = `${q + 1} of ${targets.length} targets`;
  } catch {
    const m = s.metrics['quarantinedShare']?.[0]?.value;
    if (m === undefined || !Number.isFinite(m)) return 'blast radius unknown: Charter\'s target list and metrics.quarantinedShare are unavailable';
    share = m;
    basis = `metrics.quarantinedShare ${m.toFixed(2)} before this one`;
    if (share >= maxShare) return `quarantining would exceed ${Math.round(maxShare * 100)}% of targets (${basis})`;
    return undefined;
  }
  if (share > maxShare) return `quarantining would exceed ${Math.round(maxShare * 100)}% of targets (${basis})`;
  return undefined;
}
