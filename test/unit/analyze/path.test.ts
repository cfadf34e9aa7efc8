import test from 'ava';
import { compilePath, pathResolver, resolvePath } from '../../../src/analyze/path.js';

test('plain paths: names, indices, quoted names', (t) => {
  t.deepEqual(compilePath('$.a.b'), ['a', 'b']);
  t.deepEqual(compilePath('$.a[0].c'), ['a', 0, 'c']);
  t.deepEqual(compilePath('$.labels["node-or-x"]'), ['labels', 'node-or-x']);
});

test('unsupported JSONPath is rejected with the message of the rule loader', (t) => {
  const err = t.throws(() => compilePath('$..a'));
  t.is(err?.message, 'unsupported path "$..a": use $.a.b, $.a[0] or $.a["x-y"] (no wildcards, filters or ..)');
  t.is(err?.name, 'PathSyntaxError');
});

test('resolution walks own properties only; absent → undefined; non-object facts unchanged', (t) => {
  const v = { a: { b: [10, { c: 'x' }] } };
  t.is(resolvePath(v, ['a', 'b', 1, 'c']), 'x');
  t.is(resolvePath(v, ['a', 'z']), undefined);
  t.is(resolvePath(v, ['a', 'b', 5]), undefined);
  t.is(resolvePath(v, ['constructor']), undefined);
  t.is(resolvePath(v, ['a', 'b', 0, 'c']), undefined);
  t.is(resolvePath(7, ['a']), 7);
  t.is(resolvePath(null, ['a']), null);
  t.is(pathResolver({ a: [1, 2] }, '$.a[1]'), 2);
  t.is(pathResolver({ a: [1, 2] }, '$.a[1]'), 2); // memoised path
});
