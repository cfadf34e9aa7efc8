import test from 'ava';
import { checkGraph, templateStrings, type GraphRule } from '../../../src/rules/graph.js';

const r = (id: string, priority: number, reads: string[], derives: string[], subjects?: string[]): GraphRule => ({
  id, priority, reads: new Set(reads), derives: new Set(derives), ...(subjects ? { subjects } : {}),
});

test('a rule reading its own derivation is a one-rule cycle', (t) => {
  const report = checkGraph([r('a', 5, ['x'], ['x'])]);
  t.deepEqual(report.cycles, [{ rules: [0], facts: ['x'] }]);
  t.deepEqual(report.inversions, []);
});

test('a three-rule cycle is reported once with its facts', (t) => {
  const report = checkGraph([r('a', 5, ['z'], ['x']), r('b', 4, ['x'], ['y']), r('c', 3, ['y'], ['z']), r('d', 1, ['z'], ['w'])]);
  t.deepEqual(report.cycles, [{ rules: [0, 1, 2], facts: ['x', 'y', 'z'] }]);
  t.deepEqual(report.inversions, []);
});

test('inversions and ties, but not between rules for disjoint subjects', (t) => {
  const report = checkGraph([
    r('w', 10, [], ['f'], ['policy']),
    r('hi', 20, ['f'], [], ['policy']),
    r('same', 10, ['f'], []),
    r('other-kind', 30, ['f'], [], ['target']),
  ]);
  t.deepEqual(report.inversions, [{ reader: 1, writer: 0, fact: 'f' }]);
  t.deepEqual(report.ties, [{ reader: 2, writer: 0, fact: 'f' }]);
  t.deepEqual(report.cycles, []);
});

test('templateStrings collects strings from nested values', (t) => {
  t.deepEqual(templateStrings({ a: 'x', b: [1, 'y', { c: 'z' }], d: null }), ['x', 'y', 'z']);
});
