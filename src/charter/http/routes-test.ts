/** The test-only control API under /api/v1/test/ (off unless enabled; then these routes do not exist). */
import { CharterRequestError } from '../errors.js';
import { FaultAlreadyActiveError } from '../faults.js';
import type { WriteRecord } from '../writes.js';
import type { ClientFaults } from './client-faults.js';
import type { Route } from './router.js';
import { clientFaultBody, faultBody } from './validate.js';

export interface TestControl {
  readonly clientFaults: ClientFaults;
  /** The write log, oldest first (what `mapek knowledge audit` compares the store with). */
  writes(): readonly WriteRecord[];
  /** Drop the idempotency cache and every connection, as a process restart would. State persists. */
  restart(): void;
  /** Back to the seeded world: no faults, no client faults, empty caches and write log. */
  reset(): void;
}

export function testRoutes(control: TestControl): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/api/v1/test/faults',
      write: false,
      handler: (c) => {
        const { kind, subject } = faultBody(c.body);
        try {
          return { status: 201, body: c.world.injectFault(kind, subject, 'test_api') };
        } catch (err) {
          if (err instanceof FaultAlreadyActiveError) throw new CharterRequestError(409, 'fault_already_active', err.message, 'subject');
          throw err;
        }
      },
    },
    { method: 'GET', pattern: '/api/v1/test/faults', write: false, handler: (c) => ({ status: 200, body: c.world.faults.all() }) },
    {
      method: 'DELETE',
      pattern: '/api/v1/test/faults/{id}',
      write: false,
      handler: (c) => {
        const id = c.params['id']!;
        const rec = c.world.clearFault(id, 'test_api');
        if (!rec) throw new CharterRequestError(404, 'fault_not_found', `fault "${id}" does not exist`);
        return { status: 200, body: rec };
      },
    },
    { method: 'GET', pattern: '/api/v1/test/client-faults', write: false, handler: () => ({ status: 200, body: control.clientFaults.config }) },
    { method: 'POST', pattern: '/api/v1/test/client-faults', write: false, handler: (c) => ({ status: 200, body: control.clientFaults.set(clientFaultBody(c.body)) }) },
    { method: 'GET', pattern: '/api/v1/test/writes', write: false, handler: () => ({ status: 200, body: control.writes() }) },
    { method: 'POST', pattern: '/api/v1/test/restart', write: false, handler: () => ({ status: 200, body: { restarted: true }, after: () => control.restart() }) },
    {
      method: 'POST',
      pattern: '/api/v1/test/reset',
      write: false,
      handler: () => {
        control.reset();
        return { status: 200, body: { reset: true } };
      },
    },
  ];
}
