/**
 * Alertmanager's alert fingerprint: FNV-1a 64 over the sorted label pairs, each name and
 * value followed by 0xff, as 16 hex digits (prometheus/common model.LabelSet.Fingerprint).
 * Alerts read from Prometheus ALERTS then group with the same alerts seen via Alertmanager.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  let h = OFFSET;
  const names = Object.keys(labels).sort();
  const add = (bytes: Uint8Array): void => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  };
  const enc = new TextEncoder();
  for (const n of names) {
    add(enc.encode(n));
    add(Uint8Array.of(0xff));
    add(enc.encode(labels[n] ?? ''));
    add(Uint8Array.of(0xff));
  }
  return h.toString(16).padStart(16, '0');
}
