import test from 'ava';
import { isTemplate, lookupIn, parseTemplate, renderTemplate, templateRefs } from '../../../src/rules/template.js';

const facts = { subject: { kind: 'policy', id: 'pol-a' }, rate: 2.5, list: ['x', 'y'], nothing: null };

test('references are a fact and an optional dotted path', (t) => {
  t.deepEqual(templateRefs('{{subject.id}} at {{ rate }}'), ['subject', 'rate']);
  t.deepEqual(templateRefs('plain'), []);
  t.deepEqual(parseTemplate('a {{ list.1 }} b'), {
    ok: true,
    parts: [{ text: 'a ' }, { ref: { fact: 'list', path: ['1'], source: '{{ list.1 }}' } }, { text: ' b' }],
  });
});

test('expressions, filters and unclosed templates are rejected with the template quoted', (t) => {
  t.deepEqual(parseTemplate('{{ a + b }}'), { ok: false, error: 'invalid template "{{ a + b }}": only {{ fact }} or {{ fact.path }} is allowed (no expressions or filters)' });
  t.deepEqual(parseTemplate('{{ a | upper }}'), { ok: false, error: 'invalid template "{{ a | upper }}": only {{ fact }} or {{ fact.path }} is allowed (no expressions or filters)' });
  t.deepEqual(parseTemplate('x {{ a'), { ok: false, error: 'unclosed template "{{ a": expected "}}"' });
  t.deepEqual(templateRefs('{{ a + b }}'), []);
});

test('a lone reference renders to the raw value; mixed text renders to a string', (t) => {
  const look = lookupIn(facts);
  t.is(renderTemplate('{{rate}}', look), 2.5);
  t.deepEqual(renderTemplate('{{ list }}', look), ['x', 'y']);
  t.is(renderTemplate('{{subject.id}}: {{rate}}/s', look), 'pol-a: 2.5/s');
  t.is(renderTemplate('[{{nothing}}][{{missing.x}}] {{list}}', look), '[][] ["x","y"]');
  t.is(renderTemplate('no template', look), 'no template');
  t.is(renderTemplate('{{ bad + }}', look), '{{ bad + }}');
  t.is(renderTemplate('{{subject.id.deeper}}', look), undefined);
  t.true(isTemplate('{{x}}'));
  t.false(isTemplate('{x}'));
});

test('lookupIn walks own properties only', (t) => {
  const look = lookupIn(facts);
  t.is(look('subject', ['constructor']), undefined);
  t.is(look('toString', []), undefined);
  t.is(look('list', ['0']), 'x');
});
