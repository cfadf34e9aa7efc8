import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYaml, type FieldPath, type ParsedYaml } from '../../../src/rules/yaml.js';

/** Every path in a parsed value, plus one missing child under each container. */
function paths(v: unknown, at: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [at];
  if (Array.isArray(v)) {
    v.forEach((x, i) => out.push(...paths(x, [...at, i])));
    out.push([...at, v.length, 'missing']);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
    out.push([...at, 'no-such-key', 0]);
  }
  return out;
}

function parse(text: string, file: string, shallowDepth?: number): ParsedYaml {
  const r = parseYaml(text, file, shallowDepth === undefined ? {} : { shallowDepth });
  if (!r.ok) throw new Error(`${file}: ${r.issues[0]?.message}`);
  return r;
}

const FILES = ['fixtures', 'rules'].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f)));

test('the lazy position map locates every path exactly as the full tree does (shipped rules and fixtures)', (t) => {
  t.true(FILES.length >= 15);
  let compared = 0;
  for (const file of FILES) {
    const text = readFileSync(file, 'utf8');
    const eager = parse(text, file, Infinity);
    // Depth 1 builds almost everything lazily; the default answers top-level items from the first parse.
    for (const lazy of [parse(text, file), parse(text, file, 1), parse(text, file, 3)]) {
      for (const p of paths(eager.value)) {
        t.deepEqual(lazy.locate(p), eager.locate(p), `${file} ${JSON.stringify(p)}`);
        t.deepEqual(lazy.locateKey(p), eager.locateKey(p), `${file} key ${JSON.stringify(p)}`);
        compared++;
      }
    }
  }
  t.true(compared > 3000);
});

test('lazy and full trees agree on plain scalars in block context, comments and nulls', (t) => {
  const text = 'a:\n  # c\n  - x\n  -\n  - { y: [1, 2], z: null }\n  - - deep\n    - er\nb: |\n  text\nc: plain\n';
  const eager = parse(text, 't.yaml', Infinity);
  for (const d of [1, 2, 3, 4, 5]) {
    const lazy = parse(text, 't.yaml', d);
    for (const p of paths(eager.value)) t.deepEqual(lazy.locate(p), eager.locate(p), `depth ${d} ${JSON.stringify(p)}`);
  }
  t.deepEqual(parse(text, 't.yaml').locate(['a', 3, 1]), { line: 7, column: 7 });
  t.deepEqual(parse(text, 't.yaml').locate(['a', 2, 'y', 1]), { line: 5, column: 14 });
  t.deepEqual(parse(text, 't.yaml').locate(['a', 1]), { line: 3, column: 3 });
});
