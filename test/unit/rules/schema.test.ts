import test from 'ava';
import { ACTION_TYPES } from '../../../src/types/catalog.js';
import { OPERATOR_NAMES } from '../../../src/types/operators.js';
import { rulesSchema } from '../../../src/rules/schema.js';

type Obj = Record<string, unknown>;
const defs = (): Obj => rulesSchema()['definitions'] as Obj;

test('the schema enums equal the code vocabularies, so they cannot drift', (t) => {
  const leaf = defs()['conditionTest'] as { properties: { operator: { enum: string[] } } };
  t.deepEqual(leaf.properties.operator.enum, [...OPERATOR_NAMES]);
  const action = defs()['action'] as { properties: { type: { enum: string[] }; risk: { enum: string[] } } };
  t.deepEqual(action.properties.type.enum, [...ACTION_TYPES]);
  t.deepEqual(action.properties.risk.enum, ['low', 'medium', 'high']);
});

test('every property in the schema has a description (editors show it while typing)', (t) => {
  const missing: string[] = [];
  const visit = (node: unknown, where: string): void => {
    if (node === null || typeof node !== 'object') return;
    const props = (node as Obj)['properties'];
    if (props !== null && typeof props === 'object') {
      for (const [k, v] of Object.entries(props as Obj)) {
        const d = (v as Obj)['description'];
        const ref = (v as Obj)['$ref'];
        const target = typeof ref === 'string' ? defs()[ref.replace('#/definitions/', '')] : undefined;
        if (typeof d !== 'string' && typeof (target as Obj | undefined)?.['description'] !== 'string') missing.push(`${where}.${k}`);
      }
    }
    for (const [k, v] of Object.entries(node as Obj)) visit(v, `${where}.${k}`);
  };
  visit(rulesSchema(), '#');
  t.deepEqual(missing, []);
});
