/** encodeLines: the bytes one journal append writes, and each line's length in them. */
import test from 'ava';
import { encodeLines } from '../../../src/knowledge/journal-lines.js';

test('each line is its UTF-8 and a newline, lengths in bytes with the newline', (t) => {
  const lines = ['{"a":1}', '{"name":"Zürich ✓ 日本"}', '', JSON.stringify({ s: '\ud800 lone' })];
  const { bytes, lengths } = encodeLines(lines);
  t.deepEqual(bytes, Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'));
  t.deepEqual(lengths, lines.map((l) => Buffer.from(l, 'utf8').length + 1));
  t.is(lengths[1], Buffer.byteLength('{"name":"Zürich ✓ 日本"}') + 1);
  t.true((lengths[1] as number) > lines[1]!.length + 1, 'multi-byte characters counted as bytes, not characters');
  let at = 0;
  lines.forEach((l, i) => {
    t.is(bytes.subarray(at, at + lengths[i]! - 1).toString('utf8'), l);
    t.is(bytes[at + lengths[i]! - 1], 0x0a);
    at += lengths[i]!;
  });
  t.is(at, bytes.length);
});

test('no lines, no bytes; a long line beyond the buffer pool is whole', (t) => {
  t.is(encodeLines([]).bytes.length, 0);
  const long = 'x'.repeat(100_000) + 'é';
  const { bytes, lengths } = encodeLines([long, 'tail']);
  t.deepEqual(lengths, [100_003, 5]);
  t.is(bytes.toString('utf8'), `${long}\ntail\n`);
});
