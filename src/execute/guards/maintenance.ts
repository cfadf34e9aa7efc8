/**
 * Maintenance windows: no action inside one. Two forms, both UTC, kept deliberately simple:
 *   { start: ISO-8601, end: ISO-8601 }                       an explicit range
 *   { days: ['sat', 'sun'], from: 'HH:MM', to: 'HH:MM' }     weekly; `to` < `from` wraps midnight
 * (`days` omitted: every day).
 */
import { MapekError } from '../../types/errors.js';

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export type MaintenanceWindow =
  | { readonly kind: 'range'; readonly start: number; readonly end: number; readonly label: string }
  | { readonly kind: 'weekly'; readonly days: readonly Weekday[]; readonly fromMin: number; readonly toMin: number; readonly label: string };

function bad(field: string, message: string): never {
  throw new MapekError(`executor option ${field}: ${message}`, false);
}

function minutes(v: unknown, field: string): number {
  const m = typeof v === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v) : null;
  if (!m) bad(field, `expected "HH:MM" (UTC), got ${JSON.stringify(v)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function parseWindow(w: unknown, field: string): MaintenanceWindow {
  if (w === null || typeof w !== 'object') bad(field, 'expected an object');
  const o = w as Record<string, unknown>;
  if (o['kind'] === 'range' || o['kind'] === 'weekly') return w as MaintenanceWindow; // already resolved
  if ('start' in o || 'end' in o) {
    const start = Date.parse(String(o['start']));
    const end = Date.parse(String(o['end']));
    if (Number.isNaN(start)) bad(`${field}.start`, `expected an ISO-8601 time, got ${JSON.stringify(o['start'])}`);
    if (Number.isNaN(end)) bad(`${field}.end`, `expected an ISO-8601 time, got ${JSON.stringify(o['end'])}`);
    if (end <= start) bad(field, 'end must be after start');
    return { kind: 'range', start, end, label: `${String(o['start'])}–${String(o['end'])}` };
  }
  const days = o['days'] === undefined ? WEEKDAYS : o['days'];
  if (!Array.isArray(days) || days.some((d) => !WEEKDAYS.includes(d as Weekday))) {
    bad(`${field}.days`, `expected a list of ${WEEKDAYS.join(', ')}`);
  }
  const fromMin = minutes(o['from'], `${field}.from`);
  const toMin = minutes(o['to'], `${field}.to`);
  const label = `${(days as string[]).join(',')} ${String(o['from'])}–${String(o['to'])} UTC`;
  return { kind: 'weekly', days: days as Weekday[], fromMin, toMin, label };
}

/** The window `now` falls in, if any. */
export function activeWindow(windows: readonly MaintenanceWindow[], now: number): MaintenanceWindow | undefined {
  const d = new Date(now);
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  const today = WEEKDAYS[d.getUTCDay()] as Weekday;
  const yesterday = WEEKDAYS[(d.getUTCDay() + 6) % 7] as Weekday;
  return windows.find((w) => {
    if (w.kind === 'range') return now >= w.start && now < w.end;
    if (w.fromMin <= w.toMin) return w.days.includes(today) && minute >= w.fromMin && minute < w.toMin;
    // wraps midnight: the evening part belongs to today, the morning part to yesterday's window
    return (w.days.includes(today) && minute >= w.fromMin) || (w.days.includes(yesterday) && minute < w.toMin);
  });
}
