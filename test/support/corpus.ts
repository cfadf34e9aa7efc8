/**
 * Reads the committed payload corpus (test/data/alertmanager/, test/data/prometheus/),
 * captured from the real binaries by scripts/capture-corpus.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../src/app/stack/index.js';

export interface CorpusDelivery {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly answered: number;
  readonly body: Record<string, unknown>;
}

export interface CorpusApiAnswer {
  readonly query: string;
  readonly status: number;
  /** The Date header of the answer. */
  readonly date: string;
  readonly body: unknown;
}

export interface AlertmanagerScenario {
  readonly scenario: string;
  readonly about: string;
  readonly alertmanager: string;
  readonly deliveries: readonly CorpusDelivery[];
  readonly api: readonly CorpusApiAnswer[];
}

export interface PrometheusCapture {
  readonly prometheus: string;
  readonly name: string;
  readonly request: { readonly path: string; readonly params: Readonly<Record<string, string>> };
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export const AM_SCENARIOS = ['truncation', 'group-by-all', 'inhibition', 'silence', 'repeat', 'retry-after-500', 'mixed', 'posted-by-hand', 'api-all'] as const;
export type AmScenarioName = (typeof AM_SCENARIOS)[number];

export function amScenario(name: AmScenarioName): AlertmanagerScenario {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/data/alertmanager', `${name}.json`), 'utf8')) as AlertmanagerScenario;
}

export function promCapture(name: string): PrometheusCapture {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/data/prometheus', `${name}.json`), 'utf8')) as PrometheusCapture;
}
