/** The public Charter API (docs/CHARTER_API.md). */
import type client from 'prom-client';
import { checkPreconditions, etag, ifMatchOf } from './concurrency.js';
import type { Ctx, Reply, Route } from './router.js';
import { applyPolicyRequest, committeeBody, settingsBody, targetBody, violationQuery } from './validate.js';

const SETTINGS_ID = 'settings';

function versioned(body: { id?: string; version: number }, id: string, status = 200, applied?: boolean): Reply {
  return { status, body, headers: { ETag: etag(id, body.version) }, ...(applied !== undefined ? { applied } : {}) };
}

function getPolicy(ctx: Ctx): Reply {
  const p = ctx.world.getPolicy(ctx.params['id']!);
  return versioned(p, p.id);
}

function applyPolicy(ctx: Ctx): Reply {
  const req = applyPolicyRequest(ctx.body);
  const cur = ctx.world.getPolicy(req.policyId, 'policyId');
  checkPreconditions(`policy "${cur.id}"`, etag(cur.id, cur.version), cur.version, ifMatchOf(ctx.headers), req.expectedVersion);
  const { policy, created } = ctx.world.applyPolicy(req, ctx.writeId);
  return versioned(policy, policy.id, created ? 201 : 200, created);
}

function putTarget(ctx: Ctx): Reply {
  const id = ctx.params['id']!;
  const body = targetBody(ctx.body);
  const cur = ctx.world.getTarget(id);
  checkPreconditions(`target "${id}"`, etag(id, cur.version), cur.version, ifMatchOf(ctx.headers));
  const { target, changed } = ctx.world.setTarget(id, body, ctx.writeId);
  return versioned(target, id, 200, changed);
}

function putCommittee(ctx: Ctx): Reply {
  const id = ctx.params['id']!;
  const body = committeeBody(ctx.body);
  const cur = ctx.world.getCommittee(id);
  checkPreconditions(`committee "${id}"`, etag(id, cur.version), cur.version, ifMatchOf(ctx.headers));
  const { committee, changed } = ctx.world.setCommittee(id, body, ctx.writeId);
  return versioned(committee, id, 200, changed);
}

function putSettings(ctx: Ctx): Reply {
  const body = settingsBody(ctx.body);
  const cur = ctx.world.getSettings();
  checkPreconditions('the settings', etag(SETTINGS_ID, cur.version), cur.version, ifMatchOf(ctx.headers));
  const { settings, changed } = ctx.world.setSettings(body, ctx.writeId);
  return versioned(settings, SETTINGS_ID, 200, changed);
}

export function apiRoutes(registry: client.Registry): Route[] {
  return [
    { method: 'GET', pattern: '/healthz', write: false, handler: () => ({ status: 200, body: { status: 'ok' } }) },
    { method: 'GET', pattern: '/metrics', write: false, handler: async () => ({ status: 200, text: await registry.metrics(), headers: { 'Content-Type': registry.contentType } }) },
    { method: 'GET', pattern: '/api/v1/policies', write: false, handler: (c) => ({ status: 200, body: c.world.listPolicies() }) },
    { method: 'POST', pattern: '/api/v1/policies', write: true, handler: applyPolicy },
    { method: 'POST', pattern: '/api/v1/policies/reload', write: true, handler: (c) => ({ status: 200, body: c.world.reload(c.writeId), applied: true }) },
    { method: 'GET', pattern: '/api/v1/policies/{id}', write: false, handler: getPolicy },
    {
      method: 'GET',
      pattern: '/api/v1/violations',
      write: false,
      handler: (c) => {
        const { query, limit } = violationQuery(c.query);
        return { status: 200, body: c.world.violations(query, limit) };
      },
    },
    { method: 'GET', pattern: '/api/v1/targets', write: false, handler: (c) => ({ status: 200, body: c.world.listTargets() }) },
    { method: 'GET', pattern: '/api/v1/targets/{id}', write: false, handler: (c) => versioned(c.world.getTarget(c.params['id']!), c.params['id']!) },
    { method: 'PUT', pattern: '/api/v1/targets/{id}', write: true, handler: putTarget },
    { method: 'GET', pattern: '/api/v1/committees', write: false, handler: (c) => ({ status: 200, body: c.world.listCommittees() }) },
    { method: 'GET', pattern: '/api/v1/committees/{id}', write: false, handler: (c) => versioned(c.world.getCommittee(c.params['id']!), c.params['id']!) },
    { method: 'PUT', pattern: '/api/v1/committees/{id}', write: true, handler: putCommittee },
    { method: 'GET', pattern: '/api/v1/settings', write: false, handler: (c) => versioned(c.world.getSettings(), SETTINGS_ID) },
    { method: 'PUT', pattern: '/api/v1/settings', write: true, handler: putSettings },
  ];
}
