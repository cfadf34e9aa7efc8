/**
 * What `mapek validate` knows about a declared fact's PromQL, from the official grammar
 * (`@prometheus-io/lezer-promql`, the parser of Prometheus' own UI): syntax errors with their
 * offset, the labels the result keeps (to check `by:`), and the longest range it reads
 * (`[1m]`, `[5m:30s]`), which is the data window of an instant query.
 */
import { parser } from '@prometheus-io/lezer-promql';

type Node = NonNullable<ReturnType<typeof parser.parse>['topNode']['firstChild']>;

export interface PromqlError {
  /** 0-based offset in the query text. */
  readonly offset: number;
  readonly message: string;
}

/** The first syntax error, or undefined when the query parses. */
export function promqlError(q: string): PromqlError | undefined {
  if (q.trim() === '') return { offset: 0, message: 'invalid promql: empty query' };
  let found: PromqlError | undefined;
  parser.parse(q).iterate({
    enter(n) {
      if (found !== undefined) return false;
      if (!n.type.isError) return undefined;
      const near = q.slice(n.from, Math.min(q.length, n.from + 12));
      found = { offset: n.from, message: n.from >= q.length || near.trim() === '' ? 'invalid promql: unexpected end of query' : `invalid promql near ${JSON.stringify(near)}` };
      return false;
    },
  });
  return found;
}

/** Labels a result keeps: every label (minus some) from a selector, or a fixed set. */
export type Kept = { readonly all: true; readonly except: ReadonlySet<string> } | { readonly all: false; readonly labels: ReadonlySet<string> };

const NONE: Kept = { all: false, labels: new Set() };
const ALL: Kept = { all: true, except: new Set() };
/** Aggregations that keep their input's labels (they pick series, they do not merge them). */
const SELECTING = new Set(['Topk', 'Bottomk', 'LimitK', 'LimitRatio']);
const NO_LABELS = new Set(['Vector', 'Time', 'Scalar', 'Pi', 'Minute', 'Hour', 'Month', 'Year', 'DayOfMonth', 'DayOfWeek', 'DayOfYear', 'DaysInMonth']);
const EXPRESSIONS = new Set(['AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'OffsetExpr', 'ParenExpr', 'StringLiteral', 'SubqueryExpr', 'UnaryExpr', 'VectorSelector', 'StepInvariantExpr']);

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
}

const exprs = (n: Node): Node[] => children(n).filter((c) => EXPRESSIONS.has(c.type.name));

function union(a: Kept, b: Kept): Kept {
  if (a.all && b.all) return { all: true, except: new Set([...a.except].filter((l) => b.except.has(l))) };
  if (a.all) return { all: true, except: new Set([...a.except].filter((l) => !(b as { labels: ReadonlySet<string> }).labels.has(l))) };
  if (b.all) return union(b, a);
  return { all: false, labels: new Set([...a.labels, ...(b as { labels: ReadonlySet<string> }).labels]) };
}

function unquote(s: string): string {
  return s.length >= 2 ? s.slice(1, -1) : s;
}

function keptOf(n: Node, q: string): Kept {
  switch (n.type.name) {
    case 'AggregateExpr': {
      const op = n.getChild('AggregateOp')?.firstChild?.type.name ?? '';
      const body = n.getChild('FunctionCallBody');
      const inner = body === null ? NONE : exprs(body).map((e) => keptOf(e, q)).pop() ?? NONE;
      if (SELECTING.has(op)) return inner;
      const mod = n.getChild('AggregateModifier');
      if (mod === null) return NONE;
      const labels = new Set((mod.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((l) => q.slice(l.from, l.to)));
      if (mod.getChild('Without') === null) return { all: false, labels };
      return inner.all ? { all: true, except: new Set([...inner.except, ...labels]) } : { all: false, labels: new Set([...inner.labels].filter((l) => !labels.has(l))) };
    }
    case 'FunctionCall': {
      const fn = n.getChild('FunctionIdentifier')?.firstChild?.type.name ?? '';
      if (NO_LABELS.has(fn)) return NONE;
      const args = exprs(n.getChild('FunctionCallBody') ?? n);
      let kept = args.filter((a) => a.type.name !== 'StringLiteral' && a.type.name !== 'NumberDurationLiteral').map((a) => keptOf(a, q)).reduce(union, NONE);
      const dst = args[1];
      if ((fn === 'LabelReplace' || fn === 'LabelJoin') && dst !== undefined && dst.type.name === 'StringLiteral') kept = union(kept, { all: false, labels: new Set([unquote(q.slice(dst.from, dst.to))]) });
      return kept;
    }
    case 'BinaryExpr':
      return exprs(n).map((e) => keptOf(e, q)).reduce(union, NONE);
    case 'VectorSelector':
      return ALL;
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return NONE;
    default: {
      const [first] = exprs(n);
      return first === undefined ? ALL : keptOf(first, q);
    }
  }
}

/** The labels the query's result keeps; undefined when it does not parse. */
export function keptLabels(q: string): Kept | undefined {
  if (promqlError(q) !== undefined) return undefined;
  const top = parser.parse(q).topNode.firstChild;
  return top === null ? NONE : keptOf(top, q);
}

export function keeps(k: Kept, label: string): boolean {
  return k.all ? !k.except.has(label) : k.labels.has(label);
}

const UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** Milliseconds of a PromQL duration such as 1m, 1h30m or 90s; null when it is not one. */
export function promDurationMs(s: string): number | null {
  if (!/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * (UNIT[m[2] ?? 's'] ?? 0);
  return total;
}

/** The longest range selector or subquery range in the query, in ms (0: none, or no parse). */
export function longestRangeMs(q: string): number {
  let best = 0;
  parser.parse(q).iterate({
    enter(n) {
      if (n.type.name !== 'MatrixSelector' && n.type.name !== 'SubqueryExpr') return;
      const d = n.node.getChild('DurationExpr');
      const ms = d === null ? null : promDurationMs(q.slice(d.from, d.to));
      if (ms !== null && ms > best) best = ms;
    },
  });
  return best;
}
