/** Parameter parsing per ACTION_CATALOG: types, enums, bounds, required and unknown names. */
import { ACTION_CATALOG, type ActionType } from '../../types/catalog.js';
import { MapekError } from '../../types/errors.js';

export class ActionParamError extends MapekError {
  constructor(message: string) {
    super(message, false);
    this.name = 'ActionParamError';
  }
}

export function parseParams(type: ActionType, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const spec = ACTION_CATALOG[type].params;
  const fail = (name: string, msg: string): never => {
    throw new ActionParamError(`action "${type}": param "${name}": ${msg}`);
  };
  for (const name of Object.keys(params)) if (!(name in spec)) fail(name, 'unknown parameter');
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec)) {
    const v = params[name];
    if (v === undefined) {
      if (p.required) fail(name, 'required');
      continue;
    }
    switch (p.type) {
      case 'string':
        if (typeof v !== 'string') fail(name, `expected a string, got ${JSON.stringify(v)}`);
        if (p.enum && !p.enum.includes(v as string)) fail(name, `expected one of ${p.enum.join(', ')}, got "${String(v)}"`);
        break;
      case 'integer':
      case 'number': {
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof n !== 'number' || Number.isNaN(n) || (p.type === 'integer' && !Number.isInteger(n))) fail(name, `expected ${p.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
        if (p.minimum !== undefined && (n as number) < p.minimum) fail(name, `must be ≥ ${p.minimum}, got ${String(n)}`);
        if (p.maximum !== undefined && (n as number) > p.maximum) fail(name, `must be ≤ ${p.maximum}, got ${String(n)}`);
        out[name] = n;
        continue;
      }
      case 'boolean':
        if (typeof v !== 'boolean') fail(name, `expected true or false, got ${JSON.stringify(v)}`);
        break;
    }
    out[name] = v;
  }
  return out;
}
