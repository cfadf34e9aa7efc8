/**
 * The validators ajv generates at build time (scripts/build-validators.js) are the ones the
 * program uses, they check exactly what a run-time compile checks, and an edited schema is
 * never checked by stale generated code.
 */
import test from 'ava';
import { Ajv } from 'ajv';
import { recordSchemaSpecs } from '../../../src/knowledge/record-schemas.js';
import { fixtureSchemaSpec } from '../../../src/monitor/fixture-schema.js';
import { rulesSchemaSpec } from '../../../src/rules/schema.js';
import { loadValidator, type SchemaSpec } from '../../../src/validation/precompiled.js';

const specs = (): SchemaSpec[] => [rulesSchemaSpec(), fixtureSchemaSpec(), ...recordSchemaSpecs()];

const INPUTS: readonly unknown[] = [
  {},
  [],
  'text',
  null,
  { unknownKey: 1 },
  { version: 'x', rules: [{ id: 3, when: [] }] },
  { name: 'f', steps: [{ at: 'soon', alerts: [{ name: 3, labels: 'x' }], metrics: { nope: 1 } }] },
  { id: 1, cycleId: 'c', at: 5, incidentId: 'i', subject: { kind: 'policy' }, alerts: ['a', 2], chosen: [{ rule: 'r' }], unrecordedBefore: { cycles: 0, refused: ['nope'] } },
  { key: 'k', status: 'blocked', guard: 'not-a-guard', attempts: -1, action: { type: 'rollback_policy' } },
];

test('after the build every schema is checked by its generated validator', (t) => {
  for (const s of specs()) t.is(loadValidator(s).source, 'generated', s.name);
});

test('a generated validator and a run-time compile of the same schema agree on every input, errors included', (t) => {
  for (const s of specs()) {
    const generated = loadValidator(s).validate;
    const compiled = new Ajv(s.options).compile(s.schema);
    for (const input of INPUTS) {
      const a = generated(input);
      const b = compiled(input);
      t.is(a, b, `${s.name}: ${JSON.stringify(input)}`);
      t.is(JSON.stringify(generated.errors), JSON.stringify(compiled.errors), `${s.name}: ${JSON.stringify(input)}`);
    }
  }
});

test('an edited schema is compiled at run time, not checked by the generated code made from the old one', (t) => {
  const spec = fixtureSchemaSpec();
  const schema = spec.schema as { required: string[]; properties: Record<string, unknown> };
  const edited: SchemaSpec = { ...spec, schema: { ...schema, required: [...schema.required, 'owner'], properties: { ...schema.properties, owner: { type: 'string' } } } };
  const v = loadValidator(edited);
  t.is(v.source, 'compiled');
  t.false(v.validate({ name: 'f', steps: [{ at: '+0s' }] }));
  t.true((v.validate.errors ?? []).some((e) => e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'owner'));
  t.is(loadValidator({ ...spec, options: { ...spec.options, allErrors: false } }).source, 'compiled', 'other options: other code');
});
