import test from 'ava';
import { parseDuration } from '../../../src/rules/duration.js';
import { parseFactPath, resolvePath } from '../../../src/rules/fact-path.js';

test('the plain JSONPath subset parses into segments', (t) => {
  t.deepEqual(parseFactPath('$.a.b'), { ok: true, segments: ['a', 'b'] });
  t.deepEqual(parseFactPath('$.a[0]'), { ok: true, segments: ['a', 0] });
  t.deepEqual(parseFactPath('$.a["x-y"].c'), { ok: true, segments: ['a', 'x-y', 'c'] });
});

test('anything else is rejected with the supported forms', (t) => {
  for (const p of ['$', 'a.b', '$..a', '$.a[*]', '$.a[?(@.x)]', '$.a[0:2]', "$.a['x']", '$.1a']) {
    t.deepEqual(parseFactPath(p), { ok: false, error: `unsupported path "${p}": use $.a.b, $.a[0] or $.a["x-y"] (no wildcards, filters or ..)` }, p);
  }
});

test('resolvePath follows own properties and indices', (t) => {
  const v = { a: { b: [10, 20] } };
  t.is(resolvePath(v, ['a', 'b', 1]), 20);
  t.is(resolvePath(v, ['a', 'c']), undefined);
  t.is(resolvePath(v, ['a', 'b', 1, 'x']), undefined);
  t.is(resolvePath(v, ['constructor']), undefined);
});

test('durations compile to milliseconds', (t) => {
  t.is(parseDuration('500ms'), 500);
  t.is(parseDuration('20s'), 20_000);
  t.is(parseDuration('10m'), 600_000);
  t.is(parseDuration('2h'), 7_200_000);
  t.is(parseDuration('1.5m'), null);
  t.is(parseDuration('10 minutes'), null);
});
