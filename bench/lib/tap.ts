/** pass / fail / skip / todo counts from the summary lines of TAP output (ava --tap). */
export function tapCounts(tap: string): { pass: number; fail: number; skip: number; todo: number } {
  const n = (k: string): number => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(tap)?.[1] ?? 0);
  return { pass: n('pass'), fail: n('fail'), skip: n('skip'), todo: n('todo') };
}
