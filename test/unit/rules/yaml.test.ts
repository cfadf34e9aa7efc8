import test from 'ava';
import { parseYaml } from '../../../src/rules/yaml.js';

const TEXT = `# comment
apiVersion: mapek/v1
conditions:
  crit: { all: [ { fact: alertnames, operator: contains, value: X } ] }
rules:
  - id: a
    # a comment between keys
    priority: 80
    alerts: [A, B]
    empty:
    list:
      - x
      -
      - y: 1
        z: [1, {q: 2}]
    multi: |
      hello
  - id: b
`;

function parsed() {
  const r = parseYaml(TEXT, 'f.yaml');
  if (!r.ok) throw new Error('parse failed');
  return r;
}

test('values and keys are located exactly, in block and flow style', (t) => {
  const r = parsed();
  t.deepEqual(r.locate([]), { line: 2, column: 1 });
  t.deepEqual(r.locate(['apiVersion']), { line: 2, column: 13 });
  t.deepEqual(r.locateKey(['apiVersion']), { line: 2, column: 1 });
  t.deepEqual(r.locate(['conditions', 'crit', 'all', 0]), { line: 4, column: 18 });
  t.deepEqual(r.locateKey(['conditions', 'crit', 'all', 0, 'operator']), { line: 4, column: 38 });
  t.deepEqual(r.locate(['conditions', 'crit', 'all', 0, 'operator']), { line: 4, column: 48 });
  t.deepEqual(r.locate(['rules', 0]), { line: 6, column: 5 });
  t.deepEqual(r.locate(['rules', 0, 'priority']), { line: 8, column: 15 });
  t.deepEqual(r.locate(['rules', 0, 'alerts', 1]), { line: 9, column: 17 });
  t.deepEqual(r.locate(['rules', 0, 'list', 0]), { line: 12, column: 9 });
  t.deepEqual(r.locate(['rules', 0, 'list', 2, 'z', 1, 'q']), { line: 15, column: 20 });
  t.deepEqual(r.locateKey(['rules', 0, 'list', 2, 'z', 1, 'q']), { line: 15, column: 17 });
  t.deepEqual(r.locate(['rules', 0, 'multi']), { line: 16, column: 12 });
  t.deepEqual(r.locate(['rules', 1, 'id']), { line: 18, column: 9 });
});

test('a missing path falls back to the nearest existing ancestor', (t) => {
  const r = parsed();
  t.deepEqual(r.locate(['rules', 1, 'nope', 'deeper']), { line: 18, column: 5 });
  t.deepEqual(r.locate(['rules', 7]), { line: 6, column: 3 });
  t.deepEqual(r.locate(['rules', 0, 'list', 1]), { line: 12, column: 7 });
});

test('the parsed value is the plain js-yaml value', (t) => {
  const r = parsed();
  const v = r.value as { rules: { list: unknown[]; multi: string }[] };
  t.deepEqual(v.rules[0]?.list, ['x', null, { y: 1, z: [1, { q: 2 }] }]);
  t.is(v.rules[0]?.multi, 'hello\n');
});

test('a syntax error is an issue with 1-based line and column', (t) => {
  const r = parseYaml('a: 1\nb: [1,\n', 'x.yaml');
  t.false(r.ok);
  if (r.ok) return;
  t.deepEqual(r.issues, [{ file: 'x.yaml', line: 3, column: 1, path: '', message: 'invalid yaml: unexpected end of the stream within a flow collection' }]);
});

test('duplicate keys are syntax errors', (t) => {
  const r = parseYaml('a: 1\na: 2\n', 'd.yaml');
  t.false(r.ok);
  if (r.ok) return;
  t.is(r.issues[0]?.message, 'invalid yaml: duplicated mapping key');
  t.is(r.issues[0]?.line, 2);
});

test('unsafe tags are rejected (safe schema)', (t) => {
  const r = parseYaml('a: !!js/function "function () {}"\n', 'u.yaml');
  t.false(r.ok);
});

test('empty text parses to undefined and locates at 0', (t) => {
  const r = parseYaml('', 'e.yaml');
  t.true(r.ok);
  if (!r.ok) return;
  t.is(r.value, undefined);
  t.deepEqual(r.locate(['x']), { line: 1, column: 1 });
});
