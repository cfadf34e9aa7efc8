import test from 'ava';
import { OPERATORS, operator } from '../../../src/analyze/operators/index.js';
import { OPERATOR_NAMES } from '../../../src/types/operators.js';

const op = (name: string) => {
  const f = operator(name);
  if (f === undefined) throw new Error(`no operator ${name}`);
  return f;
};

test('every operator of the shared vocabulary is implemented, nothing else', (t) => {
  t.deepEqual(Object.keys(OPERATORS).sort(), [...OPERATOR_NAMES].sort());
  t.is(operator('toString'), undefined);
});

test('a missing or null fact is false for every operator except exists', (t) => {
  const values: Record<string, unknown> = {
    equal: 1, notEqual: 1, lessThan: 1, lessThanInclusive: 1, greaterThan: 1, greaterThanInclusive: 1,
    in: [1], notIn: [1], contains: 1, doesNotContain: 1, matches: 'x', between: [0, 1], labelMatch: { a: 'b' },
    containsAny: [1], lengthAtLeast: 0,
  };
  for (const [name, v] of Object.entries(values)) {
    t.false(op(name)(undefined, v), `${name}(undefined)`);
    t.false(op(name)(null, v), `${name}(null)`);
  }
  t.true(op('exists')(undefined, false));
  t.true(op('exists')(null, false));
  t.false(op('exists')(null, true));
  t.true(op('exists')(0, true));
  t.false(op('exists')(0, 'yes'));
});

test('a missing compared-to value is false too', (t) => {
  t.false(op('notEqual')(1, undefined));
  t.false(op('equal')(null, null));
});

test('built-ins: strict equality, numbers only for comparisons, arrays and strings for contains', (t) => {
  t.true(op('equal')('a', 'a'));
  t.false(op('equal')(1, '1'));
  t.true(op('notEqual')('a', 'b'));
  t.true(op('greaterThan')(2, 1));
  t.false(op('greaterThan')('2', 1));
  t.true(op('lessThanInclusive')(1, 1));
  t.false(op('lessThan')(NaN, 1));
  t.true(op('greaterThanInclusive')(Infinity, 1e9));
  t.true(op('in')('a', ['a', 'b']));
  t.false(op('in')('a', 'abc'));
  t.true(op('notIn')('c', ['a', 'b']));
  t.false(op('notIn')('c', 'abc'));
  t.true(op('contains')(['x', 'y'], 'y'));
  t.true(op('contains')('hello', 'ell'));
  t.false(op('contains')(5, 5));
  t.true(op('doesNotContain')(['x'], 'y'));
  t.false(op('doesNotContain')(5, 5));
});

test('matches: regex, unanchored, invalid regex is false', (t) => {
  t.true(op('matches')('policy-42', '^policy-\\d+$'));
  t.true(op('matches')('xx-policy-42', 'policy'));
  t.false(op('matches')('abc', '('));
  t.false(op('matches')(42, '4'));
});

test('between: inclusive, both ends numbers', (t) => {
  t.true(op('between')(1, [1, 2]));
  t.true(op('between')(2, [1, 2]));
  t.false(op('between')(2.01, [1, 2]));
  t.false(op('between')(1, [1]));
  t.false(op('between')(1, ['0', 2]));
  t.false(op('between')('1', [0, 2]));
});

test('labelMatch: exact values, ~regex anchored, every label must exist', (t) => {
  const labels = { team: 'policy', node_or_service: 'node-12' };
  t.true(op('labelMatch')(labels, { team: 'policy' }));
  t.true(op('labelMatch')(labels, { node_or_service: '~node-\\d+' }));
  t.false(op('labelMatch')(labels, { node_or_service: '~node' }));
  t.false(op('labelMatch')(labels, { zone: '~.*' }));
  t.false(op('labelMatch')(labels, { team: 1 }));
  t.false(op('labelMatch')(labels, { team: '~(' }));
  t.false(op('labelMatch')(['a'], { team: 'policy' }));
  t.true(op('labelMatch')(labels, {}));
});

test('containsAny and lengthAtLeast', (t) => {
  t.true(op('containsAny')(['a', 'b'], ['c', 'b']));
  t.false(op('containsAny')(['a'], []));
  t.false(op('containsAny')('ab', ['a']));
  t.true(op('lengthAtLeast')([1, 2, 3], 3));
  t.false(op('lengthAtLeast')([1, 2], 3));
  t.true(op('lengthAtLeast')('abc', 2));
  t.false(op('lengthAtLeast')({ length: 5 }, 2));
});
